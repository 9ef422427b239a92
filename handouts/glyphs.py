"""Refuse "tofu": text that the fonts cannot draw, shown as empty boxes.

WeasyPrint draws a character no installed font has as a .notdef box and logs a
warning. ``missing_glyphs`` collects those warnings while a PDF is written, and
``MissingGlyphsError`` turns them into a failed job that names the language,
the characters, where they come from and what would cover them.
"""

from __future__ import annotations

import contextlib
import logging
import unicodedata
from pathlib import Path

from .po_syntax import po_lines
from .errors import HandoutsError
from .languages import Language

_NOTDEF_WARNING = ".notdef glyph rendered"


class _NotdefCollector(logging.Handler):
    def __init__(self, found: list[str]):
        super().__init__(logging.WARNING)
        self.found = found

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(_NOTDEF_WARNING) and record.args:
            character = record.args[0]
            if character not in self.found:
                self.found.append(character)


@contextlib.contextmanager
def missing_glyphs():
    """Collect, in a list, the characters WeasyPrint had no glyph for inside the block."""
    found: list[str] = []
    logger = logging.getLogger("weasyprint")
    handler = _NotdefCollector(found)
    logger.addHandler(handler)
    try:
        yield found
    finally:
        logger.removeHandler(handler)


class MissingGlyphsError(HandoutsError):
    """A PDF would show boxes instead of some characters."""

    def __init__(self, language: Language, characters: list[str]):
        self.characters = characters
        described = ", ".join(describe(char) for char in characters)
        path, line = _first_use(language.catalog, characters)
        script = language.writing_system
        stack = ", ".join(script.fonts) if script else "none"
        super().__init__(
            f"{language.english_name} ({language.code}): no font has a glyph for {described}; "
            f"the PDF would show empty boxes (fonts tried: {stack}, then every installed font)",
            path=path, line=line,
            fix=f"{_remedy(characters)}, and add its family to the '{language.script}' stack in "
                "locales/writing_systems.toml; or, if the character is a typing mistake, correct the text")


def describe(character: str) -> str:
    name = unicodedata.name(character, "unnamed character")
    return f"U+{ord(character):04X} {name} ({character})"


def _remedy(characters: list[str]) -> str:
    """Where a font for these characters would come from."""
    names = " ".join(unicodedata.name(char, "") for char in characters)
    if "CJK" in names or "HANGUL" in names or "HIRAGANA" in names or "KATAKANA" in names:
        return "install a CJK font that has them (Debian: fonts-noto-cjk-extra)"
    if any(unicodedata.category(char) == "So" for char in characters):
        return "install a symbol or emoji font that has them (Debian: fonts-noto-color-emoji, fonts-symbola)"
    if any(unicodedata.category(char) == "Co" for char in characters):
        return ("private-use characters have no standard glyph: replace them with real "
                "characters, or install the font made for them")
    return "install a Noto font for their script (Debian: fonts-noto-core or fonts-noto-extra)"


def _first_use(catalog: Path | None, characters: list[str]) -> tuple[Path | None, int | None]:
    """The catalog line where the first of ``characters`` appears, if a catalog has it."""
    if catalog is None or not catalog.is_file():
        return None, None
    for number, text in enumerate(po_lines(catalog.read_text(encoding="utf-8")), start=1):
        if text.startswith(("msgstr", '"')) and any(char in text for char in characters):
            return catalog, number
    return catalog, None

