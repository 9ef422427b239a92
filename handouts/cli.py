"""The command line: a thin layer over the library.

``python build_pdfs.py`` builds every handout in every language into ``dist/``;
the other commands are the translators' workflow (docs/translating.md).
"""

from __future__ import annotations

import argparse
import ctypes.util
import json
import signal
import sys
from pathlib import Path

from .build import Job, build, merge, plan, run_job, shard
from .catalogs import catalog_stats, read_catalog, read_template
from .checks import ERROR, check_catalog
from .editions import DEFAULT_EDITIONS, DEFAULT_PAPERS, EDITIONS, PAPERS, PrintShop
from .errors import HandoutsError
from .extract import extract_messages, write_template
from .gate import Policy, load_policy
from .languages import add_language_entry
from .merge import init_catalog, update_catalog, write_catalog
from .project import Project, load_project

COMMANDS = ("build", "extract", "update", "init", "stats", "check", "preview", "merge", "serve")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build_pdfs.py",
        description="Build print-ready PDFs of the patient handouts in every language, "
                    "with the 'PDFs by language' page (index.html) and manifest.json; "
                    "and keep the translation catalogs up to date.",
        epilog="Without a command, 'build' runs. 'build_pdfs.py COMMAND --help' tells more. "
               "Translators: see docs/translating.md.")
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="the project folder (default: the current folder)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    cmd = commands.add_parser(
        "build", help="render the PDFs, the page and the manifest (the default)",
        description="Render each handout in each language to PDF, then write index.html and "
                    "manifest.json. A language below the publication gate is skipped with its "
                    "reason. A job that fails is reported, the others still build, the last "
                    "good PDF is kept, and the exit code is 1.")
    cmd.add_argument("--lang", action="append", metavar="CODE", dest="languages",
                     help="build only this language (a BCP 47 code from "
                          "locales/languages.toml, such as es); repeat for more")
    cmd.add_argument("--out", type=Path, default=Path("dist"), metavar="DIR",
                     help="output folder (default: dist/)")
    cmd.add_argument("--paper", action="append", choices=list(PAPERS), dest="papers",
                     help=f"paper size; repeat for more (default: {', '.join(DEFAULT_PAPERS)})")
    cmd.add_argument("--edition", action="append", choices=list(EDITIONS), dest="editions",
                     help=f"edition; repeat for more (default: {', '.join(DEFAULT_EDITIONS)})")
    cmd.add_argument("--bleed", type=float, metavar="MM",
                     help="for a commercial printer: bleed around the page, in millimetres "
                          "(such as 3); sets the trim and bleed boxes")
    cmd.add_argument("--crop-marks", action="store_true",
                     help="for a commercial printer: crop and registration marks in the bleed")
    _gate_options(cmd)
    cmd.add_argument("--allow-incomplete", action="store_true",
                     help="build languages below the gate too, untranslated text highlighted "
                          "and every page watermarked as incomplete")
    cmd.add_argument("--shard", metavar="K/N",
                     help="build only the K-th of N fixed shares of the jobs (for a CI matrix); "
                          "join the outputs with the merge command")
    cmd.add_argument("--workers", type=int, metavar="N",
                     help="render in N processes (default: one per core)")
    cmd.add_argument("--force", action="store_true",
                     help="render every job, even those whose inputs have not changed")
    cmd.add_argument("--no-wait", dest="wait", action="store_false",
                     help="if another build is writing into the output folder, stop at once "
                          "instead of waiting for it")

    cmd = commands.add_parser(
        "merge", help="join the outputs of sharded builds into one folder",
        description="Copy the PDFs of each shard's output folder into one folder, checking "
                    "each against its shard's manifest, and write one page and one manifest.")
    cmd.add_argument("shards", nargs="+", type=Path, metavar="DIR", help="shard output folders")
    cmd.add_argument("--out", type=Path, default=Path("dist"), metavar="DIR",
                     help="output folder (default: dist/)")

    cmd = commands.add_parser(
        "serve", help="serve dist/ on this machine to preview the page",
        description="Serve an output folder over HTTP on 127.0.0.1, to open the 'PDFs by "
                    "language' page in a browser as the site will show it. Ctrl-C stops.")
    cmd.add_argument("--dir", type=Path, default=Path("dist"), help="folder to serve (default: dist/)")
    cmd.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0: any free one)")

    commands.add_parser(
        "extract", help="extract the templates' text into locales/handouts.pot",
        description="Extract every translatable message of templates/ into "
                    "locales/handouts.pot, with translator comments and source lines "
                    "(pybabel extract).")

    cmd = commands.add_parser(
        "update", help="merge locales/handouts.pot into the catalogs",
        description="Merge the template into each catalog (pybabel update): new messages are "
                    "added; changed ones keep their translation, marked fuzzy, with the old "
                    "English as '#| msgid'; removed ones are kept as obsolete '#~' entries. "
                    "No translation is ever lost.")
    cmd.add_argument("languages", nargs="*", metavar="CODE", help="languages (default: all)")

    cmd = commands.add_parser(
        "init", help="start a catalog for a new language",
        description="Create locales/LOCALE/LC_MESSAGES/handouts.po from the template, with "
                    "the Language and Plural-Forms headers, and add the language to "
                    "locales/languages.toml as a draft.")
    cmd.add_argument("code", metavar="CODE", help="BCP 47 code of the language, such as uk or zh-Hant")
    cmd.add_argument("--script", help="ISO 15924 script code (default: from CLDR)")
    cmd.add_argument("--name", help="the language's own name (needed where CLDR lacks it)")
    cmd.add_argument("--english-name", help="its English name (needed where CLDR lacks it)")
    cmd.add_argument("--direction", choices=("ltr", "rtl"), help="(needed where CLDR lacks it)")
    cmd.add_argument("--plural-forms", metavar="HEADER",
                     help='gettext Plural-Forms, such as "nplurals=1; plural=0;" '
                          "(needed where CLDR lacks it)")

    cmd = commands.add_parser(
        "stats", help="count translated, fuzzy, untranslated and obsolete messages",
        description="Message counts per catalog, as msgfmt --statistics gives them, plus "
                    "obsolete entries and the percent translated.")
    cmd.add_argument("catalogs", nargs="*", metavar="CODE|FILE",
                     help="language codes or PO files (default: every language)")
    cmd.add_argument("--json", action="store_true", help="print JSON instead of a table")

    cmd = commands.add_parser(
        "check", help="check catalogs for broken placeholders, markup, numbers and more",
        description="Run every check on each catalog and print each finding as "
                    "FILE:LINE: SEVERITY: [CHECK] message. Exit 1 if any error, 0 if only "
                    "warnings. docs/translating.md explains each check and its fix.")
    cmd.add_argument("catalogs", nargs="*", metavar="CODE|FILE",
                     help="language codes or PO files (default: every language)")
    cmd.add_argument("--json", action="store_true", help="print JSON instead of lines")

    cmd = commands.add_parser(
        "preview", help="build one language quickly, unfinished text highlighted",
        description="Render one language (US Letter, standard edition) whatever its state: "
                    "untranslated messages show their English on yellow, fuzzy ones their "
                    "guess on orange, and every page is watermarked. Nothing in dist/ changes.")
    cmd.add_argument("code", metavar="CODE", help="the language to preview")
    cmd.add_argument("--out", type=Path, default=Path("preview"), metavar="DIR",
                     help="output folder (default: preview/)")
    return parser


