"""The command line: a thin layer over the library.

``python build_pdfs.py`` builds every handout in every language into ``dist/``;
the subcommands serve the people who maintain the text.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import build, plan
from .editions import DEFAULT_EDITIONS, DEFAULT_PAPERS, EDITIONS, PAPERS
from .errors import HandoutsError
from .extract import extract_messages, write_template
from .project import load_project

COMMANDS = ("build", "extract")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build_pdfs.py",
        description="Build print-ready PDFs of the patient handouts in every language, "
                    "with the 'PDFs by language' page (index.html) and manifest.json.",
        epilog="Without a command, 'build' runs. 'build_pdfs.py COMMAND --help' tells more.")
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="the project folder (default: the current folder)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build_cmd = commands.add_parser(
        "build", help="render the PDFs, the page and the manifest (the default)",
        description="Render each handout in each language to PDF, then write index.html and "
                    "manifest.json. A job that fails is reported, the others still build, the "
                    "last good PDF is kept, and the exit code is 1.")
    build_cmd.add_argument("--lang", action="append", metavar="CODE", dest="languages",
                           help="build only this language (a BCP 47 code from "
                                "locales/languages.toml, such as es); repeat for more")
    build_cmd.add_argument("--out", type=Path, default=Path("dist"), metavar="DIR",
                           help="output folder (default: dist/)")
    build_cmd.add_argument("--paper", action="append", choices=list(PAPERS), dest="papers",
                           help=f"paper size; repeat for more (default: {', '.join(DEFAULT_PAPERS)})")
    build_cmd.add_argument("--edition", action="append", choices=list(EDITIONS), dest="editions",
                           help=f"edition; repeat for more (default: {', '.join(DEFAULT_EDITIONS)})")

    commands.add_parser(
        "extract", help="extract the templates' text into locales/handouts.pot",
        description="Extract every translatable message of templates/ into "
                    "locales/handouts.pot, with translator comments and source lines.")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not any(arg in COMMANDS for arg in argv) and not {"-h", "--help"} & set(argv):
        argv.insert(_first_option_after_root(argv), "build")
    args = make_parser().parse_args(argv)
    try:
        project = load_project(args.root)
        if args.command == "extract":
            return _extract(project)
        return _build(project, args)
    except HandoutsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("stopped: finished files are kept; no partial file was written", file=sys.stderr)
        return 130


def _first_option_after_root(argv: list[str]) -> int:
    # "--root DIR" belongs before the command; everything else after it.
    if argv[:1] == ["--root"]:
        return 2
    if argv[:1] and argv[0].startswith("--root="):
        return 1
    return 0


def _extract(project) -> int:
    catalog = extract_messages(project.templates_dir, project.organisation)
    write_template(catalog, project.template_catalog)
    print(f"{project.template_catalog}: {len(catalog)} messages")
    return 0


def _build(project, args) -> int:
    out_dir = args.out if args.out.is_absolute() else Path.cwd() / args.out
    jobs = plan(project, args.languages, args.papers or DEFAULT_PAPERS,
                args.editions or DEFAULT_EDITIONS)

    def progress(job, what):
        print(f"{what:>6}  {job.path}", flush=True)

    report = build(project, out_dir, jobs, progress=progress)
    for failure in report.failed:
        print(f"\nfailed: {failure.job}\n{failure.reason}", file=sys.stderr)
    print(f"{len(report.built)} built, {len(report.failed)} failed in {report.seconds:.1f} s; "
          f"page and manifest in {out_dir}")
    return 0 if report.ok else 1
