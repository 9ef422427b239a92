"""Render one handout in one language, edition and paper: template to HTML to PDF.

``render_pdf`` is a pure function of its arguments and the files they name (the
template, the stylesheets, the catalog, the fonts): the same inputs give the same
bytes, so jobs can run in any order, in parallel, or be skipped when unchanged.
The stages are separate functions: translations (translations.py), HTML,
stylesheets, PDF, and the tagging fix-up (tagging.py).
"""

from __future__ import annotations

import datetime
import functools
import gettext
import hashlib
import re
import traceback
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import jinja2
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup

from .catalogs import TranslationCatalog, read_catalog
from .editions import Edition, Paper, PrintShop
from .errors import HandoutsError
from .glyphs import BrokenClusterError, MissingGlyphsError, missing_glyphs
from .languages import Language
from .project import Handout
from .site_link import site_link
from .review import SOURCE, ReviewState, read_stamp, review_state, stamp_path
from .fonts import require_fonts
from .word_breaks import keep_words_whole, mark_word_breaks
from .writing_systems import DICTIONARY_BREAKS, stylesheet_for
from .markup import PAGE, PAGES
from .translations import load_translations, localized_gettext, primary

# PAGE and PAGES (markup.py) stand for the page counters inside the translated
# "Page X of Y", which css_counter_string turns into CSS counter() calls. The
# sanitiser removes them from translations and the private-use check refuses
# them, so only the template puts them there.

# CLDR numbering systems: the CSS counter style that writes page numbers in
# them (WeasyPrint predefines these), and their digit zero, so that dates use
# the same digits as page numbers. Unicode encodes each set's ten digits in a
# row from zero.
NUMBERING_SYSTEMS = {
    "latn": ("decimal", "0"),
    "arab": ("arabic-indic", "\u0660"),
    "arabext": ("persian", "\u06f0"),
    "beng": ("bengali", "\u09e6"),
    "deva": ("devanagari", "\u0966"),
    "gujr": ("gujarati", "\u0ae6"),
    "guru": ("gurmukhi", "\u0a66"),
    "khmr": ("khmer", "\u17e0"),
    "laoo": ("lao", "\u0ed0"),
    "mymr": ("myanmar", "\u1040"),
    "thai": ("thai", "\u0e50"),
    "tibt": ("tibetan", "\u0f20"),
}


def numbering(locale: str) -> tuple[str, str]:
    """The CSS counter style and the ten digits ``locale`` writes numbers in."""
    counter_style, zero = NUMBERING_SYSTEMS.get(_numbering_system(locale),
                                                NUMBERING_SYSTEMS["latn"])
    return counter_style, "".join(chr(ord(zero) + value) for value in range(10))


@dataclass(frozen=True)
class RenderedPDF:
    """The bytes of one PDF and what the manifest needs to know of them."""

    data: bytes
    pages: int
    title: str


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory, keyed by their source's checksum.

    Each render has its own environment (its own language); this spares each
    one compiling the same templates again. A changed template has another
    checksum, so it is compiled afresh.
    """

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED_TEMPLATES = _CompiledTemplates()


def make_environment(handout: Handout, language: Language,
                     translations: gettext.NullTranslations,
                     bilingual: bool = False) -> jinja2.Environment:
    """A Jinja2 environment that renders templates in ``language`` (with
    ``bilingual``, each message followed by its English)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(handout.templates_dir),
        bytecode_cache=_COMPILED_TEMPLATES,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations, newstyle=True)
    counter_style = numbering(language.locale)[0]
    date_long = partial(written_date, locale=language.locale)

    def localize(value, english: bool):
        """A message's variable as the message's language writes it (a date, say)."""
        if isinstance(value, datetime.date):
            return written_date(value, "en") if english else date_long(value)
        return value

    # In place of the i18n extension's own: they fill variables in one language only.
    env.globals.update(localized_gettext(translations, localize, bilingual))
    env.filters["date_long"] = date_long
    env.filters["css_counter_string"] = partial(css_counter_string, counter_style=counter_style)
    env.filters["primary"] = primary
    env.globals.update(
        PAGE=PAGE, PAGES=PAGES, language=language, handout=handout,
        site_link=site_link(handout.site_url, handout.slug, language.code),
        organisation=handout.organisation, helpline=handout.helpline,
        # A tel: link, so the number can be called from the PDF on a phone.
        helpline_link=Markup('<a href="tel:+1{}">{}</a>').format(
            re.sub(r"\D", "", handout.helpline).removeprefix("1"), handout.helpline))
    return env