def _gate_options(cmd) -> None:
    cmd.add_argument("--min-translated", type=float, metavar="PERCENT",
                     help="publish a language only from this percent translated (default: "
                          "[tool.handouts] min-translated in pyproject.toml, else 100)")


def main(argv: list[str] | None = None) -> int:
    # SIGTERM stops a build as Ctrl-C does: temporary files are removed on the way out.
    signal.signal(signal.SIGTERM, _stop)
    argv = list(sys.argv[1:] if argv is None else argv)
    if not any(arg in COMMANDS for arg in argv) and not {"-h", "--help"} & set(argv):
        argv.insert(_first_option_after_root(argv), "build")
    args = make_parser().parse_args(argv)
    try:
        project = load_project(args.root)
        return COMMAND_FUNCTIONS[args.command](project, args)
    except HandoutsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("stopped: finished files are kept; no partial file was written", file=sys.stderr)
        return 130


def _stop(signum, frame):
    raise KeyboardInterrupt


def _first_option_after_root(argv: list[str]) -> int:
    # "--root DIR" belongs before the command; everything else after it.
    if argv[:1] == ["--root"]:
        return 2
    if argv[:1] and argv[0].startswith("--root="):
        return 1
    return 0


def _policy(project: Project, args) -> Policy:
    policy = load_policy(project.root / "pyproject.toml")
    if args.min_translated is not None:
        policy = Policy(min_translated=args.min_translated, publish_fuzzy=policy.publish_fuzzy)
    return policy


