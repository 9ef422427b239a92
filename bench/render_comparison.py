#!/usr/bin/env python3
"""Proof that the size work (handouts/font_subsets.py: compact font subsets)
changes nothing a reader sees or copies, and what it saves.

    .venv/bin/python bench/render_comparison.py                 # one language per script
    .venv/bin/python bench/render_comparison.py --edition bilingual --paper a4

For one language of each script (the first in locales/languages.toml), it
renders each job twice: as the build does, and with WeasyPrint's own font
subsets (every glyph slot kept) and no compaction, everything else the same.
Then, for both, it rasterises every page with `pdftoppm -r 150 -gray` and
counts the pixels whose grey differs by more than 64 levels (the limit is 1%
of a page), compares the text `pdftotext` extracts, and prints the size
before and after, by script.

``compare_font_pass`` does the work and returns one ``Comparison`` per PDF, for
bench/bench_build.py to call; ``main`` prints them.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handouts import finish, font_subsets, load_project  # noqa: E402
from handouts.jobs import plan  # noqa: E402
from handouts.render import render_pdf  # noqa: E402

# A pixel differs when its grey level moves by more than this (of 255) ...
GREY_THRESHOLD = 64
# ... and a page passes when fewer than this share of its pixels differ.
PAGE_LIMIT = 0.01


@dataclass
class Comparison:
    """One PDF before and after the font pass."""

    script: str
    language: str
    name: str
    bytes_before: int
    bytes_after: int
    differing: list[float] = field(default_factory=list)  # share of pixels, per page
    same_text: bool = True

    @property
    def ok(self) -> bool:
        return (self.same_text and self.bytes_after <= self.bytes_before
                and all(share < PAGE_LIMIT for share in self.differing))


def sample_languages(project) -> dict[str, str]:
    """One language code per script: the first of each in locales/languages.toml."""
    chosen: dict[str, str] = {}
    for code, language in project.languages.items():
        chosen.setdefault(language.script, code)
    return chosen


def compare_font_pass(root: Path = ROOT, editions=("standard",), papers=("letter",),
                      languages: list[str] | None = None) -> list[Comparison]:
    """Render each sample job (one language per script, unless ``languages`` are
    given) and compare its PDF without the font pass and with it."""
    project = load_project(root)
    codes = languages or list(sample_languages(project).values())
    results = []
    for job in plan(project, codes, papers, editions):
        before, after = _render_both(job)
        comparison = Comparison(job.language.script, job.language.code, job.path.name,
                                len(before), len(after))
        with tempfile.TemporaryDirectory(prefix="font-pass-") as work:
            work = Path(work)
            (work / "before.pdf").write_bytes(before)
            (work / "after.pdf").write_bytes(after)
            comparison.differing = _pixel_differences(work / "before.pdf", work / "after.pdf")
            comparison.same_text = _text(work / "before.pdf") == _text(work / "after.pdf")
        results.append(comparison)
    return results


def _render_both(job) -> tuple[bytes, bytes]:
    """The job's PDF without the size work (WeasyPrint's own subsets, which keep
    every glyph slot) and with it."""
    @contextlib.contextmanager
    def weasyprints_own_subsets():
        yield {}

    with mock.patch.object(font_subsets, "compact_subsets", weasyprints_own_subsets), \
            mock.patch.object(finish, "compact_fonts", lambda pdf, made=None: None):
        before = render_pdf(job.handout, job.language, job.edition, job.paper).data
    return before, render_pdf(job.handout, job.language, job.edition, job.paper).data


def _pixel_differences(before: Path, after: Path) -> list[float]:
    """For each page, the share of its pixels whose grey differs by more than
    GREY_THRESHOLD between the two PDFs, rasterised at 150 dpi."""
    pages_before, pages_after = _rasterise(before), _rasterise(after)
    if len(pages_before) != len(pages_after):
        return [1.0] * max(len(pages_before), len(pages_after))
    return [_share_differing(a, b) for a, b in zip(pages_before, pages_after)]


def _rasterise(pdf: Path) -> list[tuple[int, int, bytes]]:
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "150", "-gray", str(pdf), str(prefix)], check=True)
    pages = sorted(pdf.parent.glob(f"{prefix.name}-*.pgm"),
                   key=lambda path: int(path.stem.rpartition("-")[2]))
    return [_read_pgm(path) for path in pages]


def _read_pgm(path: Path) -> tuple[int, int, bytes]:
    """Width, height and pixels of a binary (P5) 8-bit PGM, as pdftoppm writes it."""
    data = path.read_bytes()
    magic, width, height, maximum, pixels = data.split(maxsplit=4)
    assert magic == b"P5" and maximum == b"255", path
    return int(width), int(height), pixels[:int(width) * int(height)]


def _share_differing(a: tuple[int, int, bytes], b: tuple[int, int, bytes]) -> float:
    if a[:2] != b[:2]:
        return 1.0
    if a[2] == b[2]:
        return 0.0
    try:
        import numpy
    except ImportError:
        count = sum(abs(x - y) > GREY_THRESHOLD for x, y in zip(a[2], b[2]))
    else:
        delta = numpy.abs(numpy.frombuffer(a[2], numpy.uint8).astype(numpy.int16)
                          - numpy.frombuffer(b[2], numpy.uint8).astype(numpy.int16))
        count = int((delta > GREY_THRESHOLD).sum())
    return count / (a[0] * a[1])


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def report(results: list[Comparison]) -> str:
    """The comparisons as a table: one line per PDF, then the totals."""
    lines = [f"{'script':6} {'lang':8} {'before KB':>9} {'after KB':>9} {'saved':>6} "
             f"{'pages':>5} {'worst page':>10}  text"]
    for r in results:
        worst = max(r.differing, default=0.0)
        lines.append(
            f"{r.script:6} {r.language:8} {r.bytes_before / 1024:9.1f} {r.bytes_after / 1024:9.1f} "
            f"{1 - r.bytes_after / r.bytes_before:6.0%} {len(r.differing):5d} "
            f"{worst:10.4%}  {'same' if r.same_text else 'DIFFERENT'}"
            + ("" if r.ok else "   FAILS"))
    before = sum(r.bytes_before for r in results)
    after = sum(r.bytes_after for r in results)
    lines.append(f"{len(results)} PDFs: {before / 1024:.0f} KB -> {after / 1024:.0f} KB; "
                 f"pages over {PAGE_LIMIT:.0%} of pixels changed by more than "
                 f"{GREY_THRESHOLD} grey levels: "
                 f"{sum(share >= PAGE_LIMIT for r in results for share in r.differing)}; "
                 f"text changed: {sum(not r.same_text for r in results)}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edition", action="append", help="edition(s) (default: standard)")
    parser.add_argument("--paper", action="append", help="paper(s) (default: letter)")
    parser.add_argument("--lang", action="append", help="language codes (default: one per script)")
    args = parser.parse_args()
    results = compare_font_pass(editions=args.edition or ["standard"],
                                papers=args.paper or ["letter"], languages=args.lang)
    print(report(results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
