"""A build: every job into an output folder, then the page and the manifest.

The stages, in order: each language passes the publication gate (gate.py); a
job whose inputs have not changed since the last build into the folder is
skipped (incremental.py); the rest render in worker processes (workers.py)
into a staging folder; then the new PDFs are switched in, and the manifest
and the page written, in an order that keeps the manifest true at every
instant (publish.py). A job that fails is reported and leaves the last good
PDF where it was; the others go on. A build that is stopped changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable

from .catalogs import read_catalog, read_template
from .checks import Finding
from .errors import HandoutsError
from .gate import Policy, Verdict, assess
from .incremental import (CheckCache, gate_key, job_key, read_state, site_key, still_there,
                          tree_fingerprint, write_state)
from .jobs import Job
from .manifest import FileRecord, read_manifest
from .output import output_lock, sweep_temporary_files, write_atomic
from .publish import publish, staging_folder
from .project import Project
from .review import SOURCE, ReviewState, read_stamp, review_state, stamp_path
from .workers import run_all


@dataclass(frozen=True)
class JobFailure:
    job: Job
    reason: str


@dataclass
class BuildReport:
    """What a build made, skipped, held and failed, why, and how long it took."""

    built: list[FileRecord] = field(default_factory=list)
    unchanged: list[FileRecord] = field(default_factory=list)  # inputs as last time: skipped
    failed: list[JobFailure] = field(default_factory=list)
    # Below the gate and never published in this folder: work in progress.
    skipped: list[Verdict] = field(default_factory=list)
    # Below the gate, but published in this folder: kept at its last good version.
    held: list[Verdict] = field(default_factory=list)
    # Listed in this folder as drafts, taken off under publish = "reviewed".
    withdrawn: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # failures of the build as a whole
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Nothing failed, and no published language is held back by a mistake."""
        return not self.failed and not self.errors and not any(v.broken for v in self.held)


def run_job(job: Job, out_dir: Path) -> FileRecord:
    """Render one job and write its PDF atomically into ``out_dir``."""
    from .render import render_pdf  # loaded by the workers, not by a build with nothing to do

    catalog = job.catalog
    if catalog is None and job.language.catalog is not None:
        catalog = read_catalog(job.language.catalog, job.language.locale)
    review = job.review or language_review(job.language, catalog)
    rendered = render_pdf(job.handout, job.language, job.edition, job.paper,
                          print_shop=job.print_shop, incomplete=job.incomplete, catalog=catalog,
                          review=review)
    write_atomic(out_dir / job.path, rendered.data)
    return FileRecord(
        path=job.path.as_posix(), handout=job.handout.slug, language=job.language.code,
        paper=job.paper.name, edition=job.edition.name, pages=rendered.pages,
        bytes=len(rendered.data), sha256=hashlib.sha256(rendered.data).hexdigest(),
        title=rendered.title, translated=catalog.percent if catalog else 100.0,
        incomplete=job.incomplete,
        bleed_mm=job.print_shop.bleed_mm if job.print_shop else 0.0,
        crop_marks=bool(job.print_shop and job.print_shop.crop_marks),
        review=review.status, reviewer=review.reviewer,
        reviewed=review.date.isoformat() if review.date else None,
        reviewed_messages=review.reviewed_percent,
        changed_since_review=review.changed_since_review)


def language_review(language, catalog) -> ReviewState:
    """The review state of ``language`` as its catalog and stamp stand now."""
    if catalog is None:
        return SOURCE
    return review_state(catalog, read_stamp(stamp_path(catalog.path)))


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
        try:
            return _build(project, out_dir, jobs, policy, allow_incomplete, progress,
                          workers or os.cpu_count() or 1, force)
        except KeyboardInterrupt:  # stopped: what was staged never reaches the folder
            sweep_temporary_files(out_dir)
            raise


def _build(project, out_dir, jobs, policy, allow_incomplete, progress, workers, force):
    started = time.monotonic()
    previous = read_manifest(out_dir)
    report = BuildReport()
    state = read_state(out_dir)
    checks = CheckCache(state["checks"])
    gate = GateVerdicts(project, policy, checks, CheckCache(state["gate"]))
    runnable = _judge(project, jobs, policy, allow_incomplete, previous, report, progress, gate)
    drafts = {r.language for r in previous if r.review == "draft"}
    if policy.publish == "reviewed":  # the drafts an earlier build listed go
        previous = [r for r in previous if r.review != "draft"]

    jobs_state = state["jobs"]
    templates = tree_fingerprint(project.templates_dir)
    memo: dict = {}
    keys = {job.path.as_posix(): job_key(job, templates, memo) for job in runnable}
    to_render = []
    for job in runnable:
        known = jobs_state.get(job.path.as_posix())
        if (not force and known and known["key"] == keys[job.path.as_posix()]
                and still_there(out_dir, known)):
            report.unchanged.append(FileRecord(**known["record"]))
            _tell(progress, job, "unchanged")
        else:
            to_render.append(job)
    to_render = _with_catalogs(to_render, gate, report, progress)

    for job, outcome in run_all(run_job, to_render, staging_folder(out_dir), workers):
        if isinstance(outcome, FileRecord):
            report.built.append(outcome)
            jobs_state[outcome.path] = {"key": keys[outcome.path], "record": asdict(outcome)}
            _tell(progress, job, "built")
        else:
            report.failed.append(JobFailure(job, outcome))
            _tell(progress, job, "failed")
    if policy.publish == "reviewed":
        report.withdrawn = sorted(drafts - {r.language for r in report.built + report.unchanged})
    # The page and the manifest are made again only if something they show changed.
    kept = previous + report.unchanged
    try:
        site = state["site"]
        if (report.built or not site or staging_folder(out_dir).exists()
                or site_key(project, out_dir, kept, templates) != site):
            publish(project, out_dir, report.built, kept,
                    {job.language.code: job.catalog for job in to_render + runnable if job.catalog})
            site = _site_after(project, out_dir, policy, runnable, jobs_state, templates)
        write_state(out_dir, jobs_state, checks.used, gate.cache.used, site)
    except HandoutsError as error:  # the manifest on disk is still true, if incomplete
        report.errors.append(str(error))
    report.seconds = time.monotonic() - started
    return report


