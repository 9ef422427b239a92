"""Shared fixtures: the project, and one real build of it that the tests read."""

from __future__ import annotations

import collections
import json
import re
import shutil
import signal
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts import build, load_project, plan
from handouts.catalogs import PAGE_CONTEXT, read_catalog
from handouts.writing_systems import DICTIONARY_BREAKS

ROOT = Path(__file__).resolve().parent.parent
SLUG = "breast-cancer-recurrence"

def _template_messages(printed_only: bool = False, plural_only: bool = False) -> int:
    from babel.messages.pofile import read_po

    with (ROOT / "locales" / "handouts.pot").open("rb") as file:
        return sum(1 for message in read_po(file) if message.id
                   and not (printed_only and message.context == PAGE_CONTEXT)
                   and not (plural_only and not message.pluralizable))


# The printed messages of the template (all but the download page's words),
# which every complete catalog translates; and all its messages, as msgfmt
# counts them.
MESSAGES = _template_messages(printed_only=True)
ALL_MESSAGES = _template_messages(printed_only=False)
PLURAL_MESSAGES = _template_messages(plural_only=True)
# The percent translated, as a catalog gives it, with one message of them left out.
ALL_BUT_ONE = round(100 * (MESSAGES - 1) / MESSAGES, 1)

# Every language of the project, to parametrize tests over.
LANGUAGE_CODES = list(load_project(ROOT).languages)
DRAFT_CODES = [code for code, lang in load_project(ROOT).languages.items() if not lang.is_source]


def pytest_collection_modifyitems(items):
    """Tests that read the full build, or run several builds, are slow: a quick
    loop runs the rest with ``pytest -m "not slow"``."""
    for item in items:
        if "built" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def project():
    return load_project(ROOT)


@pytest.fixture(scope="session")
def built(project, tmp_path_factory):
    """Every language of every handout, built once into a fresh folder."""
    out_dir = tmp_path_factory.mktemp("dist")
    report = build(project, out_dir, plan(project))
    assert report.ok, [failure.reason for failure in report.failed]
    assert len(report.built) == len(plan(project)) == len(list(out_dir.rglob("*.pdf")))
    return out_dir


@pytest.fixture
def project_copy(tmp_path):
    """A copy of the project's sources, to break or change without touching the real one."""
    root = tmp_path / "project"
    for name in ("templates", "locales"):
        shutil.copytree(ROOT / name, root / name)
    return root


def interruptible() -> None:
    """For a child process: Ctrl-C (SIGINT) at its default, as a terminal gives it.
    A test run started in the background (``make test &``) has SIGINT ignored,
    and a build that inherits that, as Python does, never sees the stop a test sends."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def cli(*args, **kwargs) -> subprocess.CompletedProcess:
    """Run ``build_pdfs.py`` with ``args`` as a user would, capturing its output."""
    return subprocess.run([sys.executable, str(ROOT / "build_pdfs.py"), *map(str, args)],
                          capture_output=True, text=True, **kwargs)


def read_manifest(out_dir: Path) -> dict:
    """The manifest a build wrote into ``out_dir``."""
    return json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))


def manifest_languages(out_dir: Path, slug: str = SLUG) -> list[dict]:
    """The language entries of one handout in the manifest of ``out_dir``."""
    [handout] = [h for h in read_manifest(out_dir)["handouts"] if h["slug"] == slug]
    return handout["languages"]


def manifest_files(out_dir: Path) -> list[dict]:
    """Every file entry of the manifest of ``out_dir``, each with its language's code."""
    return [{**file, "language": language["code"]}
            for handout in read_manifest(out_dir)["handouts"]
            for language in handout["languages"] for file in language["files"]]


def pdf_text(path: Path, raw: bool = False) -> list[str]:
    """The text of each page in reading order, as Poppler's pdftotext extracts it.

    Poppler orders right-to-left text logically, as a reader or a screen reader
    would take it; its bidi embedding marks are dropped by ``normalise``.
    """
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                            capture_output=True, text=True, check=True)
    pages = result.stdout.split("\f")[:len(PdfReader(path).pages)]
    return pages if raw else [normalise(page) for page in pages]


# Bidi embedding marks (pdftotext adds them) and the zero-width non-joiner, which
# these comparisons ignore (test_text_layer.py proves it is kept).
_INVISIBLE = dict.fromkeys(map(ord, "\u200c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def normalise(text: str) -> str:
    """Text with invisible marks and hyphenation breaks removed, white space made single."""
    # A line-end hyphen reads as a soft hyphen (text_layer.py): "quali\u00ad fizierten".
    text = re.sub(r"\u00ad\s+", "", text.translate(_INVISIBLE))
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> collections.Counter:
    """The words and numbers of ``text``, without marks or punctuation, counted."""
    bare = "".join(c for c in normalise(text) if unicodedata.category(c) != "Mn")
    return collections.Counter(re.findall(r"[^\W\d_]+|\d+", bare))


def assert_contains(text: str, phrase: str, language=None) -> None:
    """``phrase`` is in ``text``, as ``language`` (by default a left-to-right one
    written with spaces) can be read back: word for word for right-to-left text,
    since extraction cannot restore the order of neutral characters
    (punctuation, numbers) between right-to-left words; with spaces taken out
    for a script written without them, whose lines break inside phrases."""
    if language is not None and language.direction == "rtl":
        missing = words(phrase) - words(text)
        assert not missing, f"{phrase!r}: words {sorted(missing)} not in {text[:200]!r}"
    elif language is not None and written_without_spaces(language):
        assert re.sub(r"\s", "", normalise(phrase)) in re.sub(r"\s", "", text)
    else:
        assert normalise(phrase) in text


def written_without_spaces(language) -> bool:
    """Whether the language's lines break between dictionary words (Thai,
    Khmer, …), not only at spaces."""
    return (language.line_breaks or language.writing.line_breaks) == DICTIONARY_BREAKS


def translate(language, msgid: str) -> str:
    """What the language's catalog says for ``msgid`` (the msgid itself for the source)."""
    if language.catalog is None:
        return msgid
    message = read_catalog(language.catalog, language.locale).messages.get(msgid)
    assert message is not None and message.string, f"{language.code} has no {msgid!r}"
    return message.string
