"""The CI workflow that builds the PDFs on a matrix of machines
(.github/workflows/pdfs.yml), checked by actionlint, and with the real flags of
build_pdfs.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

WORKFLOW = ROOT / ".github/workflows/pdfs.yml"


def actionlint() -> str:
    """actionlint: $ACTIONLINT, or beside this Python (the test extras install it
    there: see pyproject.toml), or on the PATH."""
    found = (os.environ.get("ACTIONLINT")
             or shutil.which("actionlint", path=str(Path(sys.executable).parent))
             or shutil.which("actionlint"))
    assert found, "actionlint is not installed: run `make test` (scripts/setup installs it)"
    return found


def lint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([actionlint(), "-no-color", str(path)], capture_output=True, text=True,
                          cwd=ROOT)


def test_actionlint_finds_nothing_wrong_in_the_workflow():
    result = lint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("wrong, right", [
    ("${{ fromJSON(needs.plan.outputs.list) }}", "${{ fromJSON(needs.plann.outputs.list) }}"),
    ("runs-on: ubuntu-24.04\n    timeout-minutes: 60", "runs-on: ubuntu-24.04\n    timeout-minutes: sixty"),
    ("uses: actions/upload-artifact@v4", "uses: actions/upload-artifact@v4\n        with: [oops"),
])
def test_actionlint_fails_on_a_broken_copy(tmp_path, wrong, right):
    text = WORKFLOW.read_text(encoding="utf-8")
    assert wrong in text
    broken = tmp_path / ".github/workflows/pdfs.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(text.replace(wrong, right, 1), encoding="utf-8")
    result = lint(broken)
    assert result.returncode != 0 and result.stdout.strip()


def test_the_workflow_sets_the_matrix_size_once_and_uses_the_real_commands():
    text = WORKFLOW.read_text(encoding="utf-8")
    assert len(re.findall(r"^\s*SHARDS:\s*\d+", text, re.MULTILINE)) == 1
    assert 'build_pdfs.py build --shard "${{ matrix.shard }}/${{ needs.plan.outputs.count }}" --out' in text
    assert "build_pdfs.py merge shards/shard-* --out dist" in text
    assert "sha256sum --check" in text
    # Each action is pinned by its major version.
    for action in re.findall(r"uses:\s*(\S+)", text):
        assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", action), action
    # The flags it uses are the command line's own.
    help_text = subprocess.run([sys.executable, str(ROOT / "build_pdfs.py"), "build", "--help"],
                               capture_output=True, text=True).stdout
    assert "--shard K/N" in help_text and "--out DIR" in help_text
    merge_help = subprocess.run([sys.executable, str(ROOT / "build_pdfs.py"), "merge", "--help"],
                                capture_output=True, text=True).stdout
    assert "DIR [DIR ...]" in merge_help and "--out DIR" in merge_help
    # It installs what scripts/setup installs for a build.
    packages = [line.split()[0] for line in
                (ROOT / "scripts/debian-packages.txt").read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    assert {"fonts-noto-core", "fonts-noto-cjk", "libharfbuzz-subset0", "libicu-dev"} <= set(packages)
    assert text.count("sed -e 's/#.*//' scripts/debian-packages.txt") == 2  # build and merge
