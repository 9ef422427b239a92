"""The "PDFs by language" page and the manifest the web site downloads.

Both are written from the files on disk: a file a build did not touch keeps its
record from the previous manifest if it is still there, and its size and
checksum are read again, so the page and the manifest never describe a file
that is not what they say.
"""

from __future__ import annotations

import copy
import datetime
import json
import struct
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import jinja2
from babel.dates import format_date

from .editions import EDITIONS, PAPERS
from .languages import Language
from .errors import HandoutsError
from .output import sha256_of, write_atomic
from .project import Project
from .render import handout_title

MANIFEST = "manifest.json"
INDEX = "index.html"
SCHEMA = 1


@dataclass(frozen=True)
class FileRecord:
    """One PDF on disk, as the manifest lists it."""

    path: str  # relative to the output folder, with "/"
    handout: str
    language: str
    paper: str
    edition: str
    pages: int
    bytes: int
    sha256: str
    title: str  # the handout's title in the language, as the PDF gives it
    translated: float  # percent of the catalog translated when the PDF was made
    incomplete: bool = False  # built below the publication gate, watermarked
    bleed_mm: float = 0.0  # print-shop files: bleed around the trim box
    crop_marks: bool = False


def read_manifest(out_dir: Path) -> list[FileRecord]:
    """The file records of the manifest in ``out_dir``; none if it is absent or unreadable."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return [
            FileRecord(path=f["path"], handout=h["slug"], language=lang["code"],
                       paper=f["paper"], edition=f["edition"], pages=f["pages"],
                       bytes=f["bytes"], sha256=f["sha256"], title=lang["title"],
                       translated=lang["translated"], incomplete=lang.get("incomplete", False),
                       bleed_mm=f.get("bleed_mm", 0.0), crop_marks=f.get("crop_marks", False))
            for h in data["handouts"] for lang in h["languages"] for f in lang["files"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def current_records(project: Project, out_dir: Path, records: list[FileRecord]) -> list[FileRecord]:
    """The records still true on disk, oldest first, with sizes and checksums re-read."""
    latest: dict[str, FileRecord] = {}
    for record in records:  # the later record of a path wins, and moves to the end
        latest.pop(record.path, None)
        latest[record.path] = record
    kept = []
    for record in latest.values():
        path = out_dir / record.path
        if (record.handout not in project.handouts or record.language not in project.languages
                or not path.is_file()):
            continue
        size = path.stat().st_size
        digest = record.sha256 if size == record.bytes and sha256_of(path) == record.sha256 else None
        if digest is None:  # changed behind the build's back: describe what is there
            kept.append(FileRecord(**{**asdict(record), "bytes": size, "sha256": sha256_of(path)}))
        else:
            kept.append(record)
    return kept


def manifest_data(project: Project, records: list[FileRecord]) -> dict:
    """The manifest as plain data, in the shape the web site reads (schema 1)."""
    handouts = []
    for handout in project.handouts.values():
        languages = []
        for language in _ordered_languages(project):
            mine = [r for r in records if r.handout == handout.slug and r.language == language.code]
            if not mine:
                continue
            newest = mine[-1]  # records run from oldest to newest
            files = sorted(mine, key=lambda r: (_order(EDITIONS, r.edition), _order(PAPERS, r.paper)))
            entry = {
                "code": language.code,
                "name": language.name,
                "english_name": language.english_name,
                "direction": language.direction,
                "review": language.review.status,
                "translated": newest.translated,
                "title": newest.title,
                "files": [_file_entry(r) for r in files],
            }
            if newest.incomplete:
                entry["incomplete"] = True
            if language.review.status == "reviewed":
                entry["reviewer"] = language.review.reviewer
                entry["reviewed"] = language.review.date.isoformat()
            languages.append(entry)
        if languages:
            handouts.append({
                "slug": handout.slug,
                "title": handout_title(handout, project.source_language),
                "revised": handout.revised.isoformat(),
                "languages": languages,
            })
    return {"schema": SCHEMA, "handouts": handouts}


def _order(table: dict, name: str) -> int:
    return list(table).index(name) if name in table else len(table)


def _file_entry(record: FileRecord) -> dict:
    entry = {"path": record.path, "paper": record.paper, "edition": record.edition,
             "pages": record.pages, "bytes": record.bytes, "sha256": record.sha256}
    if record.bleed_mm:
        entry.update(bleed_mm=record.bleed_mm, crop_marks=record.crop_marks)
    return entry


THUMBNAIL_WIDTH = 160  # pixels; shown at 80 CSS pixels, sharp on high-density screens


def make_thumbnails(out_dir: Path, manifest: dict) -> None:
    """A small PNG of each language's first page, made from its first PDF.

    Only a thumbnail older than its PDF is made again. Poppler's pdftoppm draws
    it; the manifest names it as the language's ``thumbnail``.
    """
    for handout in manifest["handouts"]:
        for language in handout["languages"]:
            pdf = out_dir / language["files"][0]["path"]
            png = pdf.with_name(f"{handout['slug']}.{language['code']}.png")
            if not png.is_file() or png.stat().st_mtime_ns < pdf.stat().st_mtime_ns:
                _draw_first_page(pdf, png)
            language["thumbnail"] = png.relative_to(out_dir).as_posix()


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


def write_site(project: Project, out_dir: Path, records: list[FileRecord]) -> dict:
    """Write ``manifest.json`` and ``index.html`` for the files on disk; return the manifest."""
    manifest = manifest_data(project, current_records(project, out_dir, records))
    make_thumbnails(out_dir, manifest)
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    write_atomic(out_dir / MANIFEST, text.encode("utf-8"))
    write_atomic(out_dir / INDEX, render_index(project, manifest, out_dir).encode("utf-8"))
    return manifest


def _ordered_languages(project: Project) -> list[Language]:
    source = project.source_language
    return [source] + [lang for lang in project.languages.values() if lang is not source]
