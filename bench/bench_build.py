#!/usr/bin/env python3
"""Benchmark of the build, measured against WeasyPrint's own cost, in one run.

    .venv/bin/python bench/bench_build.py                  # everything (about 10 minutes)
    .venv/bin/python bench/bench_build.py --quick          # the naive loop on a sample only (6 minutes)
    .venv/bin/python bench/bench_build.py --handouts 10    # also a build of 10 handouts
    .venv/bin/python bench/bench_build.py --only a,d       # only some parts
    .venv/bin/python bench/bench_build.py --only n --handouts 10 --paper letter --edition standard

It times, on this machine, for every handout x language x paper x edition:
  (a) a clean full build (build_pdfs.py, worker processes, one per core);
  (b) the same HTML and CSS rendered by bare WeasyPrint, one after another in one
      process: the engine's own cost;
  (c) a naive loop of one `weasyprint` command per file;
  (d) a rebuild with nothing to do (the whole command, interpreter start included);
  (e) a rebuild after one catalog changed;
  (s) the build's own render step (render, text layer, finish), one job after
      another in one process, for every job of one language per script (the
      first that is not the source): what a page of each script costs the build;
  (p) the size work proven harmless (bench/render_comparison.py): one standard
      PDF per script rendered with and without it, every page rasterised;
  (n) with --handouts N: a clean build of N copies of the handout, in a copy of the
      project (the repository is untouched), and its rebuild with nothing to do,
      against the same build of one handout ((a), unless --paper or --edition
      narrows both to a share of the PDFs of every language);
then prints a table per script (ms a page in the build and in bare WeasyPrint,
KB a PDF) and each target with PASS or FAIL. A build's cost per page is given both as wall time and as CPU time (every
process of the build, workers included): CPU time is what the N = 1 and N = 10
builds are compared by, since other work on the machine stretches wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handouts import load_project  # noqa: E402
from handouts.jobs import plan  # noqa: E402

PYTHON = sys.executable
WEASYPRINT = str(Path(sys.executable).with_name("weasyprint"))
BUILD = [PYTHON, str(ROOT / "build_pdfs.py")]
CJK = ("Hans", "Hant", "Jpan", "Kore")
PARTS = "abcdensp"

# The targets (issue "Small, fast PDFs ... and a build that scales out", item 6).
TARGET_A_OVER_B = 0.55  # clean build / bare WeasyPrint, sequential
TARGET_SCRIPT_OVER_LATIN = 1.5  # every script's cost per page against Latin's
TARGET_SCALE = 0.10  # N handouts' cost per page within 10% of one handout's
TARGET_NOOP_S = 0.5  # a rebuild with nothing to do, the whole command
TARGET_WORKER_MB = 300  # peak resident memory of any process of the build
TARGET_CJK_STANDARD_KB = 150  # each Chinese, Japanese or Korean standard-edition PDF
TARGET_NAIVE_OVER_A = 3  # one weasyprint command a file / the build


class PeakMemory:
    """Samples the peak resident memory (VmHWM, which the kernel keeps) of every
    descendant process, twice a second: a scan of /proc costs about 4 ms of
    CPU, which at a higher rate would be taken from the build it measures. A
    process that lives less than half a second (a thumbnailer) may be missed."""

    INTERVAL = 0.5  # seconds

    def __init__(self, root_pid: int):
        self.root_pid, self.peaks, self._stop = root_pid, {}, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.wait(self.INTERVAL):
            parents = {}
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    try:
                        status = (entry / "status").read_text()
                    except OSError:
                        continue
                    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
                    parents[int(entry.name)] = (int(fields["PPid"]), fields.get("VmHWM", "0 kB"),
                                                fields["Name"].strip())
            for pid, (ppid, hwm, name) in parents.items():
                ancestor = ppid
                while ancestor and ancestor != self.root_pid and ancestor in parents:
                    ancestor = parents[ancestor][0]
                if ancestor == self.root_pid:
                    kilobytes = int(hwm.split()[0])
                    self.peaks[pid] = max(self.peaks.get(pid, 0), kilobytes)


@dataclass
class CleanBuild:
    """A clean build: its wall and CPU seconds, its output and its processes' peaks."""

    wall: float
    cpu: float  # user + system of the build and all its processes
    out: Path
    files: list[dict]  # the manifest's file entries, each with its language's code
    peaks_kb: list[int] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return sum(entry["pages"] for entry in self.files)

    def ms_per_page(self, cpu: bool) -> float:
        return 1000 * (self.cpu if cpu else self.wall) / self.pages


