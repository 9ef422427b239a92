"""Switching an output folder from one complete build to the next.

The site syncs by the manifest, so the manifest must be true at every instant:
every file it lists exists with the bytes and checksum it gives, and the page
links only such files. A build therefore renders into a staging folder, and
then:

1. if any staged file would replace a file the manifest lists, it first writes a
   manifest (and page) without those entries;
2. it moves the staged files into place, one rename each;
3. it writes the manifest and page that list them.

A build stopped or killed at any point leaves a manifest that lists fewer
files at most, never a wrong one; the next build sweeps the staging folder and
lists them again.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .manifest import MANIFEST, FileRecord, current_records, manifest_data, read_manifest
from .output import STAGING_NAME, output_error, write_atomic
from .page import INDEX, make_thumbnails, render_index
from .project import Project


def staging_folder(out_dir: Path) -> Path:
    """Where a build into ``out_dir`` writes its files before they are switched in."""
    return out_dir / STAGING_NAME


def publish(project: Project, out_dir: Path, staged: list[FileRecord],
            kept: list[FileRecord]) -> dict:
    """Switch the ``staged`` files into ``out_dir`` and list them with ``kept``.

    ``kept`` are records of files already in ``out_dir`` that stay listed (a
    staged file's record wins over a kept one of the same path). Returns the
    manifest written.
    """
    replaced = {record.path for record in staged}
    if any(record.path in replaced for record in read_manifest(out_dir)):
        write_site(project, out_dir, [r for r in kept if r.path not in replaced])
    staging = staging_folder(out_dir)
    for record in staged:
        target = out_dir / record.path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / record.path, target)
        except OSError as error:
            raise output_error(error, target) from None
    manifest = write_site(project, out_dir, kept + staged)
    shutil.rmtree(staging, ignore_errors=True)
    return manifest


def write_site(project: Project, out_dir: Path, records: list[FileRecord]) -> dict:
    """Write ``manifest.json`` and ``index.html`` for the files on disk; return the manifest."""
    manifest = manifest_data(project, current_records(project, out_dir, records))
    make_thumbnails(out_dir, manifest)
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    write_atomic(out_dir / MANIFEST, text.encode("utf-8"))
    write_atomic(out_dir / INDEX, render_index(project, manifest, out_dir).encode("utf-8"))
    return manifest