def render_html(handout: Handout, language: Language, edition: Edition, paper: Paper,
                incomplete: bool = False, catalog: TranslationCatalog | None = None,
                review: ReviewState | None = None) -> str:
    """The handout as an HTML document in ``language``.

    ``incomplete`` marks a catalog below the publication gate: what is not
    translated is highlighted, and every page says the translation is incomplete.
    ``catalog`` is the language's catalog and ``review`` its review state, if
    known already; otherwise they are read from the catalog and its stamp.
    """
    if catalog is None and language.catalog is not None:
        catalog = read_catalog(language.catalog, language.locale)
    if review is None:
        review = SOURCE if catalog is None else review_state(
            catalog, read_stamp(stamp_path(catalog.path)))
    translations = load_translations(language, catalog, highlight=incomplete)
    env = make_environment(handout, language, translations, bilingual=edition.bilingual)
    try:
        template = env.get_template(handout.template)
        html = template.render(edition=edition, paper=paper, incomplete=incomplete, review=review)
    except jinja2.TemplateSyntaxError as error:
        raise HandoutsError(f"template error: {error.message}",
                            path=handout.templates_dir / (error.name or handout.template),
                            line=error.lineno, fix="correct the Jinja2 syntax at that line") from None
    except jinja2.TemplateError as error:
        path, line = _template_frame(error, handout)
        raise HandoutsError(f"template error: {error}", path=path, line=line,
                            fix="correct the template at that line") from None
    return apply_line_break_rules(html, language)


def apply_line_break_rules(html: str, language: Language) -> str:
    """``html`` with the line-break rules of the language's script: words kept
    whole (Korean, Arabic), breaks between dictionary words (Thai, Khmer, …)."""
    script = language.writing
    if script.whole_words:
        html = keep_words_whole(html, script, language.locale)
    if (language.line_breaks or script.line_breaks) == DICTIONARY_BREAKS:
        html = mark_word_breaks(html, script, language.locale)
    return html


def _template_frame(error: Exception, handout: Handout) -> tuple[Path, int | None]:
    """The template file and line an error was raised at (Jinja2 rewrites tracebacks so)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.startswith(str(handout.templates_dir)):
            return Path(frame.filename), frame.lineno
    return handout.templates_dir / handout.template, None


def handout_title(handout: Handout, language: Language) -> str:
    """The handout's title in ``language``, as its PDF and the page show it."""
    env = make_environment(handout, language, load_translations(language))
    template = env.get_template(handout.template)
    context = template.new_context({"incomplete": False})
    return Markup("".join(template.blocks["title"](context))).striptags()


def stylesheets_for(handout: Handout, language: Language, edition: Edition, paper: Paper,
                    print_shop: PrintShop | None = None) -> list[tuple[str, str | None]]:
    """The CSS, in cascade order, as (css text, file name it came from) pairs."""
    sheets = [(_read(handout, "print.css"), "print.css")]
    sheets.append((stylesheet_for(language.writing, edition.base_font_pt), None))
    sheets.append((f"@page {{ size: {paper.css_size}; }}\n", None))
    if edition.stylesheet:
        sheets.append((_read(handout, edition.stylesheet), edition.stylesheet))
    if print_shop:
        sheets.append((print_shop.css(), None))
    return sheets


def render_pdf(handout: Handout, language: Language, edition: Edition, paper: Paper,
               print_shop: PrintShop | None = None, incomplete: bool = False,
               catalog: TranslationCatalog | None = None,
               review: ReviewState | None = None) -> RenderedPDF:
    """Render the handout to a tagged PDF/UA-1 (``incomplete``, ``catalog`` and
    ``review``: see ``render_html``).

    Nothing in it depends on the clock or the machine: its dates come from the
    revision date and its identifier from the job, so the same inputs give the
    same bytes.
    """
    require_fonts(language.writing)

    html = render_html(handout, language, edition, paper, incomplete, catalog, review)
    stylesheets = [_parsed_css(css, handout.templates_dir)
                   for css, _name in stylesheets_for(handout, language, edition, paper, print_shop)]
    identifier = hashlib.sha256(
        f"{handout.slug}/{language.code}/{edition.name}/{paper.name}".encode()).hexdigest()[:32]
    data, document = html_to_pdf(html, stylesheets, handout.templates_dir / handout.template,
                                 handout.templates_dir, language, identifier)
    return RenderedPDF(data=data, pages=len(document.pages), title=document.metadata.title)


