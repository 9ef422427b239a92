"""Untrusted catalogs and bad input: nothing leaks, nothing is lost, every error says where and why."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import pytest
from pypdf import PdfReader

from handouts import HandoutsError, build, load_project
from handouts.catalogs import read_catalog
from handouts.jobs import plan
from handouts.checks import check_file
from handouts.editions import EDITIONS, PAPERS
from handouts.fetch import ProjectFetcher
from handouts.render import render_pdf
from handouts.fonts import require_fonts, subsetting_warning
from handouts.writing_systems import Script

from conftest import ROOT, SLUG, cli, interruptible, manifest_files, manifest_languages, pdf_text, read_manifest

ATTACKS = {
    "References": '<img src="file:///etc/passwd">',
    "Talk with your doctor": '<link rel="stylesheet" href="https://example.com/x.css">Hable',
    "Think about a clinical trial": '<span style="background: url(https://example.com/x.png)">Piense</span>',
    "About this handout": '<img src="data:image/png;base64,iVBORw0KGgo=">Acerca',
    "What is a recurrence?": "<script>alert(1)</script>¿Qué?",
}


def set_translations(project_copy, replacements, locale="es"):
    """Give messages of the catalog other translations, written as a translator would."""
    from babel.messages.pofile import read_po, write_po
    path = project_copy / f"locales/{locale}/LC_MESSAGES/handouts.po"
    with open(path, "rb") as file:
        catalog = read_po(file)
    for msgid, msgstr in replacements.items():
        catalog[msgid].string = msgstr
    with open(path, "wb") as file:
        write_po(file, catalog)
    return path


def images_in(pdf):
    return [name for page in PdfReader(pdf).pages
            for name in (page.get("/Resources", {}).get("/XObject") or {})]



def test_malicious_catalog_builds_a_pdf_showing_its_text_as_text_and_fetching_nothing(project_copy, tmp_path):
    path = set_translations(project_copy, ATTACKS)
    project = load_project(project_copy)
    handout, spanish = project.handouts[SLUG], project.languages["es"]
    rendered = render_pdf(handout, spanish, EDITIONS["standard"], PAPERS["letter"])  # no refusal raised
    pdf = tmp_path / "es.pdf"
    pdf.write_bytes(rendered.data)

    # Shown as text, not rendered (compared without spaces: lines may break inside a URL).
    text = "".join(" ".join(pdf_text(pdf)).split())
    for attack in ATTACKS.values():
        assert "".join(attack.split()) in text
    assert images_in(pdf) == []
    # And the gate would never publish it: each is a markup error.
    markup = [f for f in check_file(path, "es") if f.check == "markup"]
    assert len({f.line for f in markup}) == len(ATTACKS)


def test_fetcher_serves_project_files_and_refuses_everything_else(tmp_path):
    fetcher = ProjectFetcher(ROOT / "templates")
    assert fetcher.fetch((ROOT / "templates/print.css").as_uri()).url.endswith("print.css")
    for url in ["file:///etc/passwd", "https://example.com/x.css", "http://127.0.0.1/",
                "data:text/css,body{}", (ROOT / "templates").as_uri() + "/../pyproject.toml"]:
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5


def test_template_that_asks_for_a_file_outside_fails_its_jobs(project_copy, tmp_path):
    template = project_copy / "templates/breast-cancer-recurrence/handout.html"
    template.write_text(template.read_text().replace(
        "<section>", '<img src="file:///etc/passwd" alt=""><section>', 1))
    project = load_project(project_copy)
    report = build(project, tmp_path, plan(project, ["en"], ["letter"], ["standard"]))
    [failure] = report.failed
    assert "asked for file:///etc/passwd, which a build never fetches" in failure.reason


def test_malformed_template_fails_with_file_and_line(project_copy, tmp_path):
    template = project_copy / "templates/breast-cancer-recurrence/handout.html"
    lines = template.read_text().splitlines()
    lines[14] = lines[14] + "{% trans %}unclosed"
    template.write_text("\n".join(lines) + "\n")
    project = load_project(project_copy)
    report = build(project, tmp_path, plan(project, ["en", "es"], ["letter"], ["standard"]))
    assert len(report.failed) == 2
    assert "handout.html:" in report.failed[0].reason and "template error" in report.failed[0].reason
    result = cli("--root", str(project_copy), "--lang", "en", "--paper", "letter", "--edition", "standard", "--out", str(tmp_path / "cli"))
    assert result.returncode == 1 and "handout.html:" in result.stderr


def test_catalog_in_the_wrong_encoding_fails_its_language_naming_file_and_line(project_copy, tmp_path):
    path = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("latin-1", errors="replace"))
    first_accent = next(i for i, char in enumerate(text) if ord(char) > 127)
    line = text[:first_accent].count("\n") + 1
    project = load_project(project_copy)
    report = build(project, tmp_path, plan(project, ["en", "es"], ["letter"], ["standard"]))
    [failure] = report.failed
    assert f"handouts.po:{line}: error: [encoding]" in failure.reason
    assert [r.language for r in report.built] == ["en"]


def test_duplicate_message_fails_its_language(project_copy, tmp_path):
    path = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "References"\nmsgstr "Fuentes"\n',
                    encoding="utf-8")
    project = load_project(project_copy)
    report = build(project, tmp_path, plan(project, ["es"], ["letter"], ["standard"]))
    [failure] = report.failed
    assert "duplicate message (first defined at line" in failure.reason


def test_empty_catalog_is_skipped_never_published_in_english(project_copy, tmp_path):
    (project_copy / "locales/es/LC_MESSAGES/handouts.po").write_text("")
    project = load_project(project_copy)
    report = build(project, tmp_path, plan(project, ["es"], ["letter"], ["standard"]))
    [skipped] = report.skipped
    assert skipped.reason.startswith("0% translated, 100% needed")
    assert not list(tmp_path.rglob("*.pdf"))


def test_missing_font_names_the_package_to_install():
    with pytest.raises(HandoutsError) as error:
        require_fonts(Script("Latn", ("No Such Font Sans",), "fonts-no-such"))
    assert "'No Such Font Sans'" in str(error.value)
    assert "apt-get install fonts-no-such" in str(error.value)


def test_missing_harfbuzz_subsetter_is_named_with_its_package():
    assert subsetting_warning() is None  # installed by the set-up
    assert "apt-get install libno-such-subset0" in subsetting_warning("no-such-subset")


def test_output_folder_that_cannot_be_written_is_a_clear_error():
    if os.geteuid() != 0:
        pytest.skip("needs root to run the build as an unprivileged user")
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        os.chmod(folder, 0o755)  # readable, not writable, by nobody
        result = subprocess.run(
            ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
             sys.executable, str(ROOT / "build_pdfs.py"), "--root", str(ROOT),
             "--lang", "en", "--paper", "letter", "--edition", "standard", "--out", f"{folder}/dist"],
            capture_output=True, text=True, env={**os.environ, "HOME": "/tmp"})
    assert result.returncode == 2
    assert "dist: cannot write .build.lock: Permission denied" in result.stderr
    assert "fix: make the folder writable, or build into another folder with --out DIR" in result.stderr


@pytest.fixture
def small_disk(tmp_path):
    """A 128 kB file system: room for the English PDF and its page, not for a Japanese one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(mount)]).returncode:
        pytest.skip("needs root and tmpfs to simulate a full disk")
    yield mount
    subprocess.run(["umount", str(mount)])


