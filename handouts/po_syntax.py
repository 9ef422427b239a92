"""Strict PO syntax: what GNU gettext accepts, line by line.

Babel's parser is lenient: it skips lines it does not understand and merges
duplicate messages. A catalog is input from outside the team, so these
functions find each such line first, to name it with its number.
"""

from __future__ import annotations

import re


# One line of a PO file: a comment, a keyword with its string, or a string that
# continues the one before. Babel's parser is lenient; this catches what it lets by.
_PO_LINE = re.compile(r"""
    \s* (?: \#.* | (?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) \s+ (?P<keyed>.*) | (?P<cont>".*) )? \s*$
""", re.VERBOSE)
_ENTRY_COMMENT = re.compile(r"\s*\#(?:~\|?|\|)(.*)")
_PO_STRING = re.compile(r'"(?:[^"\\]|\\[abfnrtv"\\?]|\\[0-7]{1,3}|\\x[0-9a-fA-F]+)*"\s*$')


def po_lines(text: str) -> list[str]:
    """The lines of a PO file as gettext counts them: split at "\n" only (a form feed or
    a Unicode line separator inside a string is text, not a new line)."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def first_po_syntax_error(text: str) -> tuple[int, str] | None:
    """(line, problem) of the first line that is not valid PO syntax, else of the
    first duplicate message; None for a valid file.

    Only one line is named: the file may be anything (a link's target, a
    secret), and one line, cut short, is enough to find the mistake.
    """
    for number, line in enumerate(po_lines(text), start=1):
        # Previous (#|) and obsolete (#~) entries are PO syntax behind a comment mark,
        # and GNU gettext (msgmerge, msgattrib, Poedit) reads them as such.
        inner = _ENTRY_COMMENT.match(line)
        if inner:
            line = inner[1]
            if not line.strip():
                continue
        match = _PO_LINE.fullmatch(line)
        if match is None:
            return number, f"not a PO keyword, string or comment: {excerpt(line.strip())!r}"
        string = match.group("keyed") or match.group("cont")
        if string is not None and not _PO_STRING.match(string.strip()):
            return number, "the string is not closed, or has a bad escape"
    return next(iter(_duplicate_messages(text)), None)


def excerpt(text: str, width: int = 40) -> str:
    """At most ``width`` characters of ``text``, to quote a file without echoing it."""
    return text if len(text) <= width else text[:width - 1] + "…"


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
