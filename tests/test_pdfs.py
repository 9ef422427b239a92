"""The PDFs themselves: their text, footer, notices, metadata and page size."""

from __future__ import annotations

import datetime
import hashlib
import re

import pikepdf
import pytest
from pypdf import PdfReader

from handouts.render import numbering, written_date

from conftest import (DRAFT_CODES, LANGUAGE_CODES, SLUG, assert_contains, normalise, pdf_text,
                      translate)

TITLE = "Treatment When Breast Cancer Comes Back"
SUBJECT = "What a breast cancer recurrence is and how each kind is treated."
DRAFT_NOTICE = "Draft translation: not yet reviewed by a qualified medical translator."


@pytest.fixture(scope="session")
def pdfs(built, project):
    """The US Letter standard PDF of the recurrence guide, by language code."""
    return {code: built / SLUG / f"{SLUG}.{code}.letter.standard.pdf" for code in project.languages}


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_pdf_text_carries_the_translated_title(pdfs, project, code):
    language = project.languages[code]
    text = " ".join(pdf_text(pdfs[code]))
    assert_contains(text, translate(language, TITLE), language)


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_pdf_text_carries_the_exact_helpline_number(pdfs, code):
    assert "1-800-227-2345" in " ".join(pdf_text(pdfs[code]))


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_every_page_has_a_footer_with_title_revised_date_and_page_x_of_y(pdfs, project, code):
    language = project.languages[code]
    pages = pdf_text(pdfs[code])
    # Page numbers and dates in the language's CLDR digits (Persian, Devanagari, …).
    digits = str.maketrans("0123456789", numbering(language.locale)[1])
    revised = written_date(datetime.date(2021, 10, 27), language.locale)
    page_label = translate(language, "Page %(page)s of %(pages)s")
    title = translate(language, TITLE)
    for number, text in enumerate(pages, start=1):
        label = page_label % {"page": str(number).translate(digits),
                              "pages": str(len(pages)).translate(digits)}
        assert_contains(text, label, language)
        assert_contains(text, revised, language)
        assert_contains(text, title, language)
    assert len(pages) >= 2


def test_spanish_footer_is_in_spanish(pdfs):
    pages = pdf_text(pdfs["es"])
    assert f"Página 1 de {len(pages)}" in pages[0]
    assert "27 de octubre de 2021" in pages[0]
    assert "Page 1 of" not in pages[0]


@pytest.mark.parametrize("code", DRAFT_CODES)
def test_draft_translation_says_so_on_every_page_in_english_and_its_language(pdfs, project, code):
    language = project.languages[code]
    for text in pdf_text(pdfs[code]):
        assert DRAFT_NOTICE in text
        assert_contains(text, translate(language, DRAFT_NOTICE), language)


def test_source_language_has_no_draft_notice(pdfs):
    for text in pdf_text(pdfs["en"]):
        assert "Draft translation" not in text


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_pdf_metadata_gives_language_title_author_subject_and_revision_dates(pdfs, project, code):
    language = project.languages[code]
    reader = PdfReader(pdfs[code])
    info = reader.metadata
    assert reader.trailer["/Root"]["/Lang"] == code
    assert info["/Title"] == translate(language, TITLE)
    assert info["/Subject"] == translate(language, SUBJECT)
    assert info["/Author"] == project.organisation
    assert info["/CreationDate"].startswith("D:20211027")
    assert info["/ModDate"].startswith("D:20211027")


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_pages_are_us_letter(pdfs, code):
    for page in PdfReader(pdfs[code]).pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (612.0, 792.0)


def embedded_fonts(path):
    """(Type0 /BaseFont, CIDFont /BaseFont, descriptor /FontName, SHA-256 of the
    font program) of each font embedded in the PDF at ``path``."""
    fonts = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/Type0":
                cid_font = obj.DescendantFonts[0]
                descriptor = cid_font.FontDescriptor
                program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
                fonts.append((str(obj.BaseFont), str(cid_font.BaseFont), str(descriptor.FontName),
                              hashlib.sha256(program.read_bytes()).hexdigest()))
    return fonts


def test_no_subset_tag_is_shared_by_two_different_font_programs(built):
    # ISO 32000 9.6.4: the six-letter tag identifies the subset, across the whole
    # output folder, and the Type0 font, its CIDFont and its descriptor agree on it.
    programs_by_tag = {}
    for path in sorted(built.rglob("*.pdf")):
        for type0, cid_font, font_name, program in embedded_fonts(path):
            assert type0 == cid_font == font_name, path.name
            tag = re.fullmatch(r"/([A-Z]{6})\+\S+", type0)[1]
            programs_by_tag.setdefault(tag, set()).add(program)
    shared = {tag: len(programs) for tag, programs in programs_by_tag.items() if len(programs) > 1}
    assert not shared, shared
    assert len(programs_by_tag) > 100  # every subset, not a handful of fonts


def test_chinese_japanese_and_korean_standard_pdfs_are_at_most_150_kb(built):
    # Their Noto CJK faces are embedded with only the glyphs they draw (font_subsets.py).
    paths = [path for code in ("zh-Hans", "zh-Hant", "ja", "ko")
             for path in sorted((built / SLUG).glob(f"{SLUG}.{code}.*.standard.pdf"))]
    assert len(paths) == 8
    sizes = {path.name: path.stat().st_size for path in paths}
    assert all(size <= 150 * 1024 for size in sizes.values()), sizes


def test_english_handout_carries_every_fact_of_the_source_page(pdfs):
    # The pages as one text, without the running footers, so that a word
    # hyphenated across a page break is whole again.
    footer = re.compile(r"\s*Treatment When Breast Cancer Comes Back\s+Revised October 27, 2021\s+"
                        r"Page \d+ of \d+\s*")
    text = normalise("\n".join(footer.sub("", page) for page in pdf_text(pdfs["en"], raw=True)))
    for fact in [
        "can come back after treatment, sometimes many years later",
        "same breast, or in the scar from surgery",
        "under the arm or around the collarbone",
        "bones, lungs, liver or brain",
        "is not a recurrence. It is a new cancer",
        "(breast-conserving surgery), you will most often have a mastectomy",
        "radiation if you did not have it before",
        "Chemotherapy", "Hormone therapy", "Targeted therapy, such as trastuzumab",
        "Immunotherapy",
        "may come after surgery, radiation, or both",
        "used alone when surgery or radiation is not an option",
        "doctors take out the lymph nodes that have cancer",
        "radiation to that area if you did not have it before",
        "such as chemo, targeted therapy or hormone therapy",
        "stage IV (metastatic) breast cancer",
        "the same treatment as someone whose cancer was found in those places the first time",
        "may or may not use drugs or treatments you had before",
        "clinical trial", "tests a newer treatment",
        "Go over it with your doctor",
        "Call any time of day or night. On weekdays you can also chat with us online.",
        "help patients, their families and the people who care for them",
        "doctors, nurses certified in cancer care, medical editors and translators",
        "Last revised: October 27, 2021",
        "Abeloff’s Clinical Oncology",
        "Practice Guidelines in Oncology: Breast Cancer. Version 7.2021",
    ]:
        assert fact in text, fact
