"""A build: every job into an output folder, then the page and the manifest.

The stages, in order: each language passes the publication gate (gate.py); a
job whose inputs have not changed since the last build into the folder is
skipped (incremental.py); the rest render in worker processes (workers.py),
each PDF written atomically; then the manifest and the page are written from
what is on disk (manifest.py, page.py). A job that fails is reported and
leaves the last good PDF where it was; the others go on.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable

from .catalogs import read_catalog, read_template
from .errors import HandoutsError
from .gate import Policy, Verdict, assess
from .incremental import job_key, read_state, still_there, tree_fingerprint, write_state
from .jobs import Job
from .manifest import FileRecord, read_manifest
from .output import output_lock, write_atomic
from .page import write_site
from .project import Project
from .render import render_pdf
from .workers import run_all


@dataclass(frozen=True)
class JobFailure:
    job: Job
    reason: str


@dataclass
class BuildReport:
    """What a build made, skipped and failed, why, and how long it took."""

    built: list[FileRecord] = field(default_factory=list)
    unchanged: list[FileRecord] = field(default_factory=list)  # inputs as last time: skipped
    failed: list[JobFailure] = field(default_factory=list)
    skipped: list[Verdict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # failures of the build as a whole
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.errors


def run_job(job: Job, out_dir: Path) -> FileRecord:
    """Render one job and write its PDF atomically."""
    catalog = job.catalog
    if catalog is None and job.language.catalog is not None:
        catalog = read_catalog(job.language.catalog, job.language.locale)
    rendered = render_pdf(job.handout, job.language, job.edition, job.paper,
                          print_shop=job.print_shop, incomplete=job.incomplete, catalog=catalog)
    write_atomic(out_dir / job.path, rendered.data)
    return FileRecord(
        path=job.path.as_posix(), handout=job.handout.slug, language=job.language.code,
        paper=job.paper.name, edition=job.edition.name, pages=rendered.pages,
        bytes=len(rendered.data), sha256=hashlib.sha256(rendered.data).hexdigest(),
        title=rendered.title, translated=catalog.percent if catalog else 100.0,
        incomplete=job.incomplete,
        bleed_mm=job.print_shop.bleed_mm if job.print_shop else 0.0,
        crop_marks=bool(job.print_shop and job.print_shop.crop_marks))


def build(project: Project, out_dir: Path, jobs: list[Job], policy: Policy = Policy(),
          allow_incomplete: bool = False,
          progress: Callable[[Job, str], None] | None = None,
          wait: bool = True, on_wait: Callable[[], None] | None = None,
          workers: int | None = None, force: bool = False) -> BuildReport:
    """Run ``jobs`` that pass the gate into ``out_dir``, then write the page and the manifest.

    A job whose inputs have not changed since the last build into ``out_dir`` is
    skipped (``force`` renders it anyway). The others render in ``workers``
    processes (default: one per core). One build at a time writes into a
    folder: another waits (``wait``) or stops.
    """
    with output_lock(out_dir, wait=wait, on_wait=on_wait):
        return _build(project, out_dir, jobs, policy, allow_incomplete, progress,
                      workers or os.cpu_count() or 1, force)


def _build(project, out_dir, jobs, policy, allow_incomplete, progress, workers, force):
    started = time.monotonic()
    previous = read_manifest(out_dir)
    state = read_state(out_dir)
    report = BuildReport()
    template = read_template(project.template_catalog)
    verdicts = {code: assess(project.languages[code], policy, template, project.locales_dir)
                for code in dict.fromkeys(job.language.code for job in jobs)}
    runnable = []
    for job in jobs:
        verdict = verdicts[job.language.code]
        if verdict.failed:
            report.failed.append(JobFailure(job, verdict.reason))
            _tell(progress, job, "failed")
        elif verdict.publishable:
            runnable.append(replace(job, catalog=verdict.catalog))
        elif allow_incomplete:
            runnable.append(replace(job, catalog=verdict.catalog, incomplete=True))
        elif verdict not in report.skipped:
            report.skipped.append(verdict)
    withdrawn = {verdict.language.code for verdict in report.skipped}

    templates = tree_fingerprint(project.templates_dir)
    keys = {job.path.as_posix(): job_key(job, templates) for job in runnable}
    to_render = []
    for job in runnable:
        path = job.path.as_posix()
        known = state.get(path)
        if not force and known and known["key"] == keys[path] and still_there(out_dir, known):
            report.unchanged.append(FileRecord(**known["record"]))
            _tell(progress, job, "unchanged")
        else:
            to_render.append(job)

    for job, outcome in run_all(run_job, to_render, out_dir, workers):
        if isinstance(outcome, FileRecord):
            report.built.append(outcome)
            state[outcome.path] = {"key": keys[outcome.path], "record": asdict(outcome)}
            _tell(progress, job, "built")
        else:
            report.failed.append(JobFailure(job, outcome))
            _tell(progress, job, "failed")
    try:
        write_site(project, out_dir, [r for r in previous if r.language not in withdrawn]
                   + report.unchanged + report.built)
        write_state(out_dir, state)
    except HandoutsError as error:  # the page and manifest on disk stay the last good ones
        report.errors.append(str(error))
    report.seconds = time.monotonic() - started
    return report


def _tell(progress, job, what):
    if progress is not None:
        progress(job, what)
