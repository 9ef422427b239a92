"""The review sheet: the bilingual table a medical reviewer prints, checks and signs.

A qualified medical translator signs off a translation on paper: every message
the language's PDFs print, its English beside its translation, with the
translator's note, the glossary terms it uses, its review state (new, changed
since the last review, or reviewed as it stands) and room for remarks; then a
block to sign. ``render_review_sheet`` is a pure function of the project, the
language, its catalog, its review stamp and the glossary: it renders
``templates/review-sheet.html`` as tagged PDF/UA-1 with the same care as a
handout (the language's fonts, no missing glyphs, only files under templates/,
the same bytes from the same inputs). The signature is then recorded with
``build_pdfs.py review LANG --reviewer NAME``.
"""

from __future__ import annotations

import datetime
import gettext
import hashlib
import re
from dataclasses import dataclass

import jinja2
from babel.dates import format_date
from babel.messages.catalog import Message

from .catalogs import TranslationCatalog, is_page_message, is_translated
from .editions import Paper
from .errors import HandoutsError
from .glossary import Glossary, Term
from .fonts import require_fonts
from .languages import Language
from .project import Project
from .review import ReviewStamp, fingerprint, message_key
from .writing_systems import stylesheet_for

TEMPLATE = "review-sheet.html"
STYLESHEET = "review-sheet.css"
BASE_FONT_PT = 9.5
# The table's column of translations (from 0), tagged with the language's /Lang.
TRANSLATION_COLUMN = 2

# A message's state on the sheet, keyed as the template's classes are.
STATES = {
    "new": "New",
    "changed": "Changed since review",
    "reviewed": "Reviewed",
    "untranslated": "Not translated",
}


@dataclass(frozen=True)
class Form:
    """One text of a message (one plural form, or the only one), with its label."""

    text: str
    label: str = ""  # "singular", "form 2 (n = 2, 3, 4 …)"; empty for a message without plurals


@dataclass(frozen=True)
class Row:
    """One message as the sheet shows it."""

    number: int
    line: int | None  # the line of its msgid in the catalog
    english: tuple[Form, ...]
    translation: tuple[Form, ...]  # empty when not translated
    note: str  # the translator's note: the message's #. comments
    terms: tuple[Term, ...]
    state: str  # a key of STATES
    fuzzy: bool


def terms_in(english: str, glossary: Glossary | None) -> tuple[Term, ...]:
    """The glossary terms that occur in ``english`` (see glossary.Term.occurs_in)."""
    return tuple(term for term in glossary.terms if term.occurs_in(english)) if glossary else ()


def message_state(message: Message, stamp: ReviewStamp | None) -> str:
    """The message's state against the language's review stamp (a key of STATES)."""
    if not is_translated(message):
        return "untranslated"
    if stamp is None:
        return "new"
    reviewed = stamp.fingerprints.get(message_key(message))
    return "reviewed" if reviewed == fingerprint(message) else "changed"


def sheet_rows(catalog: TranslationCatalog,
               stamp: ReviewStamp | None,
               glossary: Glossary | None = None) -> list[Row]:
    """Every printed message of the catalog, as the sheet's rows: not its header,
    nor the download page's words, which no review covers (review.py)."""
    plural_labels = _plural_labels(catalog)
    rows = []
    for message in catalog.messages:
        if not message.id or is_page_message(message):
            continue
        if isinstance(message.id, (tuple, list)):
            english = (Form(message.id[0], "singular"), Form(message.id[1], "plural"))
            strings = message.string if isinstance(message.string, (tuple, list)) else ()
            translation = tuple(Form(text, label) for text, label in zip(strings, plural_labels))
        else:
            english = (Form(message.id),)
            translation = (Form(message.string),)
        if not any(form.text for form in translation):
            translation = ()
        rows.append(Row(
            number=len(rows) + 1, line=message.lineno, english=english, translation=translation,
            note=" ".join(message.auto_comments), state=message_state(message, stamp),
            terms=terms_in(" ".join(form.text for form in english), glossary),
            fuzzy=message.fuzzy))
    return rows


