"""The worker processes that render jobs in parallel.

Each worker renders many jobs, keeping its parsed stylesheets and compiled
templates, hands memory back when it moves to another script, and dies with the build that
started it. A job that fails gives its reason instead of a record; it never
stops the other jobs.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Callable, Iterator

from .errors import HandoutsError
from .jobs import Job

# A job's outcome: its record, or the reason it failed.
RunJob = Callable[[Job, Path], object]


def run_all(run: RunJob, jobs: list[Job], out_dir: Path, workers: int) -> Iterator[tuple[Job, object]]:
    """(job, ``run(job, out_dir)`` or failure reason) for each job, as they finish."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield job, run_safely(run, job, out_dir)
        return
    # The slowest jobs (CJK, bilingual, large print) go first, to balance the
    # load; the jobs of one script follow each other, so that a worker renders
    # them with the fonts it has loaded (render.py).
    ordered = sorted(jobs, key=lambda job: (-_script_cost(job), job.language.writing.code,
                                            -expected_cost(job)))
    # Import WeasyPrint here, only now that there is work, and fork: every
    # worker starts with it loaded, and scripts using the library need no
    # __main__ guard.
    import weasyprint  # noqa: F401

    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context,
                               initializer=_worker_start, initargs=(os.getpid(),))
    try:
        futures = {pool.submit(_run_in_worker, run, job, out_dir): job for job in ordered}
        for future in as_completed(futures):
            yield futures[future], future.result()
    except BaseException:
        # Stopped (Ctrl-C, SIGTERM) or failed: end the workers now, whatever they
        # are doing, rather than let them finish their jobs or wait on a pipe.
        _kill_workers(pool)
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    # The executor has no public way to end its processes at once; its
    # _processes map (pid: Process) is the one place that knows them.
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.kill()
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.join(timeout=5)


def run_safely(run: RunJob, job: Job, out_dir: Path) -> object:
    """``run(job, out_dir)``, or the reason it failed as one string."""
    try:
        return run(job, out_dir)
    except HandoutsError as error:
        return str(error)
    except Exception:  # an engine failure must not stop the other languages
        return traceback.format_exc(limit=3).strip()


def expected_cost(job: Job) -> float:
    """A rough relative cost of rendering ``job``, to start the slowest first."""
    return _script_cost(job) * (2.0 if job.edition.bilingual else 1.0) * \
        job.edition.base_font_pt / 12


def _script_cost(job: Job) -> float:
    return 3.0 if job.language.script in ("Hans", "Hant", "Jpan", "Kore") else 1.0


def _worker_start(parent: int) -> None:
    """Set a worker up to be stopped by its build, never by itself.

    The build decides when to stop: a worker ignores Ctrl-C (the terminal sends
    it to the whole process group) and takes SIGTERM as the default, fatal
    action, not as the build's own "stop cleanly" handler it inherited by fork.
    And it dies with the build, even when the build is killed with SIGKILL,
    instead of lingering with its memory (Linux; elsewhere the build's own
    shutdown is all there is).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # What the worker inherited (WeasyPrint, the project, the locale data) lives
    # as long as it does: out of the collector's way, the collection after each
    # job (_release_memory) looks at that job's objects only, in a sixth of the time.
    gc.freeze()
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


# The script of the last job this worker rendered (each worker process has its own).
_last_script: list[str] = []


def _run_in_worker(run: RunJob, job: Job, out_dir: Path) -> object:
    # Memory goes back when the script changes: the worker then drops the fonts
    # it kept for the last one (render.py), a CJK face's 20 MB collection among
    # them. Between jobs of one script it keeps the memory it will use again.
    if _last_script and _last_script[0] != job.language.writing.code:
        _release_memory()
    _last_script[:] = [job.language.writing.code]
    return run_safely(run, job, out_dir)


def _release_memory() -> None:
    """Hand the memory that the last documents left back to the system."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the allocator keeps it, no harm
        pass
