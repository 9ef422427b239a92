"""The translators' workflow: stats, update, init, the publication gate and previews."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest

from handouts import build, load_project, plan
from handouts.catalogs import read_catalog
from handouts.checks import check_file

from conftest import ALL_BUT_ONE, ALL_MESSAGES, LANGUAGE_CODES, MESSAGES, ROOT, SLUG, cli, pdf_text, read_manifest


def msgfmt_statistics(path):
    """(translated, fuzzy, untranslated) as GNU msgfmt --statistics counts them."""
    out = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(path)],
                         capture_output=True, text=True, env={"LC_ALL": "C"}).stderr
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", out)}
    return counts.get("translated", 0), counts.get("fuzzy", 0), counts.get("untranslated", 0)


def test_stats_equal_gnu_msgfmt_on_the_project_catalogs(project):
    for language in project.languages.values():
        if language.catalog:
            stats = read_catalog(language.catalog).stats
            assert (stats.translated, stats.fuzzy, stats.untranslated) == msgfmt_statistics(
                language.catalog), language.code


def test_stats_equal_gnu_msgfmt_with_plurals_context_fuzzy_and_obsolete():
    path = ROOT / "tests/data/mixed.po"
    stats = read_catalog(path).stats
    assert (stats.translated, stats.fuzzy, stats.untranslated) == msgfmt_statistics(path) == (4, 2, 3)
    assert stats.obsolete == 2



def test_stats_command_prints_a_table_and_json_for_codes_and_files(tmp_path):
    table = cli("--root", ROOT, "stats", "es", str(ROOT / "tests/data/mixed.po"))
    assert table.returncode == 0
    obsolete = read_catalog(ROOT / "locales/es/LC_MESSAGES/handouts.po").stats.obsolete
    assert re.search(rf"^es\s+{ALL_MESSAGES}\s+0\s+0\s+{obsolete}\s+0\s+100\.0%\s+0\s+0$",
                     table.stdout, re.MULTILINE)
    assert re.search(r"mixed\.po\s+4\s+2\s+3\s+2\s+0\s+44\.4%\s+0\s+0$", table.stdout, re.MULTILINE)
    rows = json.loads(cli("--root", ROOT, "stats", "--json", "fa").stdout)
    assert rows == [{"language": "fa", "catalog": str(ROOT / "locales/fa/LC_MESSAGES/handouts.po"),
                     "translated": ALL_MESSAGES, "fuzzy": 0, "untranslated": 0,
                     "obsolete": read_catalog(ROOT / "locales/fa/LC_MESSAGES/handouts.po").stats.obsolete,
                     "missing": 0, "percent": 100.0, "page_pending": 0, "reviewed": 0,
                     "review": "draft",
                     "valid": True}]


@pytest.mark.slow
def test_update_after_the_english_changes_keeps_every_translation(project_copy):
    catalog_path = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    before = read_catalog(catalog_path)
    translations = {m.id: m.string for m in before.messages if m.id}

    template = project_copy / "templates/breast-cancer-recurrence/handout.html"
    text = template.read_text(encoding="utf-8")
    text = text.replace("Talk with your doctor", "Talk with your care team")  # changed
    text = text.replace("<h3>{% trans %}References{% endtrans %}</h3>", "<h3>Sources</h3>")  # removed
    text = text.replace("{% endblock %}\n", '<p>{% trans %}Keep this handout.{% endtrans %}</p>\n'
                        "{% endblock %}\n")  # added
    template.write_text(text, encoding="utf-8")

    assert cli("--root", project_copy, "extract").returncode == 0
    result = cli("--root", project_copy, "update", "es")
    assert result.returncode == 0, result.stderr

    after = read_catalog(catalog_path)
    raw = catalog_path.read_text(encoding="utf-8")
    kept = {m.string for m in after.messages if m.id} | {m.string for m in after.messages.obsolete.values()}
    assert set(translations.values()) <= kept, "a translation was lost"
    changed = after.messages.get("Talk with your care team")
    assert changed.fuzzy and changed.string == translations["Talk with your doctor"]
    assert '#| msgid "Talk with your doctor"' in raw
    assert after.messages.obsolete["References"].string == "Referencias"
    assert '#~ msgstr "Referencias"' in raw
    added = after.messages.get("Keep this handout.")
    assert added.fuzzy or not added.string  # a guess at most, never published
    assert "0 new, +2 fuzzy, +1 obsolete" in result.stdout

    # The English goes back: the obsolete translation comes back with it, not lost or doubled.
    template.write_text(template.read_text(encoding="utf-8").replace(
        "<h3>Sources</h3>", "<h3>{% trans %}References{% endtrans %}</h3>"), encoding="utf-8")
    cli("--root", project_copy, "extract")
    cli("--root", project_copy, "update", "es")
    again = read_catalog(catalog_path)
    assert again.messages.get("References").string == "Referencias" and not again.messages.get("References").fuzzy
    assert "References" not in again.messages.obsolete
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(catalog_path)]).returncode == 0


def test_init_makes_a_catalog_with_headers_and_a_draft_data_entry(project_copy):
    result = cli("--root", project_copy, "init", "be")
    assert result.returncode == 0, result.stderr
    catalog = project_copy / "locales/be/LC_MESSAGES/handouts.po"
    raw = catalog.read_text(encoding="utf-8")
    assert '"Language: be\\n"' in raw
    assert re.search(r'"Plural-Forms: nplurals=3;', raw)
    language = load_project(project_copy).languages["be"]
    assert (language.name, language.script, language.is_source) == ("Беларуская", "Cyrl", False)
    assert read_catalog(catalog).stats.untranslated == ALL_MESSAGES
    assert cli("--root", project_copy, "init", "be").returncode == 2  # not twice


def test_init_of_a_language_cldr_lacks_needs_its_data(project_copy):
    # Hakha Chin is not in CLDR.
    result = cli("--root", project_copy, "init", "cnh", "--script", "Latn")
    assert result.returncode == 2
    assert "no locale 'cnh'" in result.stderr and "plural_forms" in result.stderr
    result = cli("--root", project_copy, "init", "cnh", "--script", "Latn", "--name", "Laiholh",
                 "--english-name", "Hakha Chin", "--direction", "ltr",
                 "--plural-forms", "nplurals=1; plural=0;")
    assert result.returncode == 0, result.stderr
    raw = (project_copy / "locales/cnh/LC_MESSAGES/handouts.po").read_text(encoding="utf-8")
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in raw
    assert "[headers]" not in cli("--root", project_copy, "check", "cnh").stdout


# What half_translate leaves: all but two messages translated.
HALF_TRANSLATED = f"{round(100 * (MESSAGES - 2) / MESSAGES, 1):g}%"


def half_translate(project_copy, locale="es"):
    path = project_copy / f"locales/{locale}/LC_MESSAGES/handouts.po"
    text = path.read_text(encoding="utf-8")
    text = text.replace('msgstr "Referencias"', 'msgstr ""')
    text = text.replace('msgid "Talk with your doctor"', '#, fuzzy\nmsgid "Talk with your doctor"')
    path.write_text(text, encoding="utf-8")


def test_gate_skips_an_incomplete_language_never_published_with_a_reason(project_copy, tmp_path):
    project = load_project(project_copy)
    build(project, tmp_path, plan(project, ["en"], ["letter"], ["standard"]))
    half_translate(project_copy)
    project = load_project(project_copy)
    report = build(project, tmp_path, plan(project, ["en", "es"], ["letter"], ["standard"]))
    assert report.ok
    [skipped] = report.skipped
    assert skipped.language.code == "es"
    assert skipped.reason == f"{HALF_TRANSLATED} translated, 100% needed; 1 fuzzy"
    manifest = read_manifest(tmp_path)
    assert [lang["code"] for lang in manifest["handouts"][0]["languages"]] == ["en"]
    assert "Español" not in (tmp_path / "index.html").read_text(encoding="utf-8")

    # Asked for by name, it gives no PDF: that is an error.
    result = cli("--root", project_copy, "--lang", "es", "--paper", "letter", "--edition", "standard", "--out", str(tmp_path / "cli"))
    assert result.returncode == 1
    assert f"skipped  es: {HALF_TRANSLATED} translated, 100% needed; 1 fuzzy" in result.stdout


@pytest.mark.slow
def test_gate_threshold_is_configurable(project_copy, tmp_path):
    half_translate(project_copy)
    path = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    path.write_text(path.read_text(encoding="utf-8").replace("#, fuzzy\n", ""), encoding="utf-8")
    result = cli("--root", project_copy, "--lang", "es", "--paper", "letter", "--edition", "standard", "--min-translated", "95", "--out", str(tmp_path))
    assert "1 built" in result.stdout, result.stdout


@pytest.mark.slow
def test_allow_incomplete_builds_it_watermarked_and_highlighted(project_copy, tmp_path):
    half_translate(project_copy)
    result = cli("--root", project_copy, "--lang", "es", "--paper", "letter", "--edition", "standard", "--allow-incomplete", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / SLUG / f"{SLUG}.es.letter.standard.pdf"
    pages = pdf_text(pdf)
    assert all("Incomplete translation · not for patients" in page for page in pages)
    text = " ".join(pages)
    assert "References" in text  # the untranslated English, shown (highlighted)
    assert "Hable con su médico" in text  # the fuzzy guess, shown (highlighted)
    manifest = read_manifest(tmp_path)
    assert manifest["handouts"][0]["languages"][0]["incomplete"] is True


def test_a_fuzzy_guess_is_never_published_whatever_the_threshold(project_copy, tmp_path):
    half_translate(project_copy)
    result = cli("--root", project_copy, "--lang", "es", "--paper", "letter", "--edition", "standard", "--min-translated", "0", "--out", str(tmp_path))
    assert "skipped  es:" in result.stdout and "1 fuzzy" in result.stdout
    assert not (tmp_path / SLUG / f"{SLUG}.es.letter.standard.pdf").exists()


@pytest.mark.slow
def test_preview_highlights_untranslated_text_and_leaves_dist_alone(project_copy, tmp_path):
    half_translate(project_copy)
    result = cli("--root", project_copy, "preview", "es", "--out", str(tmp_path / "preview"))
    assert result.returncode == 0, result.stderr
    [pdf] = (tmp_path / "preview").rglob("*.pdf")
    text = " ".join(pdf_text(pdf))
    assert "Incomplete translation" in text and "References" in text
    assert not (project_copy / "dist").exists()


def drop_message(project_copy, msgid, locale="es"):
    """Remove one message from a catalog, as an outdated catalog lacks it."""
    path = project_copy / f"locales/{locale}/LC_MESSAGES/handouts.po"
    entries = path.read_text(encoding="utf-8").split("\n\n")
    kept = [entry for entry in entries if f'msgid "{msgid}"' not in entry]
    assert len(kept) == len(entries) - 1
    path.write_text("\n\n".join(kept), encoding="utf-8")


@pytest.mark.slow
def test_an_outdated_catalog_shows_one_percent_in_stats_the_gate_and_the_manifest(project_copy, tmp_path):
    drop_message(project_copy, "References")
    [row] = json.loads(cli("--root", project_copy, "stats", "--json", "es").stdout)
    assert (row["translated"], row["missing"], row["percent"]) == (ALL_MESSAGES - 1, 1, ALL_BUT_ONE)

    result = cli("--root", project_copy, "--lang", "es", "--paper", "letter", "--edition",
                 "standard", "--out", tmp_path)
    assert f"skipped  es: {ALL_BUT_ONE:g}% translated, 100% needed" in result.stdout

    result = cli("--root", project_copy, "--lang", "es", "--paper", "letter", "--edition",
                 "standard", "--min-translated", "97", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    [spanish] = read_manifest(tmp_path)["handouts"][0]["languages"]
    assert spanish["translated"] == ALL_BUT_ONE


def test_an_empty_catalog_is_0_percent_translated(project_copy):
    path = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    header = path.read_text(encoding="utf-8").split("\n\n")[0]
    path.write_text(header + "\n", encoding="utf-8")
    [row] = json.loads(cli("--root", project_copy, "stats", "--json", "es").stdout)
    assert (row["translated"], row["missing"], row["percent"]) == (0, ALL_MESSAGES, 0.0)


def test_init_keeps_the_language_file_as_written_and_adds_a_table(project_copy):
    path = project_copy / "locales/languages.toml"
    before = path.read_text(encoding="utf-8")
    assert cli("--root", project_copy, "init", "be").returncode == 0
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))  # every comment and table as it was
    assert tomllib.loads(after)["be"] == {"script": "Cyrl", "review": "draft"}
    assert not list(path.parent.glob(".*.tmp"))


def test_a_setting_the_policy_does_not_know_is_a_clear_error(project_copy, tmp_path):
    (project_copy / "pyproject.toml").write_text('[tool.handouts]\npublish-fuzzy = true\n')
    result = cli("--root", project_copy, "--lang", "es", "--out", tmp_path)
    assert result.returncode == 2
    assert "unknown setting(s): publish-fuzzy" in result.stderr
    assert "the settings are: min-translated" in result.stderr


@pytest.mark.parametrize("code", ["../../../y", "es/../../x", "x\ny", "EN", "e"])
def test_init_refuses_a_code_that_is_not_a_language_tag_and_writes_nothing(project_copy, code):
    path = project_copy / "locales/languages.toml"
    before = path.read_bytes()
    result = cli("--root", project_copy, "init", code)
    assert result.returncode == 2
    assert "is not a BCP 47 language tag" in result.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in project_copy.rglob("*.po")) == sorted(
        p.name for p in (ROOT / "locales").rglob("*.po"))
    assert not list(project_copy.parent.glob("*.po")) and not (project_copy.parent / "y").exists()


def test_stats_count_a_catalog_msgfmt_rejects_as_msgfmt_counts_it_and_check_says_where():
    path = ROOT / "tests/data/extra-plural-form.po"
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)],
                          capture_output=True).returncode == 1
    [row] = json.loads(cli("stats", "--json", path).stdout)
    assert (row["translated"], row["fuzzy"], row["untranslated"]) == msgfmt_statistics(path) == (2, 0, 1)
    assert row["valid"] is False
    table = cli("stats", path).stdout
    assert f"* {path}:9: more plural forms than its Plural-Forms header allows" in table
    result = cli("check", path)
    assert result.returncode == 1
    assert f"{path}:9: error: [plural-forms] more plural forms than the Plural-Forms header's " \
        "nplurals=2" in result.stdout


def run_as_nobody(*args) -> subprocess.CompletedProcess:
    """``build_pdfs.py`` with ``args``, run by an unprivileged user, as ``cli`` runs it."""
    return subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                           sys.executable, str(ROOT / "build_pdfs.py"), *map(str, args)],
                          capture_output=True, text=True, env={**os.environ, "HOME": "/tmp"})


@pytest.fixture(params=["folder", "unreadable"])
def unreadable_spanish(request):
    """A project whose Spanish catalog is a folder, or a file its user cannot read; and
    the function that runs ``build_pdfs.py`` on it as that user."""
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        os.chmod(folder, 0o755)  # nobody may go in
        for name in ("templates", "locales"):
            shutil.copytree(ROOT / name, Path(folder) / name)
        catalog = Path(folder) / "locales/es/LC_MESSAGES/handouts.po"
        if request.param == "folder":
            catalog.unlink()
            catalog.mkdir()
            yield Path(folder), catalog, "this is a folder, not a PO file", cli
        else:
            if os.geteuid() != 0:
                pytest.skip("needs root to run the command as an unprivileged user")
            catalog.chmod(0)
            yield Path(folder), catalog, "cannot read the catalog: Permission denied", run_as_nobody


@pytest.mark.slow
def test_check_and_stats_report_an_unreadable_catalog_and_go_on_with_the_others(unreadable_spanish):
    root, catalog, reason, run = unreadable_spanish
    check = run("--root", root, "check")
    assert check.returncode == 1, check.stderr
    assert f"{catalog}: error: [file] {reason}" in check.stdout.splitlines()
    assert check.stdout.strip().endswith("1 error(s), 0 warning(s)")  # every other one checked

    stats = run("--root", root, "stats")
    assert stats.returncode == 1, stats.stderr
    assert stats.stderr.splitlines() == [f"{catalog}: error: [file] {reason}"]
    counted = [line.split()[0] for line in stats.stdout.splitlines()[1:]]
    assert counted == [code for code in LANGUAGE_CODES if code not in ("en", "es")]
    rows = json.loads(run("--root", root, "stats", "--json").stdout)
    assert len(rows) == len(counted)


def test_init_with_a_locale_takes_that_locales_data_and_never_another_languages_catalog(project_copy):
    # Pashto as written in Pakistan, with CLDR's ps_PK data and a catalog of its own.
    result = cli("--root", project_copy, "init", "ps-PK", "--locale", "ps_PK")
    assert result.returncode == 0, result.stderr
    table = tomllib.loads((project_copy / "locales/languages.toml").read_text())["ps-PK"]
    assert table["locale"] == "ps_PK"
    raw = (project_copy / "locales/ps_PK/LC_MESSAGES/handouts.po").read_text(encoding="utf-8")
    assert '"Language: ps_PK\\n"' in raw
    # A locale another language has would be its catalog: refused, the catalog kept.
    catalog = project_copy / "locales/zh_Hant/LC_MESSAGES/handouts.po"
    before = catalog.read_bytes()
    result = cli("--root", project_copy, "init", "lzh", "--locale", "zh_Hant")
    assert result.returncode == 2
    assert "the locale zh_Hant is Chinese (Traditional)'s (zh-Hant)" in result.stderr
    assert catalog.read_bytes() == before
    assert "lzh" not in tomllib.loads((project_copy / "locales/languages.toml").read_text())


def test_update_writes_a_long_previous_msgid_as_gettext_and_poedit_read_it(project_copy):
    """A changed message whose old English runs over several lines keeps it as
    ``#|`` strings that GNU gettext parses (Babel alone would cut them across lines)."""
    catalog_path = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    template = project_copy / "templates/breast-cancer-recurrence/handout.html"
    text = template.read_text(encoding="utf-8")
    old = "Call any time of day or night. On weekdays you can also chat with us online."
    assert old in text
    template.write_text(text.replace(old, old.replace("Call", "Please call")), encoding="utf-8")
    assert cli("--root", project_copy, "extract").returncode == 0
    assert cli("--root", project_copy, "update", "es").returncode == 0

    checked = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(catalog_path)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert not [f for f in check_file(catalog_path, "es") if f.severity == "error"]
    changed = read_catalog(catalog_path).messages.get(old.replace("Call", "Please call"))
    assert changed.fuzzy and changed.string.startswith("Llame")
    raw = catalog_path.read_text(encoding="utf-8")
    assert ('#| msgid ""\n#| "Call any time of day or night. On weekdays you can also chat with us "\n'
            '#| "online."\nmsgid ""\n"Please call') in raw
