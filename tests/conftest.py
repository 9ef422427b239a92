"""Shared fixtures: the project, and one real build of it that the tests read."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts import build, load_project
from handouts.build import plan
from handouts.catalogs import read_catalog

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project():
    return load_project(ROOT)


@pytest.fixture(scope="session")
def built(project, tmp_path_factory):
    """Every language of every handout, built once into a fresh folder."""
    out_dir = tmp_path_factory.mktemp("dist")
    report = build(project, out_dir, plan(project))
    assert report.ok, [failure.reason for failure in report.failed]
    return out_dir


@pytest.fixture
def project_copy(tmp_path):
    """A copy of the project's sources, to break or change without touching the real one."""
    root = tmp_path / "project"
    for name in ("templates", "locales"):
        shutil.copytree(ROOT / name, root / name)
    return root


def pdf_text(path: Path) -> list[str]:
    """The text of each page, with runs of white space made one space."""
    return [normalise(page.extract_text()) for page in PdfReader(path).pages]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def translate(language, msgid: str) -> str:
    """What the language's catalog says for ``msgid`` (the msgid itself for the source)."""
    if language.catalog is None:
        return msgid
    message = read_catalog(language.catalog, language.locale).get(msgid)
    assert message is not None and message.string, f"{language.code} has no {msgid!r}"
    return message.string
