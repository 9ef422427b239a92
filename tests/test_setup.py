"""The set-up behind `make pdfs` and `make test`: installs only what is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import ROOT

SETUP = ROOT / "scripts" / "setup"


def test_second_run_installs_nothing_and_says_nothing():
    result = subprocess.run([str(SETUP)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="needs root to run the set-up as an unprivileged user")
def test_without_root_a_missing_package_stops_with_the_command_to_run():
    # The unprivileged user must be able to read the list, so it goes in /tmp itself.
    with tempfile.NamedTemporaryFile("w", dir="/tmp", suffix=".txt") as packages:
        packages.write("# a package this machine does not have\nhandouts-no-such-package\n")
        packages.flush()
        os.chmod(packages.name, 0o644)
        result = subprocess.run(
            ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", str(SETUP)],
            env={**os.environ, "DEBIAN_PACKAGES_FILE": packages.name},
            capture_output=True, text=True)
    assert result.returncode == 1
    assert ("run as root:  apt-get update && apt-get install -y handouts-no-such-package"
            in result.stderr)
