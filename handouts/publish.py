"""Switching an output folder from one complete build to the next.

The site syncs by the manifest, so the manifest must be true at every instant:
every file it lists exists with the bytes and checksum it gives, and the page
links only such files. A build therefore renders into a staging folder, and
then:

1. if any staged file would replace a file the manifest lists, or a listed file
   is to be listed no more, it first writes a page and then a manifest without
   those entries;
2. it moves the staged files into place, one rename each;
3. it writes the manifest, and then the page, that list them.

A build stopped or killed at any point leaves a manifest that lists fewer
files at most, never a wrong one, and a page that links only files the
manifest lists; the next build sweeps the staging folder and lists them again.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .manifest import MANIFEST, FileRecord, current_records, manifest_data, read_manifest
from .output import STAGING_NAME, output_error, write_if_changed
from .project import Project


def staging_folder(out_dir: Path) -> Path:
    """Where a build into ``out_dir`` writes its files before they are switched in."""
    return out_dir / STAGING_NAME


def publish(project: Project, out_dir: Path, staged: list[FileRecord],
            kept: list[FileRecord], catalogs: dict | None = None) -> dict:
    """Switch the ``staged`` files into ``out_dir`` and list them with ``kept``.

    ``kept`` are records of files already in ``out_dir`` that stay listed (a
    staged file's record wins over a kept one of the same path). ``catalogs``:
    the catalogs the build has read, by language code, for the page's words
    (others are read from disk). Returns the manifest written.
    """
    replaced = {record.path for record in staged}
    staying = [record for record in kept if record.path not in replaced]
    listed = {record.path for record in read_manifest(out_dir)}
    if listed - {record.path for record in staying}:  # some listed file goes or is replaced
        write_site(project, out_dir, staying, fewer=True, catalogs=catalogs)
    staging = staging_folder(out_dir)
    for record in staged:
        target = out_dir / record.path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / record.path, target)
        except OSError as error:
            raise output_error(error, target) from None
    manifest = write_site(project, out_dir, staying + staged, catalogs=catalogs)
    shutil.rmtree(staging, ignore_errors=True)
    return manifest


def write_site(project: Project, out_dir: Path, records: list[FileRecord],
               fewer: bool = False, catalogs: dict | None = None) -> dict:
    """Write ``manifest.json`` and ``index.html`` for the files on disk; return the manifest.

    The page must never link a file the manifest does not list: when the new
    manifest lists ``fewer`` files, the page is written first, otherwise last.
    """
    from .page import INDEX, make_thumbnails, render_index  # Jinja2, only when written

    manifest = manifest_data(project, current_records(project, out_dir, records))
    make_thumbnails(out_dir, manifest)
    writes = [(out_dir / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")),
              (out_dir / INDEX, render_index(project, manifest, out_dir, catalogs))]
    for path, text in (reversed(writes) if fewer else writes):
        write_if_changed(path, text.encode("utf-8"))
    return manifest
