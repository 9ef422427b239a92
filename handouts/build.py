"""Build every job into an output folder, then the page and the manifest.

A job is one (handout, language, edition, paper). Each language first passes
the publication gate (gate.py): one that does not meet it is skipped with its
reason and taken off the page, unless incomplete builds are allowed, which
watermark it. Each job is rendered by ``render_pdf`` and written atomically. A
job that fails is reported and leaves the last good PDF where it was; the others
go on. The manifest and the page are then written from what is on disk, so they
never point at a file that is not there.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import json
import multiprocessing
import os
import signal
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

from .catalogs import catalog_stats, read_catalog_once, read_template
from .editions import (DEFAULT_EDITIONS, DEFAULT_PAPERS, EDITIONS, PAPERS, Edition, Paper,
                       PrintShop)
from .errors import HandoutsError
from .fingerprint import job_key, tree_fingerprint
from .gate import Policy, Verdict, assess
from .languages import Language
from .output import output_lock, write_atomic
from .project import Handout, Project
from .render import render_pdf
from .site import FileRecord, read_manifest, write_site


@dataclass(frozen=True)
class Job:
    """One PDF to make."""

    handout: Handout
    language: Language
    edition: Edition
    paper: Paper
    print_shop: PrintShop | None = None  # bleed and crop marks for a commercial printer
    incomplete: bool = False  # below the publication gate: highlighted and watermarked

    @property
    def path(self) -> Path:
        """Where the PDF goes, relative to the output folder; stable across builds."""
        return Path(self.handout.slug) / (
            f"{self.handout.slug}.{self.language.code}.{self.paper.name}.{self.edition.name}.pdf")

    def __str__(self) -> str:
        return f"{self.handout.slug} {self.language.code} {self.paper.name} {self.edition.name}"


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


def plan(project: Project, languages: Iterable[str] | None = None,
         papers: Iterable[str] = DEFAULT_PAPERS,
         editions: Iterable[str] = DEFAULT_EDITIONS,
         print_shop: PrintShop | None = None) -> list[Job]:
    """The jobs for the given language codes (default: all), papers and editions."""
    chosen = project.languages_for(list(languages) if languages else list(project.languages))
    for name, table, kind in [(p, PAPERS, "paper") for p in papers] + [
            (e, EDITIONS, "edition") for e in editions]:
        if name not in table:
            raise HandoutsError(f"unknown {kind} {name!r}; known: {', '.join(table)}")
    return [Job(handout, language, EDITIONS[edition], PAPERS[paper], print_shop)
            for handout in project.handouts.values()
            for language in chosen
            for paper in papers
            for edition in editions
            if EDITIONS[edition].for_source_language or not language.is_source]


def run_job(job: Job, out_dir: Path) -> FileRecord:
    """Render one job and write its PDF atomically."""
    rendered = render_pdf(job.handout, job.language, job.edition, job.paper,
                          print_shop=job.print_shop, incomplete=job.incomplete)
    write_atomic(out_dir / job.path, rendered.data)
    return FileRecord(
        path=job.path.as_posix(), handout=job.handout.slug, language=job.language.code,
        paper=job.paper.name, edition=job.edition.name, pages=rendered.pages,
        bytes=len(rendered.data), sha256=hashlib.sha256(rendered.data).hexdigest(),
        title=rendered.title, translated=translated_percent(job.language),
        incomplete=job.incomplete,
        bleed_mm=job.print_shop.bleed_mm if job.print_shop else 0.0,
        crop_marks=bool(job.print_shop and job.print_shop.crop_marks))


def translated_percent(language: Language) -> float:
    """How much of the language's catalog is translated, 0 to 100."""
    if language.catalog is None:
        return 100.0
    return catalog_stats(read_catalog_once(language.catalog, language.locale)).percent


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
    state = _read_state(out_dir)
    report = BuildReport()
    template = read_template(project.template_catalog)
    verdicts = {code: assess(project.languages[code], policy, template)
                for code in dict.fromkeys(job.language.code for job in jobs)}
    runnable = []
    for job in jobs:
        verdict = verdicts[job.language.code]
        if verdict.unreadable:
            report.failed.append(JobFailure(job, verdict.reason))
            _tell(progress, job, "failed")
        elif verdict.publishable:
            runnable.append(job)
        elif allow_incomplete:
            runnable.append(replace(job, incomplete=True))
        elif verdict not in report.skipped:
            report.skipped.append(verdict)
    withdrawn = {verdict.language.code for verdict in report.skipped}

    templates = tree_fingerprint(project.templates_dir)
    keys = {job.path.as_posix(): job_key(job, templates) for job in runnable}
    to_render = []
    for job in runnable:
        path = job.path.as_posix()
        known = state.get(path)
        if not force and known and known["key"] == keys[path] and _still_there(out_dir, known):
            report.unchanged.append(FileRecord(**known["record"]))
            _tell(progress, job, "unchanged")
        else:
            to_render.append(job)

    for job, outcome in _render_all(to_render, out_dir, workers):
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
        _write_state(out_dir, state)
    except HandoutsError as error:  # the page and manifest on disk stay the last good ones
        report.errors.append(str(error))
    report.seconds = time.monotonic() - started
    return report


