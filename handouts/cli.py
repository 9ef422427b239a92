"""The command line: an argparse tree over the commands in commands.py.

``python build_pdfs.py`` builds every handout in every language into ``dist/``;
the other commands are the translators' workflow (docs/translating.md).
"""

from __future__ import annotations

import argparse
import datetime
import signal
import sys
from pathlib import Path

from .commands import COMMANDS
from .editions import DEFAULT_EDITIONS, DEFAULT_PAPERS, EDITIONS, PAPERS
from .errors import HandoutsError
from .gate import PUBLISH
from .project import load_project


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build_pdfs.py",
        description="Build print-ready PDFs of the patient handouts in every language, "
                    "with the 'PDFs by language' page (index.html) and manifest.json; "
                    "and keep the translation catalogs up to date.",
        epilog="Without a command, 'build' runs. 'build_pdfs.py COMMAND --help' tells more. "
               "Translators: see docs/translating.md.\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="the project folder (default: the current folder)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    cmd = commands.add_parser(
        "build", help="render the PDFs, the page and the manifest (the default)",
        description="Render each handout in each language to PDF, then write index.html and "
                    "manifest.json. A language below the publication gate is skipped with its "
                    "reason, unless it was published in the output folder: then it is held at "
                    "its last good version. A job that fails is reported, the others still "
                    "build, the last good PDF is kept, and the exit code is 1." + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
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
    cmd.add_argument("--site-url", metavar="URL",
                     help="the public https address of the PDFs-by-language page, for this "
                          "build only (default: site_url in templates/site.toml, if set): each "
                          "handout then prints a QR code to its language there")
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
    cmd.add_argument("--locale", help="the Babel locale whose CLDR data (dates, digits) it "
                                      "uses, such as fa_AF for Dari (default: the code)")
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
    cmd.add_argument("--readability", action="store_true",
                     help="measure each handout's English source instead: Flesch-Kincaid "
                          "grade, SMOG, words a sentence, and its hardest sentences")

    cmd = commands.add_parser(
        "check", help="check catalogs for broken placeholders, markup, numbers and more",
        description="Run every check on each catalog and print each finding as "
                    "FILE:LINE: SEVERITY: [CHECK] message. Exit 1 if any error, 0 if only "
                    "warnings. docs/translating.md explains each check and its fix.")
    cmd.add_argument("catalogs", nargs="*", metavar="CODE|FILE",
                     help="language codes or PO files (default: every language)")
    cmd.add_argument("--json", action="store_true", help="print JSON instead of lines")

    cmd = commands.add_parser(
        "review", help="record a medical translator's review of a language, bound to its text",
        description="Record that a qualified medical translator reviewed the language's "
                    "catalog as it stands now: the reviewer, the date, the translator (the "
                    "catalog's Last-Translator) and a fingerprint of every message, in "
                    "handouts.review.toml beside the catalog. The language is 'reviewed' while "
                    "its text stays as reviewed; any change makes it a draft again. A catalog "
                    "with check errors cannot be reviewed: fix it first.")
    cmd.add_argument("code", metavar="CODE", help="the language reviewed, such as es")
    cmd.add_argument("--reviewer", required=True, metavar='"FULL NAME"',
                     help="the reviewer's full name, as the PDFs will credit them")
    cmd.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD",
                     help="the date of the review (default: today)")
    cmd.add_argument("--same-person", action="store_true",
                     help="the reviewer is also the catalog's translator and signs that they are "
                          "qualified for both roles (recorded in the stamp)")

    cmd = commands.add_parser(
        "review-sheet", help="print the sheet a medical reviewer checks and signs",
        description="Write a PDF (landscape) for the medical reviewer of a language: every "
                    "message of its catalog, the English beside the translation, with the "
                    "translator's note, the glossary terms it uses (locales/LOCALE/glossary.csv), "
                    "whether it was reviewed as it stands, changed since the last review, or is "
                    "new, and a column for remarks; then a block to sign. Print it, check each "
                    "message against the English for medical accuracy, write your remarks and "
                    "sign; then record the review with: build_pdfs.py review CODE --reviewer "
                    '"Full Name".')
    cmd.add_argument("code", metavar="CODE", help="the language to review, such as es")
    cmd.add_argument("--out", type=Path, metavar="FILE.pdf",
                     help="where to write the sheet (default: review-sheets/CODE.pdf)")
    cmd.add_argument("--paper", choices=list(PAPERS), default="letter",
                     help="US Letter or A4, landscape (default: letter)")

    cmd = commands.add_parser(
        "export", help="write a language's catalog as XLIFF 1.2 for a translation vendor",
        description="Write LANG.xlf (XLIFF 1.2, which every CAT tool imports): one unit per "
                    "message with a stable id, the English, the translation, the translator's "
                    "notes and source lines, and a state (new, needs-review-translation for "
                    "fuzzy, translated, final when reviewed as it stands). Placeholders and "
                    "tags are XLIFF inline elements, so a CAT tool cannot break them.")
    cmd.add_argument("code", metavar="CODE", help="the language, such as es")
    cmd.add_argument("--out", type=Path, default=Path("."), metavar="FOLDER",
                     help="where to write CODE.xlf (default: the current folder)")

    cmd = commands.add_parser(
        "import", help="bring a vendor's XLIFF or PO file back into the catalog, all or nothing",
        description="Check every incoming translation first; a unit whose English is no longer "
                    "the current English, or that breaks a check (a placeholder, a tag, a "
                    "number), is refused at its line and nothing changes (exit 1). Otherwise "
                    "only translations and fuzzy flags change; comments, order, obsolete "
                    "entries and headers are kept, and the catalog is written atomically.")
    cmd.add_argument("file", type=Path, metavar="FILE", help="the .xlf or .po file")
    cmd.add_argument("--lang", metavar="CODE",
                     help="the language (default: the file's target-language or Language)")

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
    cmd.add_argument("--publish", choices=PUBLISH,
                     help="'drafts': every language that passes the gate, drafts marked as such; "
                          "'reviewed': only languages reviewed as they stand (default: "
                          "[tool.handouts] publish in pyproject.toml, else drafts)")


