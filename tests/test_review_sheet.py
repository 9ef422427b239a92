"""The review sheet: the bilingual table a medical reviewer prints, checks and
signs, read back from the real PDF."""

from __future__ import annotations

import re
import subprocess

import pytest
from pypdf import PdfReader

from conftest import MESSAGES, ROOT, cli, normalise, pdf_text
from handouts import load_project
from handouts.catalogs import read_catalog
from handouts.editions import PAPERS
from handouts.glyphs import MissingGlyphsError
from handouts.review_sheet import render_review_sheet, sheet_rows

SIGN_OFF = ("Name", "Qualification", "Date", "Signature",
            "By signing, I confirm that I checked every message on this sheet against the "
            "English for medical accuracy")


def sheet(root, code="es", *args, cwd=None):
    """Write the review sheet of ``code`` with the CLI; its path and its text, one string."""
    out = root / f"{code}.sheet.pdf"
    result = cli("--root", root, "review-sheet", code, "--out", out, *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return out, " ".join(pdf_text(out))


def table_row(path, phrase: str) -> str:
    """The text of the one table row that holds ``phrase``, from the PDF's physical
    layout: a row starts at a line that begins with its number."""
    layout = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                            capture_output=True, text=True, check=True).stdout
    rows = re.split(r"\n(?= {0,4}\d+ {2,}\S)", layout)
    [row] = [row for row in rows if phrase in row]
    return normalise(row)


def retranslate(root, old, new, code="es"):
    catalog = root / f"locales/{code}/LC_MESSAGES/handouts.po"
    text = catalog.read_text(encoding="utf-8")
    assert f'msgstr "{old}"' in text
    catalog.write_text(text.replace(f'msgstr "{old}"', f'msgstr "{new}"'), encoding="utf-8")


@pytest.mark.slow
def test_the_sheet_holds_english_beside_translation_and_a_sign_off(project_copy, tmp_path):
    result = cli("--root", project_copy, "review-sheet", "es", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "review-sheets" / "es.pdf"  # the default output
    assert str(path) in result.stdout and "build_pdfs.py review es" in result.stdout
    text = " ".join(pdf_text(path))
    assert "Treatment When Breast Cancer Comes Back" in text
    assert "Tratamiento cuando el cáncer de seno regresa" in text
    assert "Español · Spanish (es)" in text and "locales/es/LC_MESSAGES/handouts.po" in text
    assert "Catalog revised: November 25, 2026" in text and f"Messages: {MESSAGES}" in text
    assert "Referencias" in table_row(path, "References")
    # The translator's note (#.) of the message it belongs to.
    assert "the page number in the footer of every page" in text
    for label in SIGN_OFF:
        assert label in text
    pages = pdf_text(path)
    assert all(f"Page {n} of {len(pages)}" in page and "(es)" in page
               for n, page in enumerate(pages, start=1))
    width, height = PdfReader(path).pages[0].mediabox.upper_right
    assert (round(float(width)), round(float(height))) == (792, 612)  # US Letter, landscape


@pytest.mark.slow
def test_the_state_column_follows_the_review_stamp(project_copy):
    _, text = sheet(project_copy)
    assert len(re.findall(r"\bNew\b", text)) == MESSAGES
    assert "Reviewed" not in text and "Changed since review" not in text

    review = cli("--root", project_copy, "review", "es", "--reviewer", "Ana Ruiz",
                 "--date", "2027-01-31")
    assert review.returncode == 0, review.stderr
    retranslate(project_copy, "Referencias", "Fuentes")
    path, text = sheet(project_copy)
    assert len(re.findall(r"\bReviewed\b", text)) == MESSAGES - 1
    assert len(re.findall(r"\bNew\b", text)) == 0
    assert "Last review: Ana Ruiz, January 31, 2027" in text
    row = table_row(path, "Fuentes")
    assert "References" in row and "Changed" in row and "since review" in row
    assert "Reviewed" not in row


@pytest.mark.slow
def test_untranslated_and_plural_messages_are_listed_with_each_form_labelled(project_copy):
    catalog = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    text = catalog.read_text(encoding="utf-8").replace('msgstr "Referencias"', 'msgstr ""')
    text += ('\n#. %(num)d is a number of visits.\nmsgid "%(num)d visit"\n'
             'msgid_plural "%(num)d visits"\nmsgstr[0] "%(num)d consulta"\n'
             'msgstr[1] "%(num)d consultas"\n')
    catalog.write_text(text, encoding="utf-8")
    path, text = sheet(project_copy)
    assert f"Messages: {MESSAGES + 1} ({MESSAGES} new, 1 not translated)" in text
    row = table_row(path, "References")
    assert "Not" in row and "translated" in row and "(no translation)" in row
    row = table_row(path, "visits")
    for phrase in ("singular", "%(num)d visit ", "plural", "%(num)d visits",
                   "form 1 (n = 1)", "%(num)d consulta ", "form 2 (n = 0, 2, 3 …)",
                   "%(num)d consultas", "New"):
        assert phrase in row


@pytest.mark.slow
def test_glossary_terms_are_listed_beside_the_messages_that_use_them(project_copy):
    (project_copy / "locales/es/glossary.csv").write_text(
        "source,target,note\nrecurrence,recurrencia,not 'recidiva'\nrecur,recurrir,\n",
        encoding="utf-8")
    path, text = sheet(project_copy)
    assert "recurrir" not in text  # "recur" is no whole word of any message
    row = table_row(path, "What is a recurrence?")
    assert "recurrence →" in row and "recurrencia (not 'recidiva')" in row
    assert "recurrence →" not in table_row(path, "References")


@pytest.mark.parametrize("code, face", [
    ("ar", "Noto-Naskh-Arabic"), ("zh-Hant", "Noto-Sans-CJK-TC"),
    ("ja", "Noto-Sans-CJK-JP"), ("ko", "Noto-Sans-CJK-KR"),
])
@pytest.mark.slow
def test_right_to_left_and_cjk_sheets_have_every_glyph_in_their_own_face(tmp_path, code, face):
    project = load_project(ROOT)
    language = project.languages[code]
    catalog = read_catalog(language.catalog, language.locale)
    out = tmp_path / f"{code}.pdf"
    # Raises MissingGlyphsError if any character of the sheet has no glyph.
    out.write_bytes(render_review_sheet(project, language, catalog, None, PAPERS["a4"]))
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True,
                           check=True).stdout
    assert face in fonts and "+Noto-Sans " in fonts  # the translations; the English
    text = " ".join(pdf_text(out))
    title = catalog.messages.get("Treatment When Breast Cancer Comes Back").string
    assert normalise(title).replace(" ", "") in text.replace(" ", "")