def _plural_labels(catalog: TranslationCatalog) -> list[str]:
    """"form 1 (n = 1, 21, 31 …)", … for each plural form of the catalog's language."""
    count = catalog.messages.num_plurals
    try:
        rule = gettext.c2py(catalog.messages.plural_expr)
    except (ValueError, TypeError):
        return [f"form {i + 1}" for i in range(count)]
    examples: list[list[int]] = [[] for _ in range(count)]
    for n in range(1000):
        index = rule(n)
        if 0 <= index < count and len(examples[index]) < 4:
            examples[index].append(n)
    labels = []
    for i, numbers in enumerate(examples):
        shown = ", ".join(map(str, numbers[:3])) + (" …" if len(numbers) > 3 else "")
        labels.append(f"form {i + 1} (n = {shown})" if numbers else f"form {i + 1}")
    return labels


def catalog_revised(catalog: TranslationCatalog) -> datetime.date | None:
    """The date of the catalog's PO-Revision-Date header, if it gives one."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", catalog.headers.get("PO-Revision-Date", ""))
    try:
        return datetime.date(*map(int, match.groups())) if match else None
    except ValueError:
        return None


def render_review_sheet(project: Project, language: Language, catalog: TranslationCatalog,
                        stamp: ReviewStamp | None, paper: Paper,
                        glossary: Glossary | None = None) -> bytes:
    """The review sheet of ``language``'s ``catalog`` as tagged PDF/UA-1 bytes.

    ``stamp`` is the language's review stamp (None if it was never reviewed),
    ``glossary`` its glossary terms. The same arguments give the same bytes: the
    sheet's date is the catalog's revision date (or the handouts'), its ID
    comes from its content.
    """
    from .render import _parsed_css, apply_line_break_rules, handout_title, html_to_pdf
    from .tagging import table_column_language

    require_fonts(project.source_language.writing)
    require_fonts(language.writing)
    html = review_sheet_html(project, language, catalog, stamp, glossary,
                             titles=[handout_title(h, project.source_language)
                                     for h in project.handouts.values()])
    html = apply_line_break_rules(html, language)
    css = [(project.templates_dir / STYLESHEET).read_text(encoding="utf-8"),
           stylesheet_for(project.source_language.writing, BASE_FONT_PT),
           stylesheet_for(language.writing, BASE_FONT_PT, selector=".in-language"),
           f"@page {{ size: {paper.css_size} landscape; }}\n"]
    identifier = hashlib.sha256("\0".join([html, *css]).encode("utf-8")).hexdigest()[:32]
    data, _document = html_to_pdf(html, [_parsed_css(sheet, project.templates_dir) for sheet in css],
                                  project.templates_dir / TEMPLATE, project.templates_dir,
                                  language, identifier)
    return table_column_language(data, TRANSLATION_COLUMN, language.code)


def review_sheet_html(project: Project, language: Language, catalog: TranslationCatalog,
                      stamp: ReviewStamp | None, glossary: Glossary | None,
                      titles: list[str]) -> str:
    """The review sheet as HTML: every catalog text escaped, never read as markup."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(project.templates_dir),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["date_long"] = lambda date: format_date(date, format="long", locale="en")
    rows = sheet_rows(catalog, stamp, glossary)
    revised = catalog_revised(catalog)
    try:
        path = catalog.path.relative_to(project.root)
    except ValueError:
        path = catalog.path
    counts = {state: sum(1 for row in rows if row.state == state) for state in STATES}
    try:
        return env.get_template(TEMPLATE).render(
            title=" / ".join(titles), language=language, catalog_path=path,
            revised=revised, created=revised or max(h.revised for h in project.handouts.values()),
            organisation=project.organisation, rows=rows, counts=counts, states=STATES,
            stamp=stamp)
    except jinja2.TemplateSyntaxError as error:
        raise HandoutsError(f"template error: {error.message}",
                            path=project.templates_dir / (error.name or TEMPLATE),
                            line=error.lineno, fix="correct the Jinja2 syntax at that line") from None