def clean_build(root: Path, out: Path, options: tuple[str, ...] = ()) -> CleanBuild:
    """Build ``root``'s project into the empty folder ``out``, timing and watching it."""
    started = time.perf_counter()
    process = subprocess.Popen([*BUILD, "--root", str(root), "build", "--out", str(out), *options],
                               stdout=subprocess.DEVNULL)
    with PeakMemory(process.pid) as memory:
        # wait4 gives the build's own CPU time with that of every process it
        # waited for (its workers, its thumbnailers), and nothing else's.
        _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"the build of {root} failed ({process.returncode})")
    cpu = usage.ru_utime + usage.ru_stime
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = [{**entry, "language": language["code"]} for handout in manifest["handouts"]
             for language in handout["languages"] for entry in language["files"]]
    # Not wait4's ru_maxrss: Linux gives a program started from this (large)
    # process the peak of this one's memory as it was when the program started.
    peaks = sorted(memory.peaks.values(), reverse=True)
    return CleanBuild(wall, cpu, out, files, peaks)


def timed(command: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - started


def noop_rebuild(root: Path, out: Path, options: tuple[str, ...] = (), runs: int = 5) -> list[float]:
    """The whole command with nothing to do, ``runs`` times (the first warms the caches)."""
    command = [*BUILD, "--root", str(root), "build", "--out", str(out), *options]
    timed(command)
    return sorted(timed(command) for _ in range(runs))


def copy_project(into: Path, handouts: int = 1) -> Path:
    """A copy of the project's sources in ``into``, with its handout copied up to
    ``handouts`` times (``<slug>-2``, ``<slug>-3``, …): the same text and catalogs,
    so every copy has the same pages."""
    for name in ("templates", "locales"):
        shutil.copytree(ROOT / name, into / name)
    shutil.copy(ROOT / "pyproject.toml", into / "pyproject.toml")
    originals = sorted(p.parent for p in (into / "templates").glob("*/handout.toml"))
    for number in range(2, handouts + 1):
        for original in originals:
            shutil.copytree(original, original.with_name(f"{original.name}-{number}"))
    return into


def bare_weasyprint(jobs) -> tuple[float, dict[str, list[float]], list]:
    """(b): seconds for ``jobs`` rendered one after another by bare WeasyPrint, and
    {script: [seconds, pages]}."""
    import weasyprint

    from handouts.render import render_html, stylesheets_for

    documents = []
    for job in jobs:
        html = render_html(job.handout, job.language, job.edition, job.paper)
        css = [text for text, _ in stylesheets_for(job.handout, job.language, job.edition, job.paper)]
        documents.append((job, html, css))
    weasyprint.HTML(string="<p>warm</p>").write_pdf()
    by_script: dict[str, list[float]] = {}
    started = time.perf_counter()
    for job, html, css in documents:
        base = (job.handout.templates_dir / job.handout.slug).as_uri() + "/"
        one = time.perf_counter()
        document = weasyprint.HTML(string=html, base_url=base).render(
            stylesheets=[weasyprint.CSS(string=text, base_url=base) for text in css])
        document.write_pdf(pdf_variant="pdf/ua-1")
        cost = by_script.setdefault(job.language.script, [0.0, 0])
        cost[0] += time.perf_counter() - one
        cost[1] += len(document.pages)
    return time.perf_counter() - started, by_script, documents


def build_render_step(project, work: Path) -> dict[str, list[float]]:
    """(s): {script: [CPU seconds, pages]} of the build's render step, run in this
    process, for every job of one language per script."""
    import gc
    from dataclasses import replace

    from handouts.build import run_job
    from handouts.catalogs import read_catalog

    chosen: dict[str, str] = {}
    for code, language in project.languages.items():
        if not language.is_source:
            chosen.setdefault(language.script, code)
    jobs = [replace(job, catalog=read_catalog(job.language.catalog, job.language.locale))
            for job in plan(project, list(chosen.values()))]
    out = work / "render-step"
    run_job(jobs[0], out)  # warm: imports, the first fonts
    gc.collect()
    gc.freeze()  # as a worker does (handouts/workers.py)
    by_script: dict[str, list[float]] = {}
    for job in jobs:
        started = time.process_time()
        record = run_job(job, out)
        gc.collect()  # as a worker does between jobs
        cost = by_script.setdefault(job.language.script, [0.0, 0])
        cost[0] += time.process_time() - started
        cost[1] += record.pages
    gc.unfreeze()
    return by_script


def naive_loop(documents, work: Path, quick: bool) -> float:
    """(c): one weasyprint command a file (every 5th file with ``quick``, scaled)."""
    naive = work / "naive"
    naive.mkdir()
    sample = documents[::5] if quick else documents
    for index, (job, html, css) in enumerate(sample):
        (naive / f"{index}.html").write_text(html, encoding="utf-8")
        for number, text in enumerate(css):
            (naive / f"{index}-{number}.css").write_text(text, encoding="utf-8")
    started = time.perf_counter()
    for index, (job, html, css) in enumerate(sample):
        sheets = [arg for number in range(len(css)) for arg in ("-s", str(naive / f"{index}-{number}.css"))]
        subprocess.run([WEASYPRINT, "--pdf-variant", "pdf/ua-1", *sheets, "-q",
                        str(naive / f"{index}.html"), str(naive / f"{index}.pdf")], check=True)
    return (time.perf_counter() - started) * len(documents) / len(sample)


def largest(peaks_kb: list[int], shown: int = 4) -> str:
    """The largest peaks in MB, then how many processes (thumbnailers) were smaller."""
    text = ", ".join(f"{kb / 1024:.0f}" for kb in peaks_kb[:shown])
    return text + (f" and {len(peaks_kb) - shown} smaller" if len(peaks_kb) > shown else "")


class Targets:
    """Each target, its measure and PASS or FAIL, printed together at the end."""

    def __init__(self):
        self.rows: list[tuple[str, str, str, bool]] = []

    def add(self, what: str, measured: str, target: str, passed: bool) -> None:
        self.rows.append((what, measured, target, passed))

    def print(self) -> None:
        width = max(len(row[0]) for row in self.rows)
        print("\ntargets:")
        for what, measured, target, passed in self.rows:
            print(f"  {'PASS' if passed else 'FAIL'}  {what:<{width}}  {measured:>14}   {target}")
        failed = sum(1 for row in self.rows if not row[3])
        print(f"  {len(self.rows) - failed} of {len(self.rows)} targets met")


def script_table(project, by_script: dict[str, list[float]] | None,
                 render_step: dict[str, list[float]] | None, build: CleanBuild | None,
                 targets: Targets) -> None:
    """Per script: the build's render step's ms a page (s) and the engine's (b),
    each against Latin's, and the KB of (a)'s PDFs."""
    script_of = {code: language.script for code, language in project.languages.items()}
    sizes: dict[str, dict[str, list[int]]] = {}  # script: {"standard": [...], "all": [...]}
    for entry in build.files if build else ():
        kinds = sizes.setdefault(script_of[entry["language"]], {"standard": [], "all": []})
        kinds["all"].append(entry["bytes"])
        if entry["edition"] == "standard":
            kinds["standard"].append(entry["bytes"])

    def per_page(costs, script):
        return costs[script][0] / costs[script][1] if costs and script in costs else None

    order = render_step or by_script or {}
    scripts = sorted(set(by_script or ()) | set(render_step or ()) | set(sizes),
                     key=lambda s: (per_page(order, s) or 0, s))
    languages = {s: sum(1 for v in script_of.values() if v == s) for s in scripts}
    print("\nper script: (s) the build's render step and (b) bare WeasyPrint, ms a page "
          "and against Latin; (a) the build's PDFs")
    print(f"  {'script':6} {'langs':>5} {'(s) ms':>7} {'x Latin':>8} {'(b) ms':>7} {'x Latin':>8}   "
          f"{'KB/PDF std':>10} {'max std':>8} {'KB/PDF all':>10}")
    for script in scripts:
        row = f"  {script:6} {languages[script]:5d} "
        for costs in (render_step, by_script):
            cost, latin = per_page(costs, script), per_page(costs, "Latn")
            row += (f"{1000 * cost:7.0f} {cost / latin:8.2f} " if cost and latin
                    else f"{'':7} {'':8} ")
        if script in sizes:
            standard, every = sizes[script]["standard"], sizes[script]["all"]
            row += (f"  {statistics.mean(standard) / 1000:10.0f} {max(standard) / 1000:8.0f} "
                    f"{statistics.mean(every) / 1000:10.0f}")
        print(row)
    if render_step:
        latin = per_page(render_step, "Latn")
        worst = max(render_step, key=lambda s: per_page(render_step, s))
        ratio = per_page(render_step, worst) / latin
        targets.add("(s) every script's ms/page vs Latin", f"{ratio:.2f} x ({worst})",
                    f"<= {TARGET_SCRIPT_OVER_LATIN} x", ratio <= TARGET_SCRIPT_OVER_LATIN)
    cjk = [(size, s) for s in CJK if s in sizes for size in sizes[s]["standard"]]
    if cjk:
        size, script = max(cjk)
        targets.add("(a) largest CJK standard PDF", f"{size / 1000:.0f} KB ({script})",
                    f"<= {TARGET_CJK_STANDARD_KB} KB", size <= TARGET_CJK_STANDARD_KB * 1000)


def size_work_comparison(targets: Targets) -> None:
    """(p): the size work changes no page and no text, and no PDF grows."""
    from render_comparison import PAGE_LIMIT, compare_font_pass, report

    results = compare_font_pass(ROOT)
    print("\n(p) the size work, one standard PDF per script:\n" + report(results))
    pages = [share for result in results for share in result.differing]
    changed = sum(share >= PAGE_LIMIT for share in pages)
    targets.add("(p) pages changed by the size work", f"{changed} of {len(pages)}",
                "0 (pdftoppm -r 150)", changed == 0)
    texts = sum(not result.same_text for result in results)
    targets.add("(p) PDFs whose text changed", f"{texts} of {len(results)}", "0", texts == 0)
    grown = sum(result.bytes_after > result.bytes_before for result in results)
    targets.add("(p) PDFs that grew", f"{grown} of {len(results)}", "0", grown == 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="time the naive loop (c) on every 5th file and scale it up")
    parser.add_argument("--handouts", type=int, default=1, metavar="N",
                        help="also build N copies of the handout (n) and compare its cost per "
                             "page with one handout's (default: 1, no such build)")
    parser.add_argument("--only", default=PARTS, metavar="PARTS",
                        help=f"the parts to run, such as a,d (default: all of {','.join(PARTS)}); "
                             "d, e and n need a, whose build they start from")
    parser.add_argument("--paper", action="append", default=[],
                        help="(n) only: build this paper (repeat for more; default: all)")
    parser.add_argument("--edition", action="append", default=[],
                        help="(n) only: build this edition (repeat for more; default: all)")
    args = parser.parse_args()
    parts = set(args.only.replace(",", ""))
    if parts - set(PARTS) or ({"d", "e"} & parts and "a" not in parts):
        parser.error(f"--only takes parts among {','.join(PARTS)}, with a for d or e")
    narrow = tuple([arg for paper in args.paper for arg in ("--paper", paper)]
                   + [arg for edition in args.edition for arg in ("--edition", edition)])
    if args.handouts > 1:
        parts.add("n")
    else:
        parts.discard("n")

    project = load_project(ROOT)
    jobs = plan(project)
    work = Path(tempfile.mkdtemp(prefix="handouts-bench-"))
    targets = Targets()
    print(f"{len(jobs)} PDFs a handout, {len(project.languages)} languages, "
          f"{os.cpu_count()} cores; working in {work}\n")

    a = by_script = None
    if "a" in parts:  # a clean full build, in a copy of the project like (n)
        a = clean_build(copy_project(work / "project"), work / "dist")
        print(f"(a) clean full build              {a.wall:7.1f} s   {len(a.files)} PDFs, "
              f"{a.pages} pages: {a.ms_per_page(False):.0f} ms a page wall, "
              f"{a.ms_per_page(True):.0f} ms CPU", flush=True)

    if "b" in parts or "c" in parts:
        b, by_script, documents = bare_weasyprint(jobs)
        print(f"(b) bare WeasyPrint, sequential   {b:7.1f} s", flush=True)
        if a:
            targets.add("(a)/(b) clean build vs bare WeasyPrint", f"{a.wall / b:.2f}",
                        f"<= {TARGET_A_OVER_B}", a.wall / b <= TARGET_A_OVER_B)
        if "c" in parts:
            c = naive_loop(documents, work, args.quick)
            print(f"(c) one weasyprint command a file {c:7.1f} s"
                  + ("  (scaled from every 5th file)" if args.quick else ""), flush=True)
            if a:
                targets.add("(c)/(a) naive loop vs clean build", f"{c / a.wall:.1f}",
                            f">= {TARGET_NAIVE_OVER_A}", c / a.wall >= TARGET_NAIVE_OVER_A)

    if "d" in parts:  # nothing to do: the whole command, from the shell's point of view
        runs = noop_rebuild(work / "project", a.out)
        d = statistics.median(runs)
        print(f"(d) rebuild with nothing to do    {d:7.2f} s   (median of {len(runs)}; "
              f"fastest {runs[0]:.2f} s)", flush=True)
        targets.add("(d) no-op rebuild, whole command", f"{d:.2f} s", f"< {TARGET_NOOP_S} s",
                    d < TARGET_NOOP_S)

    if "e" in parts:  # one catalog changed
        copy = work / "project"
        catalog = copy / "locales/fr/LC_MESSAGES/handouts.po"
        original = catalog.read_text(encoding="utf-8")
        catalog.write_text(original.replace('msgstr "Références"', 'msgstr "Sources"'),
                           encoding="utf-8")
        e = timed([*BUILD, "--root", str(copy), "--out", str(a.out)])
        catalog.write_text(original, encoding="utf-8")
        print(f"(e) rebuild after one catalog     {e:7.1f} s   (6 of {len(jobs)} PDFs)", flush=True)

    if "n" in parts:  # the same build with N handouts, against one handout's
        one = a
        if one is None or narrow:
            one = clean_build(copy_project(work / "project-1"), work / "dist-1", narrow)
            print(f"(n) clean build of 1 handout       {one.wall:7.1f} s   {len(one.files)} PDFs, "
                  f"{one.pages} pages: {one.ms_per_page(False):.0f} ms a page wall, "
                  f"{one.ms_per_page(True):.0f} ms CPU  {' '.join(narrow)}", flush=True)
        n = clean_build(copy_project(work / f"project-{args.handouts}", args.handouts),
                        work / f"dist-{args.handouts}", narrow)
        print(f"(n) clean build of {args.handouts} handouts     {n.wall:7.1f} s   {len(n.files)} PDFs, "
              f"{n.pages} pages: {n.ms_per_page(False):.0f} ms a page wall, "
              f"{n.ms_per_page(True):.0f} ms CPU  {' '.join(narrow)}", flush=True)
        runs = noop_rebuild(work / f"project-{args.handouts}", n.out, narrow)
        print(f"(n) its rebuild with nothing to do {statistics.median(runs):6.2f} s   "
              f"(median of {len(runs)})", flush=True)
        print(f"    cost a page, N = {args.handouts} / N = 1: "
              f"CPU {n.ms_per_page(True) / one.ms_per_page(True):.3f}, "
              f"wall {n.ms_per_page(False) / one.ms_per_page(False):.3f}")
        ratio = n.ms_per_page(True) / one.ms_per_page(True)
        targets.add(f"(n) CPU ms/page, N={args.handouts} / N=1",
                    f"{n.ms_per_page(True):.0f}/{one.ms_per_page(True):.0f} = {ratio:.3f}",
                    f"within {TARGET_SCALE:.0%} (<= {1 + TARGET_SCALE:.2f})",
                    ratio <= 1 + TARGET_SCALE)

    if a or "n" in parts:
        peaks = (a.peaks_kb if a else []) + (n.peaks_kb if "n" in parts else [])
        print("\npeak memory of the build's processes (MB): "
              + (largest(a.peaks_kb) if a else "")
              + (f"; with {args.handouts} handouts: " + largest(n.peaks_kb) if "n" in parts else ""))
        targets.add("peak memory of any build process", f"{max(peaks) / 1024:.0f} MB",
                    f"< {TARGET_WORKER_MB} MB", max(peaks) < TARGET_WORKER_MB * 1024)
    render_step = None
    if "s" in parts:
        render_step = build_render_step(project, work)
        seconds = sum(cost[0] for cost in render_step.values())
        print(f"(s) the build's render step        {seconds:7.1f} s   CPU, one language per script",
              flush=True)
    if a or by_script or render_step:
        script_table(project, by_script, render_step, a, targets)
    if "p" in parts:
        size_work_comparison(targets)

    targets.print()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
