"""No tofu: a character no font can draw fails its language with a useful message."""

from __future__ import annotations

import subprocess

from handouts import build, load_project
from handouts.jobs import plan

BRAIN = "\U0001F9E0"  # an emoji: no font of the project's Debian packages has it


def test_character_without_a_glyph_fails_its_language_naming_it_and_the_fix(project_copy, tmp_path):
    assert subprocess.run(["fc-list", f":charset={ord(BRAIN):x}"], capture_output=True,
                          text=True).stdout == "", "the test needs a character no font has"
    catalog = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    text = catalog.read_text(encoding="utf-8")
    text = text.replace('msgstr "Referencias"', f'msgstr "Referencias {BRAIN}"')
    catalog.write_text(text, encoding="utf-8")
    line = text.splitlines().index(f'msgstr "Referencias {BRAIN}"') + 1

    project = load_project(project_copy)
    report = build(project, tmp_path, plan(project, ["en", "es"], ["letter"], ["standard"]))

    [failure] = report.failed
    assert failure.job.language.code == "es"
    assert f"handouts.po:{line}:" in failure.reason
    assert "Spanish (es)" in failure.reason
    assert "U+1F9E0 BRAIN" in failure.reason
    assert "fonts-noto-color-emoji" in failure.reason
    assert "locales/writing_systems.toml" in failure.reason
    assert not (tmp_path / failure.job.path).exists()
    assert [r.language for r in report.built] == ["en"]
