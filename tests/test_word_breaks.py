"""Lines of scripts written without spaces break between words, found by ICU's
dictionary segmenter, and the text a reader copies gains nothing."""

from __future__ import annotations

import subprocess
import sys

import pdfplumber
import pytest
import weasyprint

from handouts.word_breaks import ZERO_WIDTH_SPACE, mark_word_breaks
from handouts.writing_systems import load_writing_systems

from conftest import ROOT, cli

SYSTEMS = load_writing_systems(ROOT / "locales/writing_systems.toml")
MM = 72 / 25.4

# One sentence each, as written: no spaces between the words.
SENTENCES = {
    "Khmr": ("km", "ការព្យាបាលជំងឺមហារីកសុដន់ដែលកើតឡើងវិញអាចជួយអ្នកឱ្យរស់នៅបានយូរនិងមានអារម្មណ៍ល្អប្រសើរ។"),
    "Laoo": ("lo", "ມະເຮັງເຕົ້ານົມສາມາດກັບມາເປັນຄືນໄດ້ຫຼັງຈາກການປິ່ນປົວບາງເທື່ອຫຼາຍປີຕໍ່ມາ"),
    "Mymr": ("my", "ရင်သားကင်ဆာသည်ကုသပြီးနောက်တစ်ခါတစ်ရံနှစ်ပေါင်းများစွာကြာပြီးမှပြန်ဖြစ်နိုင်သည်။"),
    "Thai": ("th", "มะเร็งเต้านมอาจกลับมาเป็นซ้ำได้หลังการรักษาบางครั้งหลายปีต่อมา"),
}


def body(text: str) -> str:
    return f"<html><head><title>t</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize("script", SENTENCES)
def test_words_are_separated_by_break_opportunities_that_add_no_letters(script):
    locale, sentence = SENTENCES[script]
    marked = mark_word_breaks(body(sentence), SYSTEMS[script], locale)
    paragraph = marked.split("<p>")[1].split("</p>")[0]
    assert paragraph.count(ZERO_WIDTH_SPACE) >= 5
    assert paragraph.replace(ZERO_WIDTH_SPACE, "") == sentence


def test_tags_the_head_and_other_scripts_are_left_as_they_are():
    html = ('<html><head><title>ការព្យាបាល</title></head><body>'
            '<p class="ការ">trastuzumab ការព្យាបាល<strong>ជំងឺមហារីក</strong> 1-800-227-2345</p></body></html>')
    marked = mark_word_breaks(html, SYSTEMS["Khmr"], "km")
    assert marked.split("<body")[0] == html.split("<body")[0]
    assert '<p class="ការ">trastuzumab ' in marked and " 1-800-227-2345</p>" in marked
    assert marked.replace(ZERO_WIDTH_SPACE, "") == html


@pytest.mark.parametrize("script", SENTENCES)
def test_a_paragraph_stays_inside_a_narrow_column_and_copies_without_inserted_characters(script, tmp_path):
    locale, sentence = SENTENCES[script]
    fonts = ", ".join(f'"{font}"' for font in SYSTEMS[script].fonts)
    html = mark_word_breaks(body(sentence * 2), SYSTEMS[script], locale).replace(
        "<head>", f"<head><style>@page {{ size: A4; margin: 20mm }} body {{ margin: 0 }} p {{ width: 60mm; "
                  f"font: 12pt {fonts} }}</style>")
    path = tmp_path / "column.pdf"
    weasyprint.HTML(string=html).write_pdf(path)
    with pdfplumber.open(path) as pdf:
        chars = pdf.pages[0].chars
    assert chars
    assert max(char["x1"] for char in chars) <= 20 * MM + 60 * MM + 0.5
    assert len({round(char["top"]) for char in chars}) >= 3  # it did wrap
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert ZERO_WIDTH_SPACE not in text


def test_without_the_segmenter_rendering_stops_with_the_set_up_fix():
    # PyICU absent, as on a machine set up by hand without it.
    code = ("import sys; sys.modules['icu'] = None\n"
            "from handouts.word_breaks import mark_word_breaks\n"
            "from handouts.writing_systems import load_writing_systems\n"
            f"systems = load_writing_systems(__import__('pathlib').Path({str(ROOT / 'locales/writing_systems.toml')!r}))\n"
            "mark_word_breaks('<body><p>ភាសាខ្មែរ</p></body>', systems['Khmr'], 'km')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode != 0
    assert "lines of Khmer text break where ICU's line breaking says" in result.stderr
    assert "PyICU" in result.stderr and "make pdfs" in result.stderr


@pytest.mark.slow
def test_a_language_in_a_script_without_spaces_previews_with_no_line_outside_the_column(
        project_copy, tmp_path):
    # A new language in a declared script needs init alone; its date and any
    # translated text break between words.
    assert cli("--root", project_copy, "init", "shn", "--script", "Mymr", "--name", "တႆး",
               "--english-name", "Shan", "--direction", "ltr",
               "--plural-forms", "nplurals=1; plural=0;").returncode == 0
    catalog = project_copy / "locales/shn/LC_MESSAGES/handouts.po"
    text = catalog.read_text(encoding="utf-8").replace(
        'msgid "What is a recurrence?"\nmsgstr ""',
        'msgid "What is a recurrence?"\nmsgstr "' + SENTENCES["Mymr"][1] * 3 + '"')
    catalog.write_text(text, encoding="utf-8")
    result = cli("--root", project_copy, "preview", "shn", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    [path] = tmp_path.rglob("*.shn.letter.standard.pdf")
    with pdfplumber.open(path) as pdf:
        right = max(char["x1"] for page in pdf.pages for char in page.chars)
    assert right <= 612 - 33 * MM + 1


def line_texts(document) -> list[str]:
    """The text of each laid-out line, as WeasyPrint set it."""
    from weasyprint.formatting_structure import boxes

    found = []

    def walk(box):
        if isinstance(box, boxes.LineBox):
            found.append("".join(text.text for text in box.descendants()
                                 if isinstance(text, boxes.TextBox)))
        for child in getattr(box, "children", []):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return found


@pytest.mark.parametrize("script", ["Khmr", "Laoo", "Mymr"])
def test_lines_break_only_between_the_segmenters_words(script):
    # Thai is left out: Pango's own Thai dictionary (libthai) may also break a
    # compound that ICU keeps whole, which is still a break between words.
    locale, sentence = SENTENCES[script]
    marked = mark_word_breaks(body(" ".join([sentence] * 6)), SYSTEMS[script], locale)
    text = marked.split("<p>")[1].split("</p>")[0]
    fonts = ", ".join(f'"{font}"' for font in SYSTEMS[script].fonts)
    ends = at_word_breaks = 0
    for width in range(30, 90, 7):
        document = weasyprint.HTML(string=marked.replace(
            "<head>", f"<head><style>body {{ margin: 0 }} p {{ width: {width}mm; "
                      f"font: 12pt {fonts} }}</style>")).render()
        position = 0
        for line in line_texts(document)[:-1]:
            core = line.strip(ZERO_WIDTH_SPACE + " ")
            start = text.index(core, position)
            position = start + len(core)
            ends += 1
            assert text[position] in ZERO_WIDTH_SPACE + " ", (width, core)
            at_word_breaks += text[position] == ZERO_WIDTH_SPACE
    assert ends >= 20 and at_word_breaks >= 10  # most lines end inside a phrase