def test_full_disk_fails_the_job_keeps_what_was_there_and_leaves_no_partial_file(project, small_disk):
    first = build(project, small_disk, plan(project, ["en"], ["letter"], ["standard"]))
    assert first.ok and len(first.built) == 1
    english_before = manifest_files(small_disk)
    assert [file["language"] for file in english_before] == ["en"]
    report = build(project, small_disk, plan(project, ["ja"], ["letter"], ["standard"]))
    assert not report.ok
    reasons = " ".join(f.reason for f in report.failed) + " ".join(report.errors)
    assert "No space left on device" in reasons and "free some disk space" in reasons
    assert not list(small_disk.rglob("*.tmp"))
    files = manifest_files(small_disk)
    assert [file for file in files if file["language"] == "en"] == english_before
    for file in files:
        pdf = small_disk / file["path"]
        assert pdf.stat().st_size == file["bytes"]
        assert hashlib.sha256(pdf.read_bytes()).hexdigest() == file["sha256"]
        assert len(PdfReader(pdf).pages) == file["pages"]


def start_build(out_dir, *args):
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build_pdfs.py"), "--root", str(ROOT), "--out", str(out_dir), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=interruptible)
    assert process.stdout.readline().strip().startswith("built"), "the build did not start"
    return process


def assert_output_is_whole(out_dir):
    """Every PDF is complete, and the manifest lists only complete files that are there."""
    for pdf in out_dir.rglob("*.pdf"):
        assert PdfReader(pdf).pages, pdf
    if (out_dir / "manifest.json").exists():
        manifest = read_manifest(out_dir)
        for handout in manifest["handouts"]:
            for language in handout["languages"]:
                for file in language["files"]:
                    assert (out_dir / file["path"]).stat().st_size == file["bytes"]


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_stopped_build_leaves_no_partial_file(tmp_path, stop):
    process = start_build(tmp_path)
    process.send_signal(stop)
    assert process.wait(timeout=60) == 130
    assert "no partial file was written" in process.stderr.read()
    assert not list(tmp_path.rglob("*.tmp"))
    assert_output_is_whole(tmp_path)


