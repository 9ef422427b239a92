"""Paper sizes and editions: the two axes besides language that make one PDF."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paper:
    """A sheet size, by its CSS name and its size in PostScript points."""

    name: str  # as in file names and the manifest
    css_size: str  # the CSS @page size keyword
    width_pt: float
    height_pt: float


@dataclass(frozen=True)
class Edition:
    """A presentation of the same content, with the CSS that makes it."""

    name: str  # as in file names and the manifest
    english_label: str
    base_font_pt: float = 12.0  # body text size; headings scale with it
    stylesheet: str | None = None  # a file in templates/, added after print.css


PAPERS: dict[str, Paper] = {
    paper.name: paper
    for paper in (
        Paper("letter", "letter", 612.0, 792.0),
        Paper("a4", "A4", 595.28, 841.89),
    )
}

EDITIONS: dict[str, Edition] = {
    edition.name: edition
    for edition in (
        Edition("standard", "Standard print"),
    )
}

DEFAULT_PAPERS = ("letter",)
DEFAULT_EDITIONS = ("standard",)
