"""Shared fixtures: the project, and one real build of it that the tests read."""

from __future__ import annotations

import collections
import re
import unicodedata
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts import build, load_project
from handouts.build import plan
from handouts.catalogs import read_catalog

ROOT = Path(__file__).resolve().parent.parent
SLUG = "breast-cancer-recurrence"

# Every language of the project, to parametrize tests over.
LANGUAGE_CODES = list(load_project(ROOT).languages)
DRAFT_CODES = [code for code, lang in load_project(ROOT).languages.items()
               if lang.review.status == "draft"]


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


def pdf_text(path: Path, raw: bool = False) -> list[str]:
    """The text of each page in reading order, as Poppler's pdftotext extracts it.

    Poppler orders right-to-left text logically, as a reader or a screen reader
    would take it; its bidi embedding marks are dropped by ``normalise``.
    """
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                            capture_output=True, text=True, check=True)
    pages = result.stdout.split("\f")[:len(PdfReader(path).pages)]
    return pages if raw else [normalise(page) for page in pages]


# Bidi embedding marks (pdftotext adds them) and the zero-width non-joiner
# (a shaping hint, drawn as no glyph, so absent from extracted text).
_INVISIBLE = dict.fromkeys(map(ord, "\u200c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def normalise(text: str) -> str:
    """Text with invisible marks and hyphenation breaks removed, white space made single."""
    text = re.sub(r"\u2010\s+", "", text.translate(_INVISIBLE))  # "quali‐ fizierten"
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> collections.Counter:
    """The words and numbers of ``text``, without marks or punctuation, counted."""
    bare = "".join(c for c in normalise(text) if unicodedata.category(c) != "Mn")
    return collections.Counter(re.findall(r"[^\W\d_]+|\d+", bare))


def assert_contains(text: str, phrase: str, direction: str = "ltr") -> None:
    """``phrase`` is in ``text``: as it is for left-to-right text; for right-to-left
    text, word for word, since extraction cannot restore the order of neutral
    characters (punctuation, numbers) between right-to-left words."""
    if direction == "rtl":
        missing = words(phrase) - words(text)
        assert not missing, f"{phrase!r}: words {sorted(missing)} not in {text[:200]!r}"
    else:
        assert normalise(phrase) in text


def translate(language, msgid: str) -> str:
    """What the language's catalog says for ``msgid`` (the msgid itself for the source)."""
    if language.catalog is None:
        return msgid
    message = read_catalog(language.catalog, language.locale).get(msgid)
    assert message is not None and message.string, f"{language.code} has no {msgid!r}"
    return message.string