def _render_all(jobs: list[Job], out_dir: Path, workers: int):
    """(job, FileRecord or failure reason) for each job, as they finish."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield job, _run_safely(job, out_dir)
        return
    # Each worker renders many jobs, keeping its parsed stylesheets and compiled
    # templates; the slowest jobs (CJK, bilingual, large print) go first, to
    # balance the load.
    ordered = sorted(jobs, key=_expected_cost, reverse=True)
    # Import WeasyPrint here, only now that there is work, and fork: every
    # worker starts with it loaded, and scripts using the library need no
    # __main__ guard.
    import weasyprint  # noqa: F401

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context,
                             initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(_run_in_worker, job, out_dir): job for job in ordered}
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _die_with_parent(parent: int) -> None:
    """Make a worker end when the build that started it ends, even by SIGKILL,
    instead of lingering with its memory (Linux; elsewhere the pool's own
    shutdown is all there is)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _run_in_worker(job: Job, out_dir: Path) -> FileRecord | str:
    try:
        return _run_safely(job, out_dir)
    finally:
        _release_memory()


def _release_memory() -> None:
    """Hand memory back between jobs: a CJK document reads whole 20 MB font
    collections, and a worker renders many documents."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the allocator keeps it, no harm
        pass


def _run_safely(job: Job, out_dir: Path) -> FileRecord | str:
    try:
        return run_job(job, out_dir)
    except HandoutsError as error:
        return str(error)
    except Exception:  # an engine failure must not stop the other languages
        return traceback.format_exc(limit=3).strip()


def _expected_cost(job: Job) -> float:
    cost = 3.0 if job.language.script in ("Hans", "Hant", "Jpan", "Kore") else 1.0
    return cost * (2.0 if job.edition.bilingual else 1.0) * job.edition.base_font_pt / 12


STATE = ".build-state.json"


def _read_state(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / STATE).read_text(encoding="utf-8"))["jobs"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _write_state(out_dir: Path, state: dict) -> None:
    text = json.dumps({"jobs": dict(sorted(state.items()))}, indent=1, sort_keys=True)
    write_atomic(out_dir / STATE, text.encode("utf-8"))


def _still_there(out_dir: Path, known: dict) -> bool:
    path = out_dir / known["record"]["path"]
    try:
        return path.stat().st_size == known["record"]["bytes"]
    except OSError:
        return False


def _tell(progress, job, what):
    if progress is not None:
        progress(job, what)


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


def merge(project: Project, sources: list[Path], out_dir: Path) -> list[FileRecord]:
    """Join shard outputs into ``out_dir``, with one page and one manifest.

    Each file is checked against its shard's manifest (size and SHA-256) before
    it is copied, so a damaged shard fails the merge instead of being published.
    """
    records: list[FileRecord] = []
    with output_lock(out_dir):
        for source in sources:
            found = read_manifest(source)
            if not found and not (source / "manifest.json").is_file():
                raise HandoutsError("no manifest.json: not the output of a build", path=source,
                                    fix="give the folders that build_pdfs.py --shard K/N wrote")
            for record in found:
                data = (source / record.path).read_bytes()
                if len(data) != record.bytes or hashlib.sha256(data).hexdigest() != record.sha256:
                    raise HandoutsError("does not match its manifest (size or SHA-256)",
                                        path=source / record.path,
                                        fix="build that shard again")
                write_atomic(out_dir / record.path, data)
                records.append(record)
        write_site(project, out_dir, read_manifest(out_dir) + records)
    return records
