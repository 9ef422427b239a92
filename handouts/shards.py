"""Sharding: a fixed share of a build's jobs for each machine of a CI matrix,
and the join of their output folders into one.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .errors import HandoutsError
from .jobs import Job
from .manifest import FileRecord, read_manifest
from .output import output_lock, write_atomic
from .publish import publish, staging_folder
from .project import Project


def shard(jobs: list[Job], index: int, count: int) -> list[Job]:
    """The ``index``-th (1-based) of ``count`` fixed, disjoint shares of ``jobs``.

    Jobs are dealt out in the order of their paths, so every machine of a CI
    matrix computes the same shares from the same sources.
    """
    if not 1 <= index <= count:
        raise HandoutsError(f"shard {index}/{count} does not exist",
                            fix=f"use --shard K/{count} with K from 1 to {count}")
    ordered = sorted(jobs, key=lambda job: job.path.as_posix())
    return [job for i, job in enumerate(ordered) if i % count == index - 1]


def parse_shard(text: str) -> tuple[int, int]:
    """(K, N) from "K/N", as --shard takes it."""
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit()):
        raise HandoutsError(f"--shard {text}: write it as K/N, such as 2/4")
    return int(index), int(count)


def join_shards(project: Project, sources: list[Path], out_dir: Path) -> list[FileRecord]:
    """Join shard outputs into ``out_dir``, with one page and one manifest.

    Each file is checked against its shard's manifest (size and SHA-256) before
    it is copied, so a damaged shard fails the join instead of being published.
    Paths come only from the shard's manifest, in the shape a build writes
    (manifest.read_manifest refuses any other), and a file that is a link is
    refused, so nothing outside the shards is read and nothing outside
    ``out_dir`` written.
    """
    records: list[FileRecord] = []
    with output_lock(out_dir):
        staging = staging_folder(out_dir)
        for source in sources:
            found = read_manifest(source)
            if not found and not (source / "manifest.json").is_file():
                raise HandoutsError("no manifest.json: not the output of a build", path=source,
                                    fix="give the folders that build_pdfs.py --shard K/N wrote")
            for record in found:
                data = _shard_file(source / record.path)
                if len(data) != record.bytes or hashlib.sha256(data).hexdigest() != record.sha256:
                    raise HandoutsError("does not match its manifest (size or SHA-256)",
                                        path=source / record.path,
                                        fix="build that shard again")
                write_atomic(staging / record.path, data)
                records.append(record)
        publish(project, out_dir, records, read_manifest(out_dir))
    return records


def _shard_file(path: Path) -> bytes:
    if path.is_symlink() or not path.is_file():
        raise HandoutsError("is not a regular file of the shard", path=path,
                            fix="build that shard again")
    return path.read_bytes()
