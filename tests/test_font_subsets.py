"""The font pass (font_subsets.py): smaller fonts, the same pages and text, and a
tag that identifies each subset."""

from __future__ import annotations

import io
import re
import subprocess

import pikepdf
import pytest

from handouts.finish import finish_pdf
from handouts.font_subsets import compact_embedded_fonts, compact_subsets, subset_tag
from handouts.glyphs import dotted_circle_fonts

# Chinese in its Noto CJK face, bold and regular, with Latin in Noto Sans and a
# title in Noto Sans Italic: a CID-keyed CFF program and TrueType programs.
PAGE = """<html lang="zh-Hans"><body style="font-family: 'Noto Sans CJK SC', 'Noto Sans'">
<h1>乳腺癌复发时的治疗</h1><p>乳腺癌可能在治疗后复发，有时是多年以后。 Trastuzumab,
<cite style="font-family: 'Noto Sans'">Abeloff’s Clinical Oncology</cite>. 1-800-227-2345</p>
</body></html>"""


def weasyprint_pdf(html: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


@pytest.fixture(scope="module")
def before():
    return weasyprint_pdf(PAGE)


@pytest.fixture(scope="module")
def after(before):
    return compact_embedded_fonts(before)


@pytest.fixture(scope="module")
def built_compact():
    """PAGE as the build writes it: compact subsets made from the fonts
    themselves while WeasyPrint writes, then the finishing pass."""
    import weasyprint

    with compact_subsets() as made:
        data = weasyprint.HTML(string=PAGE).write_pdf(pdf_variant="pdf/ua-1",
                                                      uncompressed_pdf=True)
    assert set(made) == {name.decode()[1:] for name in re.findall(rb"/BaseFont\s*(/[^/\s]+)", data)}
    return finish_pdf(data, "0123456789abcdef", made)


_OPEN = []  # the PDFs fonts() read, kept open while the tests look at their objects


def fonts(data: bytes) -> dict[str, pikepdf.Dictionary]:
    """The Type0 fonts of a PDF, by name without the subset tag."""
    pdf = pikepdf.open(io.BytesIO(data))
    _OPEN.append(pdf)
    return {str(obj.BaseFont).partition("+")[2]: obj for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/Type0"}


def program(font) -> pikepdf.Stream:
    descriptor = font.DescendantFonts[0].FontDescriptor
    return descriptor.get("/FontFile2") or descriptor.get("/FontFile3")


def resaved(data: bytes) -> bytes:
    """``data`` saved as tagging.py saves a PDF."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def text(data: bytes, tmp_path) -> bytes:
    """The text pdftotext extracts from the PDF ``data``."""
    path = tmp_path / f"{len(list(tmp_path.iterdir()))}.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True).stdout


def test_the_cjk_face_keeps_only_the_glyphs_it_draws(before, after):
    old, new = fonts(before)["Noto-Sans-CJK-SC"], fonts(after)["Noto-Sans-CJK-SC"]
    assert program(old).Subtype == "/OpenType"
    assert program(new).Subtype == "/CIDFontType0C"  # bare CFF: no hmtx, vmtx or cmap
    assert len(program(new).read_raw_bytes()) < len(program(old).read_raw_bytes()) / 5
    assert len(after) < len(before) / 3
    # The content streams are as they were: the CIDs are WeasyPrint's glyph numbers.
    old_pages, new_pages = pikepdf.open(io.BytesIO(before)).pages, pikepdf.open(io.BytesIO(after)).pages
    assert [p.Contents.read_bytes() for p in old_pages] == [p.Contents.read_bytes() for p in new_pages]


def pages_and_text(data: bytes, tmp_path, name: str) -> tuple[bytes, list[bytes]]:
    """What pdftotext reads in the PDF ``data``, and its pages drawn by pdftoppm."""
    (tmp_path / f"{name}.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "100", "-gray", tmp_path / f"{name}.pdf",
                    tmp_path / name], check=True)
    return text(data, tmp_path), [page.read_bytes() for page in
                                  sorted(tmp_path.glob(f"{name}-*.pgm"))]


def test_the_builds_own_subsets_draw_the_same_pages_and_text(before, built_compact, tmp_path):
    old_text, old_pages = pages_and_text(before, tmp_path, "before")
    new_text, new_pages = pages_and_text(built_compact, tmp_path, "built")
    assert old_pages and new_pages == old_pages
    assert new_text == old_text
    cjk = fonts(built_compact)["Noto-Sans-CJK-SC"]
    assert program(cjk).Subtype == "/CIDFontType0C"
    assert len(program(cjk).read_raw_bytes()) < len(program(fonts(before)["Noto-Sans-CJK-SC"])
                                                    .read_raw_bytes()) / 5
    truetype = [font.DescendantFonts[0] for font in fonts(built_compact).values()
                if "/FontFile2" in font.DescendantFonts[0].FontDescriptor]
    assert truetype and all(isinstance(font.CIDToGIDMap, pikepdf.Stream) for font in truetype)


def test_pages_and_text_are_the_same_after_the_pass(before, after, tmp_path):
    assert text(before, tmp_path) == text(after, tmp_path)
    for name, data in (("before", before), ("after", after)):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "100", "-gray", tmp_path / f"{name}.pdf",
                        tmp_path / name], check=True)
    pages = sorted(tmp_path.glob("before-*.pgm"))
    assert pages
    for page in pages:
        assert page.read_bytes() == (tmp_path / page.name.replace("before", "after")).read_bytes()


def test_the_same_pdf_gives_the_same_bytes(before, after):
    assert compact_embedded_fonts(before) == after


def test_each_subset_is_tagged_from_its_program_alike_in_its_three_names(after):
    for name, font in fonts(after).items():
        cid_font = font.DescendantFonts[0]
        tag = subset_tag(program(font).read_bytes())
        assert str(font.BaseFont) == str(cid_font.BaseFont) == \
            str(cid_font.FontDescriptor.FontName) == f"/{tag}+{name}"
    assert len({str(font.BaseFont)[1:7] for font in fonts(after).values()}) == len(fonts(after))


def test_no_pdf_grows(before, after):
    for name, font in fonts(after).items():
        old = fonts(before)[name]
        assert len(program(font).read_raw_bytes()) <= len(program(old).read_raw_bytes()), name
    # A PDF with little to gain, as the build's tagging pass leaves it (saved by pikepdf
    # with object streams), does not grow either: its programs are kept as they are.
    latin = resaved(weasyprint_pdf("<p lang=en style=\"font-family: 'Noto Sans'\">Hello</p>"))
    assert len(compact_embedded_fonts(latin)) <= len(latin)


def test_a_dotted_circle_is_still_found_after_the_pass():
    # A Devanagari vowel sign after a space: HarfBuzz draws it on a dotted circle.
    data = weasyprint_pdf("<p lang=hi style=\"font-family: 'Noto Sans Devanagari'\">"
                          "संदर्भ ि और ◌</p>")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert dotted_circle_fonts(pdf) == ["Noto-Sans-Devanagari"]
    compact = compact_embedded_fonts(data)
    # The TrueType program now has a compact glyph order and a /CIDToGIDMap.
    assert isinstance(fonts(compact)["Noto-Sans-Devanagari"].DescendantFonts[0].CIDToGIDMap,
                      pikepdf.Stream)
    with pikepdf.open(io.BytesIO(compact)) as pdf:
        assert dotted_circle_fonts(pdf) == ["Noto-Sans-Devanagari"]