def _iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write it as YYYY-MM-DD, "
                                         "such as 2027-01-31") from None


EXIT_CODES = """
exit codes:
  0    done; languages below the publication gate that were never published in
       the output folder are skipped, with their reason
  1    a job failed; or a published language is held at its last good version
       because of a check error or an unreadable catalog; or a language asked
       for with --lang gave no PDF; or `check` found an error
  2    bad input or set-up (an unknown language, a broken languages.toml, ...):
       nothing was built
  130  stopped (Ctrl-C or SIGTERM): the output folder keeps its last complete build
"""


def main(argv: list[str] | None = None) -> int:
    # SIGTERM stops a build as Ctrl-C does: temporary files are removed on the way out.
    signal.signal(signal.SIGTERM, _stop)
    args = make_parser().parse_args(with_default_command(
        list(sys.argv[1:] if argv is None else argv)))
    try:
        project = load_project(args.root)
        return COMMANDS[args.command](project, args)
    except HandoutsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("stopped: the output folder keeps its last complete build; "
              "no partial file was written", file=sys.stderr)
        return 130


def _stop(signum, frame):
    raise KeyboardInterrupt


def with_default_command(argv: list[str]) -> list[str]:
    """``argv`` with "build" inserted where the command goes, if none is given.

    Only the first word after the options that come before a command (--root
    DIR, --help) can be the command: a later word may be an option's value,
    such as the folder of ``--out serve``.
    """
    position = 0
    while position < len(argv):
        word = argv[position]
        if word == "--root":
            position += 2
        elif word.startswith("--root=") or word in ("-h", "--help"):
            position += 1
        else:
            break
    if {"-h", "--help"} & set(argv[:position]):
        return argv
    if position < len(argv) and argv[position] in COMMANDS:
        return argv
    return argv[:position] + ["build"] + argv[position:]