def cmd_build(project: Project, args) -> int:
    out_dir = args.out if args.out.is_absolute() else Path.cwd() / args.out
    print_shop = None
    if args.bleed or args.crop_marks:
        print_shop = PrintShop(bleed_mm=args.bleed or 3.0, crop_marks=args.crop_marks)
    jobs = plan(project, args.languages, args.papers or DEFAULT_PAPERS,
                args.editions or DEFAULT_EDITIONS, print_shop)
    if args.shard:
        index, _, count = args.shard.partition("/")
        if not (index.isdigit() and count.isdigit()):
            raise HandoutsError(f"--shard {args.shard}: write it as K/N, such as 2/4")
        jobs = shard(jobs, int(index), int(count))

    progress = Progress(len(jobs), sys.stdout)

    def waiting():
        print(f"waiting: another build is writing into {out_dir}", file=sys.stderr, flush=True)

    warning = subsetting_warning()
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    report = build(project, out_dir, jobs, policy=_policy(project, args),
                   allow_incomplete=args.allow_incomplete, progress=progress,
                   wait=args.wait, on_wait=waiting, workers=args.workers, force=args.force)
    progress.close()
    for verdict in report.skipped:
        print(f"skipped  {verdict.language.code}: {verdict.reason}")
    for failure in report.failed:
        print(f"\nfailed: {failure.job}\n{failure.reason}", file=sys.stderr)
    for error in report.errors:
        print(f"\nfailed: {error}", file=sys.stderr)
    print(f"{len(report.built)} built, {len(report.unchanged)} unchanged, "
          f"{len(report.skipped)} language(s) skipped, {len(report.failed)} failed "
          f"in {report.seconds:.1f} s; page and manifest in {out_dir}")
    return 0 if report.ok else 1


class Progress:
    """A progress bar on a terminal; one plain line per job elsewhere (logs, CI)."""

    def __init__(self, total: int, stream):
        self.total, self.done, self.stream = total, 0, stream
        self.bar = stream.isatty()

    def __call__(self, job, what: str) -> None:
        self.done += 1
        if not self.bar:
            print(f"{what:>9}  {job.path}", file=self.stream, flush=True)
            return
        width = 30
        filled = width * self.done // max(self.total, 1)
        line = f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}  {what} {job}"
        self.stream.write("\r" + line[:100].ljust(100))
        self.stream.flush()

    def close(self) -> None:
        if self.bar and self.done:
            self.stream.write("\n")


def subsetting_warning(library: str = "harfbuzz-subset") -> str | None:
    """Why a build would be slow: WeasyPrint subsets fonts with HarfBuzz when it can."""
    if ctypes.util.find_library(library):
        return None
    return (f"lib{library} is not installed, so fonts are subset with fontTools, about 40 "
            f"times slower for Chinese, Japanese and Korean; install it: "
            f"apt-get install lib{library}0")


def cmd_merge(project: Project, args) -> int:
    out_dir = args.out if args.out.is_absolute() else Path.cwd() / args.out
    records = merge(project, args.shards, out_dir)
    print(f"{len(records)} files from {len(args.shards)} shards; page and manifest in {out_dir}")
    return 0


