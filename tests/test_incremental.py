"""Incremental and parallel builds: only what changed is rendered, and nothing else is loaded."""

from __future__ import annotations

import subprocess
import sys

import pytest

from handouts import build, load_project
from handouts.jobs import plan

from conftest import ROOT, cli, read_manifest

PAPERS, EDITIONS = ["letter", "a4"], ["standard"]


def test_a_build_with_nothing_to_do_renders_nothing_and_never_imports_weasyprint(project_copy, tmp_path):
    project = load_project(project_copy)
    first = build(project, tmp_path, plan(project, ["en", "es"], PAPERS, EDITIONS))
    assert len(first.built) == 4
    script = (
        "import sys; from handouts import build, load_project; from handouts.jobs import plan\n"
        f"project = load_project({str(project_copy)!r})\n"
        f"report = build(project, __import__('pathlib').Path({str(tmp_path)!r}), "
        f"plan(project, ['en', 'es'], {PAPERS!r}, {EDITIONS!r}))\n"
        "print(len(report.built), len(report.unchanged), 'weasyprint' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.split() == ["0", "4", "False"], result.stderr


@pytest.mark.slow
def test_changing_one_catalog_rebuilds_only_that_language_then_the_page(project_copy, tmp_path):
    project = load_project(project_copy)
    build(project, tmp_path, plan(project, ["en", "es", "fr"], PAPERS, EDITIONS))
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.rglob("*.pdf")}
    catalog = project_copy / "locales/fr/LC_MESSAGES/handouts.po"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        'msgstr "Références"', 'msgstr "Sources"'), encoding="utf-8")

    project = load_project(project_copy)
    report = build(project, tmp_path, plan(project, ["en", "es", "fr"], PAPERS, EDITIONS))
    assert sorted(r.language for r in report.built) == ["fr", "fr"]
    assert len(report.unchanged) == 4
    after = {p.name: p.stat().st_mtime_ns for p in tmp_path.rglob("*.pdf")}
    assert [name for name in before if before[name] != after[name]] == [
        name for name in before if ".fr." in name]
    manifest = read_manifest(tmp_path)
    french = next(l for l in manifest["handouts"][0]["languages"] if l["code"] == "fr")
    for file in french["files"]:
        assert file["sha256"] in {r.sha256 for r in report.built}


@pytest.mark.slow
def test_a_template_change_rebuilds_everything_and_force_too(project_copy, tmp_path):
    project = load_project(project_copy)
    jobs = plan(project, ["en", "es"], ["letter"], EDITIONS)
    build(project, tmp_path, jobs)
    assert len(build(project, tmp_path, jobs, force=True).built) == 2
    css = project_copy / "templates/print.css"
    css.write_text(css.read_text() + "\n/* a change */\n")
    assert len(build(load_project(project_copy), tmp_path, jobs).built) == 2


def test_a_deleted_pdf_is_rendered_again(project_copy, tmp_path):
    project = load_project(project_copy)
    jobs = plan(project, ["en"], ["letter"], EDITIONS)
    [record] = build(project, tmp_path, jobs).built
    (tmp_path / record.path).unlink()
    assert len(build(project, tmp_path, jobs).built) == 1


@pytest.mark.slow
def test_parallel_and_sequential_builds_give_the_same_bytes(project, tmp_path):
    jobs = plan(project, ["en", "ko"], ["letter"], ["standard", "large-print"])
    sequential = build(project, tmp_path / "one", jobs, workers=1)
    parallel = build(project, tmp_path / "two", jobs, workers=2)
    assert sequential.ok and parallel.ok
    assert len(sequential.built) == len(parallel.built) == len(jobs) == 4
    pdfs = sorted((tmp_path / "one").rglob("*.pdf"))
    assert len(pdfs) == 4
    for path in pdfs:
        assert path.read_bytes() == (tmp_path / "two" / path.relative_to(tmp_path / "one")).read_bytes()


@pytest.mark.slow
def test_progress_is_plain_lines_when_not_a_terminal_with_a_closing_summary(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "build_pdfs.py"), "--lang", "en",
                             "--paper", "letter", "--out", str(tmp_path)],
                            capture_output=True, text=True)
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["built", "built"]
    assert lines[-1].startswith("2 built, 0 unchanged, 0 language(s) skipped, 0 held, 0 failed in ")



