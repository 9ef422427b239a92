"""The box for the reader's own questions, on every PDF: its heading in the
language, tagged as a heading; ruled lines to write on, marked as an artifact;
half a page of them in large print."""

from __future__ import annotations

import pdfplumber
import pikepdf
import pymupdf
import pytest
from babel.messages.pofile import read_po

from conftest import LANGUAGE_CODES, ROOT
from handouts import load_project, plan
from test_text_layer import PENDING

HEADING = "My questions for my care team"


def heading_in(code: str) -> str:
    """The heading as the language's catalog gives it (the English for the source)."""
    catalog_path = load_project(ROOT).languages[code].catalog
    if catalog_path is None:
        return HEADING
    with catalog_path.open("rb") as file:
        return read_po(file)[HEADING].string


def heading_mcids(page) -> set[int]:
    """The marked-content ids of the heading elements (/H1 to /H6) on ``page``."""
    found: set[int] = set()

    def walk(nodes, inside: bool):
        for node in nodes:
            heading = inside or (node.get("type", "").startswith("H")
                                 and node["type"][1:].isdigit())
            if heading:
                found.update(node.get("mcids", []))
            walk(node.get("children", []), heading)

    walk(page.structure_tree, False)
    return found


def pattern_fills(page: pikepdf.Page) -> list[list[str]]:
    """The marked-content tags around each pattern fill (the ruled lines) on ``page``."""
    stack, fills = [], []
    for operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name in ("BDC", "BMC"):
            stack.append(str(operands[0]))
        elif name == "EMC" and stack:
            stack.pop()
        elif name == "cs" and str(operands[0]) == "/Pattern":
            fills.append(list(stack))
    return fills


def questions_box(page, code: str) -> dict | None:
    """The box on ``page`` (a bordered shape) whose only text is a heading: the
    questions box, whose ruled lines hold no text."""
    headings = heading_mcids(page)
    for shape in sorted(list(page.rects) + list(page.curves),
                        key=lambda shape: shape["bottom"] - shape["top"]):
        chars = [char for char in page.chars
                 if shape["top"] <= char["top"] and char["bottom"] <= shape["bottom"]
                 and shape["x0"] <= char["x0"] and char["x1"] <= shape["x1"]]
        # pdfminer gives a glyph only its innermost span's id: none for a glyph
        # in an /ActualText span (text_layer.py) or after one. Such glyphs
        # count as the heading's unless they are an artifact's (the notice).
        ids = {char["mcid"] for char in chars} - {None}
        artifact = any(char.get("tag") == "Artifact" for char in chars)
        if chars and ids <= headings and (ids or not artifact):
            return shape
    return None


def compact(text: str) -> str:
    return "".join(text.replace("\u00ad", "").split())


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_the_questions_box_has_its_heading_as_a_heading_and_its_lines_as_an_artifact(built, code):
    heading = heading_in(code)
    for job in plan(load_project(ROOT), [code]):
        path = built / job.path
        with pikepdf.open(path) as pdf:
            fills = {number: pattern_fills(page) for number, page in enumerate(pdf.pages)}
        [number] = [number for number, found in fills.items() if found]  # one box, one page
        assert all("/Artifact" in tags for tags in fills[number]), f"{path.name}: {fills[number]}"
        with pdfplumber.open(path) as document:
            # Everything written in the box is its heading, tagged as a heading.
            border = questions_box(document.pages[number], code)
        assert border is not None, path.name
        if code not in PENDING["mupdf"]:  # the text layer's own list (test_text_layer.py)
            with pymupdf.open(path) as document:
                words = document[number].get_text(clip=pymupdf.Rect(
                    border["x0"], border["top"], border["x1"], border["bottom"]))
            assert compact(heading) in compact(words), f"{path.name}: {words!r}"


def test_large_print_gives_half_a_page_to_write_on(built):
    for job in plan(load_project(ROOT), ["en", "es", "zh-Hans", "ar"], editions=["large-print"]):
        path = built / job.path
        with pdfplumber.open(path) as document:
            with pikepdf.open(path) as pdf:
                [number] = [number for number, page in enumerate(pdf.pages)
                            if pattern_fills(page)]
            page = document.pages[number]
            content_height = page.height - (38 + 32) * 72 / 25.4  # large-print.css margins
            border = questions_box(page, job.language.code)
        assert border["bottom"] - border["top"] >= content_height / 2, path.name
