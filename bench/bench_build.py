#!/usr/bin/env python3
"""Benchmark of the build, measured against WeasyPrint's own cost, in one run.

    .venv/bin/python bench/bench_build.py            # everything (about 4 minutes)
    .venv/bin/python bench/bench_build.py --quick    # the naive loop on a sample only

It times, on this machine, for every handout x language x paper x edition:
  (a) a clean full build (build_pdfs.py, worker processes, one per core);
  (b) the same HTML and CSS rendered by bare WeasyPrint, one after another in one
      process: the engine's own cost;
  (c) a naive loop of one `weasyprint` command per file;
  (d) a rebuild with nothing to do (the whole command, interpreter start included);
  (e) a rebuild after one catalog changed;
and prints the ratios, the engine's cost per page for each script (Latin = 1), and
each worker's peak memory. Targets on 2 cores:
(a)/(b) <= 0.65, (c)/(a) >= 3, (d) < 0.5 s, peak memory per worker < 300 MB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handouts import load_project  # noqa: E402
from handouts.jobs import plan  # noqa: E402
from handouts.render import render_html, stylesheets_for  # noqa: E402

PYTHON = sys.executable
WEASYPRINT = str(Path(sys.executable).with_name("weasyprint"))


class PeakMemory:
    """Samples the peak resident memory (VmHWM) of every descendant process."""

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
        while not self._stop.wait(0.05):
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


def timed(command: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="time the naive loop (c) on every 5th file and scale it up")
    args = parser.parse_args()

    project = load_project(ROOT)
    jobs = plan(project)
    work = Path(tempfile.mkdtemp(prefix="handouts-bench-"))
    print(f"{len(jobs)} PDFs, {os.cpu_count()} cores; working in {work}\n")

    # (a) a clean full build, watching the workers' memory.
    out = work / "dist"
    started = time.perf_counter()
    process = subprocess.Popen([PYTHON, str(ROOT / "build_pdfs.py"), "--out", str(out)],
                               stdout=subprocess.DEVNULL)
    with PeakMemory(process.pid) as memory:
        process.wait()
    a = time.perf_counter() - started
    workers = sorted(memory.peaks.values(), reverse=True)

    # (b) the same documents through bare WeasyPrint, sequentially, in this process.
    import weasyprint

    documents = []
    for job in jobs:
        html = render_html(job.handout, job.language, job.edition, job.paper)
        css = [text for text, _ in stylesheets_for(job.handout, job.language, job.edition, job.paper)]
        documents.append((job, html, css))
    weasyprint.HTML(string="<p>warm</p>").write_pdf()
    by_script: dict[str, list[float]] = {}  # script: [seconds, pages]
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
    b = time.perf_counter() - started

    # (c) one weasyprint command per file.
    naive = work / "naive"
    naive.mkdir()
    sample = documents[::5] if args.quick else documents
    for index, (job, html, css) in enumerate(sample):
        (naive / f"{index}.html").write_text(html, encoding="utf-8")
        for number, text in enumerate(css):
            (naive / f"{index}-{number}.css").write_text(text, encoding="utf-8")
    started = time.perf_counter()
    for index, (job, html, css) in enumerate(sample):
        sheets = [arg for number in range(len(css)) for arg in ("-s", str(naive / f"{index}-{number}.css"))]
        subprocess.run([WEASYPRINT, "--pdf-variant", "pdf/ua-1", *sheets, "-q",
                        str(naive / f"{index}.html"), str(naive / f"{index}.pdf")], check=True)
    c = (time.perf_counter() - started) * len(documents) / len(sample)

    # (d) nothing to do: the whole command, from the shell's point of view.
    d = min(timed([PYTHON, str(ROOT / "build_pdfs.py"), "--out", str(out)]) for _ in range(3))

    # (e) one catalog changed, in a copy of the project.
    copy = work / "project"
    for name in ("templates", "locales"):
        shutil.copytree(ROOT / name, copy / name)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    shutil.copytree(out, copy / "dist")
    subprocess.run([PYTHON, str(ROOT / "build_pdfs.py"), "--root", str(copy), "--out",
                    str(copy / "dist")], check=True, stdout=subprocess.DEVNULL)
    catalog = copy / "locales/fr/LC_MESSAGES/handouts.po"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        'msgstr "Références"', 'msgstr "Sources"'), encoding="utf-8")
    e = timed([PYTHON, str(ROOT / "build_pdfs.py"), "--root", str(copy), "--out",
               str(copy / "dist")])

    print(f"(a) clean full build              {a:7.1f} s")
    print(f"(b) bare WeasyPrint, sequential   {b:7.1f} s")
    print(f"(c) one weasyprint command a file {c:7.1f} s" + ("  (scaled from every 5th file)" if args.quick else ""))
    print(f"(d) rebuild with nothing to do    {d:7.2f} s   target < 0.5 s")
    print(f"(e) rebuild after one catalog     {e:7.1f} s   (6 of {len(jobs)} PDFs)")
    print(f"(a)/(b) = {a / b:.2f}   target <= 0.65")
    print(f"(c)/(a) = {c / a:.1f}    target >= 3")
    latin = by_script["Latn"][0] / by_script["Latn"][1]
    print("\nbare WeasyPrint's cost per page, by script (b):")
    for script, (seconds, pages) in sorted(by_script.items(), key=lambda item: item[1][0] / item[1][1]):
        print(f"  {script}  {pages:4d} pages  {1000 * seconds / pages:6.0f} ms a page  "
              f"{seconds / pages / latin:4.1f} x Latin")
    print("peak memory of the build's processes (MB): "
          + ", ".join(f"{kb / 1024:.0f}" for kb in workers) + "   target < 300 per worker")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
