"""Print production and accessibility, on the built PDFs: papers, editions, type,
contrast, nothing cut off, PDF/UA tagging, bleed, and byte-identical rebuilds."""

from __future__ import annotations

import collections
import subprocess
import unicodedata

import pdfplumber
import pikepdf
import pytest
from pypdf import PdfReader

from handouts import build
from handouts.jobs import plan
from handouts.editions import EDITIONS, PAPERS, PrintShop

from conftest import LANGUAGE_CODES, SLUG, assert_contains, manifest_languages, pdf_text, read_manifest

MM = 72 / 25.4


def files_by_language(built):
    return {language["code"]: language["files"] for language in manifest_languages(built)}


def all_pdfs(built):
    return sorted((built / SLUG).glob("*.pdf"))


@pytest.fixture(scope="session")
def plumbed(built):
    """Each built PDF opened with pdfplumber once: {file name: pages}."""
    opened = {path.name: pdfplumber.open(path) for path in all_pdfs(built)}
    yield opened
    for pdf in opened.values():
        pdf.close()


def flow_chars(pdf):
    """Characters of the document's content, not of the page furniture (artifacts)."""
    return [c for page in pdf.pages for c in page.chars if c.get("tag") != "Artifact"]


def test_every_language_has_letter_and_a4_in_each_of_its_editions(built, project):
    files = files_by_language(built)
    assert list(files) == LANGUAGE_CODES
    for code, entries in files.items():
        editions = [e for e, ed in EDITIONS.items()
                    if ed.for_source_language or not project.languages[code].is_source]
        assert sorted((f["paper"], f["edition"]) for f in entries) == sorted(
            (p, e) for p in PAPERS for e in editions), code
    assert "bilingual" not in {f["edition"] for f in files["en"]}
    # letter and A4 in three editions; English has no bilingual edition
    assert sum(len(entries) for entries in files.values()) == len(LANGUAGE_CODES) * 6 - 2


@pytest.mark.parametrize("paper", list(PAPERS))
def test_pages_have_the_paper_size_in_the_name(built, paper):
    size = (PAPERS[paper].width_pt, PAPERS[paper].height_pt)
    paths = list((built / SLUG).glob(f"*.{paper}.*.pdf"))
    assert len(paths) == (len(LANGUAGE_CODES) * 6 - 2) / 2
    for path in paths:
        for page in PdfReader(path).pages:
            assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(size, abs=0.01)


def leaned(char) -> bool:
    """Whether the character is invisible text leaned to a narrowed word's ink
    (text_layer.py): its box is sheared, and pdfminer takes its size from it."""
    return abs(char["matrix"][2]) > 1e-6


def test_body_text_is_at_least_12pt_and_18pt_in_large_print(plumbed):
    for name, pdf in plumbed.items():
        sizes = [round(c["size"], 1) for c in flow_chars(pdf) if not leaned(c)]
        minimum = 18 if ".large-print." in name else 12
        assert min(sizes) >= minimum - 0.05, (name, min(sizes))


def test_large_print_headings_are_larger_than_its_body(plumbed):
    for name, pdf in plumbed.items():
        if ".large-print." in name:
            sizes = collections.Counter(round(c["size"], 1) for c in flow_chars(pdf))
            body = sizes.most_common(1)[0][0]
            assert max(sizes) >= 1.5 * body, name


def is_wide(char):
    return unicodedata.east_asian_width(char) in ("W", "F")


