"""A language's glossary: the approved rendering of each key medical term.

``locales/LOCALE/glossary.csv`` (UTF-8, header ``source,target,note``) lists
English terms such as "recurrence" or "lymph nodes" and the one way the
language renders each. ``read_glossary`` reads it into a :class:`Glossary`,
refusing a malformed file at its line; the ``glossary`` check (checks.py) warns
where a message's English has a term and its translation lacks the target.

How a term is found: in the English as a whole word or phrase, in any case,
also with a plain English plural "s" or "es" ("recurrence" finds "Recurrences",
"clinical trial" finds "clinical trials", "cancer" does not find "precancerous").
How the target is found: anywhere in the translation, in any case (scripts
without case compare as they are), after markup tags are removed, white space
made single, the text composed (NFC) and Arabic's optional vowel marks and
tatweel dropped, so that a stem such as "recurrencia" also finds "recurrencias".
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .errors import HandoutsError

GLOSSARY_NAME = "glossary.csv"
HEADER = ["source", "target", "note"]
FORMAT_FIX = ('write the file as CSV with the header "source,target,note"; quote a field '
              'that holds a comma ("…, …")')


@dataclass(frozen=True)
class Term:
    """One approved term: the English, the language's rendering, a note, its line."""

    source: str
    target: str
    note: str
    line: int

    @functools.cached_property
    def _pattern(self) -> re.Pattern:
        words = r"\s+".join(re.escape(word) for word in self.source.split())
        return re.compile(rf"(?<!\w){words}(?:e?s)?(?!\w)", re.IGNORECASE)

    def occurs_in(self, english: str) -> bool:
        """Whether ``english`` has this term as a whole word or phrase (or its plural)."""
        return bool(self._pattern.search(_plain(english)))

    def rendered_in(self, translation: str) -> bool:
        """Whether ``translation`` holds the approved target."""
        return _folded(self.target) in _folded(translation)


@dataclass(frozen=True)
class Glossary:
    """The terms of one language's glossary file, in the file's order."""

    path: Path
    terms: tuple[Term, ...]

    def missing(self, english: Iterable[str], translation: Iterable[str]) -> list[Term]:
        """The terms a form of the ``english`` has whose target a form of the
        ``translation`` lacks (a message's msgid and msgstr forms)."""
        english, translation = list(english), list(translation)
        return [term for term in self.terms
                if any(term.occurs_in(text) for text in english)
                and not all(term.rendered_in(text) for text in translation)]


def glossary_path(catalog_path: Path) -> Path:
    """Where the glossary of the catalog at ``catalog_path`` lives:
    ``locales/LOCALE/glossary.csv`` for ``locales/LOCALE/LC_MESSAGES/handouts.po``."""
    return catalog_path.parent.parent / GLOSSARY_NAME


def read_glossary(path: Path) -> Glossary | None:
    """The glossary at ``path``, or None if there is none; a clear error if it is malformed."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise HandoutsError(f"cannot read the glossary: {error.strerror}", path=path,
                            fix="make the file readable") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise HandoutsError("the glossary is not UTF-8", path=path,
                            line=data[:error.start].count(b"\n") + 1,
                            fix="save it as UTF-8 (in a spreadsheet: CSV UTF-8)") from None
    return Glossary(path, tuple(_terms(text, path)))


def _terms(text: str, path: Path):
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    seen: dict[str, int] = {}
    line = 1
    try:
        for row in rows:
            fields = [field.strip() for field in row]
            if line == 1:
                if fields != HEADER:
                    raise HandoutsError(f"the header is {','.join(fields)!r}, not "
                                        f"{','.join(HEADER)!r}", path=path, line=1,
                                        fix='make the first line: source,target,note')
            elif any(fields):
                yield _term(fields, path, line, seen)
            line = rows.line_num + 1
    except csv.Error as error:
        raise HandoutsError(f"not valid CSV: {error}", path=path, line=line,
                            fix=FORMAT_FIX) from None
    if line == 1:
        raise HandoutsError("the glossary is empty", path=path, line=1,
                            fix='make the first line: source,target,note')


def _term(fields: list[str], path: Path, line: int, seen: dict[str, int]) -> Term:
    if len(fields) > len(HEADER):
        raise HandoutsError(f"{len(fields)} fields; a row has {len(HEADER)}: "
                            f"{','.join(HEADER)}", path=path, line=line, fix=FORMAT_FIX)
    source, target, note = (fields + ["", ""])[:3]
    for name, value in (("source", source), ("target", target)):
        if not value:
            raise HandoutsError(f"the {name} term is empty", path=path, line=line,
                                fix="give the English term (source) and its approved "
                                    "rendering (target), or delete the row")
    key = " ".join(source.casefold().split())
    if key in seen:
        raise HandoutsError(f"{source!r} is already in the glossary, at line {seen[key]}",
                            path=path, line=line,
                            fix="keep one row per English term: one approved rendering")
    seen[key] = line
    return Term(source, target, note, line)


# Arabic's optional vowel marks (fathatan to sukun, superscript alef) and tatweel.
_OPTIONAL_MARKS = dict.fromkeys([*range(0x064B, 0x0653), 0x0670, 0x0640])


def _plain(text: str) -> str:
    """``text`` without markup tags, composed, with white space made single."""
    text = re.sub(r"<[^>]*>", "", re.sub(r"<br\s*/?>", " ", text, flags=re.IGNORECASE))
    return " ".join(unicodedata.normalize("NFC", text).split())


def _folded(text: str) -> str:
    return _plain(text).translate(_OPTIONAL_MARKS).casefold()
