"""Builds: partial builds, failures that stay in their own language, the command line."""

from __future__ import annotations

import pytest

from handouts import build, load_project, plan

from conftest import ROOT, cli, manifest_languages


def manifest_codes(out_dir):
    return [language["code"] for language in manifest_languages(out_dir)]


def test_building_one_language_keeps_the_others_in_the_manifest(project, tmp_path):
    build(project, tmp_path, plan(project, ["en"], ["letter"], ["standard"]))
    build(project, tmp_path, plan(project, ["es"], ["letter"], ["standard"]))
    assert manifest_codes(tmp_path) == ["en", "es"]


def test_broken_catalog_fails_its_language_only_and_keeps_its_last_good_pdf(project_copy, tmp_path):
    good = load_project(project_copy)
    build(good, tmp_path, plan(good, ["en", "es"], ["letter"], ["standard"]))
    spanish_pdf = tmp_path / "breast-cancer-recurrence/breast-cancer-recurrence.es.letter.standard.pdf"
    last_good = spanish_pdf.read_bytes()

    catalog = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    lines = catalog.read_text(encoding="utf-8").splitlines()
    broken_line = next(i for i, line in enumerate(lines) if line.startswith('msgstr "Página'))
    lines[broken_line] = 'msgstr "Página %(page)s de %(pages)s'  # unterminated string
    catalog.write_text("\n".join(lines) + "\n", encoding="utf-8")

    broken = load_project(project_copy)
    report = build(broken, tmp_path, plan(broken, ["en", "es"], ["letter"], ["standard"]))

    assert [f.job.language.code for f in report.failed] == ["es"]
    assert f"handouts.po:{broken_line + 1}:" in report.failed[0].reason
    assert [r.language for r in report.built + report.unchanged] == ["en"]
    assert spanish_pdf.read_bytes() == last_good
    assert manifest_codes(tmp_path) == ["en", "es"]
    assert not list(tmp_path.rglob("*.tmp"))



def test_cli_help_explains_the_build_options():
    result = cli("build", "--help")
    assert result.returncode == 0
    assert "--lang CODE" in result.stdout and "--out DIR" in result.stdout


@pytest.mark.slow
def test_cli_builds_the_languages_asked_for_into_the_folder_given(tmp_path):
    result = cli("--lang", "es", "--paper", "letter", "--edition", "standard", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert manifest_codes(tmp_path) == ["es"]
    assert "1 built, 0 unchanged, 0 language(s) skipped, 0 held, 0 failed" in result.stdout


def test_cli_unknown_language_is_a_clear_error(tmp_path):
    result = cli("--lang", "xx", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "unknown language code xx" in result.stderr
    assert "languages.toml" in result.stderr
    assert not (tmp_path / "manifest.json").exists()


def test_a_build_reads_each_catalog_once(project, tmp_path, monkeypatch):
    from babel.messages.pofile import PoFileParser

    parsed = []
    real_parse = PoFileParser.parse
    monkeypatch.setattr(PoFileParser, "parse",
                        lambda self, file: parsed.append(self.catalog.locale) or real_parse(self, file))
    jobs = plan(project, ["es", "fr"], ["letter", "a4"], ["standard"])
    report = build(project, tmp_path, jobs, workers=1)
    assert report.ok and len(report.built) == 4
    assert sorted(map(str, parsed)) == ["None", "es", "fr"]  # the template, then each catalog


@pytest.mark.parametrize("words", [
    ["--out", "preview", "--lang", "en"],  # "preview" is the folder, not the command
    ["--lang", "en", "--out", "serve"],  # "serve" is the folder, not the command
])
@pytest.mark.slow
def test_only_the_first_word_picks_the_command(tmp_path, words):
    result = cli("--root", ROOT, *words, "--paper", "letter", "--edition", "standard", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / words[words.index("--out") + 1]).rglob("*.pdf"))) == 1