@pytest.mark.slow
def test_shards_split_the_jobs_and_merge_joins_them_into_one_site(tmp_path):
    common = ["--lang", "en", "--lang", "es", "--edition", "standard"]
    for k in (1, 2, 3):
        result = cli(*common, "--shard", f"{k}/3", "--out", str(tmp_path / f"shard{k}"))
        assert result.returncode == 0, result.stderr
    shards = [read_manifest(tmp_path / f"shard{k}") for k in (1, 2, 3)]
    paths = [f["path"] for m in shards for h in m["handouts"] for l in h["languages"] for f in l["files"]]
    assert len(paths) == len(set(paths)) == 4  # disjoint, and all of them

    result = cli("merge", *(str(tmp_path / f"shard{k}") for k in (1, 2, 3)),
                 "--out", str(tmp_path / "dist"))
    assert result.returncode == 0, result.stderr
    merged = read_manifest(tmp_path / "dist")
    languages = merged["handouts"][0]["languages"]
    assert [l["code"] for l in languages] == ["en", "es"]
    assert sorted(f["path"] for l in languages for f in l["files"]) == sorted(paths)
    for path in paths:
        assert (tmp_path / "dist" / path).read_bytes() == next(
            (tmp_path / f"shard{k}" / path).read_bytes() for k in (1, 2, 3)
            if (tmp_path / f"shard{k}" / path).exists())


@pytest.mark.slow
def test_merge_refuses_a_damaged_shard(tmp_path):
    cli("--lang", "en", "--paper", "letter", "--edition", "standard", "--out", str(tmp_path / "s1"))
    [pdf] = (tmp_path / "s1").rglob("*.pdf")
    pdf.write_bytes(pdf.read_bytes()[:-10])
    result = cli("merge", str(tmp_path / "s1"), "--out", str(tmp_path / "dist"))
    assert result.returncode == 2
    assert "does not match its manifest" in result.stderr


@pytest.mark.slow
def test_a_rebuild_does_not_check_catalogs_again_until_one_changes(project_copy, tmp_path, monkeypatch):
    import handouts.gate

    checked = []
    real_check = handouts.gate.check_catalog
    monkeypatch.setattr(handouts.gate, "check_catalog",
                        lambda catalog, context: checked.append(catalog.path.parent.parent.name)
                        or real_check(catalog, context))
    project = load_project(project_copy)
    jobs = plan(project, ["en", "es", "fr"], ["letter"], ["standard"])
    assert build(project, tmp_path, jobs).ok and sorted(checked) == ["es", "fr"]
    checked.clear()
    assert build(project, tmp_path, jobs).ok and checked == []
    catalog = project_copy / "locales/fr/LC_MESSAGES/handouts.po"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        'msgstr "Références"', 'msgstr "Sources"'), encoding="utf-8")
    assert build(load_project(project_copy), tmp_path, jobs).ok and checked == ["fr"]


def test_a_rebuild_with_nothing_to_do_reads_no_catalog_and_writes_no_page(project_copy, tmp_path,
                                                                           monkeypatch):
    from babel.messages.pofile import PoFileParser

    project = load_project(project_copy)
    jobs = plan(project, ["en", "es"], ["letter"], ["standard"])
    assert build(project, tmp_path, jobs).ok
    page, manifest = (tmp_path / "index.html").stat(), (tmp_path / "manifest.json").stat()
    parsed = []
    real_parse = PoFileParser.parse
    monkeypatch.setattr(PoFileParser, "parse",
                        lambda self, file: parsed.append(self.catalog.locale) or real_parse(self, file))
    report = build(load_project(project_copy), tmp_path, jobs)
    assert report.ok and len(report.unchanged) == 2 and parsed == []
    assert (tmp_path / "index.html").stat().st_mtime_ns == page.st_mtime_ns
    assert (tmp_path / "manifest.json").stat().st_mtime_ns == manifest.st_mtime_ns

    (tmp_path / "index.html").write_text("changed behind the build's back")
    assert build(load_project(project_copy), tmp_path, jobs).ok
    assert "changed behind" not in (tmp_path / "index.html").read_text()


def test_the_gate_judges_again_when_a_catalog_becomes_a_link(project_copy, tmp_path):
    project = load_project(project_copy)
    jobs = plan(project, ["en", "es"], ["letter"], ["standard"])
    assert build(project, tmp_path, jobs).ok
    catalog = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    moved = project_copy / "elsewhere.po"
    catalog.rename(moved)
    catalog.symlink_to(moved)  # the same text, through a link: refused, not reused
    report = build(load_project(project_copy), tmp_path, jobs)
    assert not report.ok and not report.unchanged[1:]
    assert [failure.job.language.code for failure in report.failed] == ["es"]
