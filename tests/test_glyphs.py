"""No tofu and no dotted circles: a character no font can draw, or a mark with no
letter to sit on, fails its language with a useful message."""

from __future__ import annotations

import subprocess

import pytest

from handouts import build, load_project
from handouts.editions import EDITIONS, PAPERS
from handouts.glyphs import BrokenClusterError
from handouts.jobs import plan
from handouts.render import render_pdf

from conftest import cli

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


def add_marathi_with_a_stray_vowel_sign(project_copy):
    """Marathi with one translation whose vowel sign ि follows a space: a broken cluster."""
    assert cli("--root", project_copy, "init", "mr").returncode == 0
    catalog = project_copy / "locales/mr/LC_MESSAGES/handouts.po"
    text = catalog.read_text(encoding="utf-8").replace(
        'msgid "References"\nmsgstr ""', 'msgid "References"\nmsgstr "संदर्भ ि"')
    catalog.write_text(text, encoding="utf-8")
    return catalog, text.splitlines().index('msgstr "संदर्भ ि"')  # the msgid's line, 1-based


def test_a_mark_without_its_letter_is_refused_at_its_line_before_any_pdf(project_copy, tmp_path):
    catalog, line = add_marathi_with_a_stray_vowel_sign(project_copy)
    result = cli("--root", project_copy, "check", "mr")
    assert (f"{catalog}:{line}: error: [broken-cluster] U+093F DEVANAGARI VOWEL SIGN I (ि) "
            "stands after a space, with no letter to sit on") in result.stdout
    project = load_project(project_copy)
    report = build(project, tmp_path, plan(project, ["mr"], ["letter"], ["standard"]),
                   allow_incomplete=True)
    # Even a preview, which renders past check errors, writes no such PDF.
    [failure] = report.failed
    assert f"handouts.po:{line}: Marathi (mr): the PDF would show a dotted circle" in failure.reason
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_pdf_that_would_draw_a_dotted_circle_is_never_written(project_copy):
    # Past the checks (a render called directly), the PDF itself is inspected:
    # the shaper drew ◌ for the stray sign, so the render fails, naming the line.
    catalog, line = add_marathi_with_a_stray_vowel_sign(project_copy)
    project = load_project(project_copy)
    language = project.languages["mr"]
    [handout] = project.handouts.values()
    with pytest.raises(BrokenClusterError) as error:
        render_pdf(handout, language, EDITIONS["standard"], PAPERS["letter"], incomplete=True)
    message = str(error.value)
    assert message.startswith(f"{catalog}:{line}: Marathi (mr): the PDF would show a dotted circle")
    assert "Noto-Sans-Devanagari" in message and "build_pdfs.py check mr" in message
