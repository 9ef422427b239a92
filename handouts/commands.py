"""The commands of ``build_pdfs.py``: each reads its arguments, calls the
library, and prints what happened. Each returns the exit code."""

from __future__ import annotations

import datetime
import json
import sys
from dataclasses import asdict
from pathlib import Path

from .build import build, run_job
from .catalog_update import init_catalog, update_catalog, write_catalog
from .catalogs import TranslationCatalog, UnreadableCatalog, read_catalog, read_template
from .checks import ERROR, CheckContext, check_catalog, check_file, finding
from .console import Progress, table
from .editions import DEFAULT_EDITIONS, DEFAULT_PAPERS, EDITIONS, PAPERS, PrintShop
from .errors import HandoutsError
from .extract import extract_messages, write_template
from .fonts import subsetting_warning
from .gate import Policy, load_policy, make_policy
from .glossary import glossary_path, read_glossary
from .jobs import Job, plan
from .languages import Language, add_language_entry
from .output import write_atomic
from .project import Project
from .review import make_stamp, read_stamp, review_state, stamp_path, write_stamp
from .shards import join_shards, parse_shard, shard


def cmd_build(project: Project, args) -> int:
    out_dir = _absolute(args.out)
    if args.site_url is not None:
        project = project.with_site_url(args.site_url, "--site-url")
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
    for verdict in report.held:
        print(f"held     {verdict.language.code} at its last good version: {verdict.reason}",
              file=sys.stderr if verdict.broken else sys.stdout)
    for code in report.withdrawn:
        print(f"withdrawn {code}: a draft, and this build publishes only reviewed languages")
    # A broken catalog fails each job of its language for one reason: say it once.
    by_reason: dict[str, list] = {}
    for failure in report.failed:
        by_reason.setdefault(failure.reason, []).append(failure.job)
    for reason, failed_jobs in by_reason.items():
        jobs_text = str(failed_jobs[0]) if len(failed_jobs) == 1 else (
            f"{len(failed_jobs)} jobs of {', '.join(dict.fromkeys(j.language.code for j in failed_jobs))}")
        print(f"\nfailed: {jobs_text}\n{reason}", file=sys.stderr)
    for error in report.errors:
        print(f"\nfailed: {error}", file=sys.stderr)
    made = {record.language for record in report.built + report.unchanged}
    # Languages asked for by name that had jobs here (a shard may have none of one).
    asked = {job.language.code for job in jobs} & set(args.languages or ())
    missing = [code for code in dict.fromkeys(args.languages or ()) if code in asked - made]
    for code in missing:
        print(f"error: {code} was asked for, and no PDF of it was built (see above)",
              file=sys.stderr)
    print(f"{len(report.built)} built, {len(report.unchanged)} unchanged, "
          f"{len(report.skipped)} language(s) skipped, {len(report.held)} held, "
          f"{len(report.failed)} failed in {report.seconds:.1f} s; page and manifest in {out_dir}")
    return 0 if report.ok and not missing else 1


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
        added = sum(1 for m in new.messages if m.id and not m.fuzzy
                    and old.messages.get(m.id, context=m.context) is None)
        print(f"{language.code}: {language.catalog.relative_to(project.root)}: "
              f"{added} new, {new.stats.fuzzy - old.stats.fuzzy:+d} fuzzy, "
              f"{new.stats.obsolete - old.stats.obsolete:+d} obsolete; "
              f"{new.percent:g}% translated")
    return 0


def cmd_init(project: Project, args) -> int:
    language = add_language_entry(
        project.locales_dir / "languages.toml", args.code, script=args.script,
        locale=args.locale, name=args.name, english_name=args.english_name, direction=args.direction,
        plural_forms=args.plural_forms, locales_dir=project.locales_dir)
    template = read_catalog(project.template_catalog)
    write_catalog(init_catalog(template.messages, language), language.catalog,
                  language.plural_forms)
    print(f"{language.code} ({language.english_name}): created "
          f"{language.catalog.relative_to(project.root)} with {len(template.messages)} messages, "
          "and added it to locales/languages.toml as a draft")
    return 0