def html_to_pdf(html: str, stylesheets: list, source: Path, templates_dir: Path,
                language: Language, identifier: str):
    """An HTML document (made from the template at ``source``) as tagged PDF/UA-1
    bytes, and WeasyPrint's rendered document.

    Only files under ``templates_dir`` are read; a character no font has fails
    with ``MissingGlyphsError`` for ``language``. ``identifier`` becomes the
    PDF's ID, so it must come from the content, never the clock.
    """
    # Imported here so that planning a build never pays for WeasyPrint.
    import weasyprint

    from .fetch import ProjectFetcher
    from .finish import finish_pdf
    from .font_subsets import compact_subsets
    from .text_layer import exact_text_layer

    fetcher = ProjectFetcher(templates_dir)
    base_url = source.parent.as_uri() + "/"
    # PDF/UA-1: tagged structure (headings, lists, links), /Lang, the title shown
    # in the window, running headers and footers as artifacts.
    with missing_glyphs() as missing, exact_text_layer() as drawing, compact_subsets() as fonts:
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            stylesheets=stylesheets, font_config=_font_configuration(language.writing.code))
        data = document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=True)
    if fetcher.refused:
        raise HandoutsError(
            f"the document asked for {', '.join(fetcher.refused)}, which a build never fetches",
            path=source, fix="refer only to files under templates/, with relative URLs")
    if missing:
        raise MissingGlyphsError(language, missing)
    if drawing.dotted_circle_fonts:
        raise BrokenClusterError(language, drawing.dotted_circle_fonts)
    return finish_pdf(data, identifier, fonts), document


@functools.lru_cache(maxsize=1)
def _font_configuration(script: str):
    """WeasyPrint's fonts, loaded once for a run of documents in one script: a
    worker opens each font file and builds its shaping tables once, not once a
    document (a tenth of the cost of a page). Only the last script's are kept,
    so that a worker never holds the four Noto CJK collections at once. The
    PDFs are the same bytes: each document still chooses and subsets its own."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.lru_cache(maxsize=64)
def _parsed_css(css: str, templates_dir: Path):
    """A stylesheet parsed once per process: WeasyPrint's CSS objects are reusable."""
    import weasyprint

    from .fetch import ProjectFetcher

    return weasyprint.CSS(string=css, base_url=templates_dir.as_uri() + "/",
                          url_fetcher=ProjectFetcher(templates_dir))


def css_counter_string(text: str, counter_style: str = "decimal") -> Markup:
    """Turn translated text holding PAGE and PAGES into a CSS ``content`` value."""
    parts = []
    for piece in re.split(f"({PAGE}|{PAGES})", primary(text).striptags()):
        if piece == PAGE:
            parts.append(f"counter(page, {counter_style})")
        elif piece == PAGES:
            parts.append(f"counter(pages, {counter_style})")
        elif piece:
            parts.append(_css_string(piece))
    return Markup(" ".join(parts) or '""')


def _css_string(text: str) -> str:
    # Escape what could end the string or the <style> element it sits in.
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>\n' else char for char in text)
    return f'"{escaped}"'


def written_date(value: datetime.date, locale: str) -> str:
    """``value`` as ``locale`` writes a date in running text, in its CLDR digits."""
    try:
        written = format_date(value, format="long", locale=locale)
    except (UnknownLocaleError, ValueError):
        # CLDR has no month names for it (Hmong, S'gaw Karen): ISO 8601, which
        # every reader and clinic can read, rather than English month names.
        written = value.isoformat()
    return in_digits(written, locale)


def in_digits(text: str, locale: str) -> str:
    """``text`` with its digits 0 to 9 written in ``locale``'s CLDR digits."""
    return text.translate(str.maketrans("0123456789", numbering(locale)[1]))


def written_number(value: int, locale: str) -> str:
    """``value`` as ``locale`` writes a number (its separators, its CLDR digits)."""
    try:
        written = format_decimal(value, locale=locale)
    except (UnknownLocaleError, ValueError):
        written = str(value)
    return in_digits(written, locale)


def _numbering_system(locale: str) -> str:
    try:
        return Locale.parse(locale).default_numbering_system
    except (UnknownLocaleError, ValueError):  # a locale CLDR lacks writes Latin digits
        return "latn"


def _read(handout: Handout, name: str) -> str:
    return (handout.templates_dir / name).read_text(encoding="utf-8")