def _site_after(project, out_dir, policy, runnable, jobs_state, templates) -> str | None:
    """The site key the next build will find if nothing changes: its ``kept``
    records are the manifest's, then those of its unchanged jobs."""
    listed = read_manifest(out_dir)
    if policy.publish == "reviewed":
        listed = [r for r in listed if r.review != "draft"]
    unchanged = [FileRecord(**jobs_state[job.path.as_posix()]["record"]) for job in runnable
                 if job.path.as_posix() in jobs_state]
    return site_key(project, out_dir, listed + unchanged, templates)


class GateVerdicts:
    """The gate's verdict on each language: read from the state while nothing it
    depends on has changed (without its catalog, which is read only if one of
    its jobs renders), else assessed in full and remembered."""

    def __init__(self, project, policy: Policy, checks: CheckCache, cache: CheckCache):
        self.project, self.policy, self.checks, self.cache = project, policy, checks, cache
        self._template = None
        self._full: dict[str, Verdict] = {}

    def template(self):
        if self._template is None:
            self._template = (read_template(self.project.template_catalog),)
        return self._template[0]

    def verdict(self, language) -> Verdict:
        key = gate_key(language, self.policy, self.project.template_catalog,
                       self.project.locales_dir)
        known = self.cache.get(key)
        if known is not None:
            return Verdict(language, known["publishable"], known["reason"],
                           findings=[Finding(**f) for f in known["findings"]])
        verdict = self.full(language)
        if not verdict.failed:  # a catalog that cannot be read is read again next time
            self.cache.put(key, {"publishable": verdict.publishable, "reason": verdict.reason,
                                 "findings": [asdict(f) for f in verdict.findings]})
        return verdict

    def full(self, language) -> Verdict:
        """The verdict with the catalog and review state, to render from."""
        if language.code not in self._full:
            self._full[language.code] = assess(language, self.policy, self.template(),
                                               self.project.locales_dir, self.checks)
        return self._full[language.code]


def _judge(project, jobs, policy, allow_incomplete, previous, report, progress,
           gate: GateVerdicts) -> list[Job]:
    """The jobs that may run, each with its language's catalog and review as the
    gate read them (or none yet, if read from the state: see _with_catalogs);
    the rest go into ``report`` as failed, held or skipped."""
    verdicts = {code: gate.verdict(project.languages[code])
                for code in dict.fromkeys(job.language.code for job in jobs)}
    published = {record.language for record in previous}
    runnable = []
    for job in jobs:
        verdict = verdicts[job.language.code]
        if verdict.failed:
            report.failed.append(JobFailure(job, verdict.reason))
            _tell(progress, job, "failed")
        elif verdict.publishable:
            runnable.append(replace(job, catalog=verdict.catalog, review=verdict.review))
        elif allow_incomplete and policy.publish == "drafts":
            runnable.append(replace(job, catalog=verdict.catalog, review=verdict.review,
                                    incomplete=True))
        elif job.language.code in published:  # never unpublish silently: keep the last good
            if verdict not in report.held:
                report.held.append(verdict)
        elif verdict not in report.skipped:
            report.skipped.append(verdict)
    return runnable


def _with_catalogs(jobs, gate: GateVerdicts, report, progress) -> list[Job]:
    """``jobs`` to render, each with its language's catalog and review state, read
    now for the languages whose verdict came from the state."""
    ready = []
    for job in jobs:
        if job.catalog is not None or job.language.catalog is None:
            ready.append(job)
            continue
        verdict = gate.full(job.language)
        if verdict.failed:
            report.failed.append(JobFailure(job, verdict.reason))
            _tell(progress, job, "failed")
        else:
            ready.append(replace(job, catalog=verdict.catalog, review=verdict.review))
    return ready


def _tell(progress, job, what):
    if progress is not None:
        progress(job, what)