@pytest.mark.slow
def test_killed_build_leaves_no_file_a_reader_sees_and_the_next_build_sweeps_up(tmp_path):
    process = start_build(tmp_path)
    time.sleep(0.3)
    process.kill()
    process.wait(timeout=60)
    assert_output_is_whole(tmp_path)  # temporary files have hidden names, never a final one
    assert cli("--root", str(ROOT), "--lang", "en", "--paper", "letter", "--edition", "standard", "--out", str(tmp_path)).returncode == 0
    assert not list(tmp_path.rglob("*.tmp"))
    assert_output_is_whole(tmp_path)


@pytest.mark.slow
def test_second_build_into_the_same_folder_waits_or_stops(tmp_path):
    # A share of the languages: long enough to be still writing when the others come.
    first = start_build(tmp_path, "--paper", "letter", *[arg for code in ("es", "zh-Hans", "ar", "km")
                                                         for arg in ("--lang", code)])
    try:
        refused = cli("--root", str(ROOT), "--lang", "en", "--paper", "letter", "--edition", "standard", "--no-wait", "--out", str(tmp_path))
        assert refused.returncode == 2
        assert "another build is writing into this folder" in refused.stderr
        waiting = cli("--root", str(ROOT), "--lang", "en", "--paper", "letter", "--edition", "standard", "--out", str(tmp_path))
        assert waiting.returncode == 0
        assert "waiting: another build is writing into" in waiting.stderr
        assert first.wait(timeout=120) == 0, first.stderr.read()
        assert_output_is_whole(tmp_path)
    finally:
        first.kill()
        first.wait()


def test_every_test_the_bad_input_table_names_exists():
    import re
    table = (ROOT / "docs/bad-input.md").read_text(encoding="utf-8")
    for file, name in re.findall(r"`(test_\w+\.py)::(test_\w+)", table):
        assert f"def {name}(" in (ROOT / "tests" / file).read_text(encoding="utf-8"), name


def test_private_use_characters_in_the_footer_never_become_page_numbers(project_copy, tmp_path):
    path = set_translations(project_copy, {
        "Page %(page)s of %(pages)s": "Página %(page)s \ue000 de %(pages)s \ue001"})
    findings = [f for f in check_file(path, "es") if f.check == "private-use"]
    assert findings and "U+E000, U+E001" in findings[0].message
    project = load_project(project_copy)
    rendered = render_pdf(project.handouts[SLUG], project.languages["es"], EDITIONS["standard"],
                          PAPERS["letter"])
    pdf = tmp_path / "es.pdf"
    pdf.write_bytes(rendered.data)
    pages = pdf_text(pdf)
    for number, page in enumerate(pages, start=1):
        assert f"Página {number} de {len(pages)}" in page, page[-200:]


