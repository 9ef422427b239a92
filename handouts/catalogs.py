"""Gettext catalogs as plain data: read a PO file, count it, compile it.

Compiled translations are made in memory from the PO file at build time, so a
PDF always matches the catalog beside it and no ``.mo`` file can go stale.
Fuzzy entries are never compiled: a guess must not reach a printed handout.
"""

from __future__ import annotations

import functools
import gettext
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

from .errors import HandoutsError


@dataclass(frozen=True)
class CatalogStats:
    """Message counts as ``msgfmt --statistics`` gives them, plus obsolete ones."""

    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        """Share of messages translated and not fuzzy, 0 to 100, one decimal."""
        return round(100 * self.translated / self.total, 1) if self.total else 100.0


# One line of a PO file: a comment, a keyword with its string, or a string that
# continues the one before. Babel's parser is lenient; this catches what it lets by.
_PO_LINE = re.compile(r"""
    \s* (?: \#.* | (?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) \s+ (?P<keyed>.*) | (?P<cont>".*) )? \s*$
""", re.VERBOSE)
_PO_STRING = re.compile(r'"(?:[^"\\]|\\[abfnrtv"\\?]|\\[0-7]{1,3}|\\x[0-9a-fA-F]+)*"\s*$')


def po_lines(text: str) -> list[str]:
    """The lines of a PO file as gettext counts them: split at "\n" only (a form feed or
    a Unicode line separator inside a string is text, not a new line)."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def po_syntax_errors(text: str) -> list[tuple[int, str]]:
    """(line, problem) for each line that is not valid PO syntax, and each duplicate message."""
    errors = []
    for number, line in enumerate(po_lines(text), start=1):
        match = _PO_LINE.fullmatch(line)
        if match is None:
            errors.append((number, f"not a PO keyword, string or comment: {line.strip()[:40]!r}"))
            continue
        string = match.group("keyed") or match.group("cont")
        if string is not None and not _PO_STRING.match(string.strip()):
            errors.append((number, "the string is not closed, or has a bad escape"))
    if not errors:
        errors.extend(_duplicate_messages(text))
    return errors


def _duplicate_messages(text: str) -> list[tuple[int, str]]:
    """Messages defined twice (same context and msgid), which Babel would silently merge."""
    seen: dict[tuple, int] = {}
    errors = []
    context = None
    key_line = None
    parts: list[str] = []
    collecting = None

    def finish():
        nonlocal context
        if collecting == "msgid" and key_line is not None:
            key = (context, "".join(parts))
            if key[1] and key in seen:
                errors.append((key_line, f"duplicate message (first defined at line {seen[key]})"))
            seen.setdefault(key, key_line)
            context = None

    for number, line in enumerate(po_lines(text), start=1):
        stripped = line.strip()
        if stripped.startswith('"') and collecting in ("msgctxt", "msgid"):
            parts.append(stripped[1:-1])
            continue
        keyword, _, rest = stripped.partition(" ")
        if keyword == "msgctxt":
            finish()
            collecting, parts, context = "msgctxt", [rest.strip()[1:-1]], None
        elif keyword == "msgid":
            if collecting == "msgctxt":
                context = "".join(parts)
            else:
                finish()
            collecting, parts, key_line = "msgid", [rest.strip()[1:-1]], number
        elif keyword.startswith("msgid_plural") or keyword.startswith("msgstr"):
            finish()
            collecting = None
    finish()
    return errors


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    """Parse a PO file, with a clear error naming the file and line."""
    try:
        data = path.read_bytes()
        errors = po_syntax_errors(data.decode("utf-8"))
        if errors:
            line, problem = errors[0]
            raise HandoutsError(f"not a valid PO file: {problem}", path=path, line=line,
                                fix="correct the entry at that line (Poedit or msgfmt -c shows it too)")
        return read_po(io.BytesIO(data), locale=locale, abort_invalid=True)
    except FileNotFoundError:
        raise HandoutsError("the catalog does not exist", path=path,
                            fix="create it with: python build_pdfs.py init LANG") from None
    except PoFileError as error:
        raise HandoutsError(f"not a valid PO file: {error}", path=path,
                            line=getattr(error, "lineno", None),
                            fix="correct the entry at that line (Poedit or msgfmt -c shows it too)") from None
    except UnicodeDecodeError as error:
        raise HandoutsError(f"not UTF-8 text ({error.reason} at byte {error.start})", path=path,
                            fix="save the file as UTF-8 and set "
                                '"Content-Type: text/plain; charset=UTF-8" in its header') from None


def read_template(path: Path) -> Catalog | None:
    """The ``.pot`` file, or None where there is none to compare with."""
    try:
        return read_catalog(path)
    except HandoutsError:
        return None


def read_catalog_once(path: Path, locale: str | None = None) -> Catalog:
    """``read_catalog``, remembered per process for as long as the file is unchanged.

    A worker renders one language in several papers and editions; this reads
    its catalog once. The key holds the file's size and modification time, so an
    edited catalog is read again. The catalog returned must not be modified.
    """
    stat = path.stat()
    return _read_catalog_cached(path, stat.st_size, stat.st_mtime_ns, locale)


@functools.lru_cache(maxsize=32)
def _read_catalog_cached(path: Path, size: int, mtime_ns: int, locale: str | None) -> Catalog:
    return read_catalog(path, locale)


def catalog_stats(catalog: Catalog) -> CatalogStats:
    """Count messages as GNU ``msgfmt --statistics`` does (header excluded).

    Like msgfmt, a message counts by its first form: empty is untranslated
    (fuzzy or not), otherwise fuzzy or translated. A plural message with some
    forms empty is a ``plural-forms`` check error, so it still cannot be published.
    """
    translated = fuzzy = untranslated = 0
    for message in catalog:
        if not message.id:
            continue
        first = message.string[0] if isinstance(message.string, (tuple, list)) else message.string
        if not first:
            untranslated += 1
        elif message.fuzzy:
            fuzzy += 1
        else:
            translated += 1
    return CatalogStats(translated, fuzzy, untranslated, len(catalog.obsolete))


def compile_translations(catalog: Catalog) -> gettext.GNUTranslations:
    """Compile a catalog to translations in memory, leaving fuzzy entries out."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
