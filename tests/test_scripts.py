"""Each script family, on the built PDFs: fonts, regional Han glyphs, right-to-left layout."""

from __future__ import annotations

import html
import re
import subprocess

import pdfplumber
import pikepdf
import pytest
from pypdf import PdfReader

from handouts.glyphs import DOTTED_CIRCLE, dotted_circle_fonts
from handouts.render import numbering

from conftest import DRAFT_CODES, LANGUAGE_CODES, SLUG, normalise, pdf_text

LETTER_WIDTH = 612.0
MARGIN_SIDE = 33 / 25.4 * 72  # print.css: 33 mm left and right

# The Noto CJK face each Han-writing language must be set in, for its regional glyphs.
HAN_FACES = {"zh-Hans": "SC", "zh-Hant": "TC", "ja": "JP", "ko": "KR"}


def pdf_path(built, code):
    return built / SLUG / f"{SLUG}.{code}.letter.standard.pdf"


def pdffonts(path):
    """(name, type, embedded) of each font in the PDF, as Poppler's pdffonts lists them."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    fonts = []
    for line in lines:
        match = re.match(r"(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)", line)
        assert match, line
        fonts.append((match[1], match[2], match[4] == "yes"))
    return fonts


def words_on_page(path, page=1):
    """(text, x_min, y_min, x_max) of each word on a page, from pdftotext -bbox."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(html.unescape(m[5]), float(m[1]), float(m[2]), float(m[3]))
            for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                 r'yMax="([\d.]+)">(.*?)</word>', out)]


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_every_font_is_embedded_and_none_is_type3(built, code):
    fonts = pdffonts(pdf_path(built, code))
    assert fonts
    for name, kind, embedded in fonts:
        assert embedded, name
        assert kind != "Type 3", name


@pytest.mark.parametrize("code, face", HAN_FACES.items())
def test_han_and_hangul_text_uses_the_regional_noto_cjk_face(built, code, face):
    names = [name for name, _, _ in pdffonts(pdf_path(built, code))]
    cjk = {re.search(r"CJK-?(\w\w)", name, re.I)[1].upper() for name in names if "CJK" in name.upper()}
    assert cjk == {face}, names


def regional_han_faces(language):
    """The Noto CJK regions (SC, TC, JP, KR) of a language's font stack, from the data."""
    return {match[1] for font in language.writing.fonts
            if (match := re.fullmatch(r"Noto Sans CJK (\w\w)", font))}


def test_every_pdf_sets_han_only_in_its_languages_regional_face(built, project):
    # Every edition, the bilingual one too: its English lines carry no Han date that
    # a fallback face (JP for lang="en") could draw. Other languages use no CJK face.
    pdfs = sorted((built / SLUG).glob("*.pdf"))
    assert len(pdfs) == len(LANGUAGE_CODES) * 6 - 2
    for pdf in pdfs:
        language = project.languages[pdf.name.split(".")[1]]
        names = [name for name, _, _ in pdffonts(pdf)]
        cjk = {re.search(r"CJK-?(\w\w)", name, re.I)[1].upper() for name in names
               if "CJK" in name.upper()}
        assert cjk <= regional_han_faces(language), (pdf.name, names)
    assert {code: regional_han_faces(project.languages[code]) for code in HAN_FACES} == {
        code: {face} for code, face in HAN_FACES.items()}


def test_no_pdf_draws_a_dotted_circle_or_carries_an_inserted_character(built):
    # The dotted circle marks a broken cluster (a vowel sign with no letter); word
    # breaks in Thai, Lao, Khmer and Burmese must not reach the text a reader copies.
    for path in sorted((built / SLUG).glob("*.pdf")):
        with pikepdf.open(path) as pdf:
            assert dotted_circle_fonts(pdf) == [], path.name
        text = "".join(pdf_text(path, raw=True))
        assert "\u200b" not in text and DOTTED_CIRCLE not in text, path.name


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_page_numbers_and_dates_use_the_digits_cldr_gives_the_language(built, project, code):
    _style, digits = numbering(project.languages[code].locale)
    path = pdf_path(built, code)
    pages = len(PdfReader(path).pages)
    text = " ".join(pdf_text(path))
    native = str.maketrans("0123456789", digits)
    assert "2021".translate(native) in text  # the revision date
    assert str(pages).translate(native) in text  # "Page 1 of N"
    if digits != "0123456789":
        footer = [w for w, _, y, _ in words_on_page(path) if y > 700]
        assert not any(char in "0123456789" for word in footer for char in word), footer


