"""The manifest the web site downloads: one record per PDF on disk.

The manifest is written from the files on disk: a file a build did not touch
keeps its record from the previous manifest if it is still there, and its size
and checksum are read again, so the manifest never describes a file that is
not what it says. Its shape (schema 1) is a contract with the site: fields may
be added, none removed or changed in meaning.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from .editions import EDITIONS, PAPERS
from .errors import HandoutsError
from .languages import Language
from .output import sha256_of
from .project import Project

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
    # What the PDF says of its review (review.py), as of the text it was made from.
    review: str = "draft"  # "source", "draft" or "reviewed"
    reviewer: str | None = None
    reviewed: str | None = None  # the review's date, YYYY-MM-DD
    reviewed_messages: float = 0.0  # percent of its messages reviewed as they stand
    changed_since_review: int = 0  # messages reviewed once and changed since


def read_manifest(out_dir: Path) -> list[FileRecord]:
    """The file records of the manifest in ``out_dir``; none if it is absent or unreadable.

    A manifest may come from elsewhere (a shard's, to merge): one that lists a
    path outside its folder is refused, so no file is ever read or written
    outside the folders a command was given.
    """
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        records = [
            FileRecord(path=f["path"], handout=h["slug"], language=lang["code"],
                       paper=f["paper"], edition=f["edition"], pages=f["pages"],
                       bytes=f["bytes"], sha256=f["sha256"], title=lang["title"],
                       translated=lang["translated"], incomplete=lang.get("incomplete", False),
                       bleed_mm=f.get("bleed_mm", 0.0), crop_marks=f.get("crop_marks", False),
                       review=lang["review"], reviewer=lang.get("reviewer"),
                       reviewed=lang.get("reviewed"),
                       reviewed_messages=lang.get("reviewed_messages", 0.0),
                       changed_since_review=lang.get("changed_since_review", 0))
            for h in data["handouts"] for lang in h["languages"] for f in lang["files"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    for record in records:
        if not is_output_path(record.path):
            raise HandoutsError(
                f"lists {str(record.path)[:80]!r}, which is not a file name inside the folder",
                path=out_dir / MANIFEST,
                fix="every path must be HANDOUT/HANDOUT.LANG.PAPER.EDITION.pdf; "
                    "delete the manifest and build again")
    return records


# What a build names its files: HANDOUT/HANDOUT.LANG.PAPER.EDITION.pdf, in
# letters, digits and hyphens, so that no path can lead out of the folder.
_OUTPUT_PATH = re.compile(r"([a-z0-9][a-z0-9-]*)/\1\.[A-Za-z0-9-]+\.[a-z0-9-]+\.[a-z0-9-]+\.pdf",
                          re.ASCII)


def is_output_path(path: object) -> bool:
    """Whether ``path`` is a file name a build writes, relative to its output folder."""
    return isinstance(path, str) and _OUTPUT_PATH.fullmatch(path) is not None


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
    from .render import handout_title  # Jinja2: loaded only when a manifest is written

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
                "review": newest.review,
                "translated": newest.translated,
                "title": plain_title(newest.title),
                "files": [_file_entry(r) for r in files],
            }
            if newest.incomplete:
                entry["incomplete"] = True
            if newest.review == "reviewed":
                entry["reviewer"] = newest.reviewer
                entry["reviewed"] = newest.reviewed
            if newest.review != "source":
                entry["reviewed_messages"] = newest.reviewed_messages
                entry["changed_since_review"] = newest.changed_since_review
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
