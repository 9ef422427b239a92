"""The download page's own words in each language: they come from the catalogs
(context "download page"), fall back to English, marked as English, where a
catalog has not translated them yet, never hold back a language's PDFs, and are
held to the same checks as the handouts' words."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po, write_po

from conftest import SLUG
from handouts import load_project
from handouts.catalogs import PAGE_CONTEXT, read_catalog, read_template
from handouts.checks import ERROR, check_file
from handouts.gate import Policy, assess
from handouts.page import render_index

LARGE_PRINT = "Large print"


def edit_page_words(catalog_path, change) -> None:
    """Rewrite the catalog with ``change(message)`` applied to each page message."""
    with catalog_path.open("rb") as file:
        catalog = read_po(file)
    for message in catalog:
        if message.context == PAGE_CONTEXT:
            change(message)
    with catalog_path.open("wb") as file:
        write_po(file, catalog, width=76)


def untranslate(message) -> None:
    message.string = ("", "") if message.pluralizable else ""


def one_language_manifest(project, code: str) -> dict:
    language = project.languages[code]
    files = [{"path": f"{SLUG}/{SLUG}.{code}.{paper}.{edition}.pdf", "paper": paper,
              "edition": edition, "pages": 4, "bytes": 33_400, "sha256": "0" * 64}
             for edition in ("standard", "large-print") for paper in ("letter", "a4")]
    return {"schema": 1, "handouts": [{
        "slug": SLUG, "title": "Treatment When Breast Cancer Comes Back", "revised": "2021-10-27",
        "languages": [{"code": code, "name": language.name, "english_name": language.english_name,
                       "direction": language.direction, "review": "draft", "translated": 100.0,
                       "files": files}]}]}


def entry_spans(html: str) -> list[tuple[str, str]]:
    """(lang, text) of every labelled span in the table of PDFs."""
    table = html[html.index('<table class="files">'):html.index("</table>")]
    return re.findall(r'<span[^>]* lang="([^"]+)"[^>]*>([^<]*)</span>', table)


def test_page_words_are_the_catalogs_with_the_english_underneath(project):
    html = render_index(project, one_language_manifest(project, "es"))
    spans = entry_spans(html)
    assert ("es", "Letra grande") in spans and ("en", LARGE_PRINT) in spans
    assert ("es", "PDF, 33 kB, 4 páginas") in spans and ("en", "PDF, 33 kB, 4 pages") in spans
    assert html.count("October 27, 2021") == 1  # the English date, once for the handout


def test_untranslated_page_words_show_in_english_marked_english(project_copy):
    catalog = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    edit_page_words(catalog, untranslate)
    project = load_project(project_copy)
    spans = entry_spans(render_index(project, one_language_manifest(project, "es")))
    assert ("en", LARGE_PRINT) in spans and ("en", "PDF, 33 kB, 4 pages") in spans
    assert not [text for lang, text in spans if lang == "es"]
    assert spans.count(("en", LARGE_PRINT)) == 1  # not said twice


def test_a_fuzzy_page_word_is_never_shown(project_copy):
    catalog = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    edit_page_words(catalog, lambda message: message.flags.add("fuzzy"))
    project = load_project(project_copy)
    spans = entry_spans(render_index(project, one_language_manifest(project, "es")))
    assert not [text for lang, text in spans if lang == "es"]


def test_untranslated_page_words_never_hold_back_the_pdfs(project_copy):
    catalog = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    edit_page_words(catalog, untranslate)
    project = load_project(project_copy)
    template = read_template(project.template_catalog)
    verdict = assess(project.languages["es"], Policy(), template, project.locales_dir)
    assert verdict.publishable, verdict.reason
    assert verdict.catalog.percent == 100.0
    assert verdict.catalog.stats.page_pending == 6
    assert read_catalog(catalog, "es", template).stats.untranslated == 6


def test_markup_in_a_page_word_is_a_check_error_that_holds_the_language(project_copy):
    catalog = project_copy / "locales/es/LC_MESSAGES/handouts.po"

    def bold(message):
        if message.id == LARGE_PRINT:
            message.string = "<b>Letra grande</b>"

    edit_page_words(catalog, bold)
    project = load_project(project_copy)
    language = project.languages["es"]
    errors = [f for f in check_file(catalog, language.locale, language.plural_forms)
              if f.severity == ERROR]
    assert errors and {f.check for f in errors} == {"markup"}
    # The line of the entry's msgid, below its context.
    lines = catalog.read_text(encoding="utf-8").splitlines()
    msgid_line = lines.index(f'msgid "{LARGE_PRINT}"') + 1
    assert lines[msgid_line - 2] == f'msgctxt "{PAGE_CONTEXT}"'
    assert str(errors[0]).startswith(f"{catalog}:{msgid_line}: error: [markup]")
    verdict = assess(language, Policy(), read_template(project.template_catalog),
                     project.locales_dir)
    assert not verdict.publishable and "markup" in verdict.reason