@pytest.mark.slow
def test_a_character_no_font_has_refuses_the_sheet(project_copy):
    retranslate(project_copy, "Referencias", "Referencias \U0001F9E0")
    project = load_project(project_copy)
    language = project.languages["es"]
    catalog = read_catalog(language.catalog, language.locale)
    with pytest.raises(MissingGlyphsError, match="U\\+1F9E0 BRAIN"):
        render_review_sheet(project, language, catalog, None, PAPERS["letter"])


@pytest.mark.slow
def test_catalog_markup_shows_as_text(project_copy):
    retranslate(project_copy, "Referencias", "<img src=x onerror=alert(1)> <b>Referencias</b>")
    path, text = sheet(project_copy)
    text = "".join(text.split())  # a narrow column may break a tag across lines
    assert "<imgsrc=xonerror=alert(1)><b>Referencias</b>" in text
    # The English markup too is shown as it is written, for the reviewer to check.
    assert "callita<strong>recurrence</strong>." in text


@pytest.mark.slow
def test_the_sheet_is_tagged_titled_in_english_and_the_translations_in_their_language(
        project_copy):
    path, _ = sheet(project_copy, "es", "--paper", "a4")
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True and "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert reader.metadata.title == \
        "Review sheet: Treatment When Breast Cancer Comes Back — Spanish"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True
    width, height = reader.pages[0].mediabox.upper_right
    assert (round(float(width)), round(float(height))) == (842, 595)  # A4, landscape

    headers, cells_in_spanish = [], 0
    stack = [root["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if node.get("/S") == "/TH":
            headers.append(node)
        if node.get("/S") == "/TD" and node.get("/Lang") == "es":
            cells_in_spanish += 1
        kids = node.get("/K", [])
        stack.extend(kid for kid in (kids if isinstance(kids, list) else [kids])
                     if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"))
    assert len(headers) >= 7 and cells_in_spanish == MESSAGES


@pytest.mark.slow
def test_the_same_sources_give_the_same_bytes(project_copy):
    project = load_project(project_copy)
    language = project.languages["es"]
    catalog = read_catalog(language.catalog, language.locale)
    once = render_review_sheet(project, language, catalog, None, PAPERS["letter"])
    assert once == render_review_sheet(project, language, catalog, None, PAPERS["letter"])
    rows = sheet_rows(catalog, None)
    assert len(rows) == MESSAGES and rows[0].number == 1 and rows[0].line == 23


@pytest.mark.parametrize("args, message", [
    (("xx",), "unknown language code xx"),
    (("en",), "the source language has no catalog"),
    (("es", "--paper", "legal"), "invalid choice: 'legal'"),
])
def test_bad_input_is_refused_with_its_fix(project_copy, tmp_path, args, message):
    result = cli("--root", project_copy, "review-sheet", *args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "fix:" in result.stderr or "invalid choice" in message
    assert not (tmp_path / "review-sheets").exists()


@pytest.mark.slow
def test_an_output_that_cannot_be_written_is_a_clear_error(project_copy, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    result = cli("--root", project_copy, "review-sheet", "es", "--out", blocker / "es.pdf")
    assert result.returncode == 2
    assert f"{blocker / 'es.pdf'}: cannot write es.pdf" in result.stderr
    assert "--out FILE.pdf" in result.stderr
