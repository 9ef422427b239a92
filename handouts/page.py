"""The "PDFs by language" page: every language by its own name, with its PDFs.

The page is made from the manifest, so it links exactly the files the manifest
lists; each language gets a thumbnail of its first page, drawn by Poppler.
"""

from __future__ import annotations

import copy
import datetime
import os
import struct
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jinja2
from babel.dates import format_date

from .errors import HandoutsError
from .output import write_atomic
from .project import Project

INDEX = "index.html"


THUMBNAIL_WIDTH = 160  # pixels; shown at 80 CSS pixels, sharp on high-density screens


def make_thumbnails(out_dir: Path, manifest: dict) -> None:
    """A small PNG of each language's first page, made from its first PDF.

    Only a thumbnail older than its PDF is made again. Poppler's pdftoppm draws
    it, one process per core at a time; the manifest names it as the
    language's ``thumbnail``.
    """
    to_draw = []
    for handout in manifest["handouts"]:
        for language in handout["languages"]:
            pdf = out_dir / language["files"][0]["path"]
            png = pdf.with_name(f"{handout['slug']}.{language['code']}.png")
            if not png.is_file() or png.stat().st_mtime_ns < pdf.stat().st_mtime_ns:
                to_draw.append((pdf, png))
            language["thumbnail"] = png.relative_to(out_dir).as_posix()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        # list(): the first failure is raised here.
        list(pool.map(lambda pair: _draw_first_page(*pair), to_draw))


def _draw_first_page(pdf: Path, png: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="handouts-thumbnail-") as folder:
        result = subprocess.run(
            ["pdftoppm", "-png", "-singlefile", "-f", "1", "-l", "1",
             "-scale-to-x", str(THUMBNAIL_WIDTH), "-scale-to-y", "-1", str(pdf),
             str(Path(folder) / "page")], capture_output=True, text=True)
        if result.returncode:
            raise HandoutsError(f"cannot draw a thumbnail: {result.stderr.strip()}", path=pdf,
                                fix="install poppler-utils (make pdfs does this)")
        write_atomic(png, (Path(folder) / "page.png").read_bytes())


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[16:24]
    return struct.unpack(">II", header)


def render_index(project: Project, manifest: dict, out_dir: Path | None = None) -> str:
    """The "PDFs by language" page for ``manifest``."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(project.templates_dir),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["kilobytes"] = lambda size: f"{max(1, round(size / 1000)):,} kB"
    env.filters["date_long"] = lambda iso: format_date(
        datetime.date.fromisoformat(iso), format="long", locale="en")
    page = copy.deepcopy(manifest)
    for handout in page["handouts"]:
        for language in handout["languages"]:
            if out_dir is not None and language.get("thumbnail"):
                width, height = _png_size(out_dir / language["thumbnail"])
                language["thumbnail_height"] = round(80 * height / width)
            else:
                language["thumbnail"] = None
    try:
        return env.get_template("index.html").render(manifest=page, organisation=project.organisation)
    except jinja2.TemplateError as error:
        raise HandoutsError(f"template error: {error}", path=project.templates_dir / "index.html",
                            line=getattr(error, "lineno", None),
                            fix="correct the page's template") from None
