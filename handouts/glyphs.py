"""Refuse text the PDF cannot show as written: "tofu" and broken clusters.

WeasyPrint draws a character no installed font has as a .notdef box and logs a
warning. ``missing_glyphs`` collects those warnings while a PDF is written, and
``MissingGlyphsError`` turns them into a failed job that names the language,
the characters, where they come from and what would cover them.

A vowel sign or other mark with no letter to sit on is drawn by the shaper
(HarfBuzz) on a dotted circle, ◌. The text layer (text_layer.py) sees that
glyph drawn while a PDF renders, and ``BrokenClusterError`` fails the job,
pointing at the text that holds the stray mark; ``dotted_circle_fonts`` finds
it among the glyphs a finished PDF draws.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
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


DOTTED_CIRCLE = "\u25cc"


def dotted_circle_fonts(pdf) -> list[str]:
    """The fonts of ``pdf`` (a pikepdf.Pdf) that draw the dotted circle ◌ anywhere.

    An embedded subset still maps U+25CC to its glyph, and the PDF draws each
    glyph by its CID (WeasyPrint's glyph number), so the dotted circle is drawn
    when its CID is among those the font's widths list.
    """
    found, seen = [], set()
    for page in pdf.pages:
        for font in page.obj.get("/Resources", {}).get("/Font", {}).values():
            # Pages share their fonts: each is read once.
            if font.get("/Subtype") != "/Type0" or font.objgen in seen:
                continue
            seen.add(font.objgen)
            cid_font = font.DescendantFonts[0]
            glyph = _dotted_circle_cid(cid_font)
            name = str(font.BaseFont).partition("+")[2] or str(font.BaseFont)
            if glyph is not None and glyph in drawn_glyphs(cid_font.get("/W", [])) \
                    and name not in found:
                found.append(name)
    return found


def _font_program(descriptor) -> bytes:
    for key in ("/FontFile2", "/FontFile3"):
        if key in descriptor:
            return descriptor[key].read_bytes()
    return b""


def _dotted_circle_cid(cid_font) -> int | None:
    """The CID that draws U+25CC in ``cid_font``, if its program maps that character.

    WeasyPrint's CIDs are its glyph numbers. Once font_subsets.py has given a
    program a compact glyph order, a CID-keyed CFF names each glyph by its CID
    ("cid01234"), and a TrueType program's /CIDToGIDMap says where each CID's
    glyph went.
    """
    found = _dotted_circle_glyph(_font_program(cid_font.FontDescriptor))
    if found is None:
        return None
    glyph, name = found
    if re.fullmatch(r"cid\d+", name):
        return int(name[3:])
    import pikepdf

    glyph_map = cid_font.get("/CIDToGIDMap")
    if isinstance(glyph_map, pikepdf.Stream):
        table = glyph_map.read_bytes()
        cids = [cid for cid in range(len(table) // 2)
                if int.from_bytes(table[2 * cid:2 * cid + 2], "big") == glyph]
        return cids[0] if cids else None
    return glyph


def _dotted_circle_glyph(program: bytes) -> tuple[int, str] | None:
    """The number and name of the glyph the program's cmap gives U+25CC."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(io.BytesIO(program), lazy=True)
        name = font.getBestCmap().get(ord(DOTTED_CIRCLE))
        return None if name is None else (font.getGlyphID(name), name)
    except (TTLibError, KeyError, AttributeError, AssertionError):
        return None  # a bare CFF program has no cmap: nothing to look up


def drawn_glyphs(widths) -> set[int]:
    """Glyph numbers in a CID font's /W array: ``c [w1 w2 …]`` or ``c_first c_last w``."""
    widths, drawn, i = list(widths), set(), 0
    while i + 1 < len(widths):
        first = int(widths[i])
        if isinstance(widths[i + 1], (list, tuple)) or hasattr(widths[i + 1], "as_list"):
            drawn.update(range(first, first + len(widths[i + 1])))
            i += 2
        else:
            drawn.update(range(first, int(widths[i + 1]) + 1))
            i += 3
    return drawn


def stray_marks(text: str) -> list[int]:
    """Where in ``text`` a combining mark has no letter before it: at the start, or
    after a space, punctuation or a symbol (joiners, U+200C and U+200D, belong)."""
    found = []
    for index, char in enumerate(text):
        if unicodedata.category(char).startswith("M"):
            before = text[index - 1] if index else " "
            if unicodedata.category(before)[0] in "ZPSC" and before not in "\u200c\u200d":
                found.append(index)
    return found


class BrokenClusterError(HandoutsError):
    """A PDF would show a dotted circle where a mark lacks its letter."""

    def __init__(self, language: Language, fonts: list[str]):
        path, line = _first_stray_mark(language.catalog)
        super().__init__(
            f"{language.english_name} ({language.code}): the PDF would show a dotted circle "
            f"(◌) in {', '.join(fonts)}: a vowel sign or other mark has no letter to sit on",
            path=path, line=line,
            fix="join the mark to the letter it belongs to (no space, tag or placeholder "
                f"between them), or remove it; `build_pdfs.py check {language.code}` points at "
                "each such mark")


def _first_stray_mark(catalog: Path | None) -> tuple[Path | None, int | None]:
    """The catalog line of the first translation with a stray mark, if any."""
    from babel.messages.pofile import read_po

    if catalog is None or not catalog.is_file():
        return None, None
    with catalog.open("rb") as file:
        messages = read_po(file)
    for message in messages:
        forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.id and any(stray_marks(without_markup(form or "")) for form in forms):
            return catalog, message.lineno
    return catalog, None


def without_markup(text: str) -> str:
    """``text`` with its tags and placeholders as spaces: the shaper sees a break there."""
    return re.sub(r"<[^<>]*>|%\(\w+\)[sd]|%[sd]|\{\w*\}", " ", text)
