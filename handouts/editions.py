"""Paper sizes, editions and print-shop options: what besides language makes one PDF."""

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
    bilingual: bool = False  # each message followed by its English
    for_source_language: bool = True  # False: the English has no such edition


@dataclass(frozen=True)
class PrintShop:
    """Bleed and crop marks, for a commercial printer (the trim box is set too)."""

    bleed_mm: float = 3.0
    crop_marks: bool = True

    def css(self) -> str:
        marks = "crop cross" if self.crop_marks else "none"
        return f"@page {{ bleed: {self.bleed_mm:g}mm; marks: {marks}; }}\n"


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
        Edition("large-print", "Large print", base_font_pt=18.0, stylesheet="large-print.css"),
        Edition("bilingual", "Bilingual, with English", stylesheet="bilingual.css",
                bilingual=True, for_source_language=False),
    )
}

DEFAULT_PAPERS = tuple(PAPERS)
DEFAULT_EDITIONS = tuple(EDITIONS)