def cmd_stats(project: Project, args) -> int:
    if args.readability:
        return _readability(project, args.json)
    template = read_template(project.template_catalog)
    rows, notes, unreadable = [], [], []
    for label, path, language in _catalog_arguments(project, args.catalogs):
        # A language counts against the template; a file given by path, which
        # may come from anywhere, counts on its own, as msgfmt counts it.
        try:
            if language is None:
                catalog = read_catalog(path)
            else:
                catalog = _read_language_catalog(project, language, template)
        except UnreadableCatalog as error:  # say so, and count the others
            unreadable.append(finding(error.check, path, error.line, error.message))
            continue
        stats = catalog.stats
        review = review_state(catalog, read_stamp(stamp_path(path)) if language else None)
        rows.append({"language": label, "catalog": str(path), "translated": stats.translated,
                     "fuzzy": stats.fuzzy, "untranslated": stats.untranslated,
                     "obsolete": stats.obsolete, "missing": stats.missing,
                     "percent": stats.percent, "page_pending": stats.page_pending,
                     "reviewed": review.reviewed, "review": review.status,
                     # msgfmt -c would refuse it; the counts are still msgfmt's
                     "valid": not catalog.extra_forms})
        notes += [f"{path}:{line}: more plural forms than its Plural-Forms header allows "
                  "(msgfmt -c rejects the file; `check` reports it)"
                  for line in catalog.extra_forms]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        columns = ("translated", "fuzzy", "untranslated", "obsolete", "missing")
        # percent: of the printed messages; page pending: the download page's
        # words not translated yet (shown there in English).
        print(table(("language", *columns, "percent", "page pending", "reviewed"),
                    [[r["language"] + ("" if r["valid"] else " *"), *(r[c] for c in columns),
                      f'{r["percent"]:.1f}%', r["page_pending"], r["reviewed"]] for r in rows]))
        for note in notes:
            print(f"* {note}")
    for problem in unreadable:
        print(problem, file=sys.stderr)
    return 1 if unreadable else 0


def _readability(project: Project, as_json: bool) -> int:
    from .readability import measure

    results = [measure(project, handout) for handout in project.handouts.values()]
    if as_json:
        print(json.dumps([{**asdict(result), "hardest": [
            {**asdict(sentence), "path": str(sentence.path)} for sentence in result.hardest]}
            for result in results], indent=2, ensure_ascii=False))
        return 0
    print(table(("handout", "Flesch-Kincaid grade", "SMOG", "words a sentence", "sentences"),
                [[r.handout, f"{r.flesch_kincaid_grade:.1f}", f"{r.smog:.1f}",
                  f"{r.words_per_sentence:.1f}", r.sentences] for r in results]))
    for result in results:
        print(f"\nthe hardest sentences of {result.handout} (Flesch-Kincaid grade):")
        for sentence in result.hardest:
            where = sentence.path.relative_to(project.root) if sentence.path.is_relative_to(
                project.root) else sentence.path
            print(f"  {sentence.grade:5.1f}  {where}:{sentence.line}: {sentence.text}")
    return 0