@pytest.mark.slow
def test_symlinked_catalog_is_refused_and_nothing_of_its_target_is_shown(project_copy, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("root:x:0:0:SECRET-LINE-ONE\nSECRET-LINE-TWO\n")
    catalog = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    catalog.unlink()
    catalog.symlink_to(secret)
    result = cli("--root", project_copy, "check", "es")
    assert result.returncode == 1
    assert (f"{catalog}: error: [file] the catalog is a symbolic link; a catalog is read only "
            "from a regular file") in result.stdout
    built = cli("--root", project_copy, "--lang", "en", "--lang", "es", "--paper", "letter",
                "--edition", "standard", "--out", tmp_path / "dist")
    assert built.returncode == 1
    assert "[file] the catalog is a symbolic link" in built.stderr
    assert "fix: replace the link with the file itself" in built.stderr
    assert [file["language"] for file in manifest_files(tmp_path / "dist")] == ["en"]
    for output in (result.stdout, result.stderr, built.stdout, built.stderr):
        assert "SECRET" not in output


def test_catalog_folder_linked_from_outside_locales_is_refused(project_copy, tmp_path):
    outside = tmp_path / "outside"
    (project_copy / "locales/es").rename(outside)
    (project_copy / "locales/es").symlink_to(outside)
    catalog = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    result = cli("--root", project_copy, "check", "es")
    assert result.returncode == 1
    assert f"{catalog}: error: [file] the catalog is outside {project_copy / 'locales'}" in result.stdout
    project = load_project(project_copy)
    report = build(project, tmp_path / "dist", plan(project, ["es"], ["letter"], ["standard"]))
    [failure] = report.failed
    assert "[file] the catalog is outside" in failure.reason
    assert not list((tmp_path / "dist").rglob("*.pdf"))


@pytest.mark.parametrize("content", [
    # Not PO at all: only the first line is quoted, cut short.
    "root:x:0:0:SECRET-" + "x" * 80 + "-END\nSECRET-LINE-TWO\n",
    # PO lines, but a message without its msgstr: Babel's message quotes the msgid.
    'msgid "SECRET-' + "x" * 80 + '-END"\n\nmsgid "SECRET-LINE-TWO"\nmsgstr ""\n',
])
def test_unparseable_catalog_is_quoted_by_its_first_bad_line_only_cut_short(tmp_path, content):
    path = tmp_path / "vendor.po"
    path.write_text(content)
    result = cli("check", path)
    assert result.returncode == 1
    [finding] = [line for line in result.stdout.splitlines() if "[po-syntax]" in line]
    assert finding.startswith(f"{path}:1: error: [po-syntax] not a valid PO file")
    assert "x" * 40 not in finding and "-END" not in finding
    assert "SECRET-LINE-TWO" not in result.stdout + result.stderr


@pytest.mark.slow
def test_a_script_without_fonts_fails_only_its_language_naming_its_line(project_copy, tmp_path):
    languages = project_copy / "locales/languages.toml"
    text = languages.read_text(encoding="utf-8")
    languages.write_text(text.replace('[es]\nscript = "Latn"', '[es]\nscript = "Xxxx"'),
                         encoding="utf-8")
    line = text.splitlines().index("[es]") + 1
    result = cli("--root", project_copy, "--lang", "en", "--lang", "es", "--paper", "letter",
                 "--edition", "standard", "--out", tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert (f"{languages}:{line}: [es] script 'Xxxx' has no fonts declared "
            "(locales/writing_systems.toml)") in result.stderr
    assert "fix: write the ISO 15924 code of its writing system (Latn, Cyrl" in result.stderr
    assert "1 built" in result.stdout
    assert [file["language"] for file in manifest_files(tmp_path)] == ["en"]
    preview = cli("--root", project_copy, "preview", "es", "--out", tmp_path / "preview")
    assert preview.returncode == 2 and "Traceback" not in preview.stderr
    assert "script 'Xxxx' has no fonts declared" in preview.stderr


def set_references(project_copy, translation):
    """Give "References" a long Spanish translation, written on one line (Babel's
    writer takes minutes to wrap one so long)."""
    path = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    text = path.read_text(encoding="utf-8")
    assert 'msgstr "Referencias"' in text
    path.write_text(text.replace('msgstr "Referencias"', f'msgstr "{translation}"'), encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_catalog_over_4_mib_is_refused_before_it_is_parsed_and_never_published(project_copy, tmp_path):
    path = set_references(project_copy, "Referencias " + "a" * 5_000_000)
    started = time.monotonic()
    [finding] = check_file(path, "es")
    assert time.monotonic() - started < 0.5
    assert str(finding) == f"{path}: error: [size] the catalog is 4.8 MiB; the limit is 4 MiB"
    result = cli("--root", project_copy, "--lang", "en", "--lang", "es", "--paper", "letter",
                 "--edition", "standard", "--out", tmp_path / "dist")
    assert result.returncode == 1
    assert "[size] the catalog is 4.8 MiB; the limit is 4 MiB" in result.stderr
    assert [file["language"] for file in manifest_files(tmp_path / "dist")] == ["en"]


def test_a_translation_far_longer_than_its_english_is_never_published(project_copy, tmp_path):
    path = set_references(project_copy, "Referencias " * 10_000)
    findings = {f.check: f for f in check_file(path, "es")}
    assert "the translation is 120,000 characters, the English 10" in findings["length"].message
    assert findings["size"].message == "a message is 117 KiB; the limit is 64 KiB"
    project = load_project(project_copy)
    report = build(project, tmp_path, plan(project, ["en", "es"], ["letter"], ["standard"]))
    [skipped] = report.skipped
    assert skipped.language.code == "es" and "check errors (first:" in skipped.reason
    assert [record.language for record in report.built] == ["en"]


@pytest.fixture
def served(tmp_path):
    """A folder with a page, hidden build files and links out of it, served by
    ``build_pdfs.py serve`` on 127.0.0.1; yields a function that GETs a path's status."""
    folder, outside = tmp_path / "dist", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("SECRET")
    (folder / "index.html").write_text("<!doctype html><title>PDFs</title>")
    (folder / SLUG).mkdir()
    (folder / SLUG / "a.pdf").write_bytes(b"%PDF-1.7")
    for hidden in (".build-state.json", ".build.lock", f"{SLUG}/.a.pdf.tmp"):
        (folder / hidden).write_text("{}")
    (folder / "passwd.pdf").symlink_to(outside / "secret.txt")
    (folder / "elsewhere").symlink_to(outside)
    server = subprocess.Popen([sys.executable, str(ROOT / "build_pdfs.py"), "serve", "--dir",
                               str(folder), "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().split(" at ")[1].split()[0]
        assert url.startswith("http://127.0.0.1:"), url

        def status(path):
            try:
                with urllib.request.urlopen(url + path.lstrip("/"), timeout=10) as response:
                    return response.status, response.read()
            except urllib.error.HTTPError as error:
                return error.code, b""
        yield status
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize("path", [
    "/.build-state.json", "/%2ebuild-state.json", "/%2Ebuild.lock", f"/{SLUG}/%2ea.pdf.tmp",
    f"/{SLUG}%2f%2e%2e%2f.build.lock", "/passwd.pdf", "/elsewhere/secret.txt",
    "/elsewhere%2fsecret.txt", "/%2e%2e/outside/secret.txt", "/%ed%a0%80",
])
def test_serve_refuses_hidden_files_and_anything_outside_its_folder(served, path):
    assert served(path) == (404, b"")


def test_serve_serves_the_page_and_the_pdfs(served):
    assert served("/")[0] == served("/index.html")[0] == 200
    assert served(f"/{SLUG}/a.pdf") == (200, b"%PDF-1.7")
    assert served(f"/{SLUG}%2fa.pdf") == (200, b"%PDF-1.7")


@pytest.mark.slow
def test_markup_spelt_as_character_references_in_the_title_never_reaches_the_manifest(project_copy, tmp_path):
    title = "Treatment When Breast Cancer Comes Back"
    path = set_translations(project_copy, {title: "Tratamiento &#60;img src=x onerror=alert(1)&#62;"})
    line = read_catalog(path).messages.get(title).lineno
    checked = cli("--root", project_copy, "check", "es")
    assert checked.returncode == 1
    assert f"{path}:{line}: error: [markup] &#60;, &#62; spells a markup character" in checked.stdout

    spanish = ("--root", project_copy, "--lang", "es", "--paper", "letter", "--edition", "standard")
    gated = cli(*spanish, "--out", tmp_path / "gated")
    assert f"skipped  es: 2 check errors (first: {path}:{line}: error: [markup]" in gated.stdout
    assert not list((tmp_path / "gated").rglob("*.pdf"))

    review = tmp_path / "review"  # built anyway, as a review copy
    assert cli(*spanish, "--allow-incomplete", "--out", review).returncode == 0
    [entry] = manifest_languages(review)
    assert entry["title"] == "Tratamiento \uff1cimg src=x onerror=alert(1)\uff1e"
    for written in ("manifest.json", "index.html"):
        assert "<img src=x" not in (review / written).read_text(encoding="utf-8"), written
    assert "<" not in (review / "manifest.json").read_text(encoding="utf-8")
    # The PDF shows the catalog's text as text, in its title too.
    [pdf] = review.rglob("*.pdf")
    assert PdfReader(pdf).metadata.title == "Tratamiento <img src=x onerror=alert(1)>"