def cmd_serve(project: Project, args) -> int:
    from .serve import make_server

    folder = args.dir if args.dir.is_absolute() else Path.cwd() / args.dir
    if not (folder / "index.html").is_file():
        raise HandoutsError("no index.html here: nothing has been built", path=folder,
                            fix="run: make pdfs (or build_pdfs.py) first")
    server = make_server(folder, args.port)
    host, port = server.server_address[:2]
    print(f"serving {folder} at http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


def cmd_extract(project: Project, args) -> int:
    catalog = extract_messages(project.templates_dir, project.organisation)
    write_template(catalog, project.template_catalog)
    print(f"{project.template_catalog}: {len(catalog)} messages")
    return 0


def cmd_update(project: Project, args) -> int:
    template = read_catalog(project.template_catalog)
    for language in _languages(project, args.languages):
        old = read_catalog(language.catalog, language.locale)
        new = update_catalog(old, template)
        write_catalog(new, language.catalog, language.plural_forms)
        before, after = catalog_stats(old), catalog_stats(new)
        added = sum(1 for m in new if m.id and m.id not in old and not m.fuzzy)
        print(f"{language.code}: {language.catalog.relative_to(project.root)}: "
              f"{added} new, {after.fuzzy - before.fuzzy:+d} fuzzy, "
              f"{after.obsolete - before.obsolete:+d} obsolete; {after.percent:g}% translated")
    return 0


def cmd_init(project: Project, args) -> int:
    language = add_language_entry(
        project.locales_dir / "languages.toml", args.code, script=args.script, name=args.name,
        english_name=args.english_name, direction=args.direction,
        plural_forms=args.plural_forms, locales_dir=project.locales_dir)
    template = read_catalog(project.template_catalog)
    write_catalog(init_catalog(template, language), language.catalog, language.plural_forms)
    print(f"{language.code} ({language.english_name}): created "
          f"{language.catalog.relative_to(project.root)} with {len(template)} messages, "
          "and added it to locales/languages.toml as a draft")
    return 0


def cmd_stats(project: Project, args) -> int:
    rows = []
    for label, path, locale, _ in _catalog_arguments(project, args.catalogs):
        stats = catalog_stats(read_catalog(path, locale))
        rows.append({"language": label, "catalog": str(path), "translated": stats.translated,
                     "fuzzy": stats.fuzzy, "untranslated": stats.untranslated,
                     "obsolete": stats.obsolete, "percent": stats.percent})
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    header = ("language", "translated", "fuzzy", "untranslated", "obsolete", "percent")
    widths = [max(len(header[0]), *(len(r["language"]) for r in rows)), 10, 5, 12, 8, 7]
    print("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))))
    for r in rows:
        cells = [r["language"], r["translated"], r["fuzzy"], r["untranslated"], r["obsolete"],
                 f'{r["percent"]:.1f}%']
        print("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                        for i, (c, w) in enumerate(zip(cells, widths))))
    return 0


def cmd_check(project: Project, args) -> int:
    template = read_template(project.template_catalog)
    findings = []
    for _, path, locale, plural_forms in _catalog_arguments(project, args.catalogs):
        findings.extend(check_catalog(path, locale, plural_forms, template))
    errors = sum(1 for f in findings if f.severity == ERROR)
    if args.json:
        print(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            print(finding)
        print(f"{errors} error(s), {len(findings) - errors} warning(s)")
    return 1 if errors else 0


def cmd_preview(project: Project, args) -> int:
    [language] = _languages(project, [args.code], sources_too=True)
    out_dir = args.out if args.out.is_absolute() else Path.cwd() / args.out
    for handout in project.handouts.values():
        job = Job(handout, language, EDITIONS["standard"], PAPERS["letter"], incomplete=True)
        record = run_job(job, out_dir)
        print(f"{out_dir / record.path}  ({record.pages} pages, {record.translated:g}% translated)")
    return 0


def _languages(project: Project, codes, sources_too: bool = False):
    """The project's translated languages for ``codes`` (default: all), checked."""
    codes = list(codes) or [c for c, lang in project.languages.items() if not lang.is_source]
    languages = project.languages_for(codes)
    if not sources_too and any(lang.is_source for lang in languages):
        raise HandoutsError("the source language has no catalog to work on")
    return languages


def _catalog_arguments(project: Project, arguments):
    """(label, path, locale, plural_forms) for each code or PO file given."""
    result = []
    for argument in arguments or [c for c, lang in project.languages.items() if not lang.is_source]:
        if argument in project.languages:
            [language] = _languages(project, [argument])
            result.append((language.code, language.catalog, language.locale, language.plural_forms))
        elif Path(argument).suffix in (".po", ".pot") or Path(argument).is_file():
            path = Path(argument)
            if not path.is_file():
                raise HandoutsError("no such file", path=path)
            result.append((str(path), path, None, None))
        else:
            _languages(project, [argument])  # raises the unknown-code error
    return result


COMMAND_FUNCTIONS = {
    "build": cmd_build, "extract": cmd_extract, "update": cmd_update, "init": cmd_init,
    "stats": cmd_stats, "check": cmd_check, "preview": cmd_preview, "merge": cmd_merge,
    "serve": cmd_serve,
}