def cmd_check(project: Project, args) -> int:
    template = read_template(project.template_catalog)
    findings = []
    for _, path, language in _catalog_arguments(project, args.catalogs):
        if language is None:
            findings += check_file(path, template=template)
        else:
            findings += check_file(path, language.locale, language.plural_forms, template,
                                   read_stamp(stamp_path(path)),
                                   read_glossary(glossary_path(path)),
                                   within=project.locales_dir,
                                   writing_system=language.writing_system)
    errors = sum(1 for f in findings if f.severity == ERROR)
    if args.json:
        print(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        for found in findings:
            print(found)
        print(f"{errors} error(s), {len(findings) - errors} warning(s)")
    return 1 if errors else 0


def cmd_review(project: Project, args) -> int:
    [language] = _translated_languages(project, [args.code])
    template = read_template(project.template_catalog)
    catalog = _read_language_catalog(project, language, template)
    errors = [f for f in check_catalog(catalog, CheckContext(language.locale,
                                                             language.plural_forms, template))
              if f.severity == ERROR]
    if errors:
        raise HandoutsError(
            f"{len(errors)} check error(s), such as: {errors[0]}", path=language.catalog,
            fix=f"fix the catalog first (build_pdfs.py check {language.code}), then review it")
    stamp = make_stamp(catalog, args.reviewer, args.date or datetime.date.today(),
                       same_person=args.same_person)
    path = stamp_path(language.catalog)
    write_stamp(stamp, path, catalog)
    state = review_state(catalog, stamp)
    print(f"{language.code}: {len(stamp.fingerprints)} message(s) reviewed by {stamp.reviewer} "
          f"on {stamp.date.isoformat()}, recorded in {path.relative_to(project.root)}; "
          f"the language is now {state.status}")
    return 0


def cmd_export(project: Project, args) -> int:
    from .xliff import export_tbx, export_xliff

    [language] = _translated_languages(project, [args.code])
    catalog = _read_language_catalog(project, language, None)
    out_dir = _absolute(args.out)
    path = out_dir / f"{language.code}.xlf"
    write_atomic(path, export_xliff(catalog, language.code, read_stamp(stamp_path(catalog.path))))
    print(f"{path}: {sum(1 for m in catalog.messages if m.id)} units for {language.english_name}")
    glossary = read_glossary(glossary_path(catalog.path))
    if glossary is not None:
        terms = out_dir / f"{language.code}.tbx"
        write_atomic(terms, export_tbx(glossary, language.code))
        print(f"{terms}: {len(glossary.terms)} approved terms")
    return 0


def cmd_import(project: Project, args) -> int:
    from .xliff import apply_incoming, read_incoming

    path = _absolute(args.file)
    target_language, incoming = read_incoming(path)
    code = args.lang or target_language
    if not code:
        raise HandoutsError("the file does not say which language it is for", path=path,
                            fix="give it: --lang CODE")
    [language] = _translated_languages(project, [code.replace("_", "-")])
    template = read_template(project.template_catalog)
    catalog = _read_language_catalog(project, language, template)
    stamp = read_stamp(stamp_path(catalog.path))
    merged, refusals = apply_incoming(catalog, incoming, CheckContext(
        language.locale, language.plural_forms, template, stamp))
    for refusal in refusals:
        where = f"{path}:{refusal.line}" if refusal.line else str(path)
        print(f"{where}: refused: {refusal.message}", file=sys.stderr)
    if refusals:
        print(f"{len(refusals)} unit(s) refused; {language.catalog.relative_to(project.root)} "
              "is unchanged", file=sys.stderr)
        return 1
    if merged is None:
        print(f"{language.code}: nothing changed")
        return 0
    write_catalog(merged, language.catalog, language.plural_forms)
    after = _read_language_catalog(project, language, template)
    print(f"{language.code}: imported {path.name} into "
          f"{language.catalog.relative_to(project.root)}; {after.percent:g}% translated, "
          f"{after.stats.fuzzy} fuzzy")
    return 0


def cmd_review_sheet(project: Project, args) -> int:
    from .review_sheet import render_review_sheet

    [language] = _translated_languages(project, [args.code])
    out = _absolute(args.out or Path("review-sheets") / f"{language.code}.pdf")
    if out.is_dir():
        raise HandoutsError("this is a folder; the review sheet is one PDF file", path=out,
                            fix=f"give a file name: --out {out / (language.code + '.pdf')}")
    catalog = _read_language_catalog(project, language, read_template(project.template_catalog))
    data = render_review_sheet(project, language, catalog,
                               read_stamp(stamp_path(language.catalog)), PAPERS[args.paper],
                               read_glossary(glossary_path(language.catalog)))
    try:
        write_atomic(out, data)
    except HandoutsError as error:
        raise HandoutsError(error.message, path=out,
                            fix="make its folder writable, or write the sheet elsewhere with "
                                "--out FILE.pdf") from None
    print(f"{out}: the review sheet of {language.english_name} ({language.code}), "
          f"{catalog.stats.total} messages; print it, check and sign it, then record "
          f'the review with: build_pdfs.py review {language.code} --reviewer "Full Name"')
    return 0


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
    return make_policy(policy.min_translated if args.min_translated is None else args.min_translated,
                       args.publish or policy.publish, "the command line")


def _read_language_catalog(project: Project, language: Language,
                           template: TranslationCatalog | None) -> TranslationCatalog:
    """A language's catalog, which must be a file in the project's locales/ folder."""
    return read_catalog(language.catalog, language.locale, template, within=project.locales_dir)


def _translated_languages(project: Project, codes) -> list[Language]:
    """The project's translated languages for ``codes`` (default: all)."""
    codes = list(codes) or [c for c, lang in project.languages.items() if not lang.is_source]
    languages = project.languages_for(codes)
    sources = [lang.code for lang in languages if lang.is_source]
    if sources:
        translated = [c for c, lang in project.languages.items() if not lang.is_source]
        raise HandoutsError(
            f"the source language has no catalog to work on: {sources[0]} is the English "
            "the catalogs translate", path=project.locales_dir / "languages.toml",
            fix=f"give a translated language: {', '.join(translated)}")
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
    "stats": cmd_stats, "check": cmd_check, "review": cmd_review,
    "review-sheet": cmd_review_sheet, "preview": cmd_preview,
    "export": cmd_export, "import": cmd_import,
    "merge": cmd_merge,
    "serve": cmd_serve,
}
