"""A build stopped, killed or fed a hostile path: it ends with all its workers,
writes nothing afterwards, and its manifest is true to the disk at every instant."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, cli, interruptible, manifest_files, read_manifest

pytestmark = pytest.mark.slow


def start_build(root: Path, out_dir: Path, *args: str) -> subprocess.Popen:
    """A real build in its own session, as CI or a terminal runs it; returns once
    it has written its first PDF (into its staging folder)."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build_pdfs.py"), "--root", str(root), "--out", str(out_dir),
         *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, preexec_fn=interruptible)
    line = process.stdout.readline()
    assert line.split()[:1] == ["built"], line + process.stderr.read()
    return process


def workers_of(pid: int) -> list[int]:
    result = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(word) for word in result.stdout.split()]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def assert_all_end_within(pids: list[int], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in pids if alive(pid)], "a worker outlived its build"


def files_on_disk(out_dir: Path) -> dict[str, tuple[int, int]]:
    return {str(path.relative_to(out_dir)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in out_dir.rglob("*") if path.is_file() and path.name != ".build.lock"}


def assert_manifest_true(out_dir: Path) -> None:
    """Every file the manifest lists is there with its bytes and checksum, and the
    page links only such files."""
    if not (out_dir / "manifest.json").exists():
        assert not (out_dir / "index.html").exists()
        return
    listed = manifest_files(out_dir)
    for file in listed:
        data = (out_dir / file["path"]).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (file["bytes"], file["sha256"]), \
            file["path"]
    links = re.findall(r'href="([^"#]+\.pdf)"', (out_dir / "index.html").read_text(encoding="utf-8"))
    assert set(links) <= {file["path"] for file in listed}


def assert_nothing_written_after(out_dir: Path, seconds: float = 3) -> None:
    before = files_on_disk(out_dir)
    time.sleep(seconds)
    assert files_on_disk(out_dir) == before


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_parallel_build_ends_with_all_its_workers_within_5_seconds(tmp_path, stop):
    process = start_build(ROOT, tmp_path, "--paper", "letter", "--workers", "2")
    workers = workers_of(process.pid)
    assert len(workers) == 2
    os.kill(process.pid, stop)
    assert process.wait(timeout=5) == 130
    assert "no partial file was written" in process.stderr.read()
    assert_all_end_within(workers, 5)
    assert_nothing_written_after(tmp_path)
    assert not list(tmp_path.rglob("*.tmp")) and not (tmp_path / ".staging").exists()
    assert_manifest_true(tmp_path)


def test_a_killed_build_takes_its_workers_with_it_and_writes_nothing_after(tmp_path):
    process = start_build(ROOT, tmp_path, "--paper", "letter", "--workers", "2")
    workers = workers_of(process.pid)
    assert len(workers) == 2
    process.kill()
    process.wait(timeout=5)
    assert_all_end_within(workers, 5)
    assert_nothing_written_after(tmp_path)
    assert_manifest_true(tmp_path)
    # Everything was still staged, in a hidden folder the next build sweeps.
    assert [path.relative_to(tmp_path).parts[0] for path in tmp_path.rglob("*.pdf")] \
        == [".staging"] * len(list(tmp_path.rglob("*.pdf")))


def test_a_rebuild_killed_at_any_moment_leaves_a_manifest_true_to_the_disk(project_copy, tmp_path):
    options = ("--lang", "en", "--lang", "es", "--paper", "letter", "--workers", "2")
    assert cli("--root", project_copy, "--out", tmp_path, *options).returncode == 0
    site = project_copy / "templates/site.toml"
    original = site.read_text(encoding="utf-8")
    for number, moment in enumerate(["first PDF", 0.5, 1.5, "manifest changes"]):
        # Every PDF depends on the organisation's name (its author, its footer).
        site.write_text(original.replace("American Cancer Society", f"Organisation {number}"),
                        encoding="utf-8")
        manifest_before = (tmp_path / "manifest.json").stat().st_mtime_ns
        process = start_build(project_copy, tmp_path, *options)
        if moment == "manifest changes":
            while ((tmp_path / "manifest.json").stat().st_mtime_ns == manifest_before
                   and process.poll() is None):
                time.sleep(0.001)
        elif moment != "first PDF":
            time.sleep(moment)
        process.kill()
        process.wait(timeout=5)
        assert_manifest_true(tmp_path)
    assert cli("--root", project_copy, "--out", tmp_path, *options).returncode == 0
    assert_manifest_true(tmp_path)
    assert len(manifest_files(tmp_path)) == 5


def test_a_shard_manifest_cannot_make_merge_read_or_write_outside_its_folders(tmp_path):
    shard = tmp_path / "shard"
    assert cli("--lang", "en", "--paper", "letter", "--edition", "standard",
               "--out", shard).returncode == 0
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-1.7 not for publishing")
    manifest = (shard / "manifest.json").read_text(encoding="utf-8")
    [path] = [file["path"] for file in manifest_files(shard)]
    (shard / "manifest.json").write_text(manifest.replace(path, "../secret.pdf"), encoding="utf-8")
    out = tmp_path / "out" / "dist"
    result = cli("merge", shard, "--out", out)
    assert result.returncode == 2
    assert "'../secret.pdf', which is not a file name inside the folder" in result.stderr
    assert not list((tmp_path / "out").rglob("*.pdf")) and not (out / "manifest.json").exists()


def test_a_language_table_named_like_a_path_is_refused_before_anything_is_written(project_copy, tmp_path):
    languages = project_copy / "locales/languages.toml"
    languages.write_text(languages.read_text(encoding="utf-8")
                         + '\n["../../../../x"]\nlocale = "es"\nscript = "Latn"\n', encoding="utf-8")
    out = tmp_path / "a" / "b" / "dist"
    result = cli("--root", project_copy, "--out", out)
    assert result.returncode == 2
    assert "../../../../x is not a BCP 47 language tag" in result.stderr
    line = languages.read_text(encoding="utf-8").splitlines().index('["../../../../x"]') + 1
    assert f"languages.toml:{line}:" in result.stderr
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_broken_catalog_is_reported_once_not_once_per_job(project_copy, tmp_path):
    catalog = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        'msgstr "Referencias"', 'msgstr "Referencias'), encoding="utf-8")
    result = cli("--root", project_copy, "--lang", "en", "--lang", "es", "--out", tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("not a valid PO file") == 1
    assert "failed: 6 jobs of es" in result.stderr
    [english] = read_manifest(tmp_path)["handouts"][0]["languages"]
    assert english["code"] == "en"
