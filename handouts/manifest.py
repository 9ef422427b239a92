"""The manifest the web site downloads: one record per PDF on disk.

The manifest is written from the files on disk: a file a build did not touch
keeps its record from the previous manifest if it is still there, and its size
and checksum are read again, so the manifest never describes a file that is
not what it says. Its shape (schema 1) is a contract with the site: fields may
be added, none removed or changed in meaning.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from .editions import EDITIONS, PAPERS
from .languages import Language
from .output import sha256_of
from .project import Project
from .render import handout_title

MANIFEST = "manifest.json"
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
                "title": plain_title(newest.title),
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
                "title": plain_title(handout_title(handout, project.source_language)),
                "revised": handout.revised.isoformat(),
                "languages": languages,
            })
    return {"schema": SCHEMA, "handouts": handouts}


def plain_title(title: str) -> str:
    """A title the site can show without escaping it: no < or > (a catalog may
    spell "<img onerror=…>" as &#60;img…&#62;, which the PDF shows as text).
    Their full-width forms keep the sense of "less than" and "greater than"."""
    return title.replace("<", "\uff1c").replace(">", "\uff1e")


def _order(table: dict, name: str) -> int:
    return list(table).index(name) if name in table else len(table)


def _file_entry(record: FileRecord) -> dict:
    entry = {"path": record.path, "paper": record.paper, "edition": record.edition,
             "pages": record.pages, "bytes": record.bytes, "sha256": record.sha256}
    if record.bleed_mm:
        entry.update(bleed_mm=record.bleed_mm, crop_marks=record.crop_marks)
    return entry


def _ordered_languages(project: Project) -> list[Language]:
    source = project.source_language
    return [source] + [lang for lang in project.languages.values() if lang is not source]