def test_lines_hold_at_most_about_75_characters_or_40_in_cjk(plumbed):
    # "About": 75 characters give or take a word (82), 40 CJK characters or so (42).
    for name, pdf in plumbed.items():
        if ".large-print." in name:
            continue  # larger type: shorter lines still
        lines = collections.defaultdict(str)
        for number, page in enumerate(pdf.pages):
            for char in page.chars:
                # pdfminer reads glyphs, not /ActualText: a glyph in an
                # /ActualText span (a /Span with no MCID) is ink whose text
                # the span, or the invisible text after it, gives.
                inked_for_other_text = char.get("tag") == "Span" and char.get("mcid") is None
                if char.get("tag") != "Artifact" and not inked_for_other_text:
                    # Marks and invisible joiners take no room of their own.
                    lines[(number, round(char["top"]))] += "".join(
                        c for c in char["text"] if unicodedata.category(c) not in ("Mn", "Cf"))
        for text in lines.values():
            wide = sum(map(is_wide, text))
            if wide > len(text) / 2:
                assert wide <= 42, (name, text)
            else:
                assert len(text) <= 82, (name, text)


def luminance(rgb):
    def channel(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = map(channel, rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# The lightest-but-one background the stylesheet puts text on: the callout's #eef4fa.
CALLOUT = (0xEE / 255, 0xF4 / 255, 0xFA / 255)


def test_text_contrast_is_at_least_4_5_to_1_also_in_grayscale(plumbed):
    for name, pdf in plumbed.items():
        colours = {tuple(c["non_stroking_color"] or (0,)) for page in pdf.pages for c in page.chars}
        for colour in colours:
            rgb = colour * 3 if len(colour) == 1 else colour
            assert contrast(rgb, (1, 1, 1)) >= 4.5, (name, colour)
            assert contrast(rgb, CALLOUT) >= 4.5, (name, colour)
            grey = (luminance(rgb),) * 3  # what a grayscale printer keeps
            assert contrast(grey, (1, 1, 1)) >= 4.5, (name, colour)


def test_nothing_is_cut_off_or_overflows_the_text_column(plumbed):
    for name, pdf in plumbed.items():
        for page in pdf.pages:
            for char in page.chars:
                assert 0 <= char["x0"] and char["x1"] <= page.width, (name, char["text"])
                assert 0 <= char["top"] and char["bottom"] <= page.height, (name, char["text"])
                # A mark that takes no room (a Myanmar asat, say) sits on its letter,
                # whose box is checked; its own degenerate box only says where the
                # shaper left the pen.
                if (char.get("tag") != "Artifact" and char["x1"] - char["x0"] > 0.01
                        and not leaned(char)):
                    # the narrowest side margin of any edition is 20 mm
                    assert 20 * MM - 1 <= char["x0"] and char["x1"] <= page.width - 20 * MM + 1, (
                        name, char["text"])


def structure_tags(pdf):
    found = collections.Counter()
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                found[str(node.S)] += 1
            kids = node.get("/K")
            if kids is not None:
                stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
        elif isinstance(node, pikepdf.Array):
            stack.extend(node)
    return found


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_pdf_is_tagged_with_language_title_headings_lists_links_and_artifacts(built, plumbed, code):
    path = built / SLUG / f"{SLUG}.{code}.letter.standard.pdf"
    with pikepdf.open(path) as pdf:
        assert pdf.Root.Lang == code
        assert pdf.Root.MarkInfo.Marked
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        tags = structure_tags(pdf)
        for tag in ("/Document", "/H1", "/H2", "/P", "/L", "/LI", "/Lbl", "/LBody", "/Link"):
            assert tags[tag], (tag, dict(tags))
        metadata = pdf.open_metadata()
        assert "pdfuaid:part" in str(metadata) or metadata.get("pdfuaid:part") == "1"
    pages = plumbed[path.name].pages
    footer = [c for c in pages[0].chars if c["top"] > pages[0].height - 22 * MM]
    assert footer and all(c.get("tag") == "Artifact" for c in footer)
    body = [c for c in pages[0].chars if c["top"] < pages[0].height - 22 * MM]
    assert all(c.get("tag") != "Artifact" for c in body)  # the page-1 notice is read too


def test_qpdf_check_reports_nothing(built):
    for path in all_pdfs(built):
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, (path.name, result.stdout, result.stderr)
        assert "WARNING" not in result.stdout + result.stderr, path.name


def test_bilingual_edition_pairs_each_paragraph_with_its_english(built, project):
    for code in ("ko", "ar"):
        text = " ".join(pdf_text(built / SLUG / f"{SLUG}.{code}.letter.bilingual.pdf"))
        for english in ("What is a recurrence?", "Talk with your doctor", "Call 1-800-227-2345",
                        "Is there a clinical trial that could be right for me?"):
            assert_contains(text, english, project.languages[code])
    with pdfplumber.open(built / SLUG / f"{SLUG}.ko.letter.bilingual.pdf") as pdf:
        words = pdf.pages[0].extract_words()
    korean = next(w for w in words if w["text"].startswith("재발이란"))
    english = next(w for w in words if w["text"] == "What" and w["top"] > korean["top"])
    assert english["top"] - korean["top"] < 40  # the English follows right under it


def test_bilingual_right_to_left_keeps_its_own_side_and_english_reads_left_to_right(built):
    with pdfplumber.open(built / SLUG / f"{SLUG}.ar.letter.bilingual.pdf") as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
    heading = next(w for w in words if w["text"] == "recurrence?")
    what = next(w for w in words if w["text"] == "What" and abs(w["top"] - heading["top"]) < 3)
    assert what["x0"] < heading["x0"]  # English in its own order
    arabic_lines = [w for w in words if any("\u0600" <= ch <= "\u06ff" for ch in w["text"])]
    assert max(w["x1"] for w in arabic_lines) > page.width - 34 * MM  # Arabic flush right


def test_print_shop_output_has_bleed_crop_marks_and_a_trim_box(project, tmp_path):
    report = build(project, tmp_path, plan(project, ["es"], ["a4"], ["standard"], PrintShop(3.0)))
    [record] = report.built
    page = PdfReader(tmp_path / record.path).pages[0]
    a4 = (PAPERS["a4"].width_pt, PAPERS["a4"].height_pt)
    assert (float(page.trimbox.width), float(page.trimbox.height)) == pytest.approx(a4, abs=0.01)
    assert (float(page.bleedbox.width), float(page.bleedbox.height)) == pytest.approx(
        (a4[0] + 6 * MM, a4[1] + 6 * MM), abs=0.01)
    assert float(page.mediabox.width) >= float(page.bleedbox.width)
    with pdfplumber.open(tmp_path / record.path) as pdf:
        marks = [line for line in pdf.pages[0].lines if line["x0"] < 0 or line["top"] < 0]
    assert marks, "no crop marks in the bleed"
    entry = read_manifest(tmp_path)["handouts"][0]["languages"][0]["files"][0]
    assert (entry["bleed_mm"], entry["crop_marks"]) == (3.0, True)


def test_two_builds_of_the_same_sources_are_byte_identical(project, built, tmp_path):
    jobs = plan(project, ["en", "ar", "ja"], ["letter"], ["standard", "bilingual"])
    report = build(project, tmp_path, jobs)
    assert report.ok and len(report.built) == len(jobs) == 5  # no bilingual English
    pdfs = sorted((tmp_path / SLUG).glob("*.pdf"))
    assert len(pdfs) == 5
    for path in pdfs:
        assert path.read_bytes() == (built / SLUG / path.name).read_bytes(), path.name
    first = read_manifest(tmp_path)
    everything = read_manifest(built)
    for language in first["handouts"][0]["languages"]:
        same = next(l for l in everything["handouts"][0]["languages"] if l["code"] == language["code"])
        for file in language["files"]:
            assert file in same["files"]


def test_pdf_dates_are_the_revision_date_not_the_clock(built):
    for path in all_pdfs(built)[:10]:
        info = PdfReader(path).metadata
        assert info["/CreationDate"].startswith("D:20211027")
        assert info["/ModDate"].startswith("D:20211027")
