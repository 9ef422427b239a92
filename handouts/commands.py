"""The commands of ``build_pdfs.py``: each reads its arguments, calls the
library, and prints what happened. Each returns the exit code."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .build import build, run_job
from .catalog_update import init_catalog, update_catalog, write_catalog
from .catalogs import TranslationCatalog, UnreadableCatalog, read_catalog, read_template
from .checks import ERROR, check_file, finding
from .console import Progress, table
from .editions import DEFAULT_EDITIONS, DEFAULT_PAPERS, EDITIONS, PAPERS, PrintShop
from .errors import HandoutsError
from .extract import extract_messages, write_template
from .fonts import subsetting_warning
from .gate import Policy, load_policy
from .jobs import Job, plan
from .languages import Language, add_language_entry
from .project import Project
from .shards import join_shards, parse_shard, shard


def cmd_build(project: Project, args) -> int:
    out_dir = _absolute(args.out)
    print_shop = None
    if args.bleed or args.crop_marks:
        print_shop = PrintShop(bleed_mm=args.bleed or 3.0, crop_marks=args.crop_marks)
    jobs = plan(project, args.languages, args.papers or DEFAULT_PAPERS,
                args.editions or DEFAULT_EDITIONS, print_shop)
    if args.shard:
        jobs = shard(jobs, *parse_shard(args.shard))

    def waiting():
        print(f"waiting: another build is writing into {out_dir}", file=sys.stderr, flush=True)

    warning = subsetting_warning()
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    progress = Progress(len(jobs), sys.stdout)
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


def cmd_merge(project: Project, args) -> int:
    out_dir = _absolute(args.out)
    records = join_shards(project, args.shards, out_dir)
    print(f"{len(records)} files from {len(args.shards)} shards; page and manifest in {out_dir}")
    return 0


def cmd_serve(project: Project, args) -> int:
    from .serve import make_server

    folder = _absolute(args.dir)
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
    for language in _translated_languages(project, args.languages):
        old = _read_language_catalog(project, language, template)
        merged = update_catalog(old.messages, template.messages)
        write_catalog(merged, language.catalog, language.plural_forms)
        new = _read_language_catalog(project, language, template)
        added = sum(1 for m in new.messages if m.id and m.id not in old.messages and not m.fuzzy)
        print(f"{language.code}: {language.catalog.relative_to(project.root)}: "
              f"{added} new, {new.stats.fuzzy - old.stats.fuzzy:+d} fuzzy, "
              f"{new.stats.obsolete - old.stats.obsolete:+d} obsolete; "
              f"{new.percent:g}% translated")
    return 0


def cmd_init(project: Project, args) -> int:
    language = add_language_entry(
        project.locales_dir / "languages.toml", args.code, script=args.script, name=args.name,
        english_name=args.english_name, direction=args.direction,
        plural_forms=args.plural_forms, locales_dir=project.locales_dir)
    template = read_catalog(project.template_catalog)
    write_catalog(init_catalog(template.messages, language), language.catalog,
                  language.plural_forms)
    print(f"{language.code} ({language.english_name}): created "
          f"{language.catalog.relative_to(project.root)} with {len(template.messages)} messages, "
          "and added it to locales/languages.toml as a draft")
    return 0


def cmd_stats(project: Project, args) -> int:
    template = read_template(project.template_catalog)
    rows, unreadable = [], []
    for label, path, language in _catalog_arguments(project, args.catalogs):
        # A language counts against the template; a file given by path, which
        # may come from anywhere, counts on its own, as msgfmt counts it.
        try:
            if language is None:
                stats = read_catalog(path).stats
            else:
                stats = _read_language_catalog(project, language, template).stats
        except UnreadableCatalog as error:  # say so, and count the others
            unreadable.append(finding(error.check, path, error.line, error.message))
            continue
        rows.append({"language": label, "catalog": str(path), "translated": stats.translated,
                     "fuzzy": stats.fuzzy, "untranslated": stats.untranslated,
                     "obsolete": stats.obsolete, "missing": stats.missing,
                     "percent": stats.percent})
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        columns = ("translated", "fuzzy", "untranslated", "obsolete", "missing")
        print(table(("language", *columns, "percent"),
                    [[r["language"], *(r[c] for c in columns), f'{r["percent"]:.1f}%']
                     for r in rows]))
    for problem in unreadable:
        print(problem, file=sys.stderr)
    return 1 if unreadable else 0


def cmd_check(project: Project, args) -> int:
    template = read_template(project.template_catalog)
    findings = []
    for _, path, language in _catalog_arguments(project, args.catalogs):
        if language is None:
            findings += check_file(path, template=template)
        else:
            findings += check_file(path, language.locale, language.plural_forms, template,
                                   within=project.locales_dir)
    errors = sum(1 for f in findings if f.severity == ERROR)
    if args.json:
        print(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        for found in findings:
            print(found)
        print(f"{errors} error(s), {len(findings) - errors} warning(s)")
    return 1 if errors else 0


def cmd_preview(project: Project, args) -> int:
    [language] = project.languages_for([args.code])
    out_dir = _absolute(args.out)
    catalog = None
    if language.catalog is not None:
        catalog = _read_language_catalog(project, language, read_template(project.template_catalog))
    for handout in project.handouts.values():
        job = Job(handout, language, EDITIONS["standard"], PAPERS["letter"], incomplete=True,
                  catalog=catalog)
        record = run_job(job, out_dir)
        print(f"{out_dir / record.path}  ({record.pages} pages, {record.translated:g}% translated)")
    return 0


def _absolute(path: Path) -> Path:
    return path if path.is_absolute() else Path.cwd() / path


def _policy(project: Project, args) -> Policy:
    policy = load_policy(project.root / "pyproject.toml")
    if args.min_translated is not None:
        policy = Policy(min_translated=args.min_translated)
    return policy


def _read_language_catalog(project: Project, language: Language,
                           template: TranslationCatalog | None) -> TranslationCatalog:
    """A language's catalog, which must be a file in the project's locales/ folder."""
    return read_catalog(language.catalog, language.locale, template, within=project.locales_dir)


def _translated_languages(project: Project, codes) -> list[Language]:
    """The project's translated languages for ``codes`` (default: all)."""
    codes = list(codes) or [c for c, lang in project.languages.items() if not lang.is_source]
    languages = project.languages_for(codes)
    if any(lang.is_source for lang in languages):
        raise HandoutsError("the source language has no catalog to work on")
    return languages


def _catalog_arguments(project: Project, arguments) -> list[tuple[str, Path, Language | None]]:
    """(label, path, language or None) for each code or PO file given."""
    result = []
    for argument in arguments or [c for c, lang in project.languages.items() if not lang.is_source]:
        if argument in project.languages:
            [language] = _translated_languages(project, [argument])
            result.append((language.code, language.catalog, language))
        elif Path(argument).suffix in (".po", ".pot") or Path(argument).exists():
            path = Path(argument)
            if not path.exists():
                raise HandoutsError("no such file", path=path)
            result.append((str(path), path, None))
        else:
            project.languages_for([argument])  # raises the unknown-code error
    return result


COMMANDS = {
    "build": cmd_build, "extract": cmd_extract, "update": cmd_update, "init": cmd_init,
    "stats": cmd_stats, "check": cmd_check, "preview": cmd_preview, "merge": cmd_merge,
    "serve": cmd_serve,
}