@pytest.mark.parametrize("code", [c for c in LANGUAGE_CODES if c != "en"])
def test_the_english_of_a_bilingual_edition_gives_dates_in_english(built, code):
    text = subprocess.run(["pdftotext", str(built / SLUG / f"{SLUG}.{code}.letter.bilingual.pdf"),
                           "-"], capture_output=True, text=True, check=True).stdout
    lines = [normalise(line) for line in text.splitlines()
             if normalise(line).startswith("Last revised:")]
    assert lines and all(line.strip() == "Last revised: October 27, 2021" for line in lines), lines


@pytest.mark.parametrize("code", ["ar", "fa"])
def test_arabic_script_is_set_in_noto_naskh_arabic(built, code):
    names = [name for name, _, _ in pdffonts(pdf_path(built, code))]
    assert any("NotoNaskhArabic" in name.replace("-", "") for name in names), names


@pytest.mark.parametrize("code, direction", [("en", "ltr"), ("ru", "ltr"), ("ar", "rtl"), ("fa", "rtl")])
def test_layout_mirrors_for_right_to_left_languages(built, code, direction):
    words = words_on_page(pdf_path(built, code))
    bullets = [w for w in words if w[0] == "•"]
    assert bullets
    footer_top = max(y for _, _, y, _ in words) - 5
    digits = re.compile(r"^[\d۰-۹٠-٩]+$")
    footer_numbers = [w for w in words if w[2] >= footer_top and digits.match(w[0])
                      and len(w[0]) == 1]  # page numbers, not the year or the day
    assert footer_numbers
    if direction == "rtl":
        # List markers at the right margin, page number on the left, text flush right.
        assert all(w[3] > LETTER_WIDTH - MARGIN_SIDE - 20 for w in bullets)
        assert all(w[3] < LETTER_WIDTH / 2 for w in footer_numbers)
        line_ends = [w[3] for w in words if w[3] > LETTER_WIDTH / 2]
        assert max(line_ends) == pytest.approx(LETTER_WIDTH - MARGIN_SIDE, abs=2)
    else:
        assert all(w[1] < MARGIN_SIDE + 20 for w in bullets)
        assert all(w[1] > LETTER_WIDTH / 2 for w in footer_numbers)
        assert min(w[1] for w in words) == pytest.approx(MARGIN_SIDE, abs=2)


@pytest.mark.parametrize("code", ["ar", "fa"])
def test_helpline_number_keeps_its_reading_order_in_right_to_left_text(built, code):
    path = pdf_path(built, code)
    words = [w[0] for page in range(1, len(PdfReader(path).pages) + 1)
             for w in words_on_page(path, page)]
    assert "1-800-227-2345" in words


def test_long_words_are_hyphenated_where_the_language_has_patterns(built):
    raw = subprocess.run(["pdftotext", str(pdf_path(built, "de")), "-"], capture_output=True,
                         text=True, check=True).stdout
    # The hyphen drawn at the line end reads as a soft hyphen (text_layer.py).
    assert re.search(r"\w\u00ad\n", raw), "no hyphenated line end in the German PDF"


@pytest.mark.parametrize("code", DRAFT_CODES)
def test_english_inside_another_scripts_page_is_set_in_latin_type(built, code):
    # The draft notice in the top margin of page 2 carries its English line; the
    # Latin letters and stops of a Nastaliq or CJK face must not stand in for Noto Sans.
    with pdfplumber.open(pdf_path(built, code)) as pdf:
        notice = [c for c in pdf.pages[1].chars if c["top"] < 26 * 72 / 25.4 and c["text"]]
    english_lines = {round(c["top"]) for c in notice if c["text"].isascii() and c["text"].isalpha()}
    letters = [c for c in notice if round(c["top"]) in english_lines
               and c["text"].isascii() and not c["text"].isspace()]
    assert letters
    assert {c["fontname"].partition("+")[2] for c in letters} == {"Noto-Sans-Bold"}
