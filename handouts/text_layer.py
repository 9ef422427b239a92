"""The PDF's text layer: the characters that search, copy and paste, screen
readers and translation review read where the page shows glyphs.

A PDF maps each glyph of a font to text once, for the whole file (the font's
ToUnicode map). That is enough where one glyph stands for one cluster of
characters. It is not enough where a cluster is drawn by several glyphs in
another order (a Devanagari vowel sign drawn before its consonant), by a glyph
that other text draws too (an Arabic letter with and without its vowel mark),
or by no glyph at all (the Persian zero-width non-joiner); nor where the layout
drew a glyph the text lacks (the hyphen at the end of a line). WeasyPrint
writes every glyph with the ToUnicode map alone, so such text comes out
reordered, split or lost.

``exact_text_layer`` makes WeasyPrint draw each line with ``draw_line``. A
cluster whose glyph's ToUnicode text is its own text is drawn as before.

A word that extractors cannot read from its glyphs is drawn twice, as OCR
engines lay text over a scan: its ink inside an empty /ActualText (ISO
32000-1, 14.9.4), so that it reads as nothing, then its characters in
invisible text (rendering mode 3), one glyph of the font's own for each, on
the baseline, in visual order, scaled together (Tz) to the word's width. Such
a word has a glyph moved off its pen position or the baseline (a Nastaliq
letter on its sloping baseline, an Arabic vowel mark over its letter) or a
cluster of several glyphs (a Bengali vowel sign drawn before its consonant).
From its glyphs alone, poppler and MuPDF read gaps inside it as spaces, its
risen letters as lines of their own, and multi-character /ActualText in
reverse; the invisible characters stay in line and touch, so both read the
word whole and in order.

Every other cluster whose glyphs do not give its text is wrapped in an
/ActualText span of its own, one cluster long. A zero-width non-joiner is
drawn as the font's own empty glyph for it. A hyphen the layout added reads as
a soft hyphen, so a search finds the word whole; the zero-width spaces and
word joiners that the build inserts to steer line breaks (word_breaks.py) read
as nothing.

WeasyPrint has no hook for its text layer: ``draw_line`` stands in for its
``draw_first_line`` during one render and follows it (WeasyPrint 70, BSD
licence) glyph for glyph, in ink and in spacing. Lines it does not handle
(ellipses, colour and bitmap fonts, which the handouts never use) go to
WeasyPrint's own function.
"""

from __future__ import annotations

import contextlib
import functools
import unicodedata

# Loaded with rendering only: render.py imports this module when a PDF renders.
from weasyprint.draw import text as weasyprint_text
from weasyprint.logger import LOGGER
from weasyprint.text.ffi import FROM_UNITS, ffi, pango

from .harfbuzz import nominal_glyph

# Characters the build inserts to steer line breaks: they are not the text.
LINE_BREAK_CONTROLS = "\u200b\u2060"
SOFT_HYPHEN = "\u00ad"
DOTTED_CIRCLE = "\u25cc"
DOTTED_CIRCLE_CODE = ord(DOTTED_CIRCLE)
_DROP_CONTROLS = dict.fromkeys(map(ord, LINE_BREAK_CONTROLS))


@contextlib.contextmanager
def exact_text_layer():
    """Within the block, WeasyPrint draws lines with ``draw_line``. Yields the
    render's ``Drawing``, whose ``dotted_circle_fonts`` are read once it ends."""
    original = weasyprint_text.draw_first_line
    drawing = Drawing()

    def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
        if text_overflow == "ellipsis" or block_ellipsis != "none":
            return original(stream, textbox, text_overflow, block_ellipsis, matrix)
        if not draw_line(stream, textbox, matrix, drawing):
            return original(stream, textbox, text_overflow, block_ellipsis, matrix)
        return []

    weasyprint_text.draw_first_line = draw_first_line
    try:
        yield drawing
    finally:
        weasyprint_text.draw_first_line = original


class Drawing:
    """What one render's lines have drawn so far, per font (by WeasyPrint's
    font hash): the glyphs whose ToUnicode text is a stand-in (see
    ``_actual_text``), the glyphs its character map gives characters, as far
    as they were asked for, those drawn as invisible text for their
    character, and the fonts that drew a dotted circle the text
    does not have: HarfBuzz draws ◌ under a mark that has no letter
    (glyphs.py's ``BrokenClusterError``)."""

    def __init__(self):
        self.stand_ins: dict[str, set[int]] = {}
        self.dotted_circle_fonts: list[str] = []
        self._nominal: dict[str, dict[int, int | None]] = {}
        self._text_glyphs: dict[str, dict[str, int]] = {}

    def nominal_glyph(self, font, code_point: int) -> int | None:
        """The glyph ``font``'s character map gives ``code_point``, if any."""
        known = self._nominal.setdefault(font.hash, {})
        if code_point not in known:
            known[code_point] = nominal_glyph(font.hb_font, code_point)
        return known[code_point]

    def text_glyphs(self, font, characters: str) -> list[int] | None:
        """A glyph of the font's own for each of ``characters``, whose
        ToUnicode text is that character; None where the font has none for
        one of them, or where that glyph already stands for other text."""
        known = self._text_glyphs.setdefault(font.hash, {})
        stand_ins = self.stand_ins.setdefault(font.hash, set())
        glyph_ids = []
        for char in characters:
            glyph_id = known.get(char)
            if glyph_id is None:
                glyph_id = self.nominal_glyph(font, ord(char))
                if glyph_id is None or (font.to_unicode.get(glyph_id, char) != char
                                        and glyph_id not in stand_ins):
                    return None
                font.to_unicode[glyph_id] = char
                stand_ins.discard(glyph_id)
                known[char] = glyph_id
            glyph_ids.append(glyph_id)
        return glyph_ids

    def dotted_circle(self, font) -> int | None:
        return self.nominal_glyph(font, DOTTED_CIRCLE_CODE)

    def found_dotted_circle(self, font) -> None:
        name = font.name.decode().partition("+")[2].lstrip("/") or font.family
        if name not in self.dotted_circle_fonts:
            self.dotted_circle_fonts.append(name)


def draw_line(stream, textbox, matrix, drawing: Drawing) -> bool:
    """Draw the first line of ``textbox``'s layout to ``stream`` with an exact
    text layer; False, drawing nothing, for lines WeasyPrint must draw itself."""
    if not textbox.text.strip() or textbox.style["font_size"] < 1e-6:
        return True
    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)
    first_line, _index = textbox.pango_layout.get_first_line()

    runs = []
    run = first_line.runs[0]
    while run != ffi.NULL:
        runs.append(run.data)
        run = run.next
    fonts = [stream.add_font(glyph_item.item.analysis.font) for glyph_item in runs]
    if any(font.svg or font.png or font.colr or font.bitmap for font, _size in fonts):
        return False

    utf8 = textbox.pango_layout.text.encode()
    hyphen = textbox.style["hyphenate_character"]
    hyphen_start = (len(textbox.pango_layout.text.removesuffix(hyphen).encode())
                    if hyphen and textbox.pango_layout.text.endswith(hyphen) else None)
    stream.set_text_matrix(*matrix.values)
    shown = _TextShown(stream)
    previous_pango_font = None
    for glyph_item, (font, font_size) in zip(runs, fonts):
        pango_font = glyph_item.item.analysis.font
        if pango_font != previous_pango_font:
            previous_pango_font = pango_font
            # Workaround for https://gitlab.gnome.org/GNOME/pango/-/issues/530.
            if pango.pango_version() < 14802:
                font_size = textbox.style["font_size"]
            shown.flush()
            stream.set_font_size(font.hash, font_size)
        glyphs = glyph_item.glyphs.glyphs
        right_to_left = bool(glyph_item.item.analysis.level % 2)
        stand_ins = drawing.stand_ins.setdefault(font.hash, set())
        dotted_circle = drawing.dotted_circle(font)
        to_unicode, widths = font.to_unicode, font.widths
        empty, unknown = pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG
        clusters = _clusters(glyph_item, utf8, hyphen_start)
        words = _words_drawn_apart(clusters, glyphs)
        word_end = 0
        for number, (indices, text) in enumerate(clusters):
            if number < word_end:
                continue
            if number in words:
                word_end = words[number]
                word = clusters[number:word_end]
                if _draw_word_apart(shown, stream, font, font_size, pango_font, glyphs, word,
                                    right_to_left, stand_ins, drawing):
                    continue
                word_end = 0
            if len(indices) == 1:
                info = glyphs[indices[0]]
                glyph_id = info.glyph
                if glyph_id == dotted_circle and text != DOTTED_CIRCLE:
                    drawing.found_dotted_circle(font)
                # The common case, kept short: a glyph of its own for its
                # text, which its ToUnicode entry already is or now becomes.
                if (text and glyph_id not in stand_ins and glyph_id != empty
                        and not glyph_id & unknown
                        and to_unicode.setdefault(glyph_id, text) == text):
                    advance = widths.get(glyph_id)
                    if advance is None:
                        _draw_glyph(shown, stream, font, font_size, pango_font, info, glyph_id)
                    else:
                        _show(shown, info.geometry, glyph_id, advance, font_size)
                    continue
            glyph_ids = [glyphs[i].glyph for i in indices]
            if dotted_circle in glyph_ids and DOTTED_CIRCLE not in text:
                drawing.found_dotted_circle(font)
            if text and all(gid == pango.PANGO_GLYPH_EMPTY for gid in glyph_ids):
                # A joiner or non-joiner: drawn as the font's own empty glyph
                # for it, so that the text keeps it where it stands.
                glyph_ids = [drawing.nominal_glyph(font, ord(text[0]))
                             or pango.PANGO_GLYPH_EMPTY]
            shifted = len(glyph_ids) > 1 and any(
                glyphs[i].geometry.x_offset or glyphs[i].geometry.y_offset for i in indices)
            actual_text = _actual_text(font, glyph_ids, text, shifted, right_to_left,
                                       stand_ins, drawing)
            if actual_text is not None:
                shown.flush()
                shown.begin_actual_text(actual_text)
            for i, glyph_id in zip(indices, glyph_ids):
                _draw_glyph(shown, stream, font, font_size, pango_font, glyphs[i], glyph_id)
            if actual_text is not None:
                shown.flush()
                shown.end_actual_text()
    shown.flush()
    shown.rise(0)
    return True


def _words_drawn_apart(clusters: list[tuple[list[int], str]], glyphs) -> dict[int, int]:
    """The run's words (clusters between spaces) that extractors cannot read
    from their glyphs, as {first cluster: the cluster after the last}: those
    with a glyph moved off its pen position or baseline (a mark on its letter,
    a Nastaliq letter on its sloping baseline) or a cluster of several glyphs
    (a vowel sign drawn before its consonant)."""
    words = {}
    start = None
    for number, (indices, text) in enumerate([*clusters, ([], " ")]):
        if not text or not (text.isspace() or text == SOFT_HYPHEN):
            if start is None:
                start = number
            continue
        if start is not None and any(
                len(word_indices) > 1 or any(
                    glyphs[i].geometry.x_offset or glyphs[i].geometry.y_offset
                    for i in word_indices)
                for word_indices, _ in clusters[start:number]):
            words[start] = number
        start = None
    return words


def _draw_word_apart(shown, stream, font, font_size, pango_font, glyphs, word,
                     right_to_left: bool, stand_ins: set[int], drawing: Drawing) -> bool:
    """Draw ``word`` (its clusters in drawing order) twice: its ink with no
    text (an empty /ActualText), then its characters as invisible text on the
    baseline, one glyph of the font's own for each, in visual order, scaled
    together to the word's width; False, drawing nothing, where the font has
    no glyph of its own for one of the characters (see the module's text)."""
    texts = [text for _, text in word]
    characters = "".join(reversed(texts))[::-1] if right_to_left else "".join(texts)
    invisible = drawing.text_glyphs(font, characters)
    if not invisible:
        return False
    text_width = sum(_known_width(stream, font, font_size, pango_font, glyph_id)
                     for glyph_id in invisible)
    if not text_width:
        return False

    dotted_circle = drawing.dotted_circle(font)
    empty, unknown = pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG
    to_unicode, widths = font.to_unicode, font.widths
    ink_width = 0
    shown.flush()
    shown.begin_actual_text("")
    for indices, text in word:
        for i in indices:
            info = glyphs[i]
            glyph_id = info.glyph
            if glyph_id == dotted_circle and DOTTED_CIRCLE not in text:
                drawing.found_dotted_circle(font)
            if glyph_id != empty and not glyph_id & unknown and glyph_id not in to_unicode:
                to_unicode[glyph_id] = ""
                stand_ins.add(glyph_id)
            advance = widths.get(glyph_id)
            if advance is None:
                _draw_glyph(shown, stream, font, font_size, pango_font, info, glyph_id)
            else:
                _show(shown, info.geometry, glyph_id, advance, font_size)
            ink_width += info.geometry.width
    shown.flush()
    shown.end_actual_text()

    # Back to the word's start, then the characters, scaled to end where the ink ends.
    ink_width = ink_width * FROM_UNITS * 1000 / font_size
    shown.rise(0)
    shown.adjust(round(ink_width, 3))
    shown.flush()
    stream.set_text_rendering(3)
    stream.stream.append(f"{round(100 * ink_width / text_width, 3)} Tz".encode())
    for glyph_id in invisible:
        shown.glyph(glyph_id)
    shown.flush()
    stream.stream.append(b"100 Tz")
    stream.set_text_rendering(0)
    return True


def _clusters(glyph_item, utf8: bytes, hyphen_start: int | None) -> list[tuple[list[int], str]]:
    """The run's clusters in drawing order: the indices of their glyphs, and
    their text in logical order."""
    glyph_string = glyph_item.glyphs
    item = glyph_item.item
    starts: list[int] = []
    indices: list[list[int]] = []
    previous = None
    for i, start in enumerate(ffi.unpack(glyph_string.log_clusters, glyph_string.num_glyphs)):
        if start != previous:
            starts.append(start)
            indices.append([i])
            previous = start
        else:
            indices[-1].append(i)
    ordered = sorted(set(starts))
    ends = dict(zip(ordered, ordered[1:] + [item.length]))
    offset = item.offset
    run_text = utf8[offset:offset + item.length]
    controls = any(control.encode() in run_text for control in LINE_BREAK_CONTROLS)
    texts = []
    for start in starts:
        if hyphen_start is not None and offset + start >= hyphen_start:
            texts.append(SOFT_HYPHEN)
        else:
            text = run_text[start:ends[start]].decode()
            texts.append(text.translate(_DROP_CONTROLS) if controls else text)
    if item.analysis.level % 2:
        return list(zip(indices, texts))
    # Left to right, a mark (a Devanagari vowel sign, say) joins its letter's
    # cluster: drawn shifted back over the letter, alone it would end where the
    # letter starts, and extractors would see a gap after it, a space.
    # Only a letter drawn by a glyph of its own takes its marks: a cluster of
    # glyphs in another order than its characters (a vowel sign drawn before
    # its letter) keeps its marks apart, since MuPDF places a cluster's
    # /ActualText by the glyphs' own texts.
    letters: list[tuple[list[int], str]] = []
    chained = False  # the last cluster is a letter and its marks, one glyph each
    for glyphs, text in zip(indices, texts):
        one_for_one = len(text) == len(glyphs) == 1
        if chained and one_for_one and _is_mark(text):
            letters[-1][0].extend(glyphs)
            letters[-1] = (letters[-1][0], letters[-1][1] + text)
        else:
            letters.append((glyphs, text))
            chained = one_for_one and not _is_mark(text)
    return letters


def _actual_text(font, glyph_ids: list[int], text: str, shifted: bool, right_to_left: bool,
                 stand_ins: set[int], drawing: Drawing) -> str | None:
    """The /ActualText a cluster needs, or None where its glyphs' ToUnicode
    texts, in drawing order, are its text, and none of its glyphs is
    ``shifted`` from where the one before it ends (a mark over its letter).

    Each drawn glyph gets a ToUnicode entry (the subsetter keeps only glyphs
    that have one): the text of the first cluster it draws alone, or draws as
    the font's own glyph for one character in a cluster whose glyphs follow
    its characters one for one (a letter and its vowel sign); until then, a
    stand-in marked as such.
    """
    drawn = [gid for gid in glyph_ids if gid != pango.PANGO_GLYPH_EMPTY
             and not gid & pango.PANGO_GLYPH_UNKNOWN_FLAG]
    if not drawn:
        return None
    if not text:  # drawn for characters that are not the text (a word joiner)
        for gid in drawn:
            if gid not in font.to_unicode:
                font.to_unicode[gid] = ""
                stand_ins.add(gid)
        return None
    pieces = []
    if len(drawn) == 1:
        pieces = [(drawn[0], text)]
    elif len(drawn) == len(text):
        # Right-to-left clusters come in visual order, their characters reversed.
        chars = text[::-1] if right_to_left else text
        if all(gid == drawing.nominal_glyph(font, ord(char)) for gid, char in zip(drawn, chars)):
            pieces = list(zip(drawn, chars))
    for gid, piece in pieces:
        if gid not in font.to_unicode or gid in stand_ins:
            font.to_unicode[gid] = piece
            stand_ins.discard(gid)
    if pieces and not shifted and all(font.to_unicode[gid] == piece for gid, piece in pieces):
        return None
    if pieces:
        return text
    for position, gid in enumerate(drawn):
        if gid not in font.to_unicode:
            font.to_unicode[gid] = text if position == 0 else ""
            stand_ins.add(gid)
    return text


def _draw_glyph(shown, stream, font, font_size, pango_font, glyph_info, glyph_id: int) -> None:
    """One glyph, positioned and spaced as WeasyPrint's ``draw_first_line`` does."""
    width = glyph_info.geometry.width
    if glyph_id == pango.PANGO_GLYPH_EMPTY:
        shown.adjust(-width / font_size)
        return
    if glyph_id & pango.PANGO_GLYPH_UNKNOWN_FLAG:
        codepoint = glyph_id - pango.PANGO_GLYPH_UNKNOWN_FLAG
        # The same warning as WeasyPrint's: glyphs.missing_glyphs() listens for it.
        LOGGER.warning('.notdef glyph rendered for Unicode string unsupported by fonts: '
                       '"%s" (U+%04X)', chr(codepoint), codepoint)
        glyph_id = font.get_unused_glyph_id(codepoint)
        font.widths[glyph_id] = round(width * 1000 * FROM_UNITS / font_size)
        font.widths.setdefault(0, font.widths[glyph_id])
        font.to_unicode.setdefault(glyph_id, chr(codepoint))

    if glyph_id not in font.widths and not width and _is_mark(font.to_unicode.get(glyph_id)):
        # A mark Pango gives no advance (it sits on its letter) is given none in
        # the PDF either: with the font's own advance, undone by the next
        # shift, extractors see its letter overlap the next one and split the
        # word there (दे ते for देते).
        font.widths[glyph_id] = 0
    advance = _known_width(stream, font, font_size, pango_font, glyph_id)
    _show(shown, glyph_info.geometry, glyph_id, advance, font_size)


def _show(shown, geometry, glyph_id: int, advance: int, font_size: float) -> None:
    """One glyph whose advance in the PDF is known, moved as Pango placed it."""
    shown.rise(-geometry.y_offset / 1000)
    offset = geometry.x_offset / font_size
    if offset:
        shown.adjust(-offset)
    shown.glyph(glyph_id)
    kerning = advance + offset - geometry.width * 1000 * FROM_UNITS / font_size
    if kerning:
        shown.adjust(int(kerning))


def _known_width(stream, font, font_size, pango_font, glyph_id: int) -> int:
    """The glyph's advance in the PDF's /W array, measured once per font."""
    if glyph_id not in font.widths:
        pango.pango_font_get_glyph_extents(
            pango_font, glyph_id, stream.ink_rect, stream.logical_rect)
        font.widths[glyph_id] = round(
            stream.logical_rect.width * 1000 * FROM_UNITS / font_size)
    return font.widths[glyph_id]


@functools.lru_cache(maxsize=4096)
def _is_mark(text: str | None) -> bool:
    return bool(text) and all(unicodedata.category(char).startswith("M") for char in text)


class _TextShown:
    """The operand of one TJ operator (glyphs and position adjustments), written
    out whenever something else must come between glyphs."""

    def __init__(self, stream):
        self.stream = stream
        self.parts: list[str] = []
        self.glyphs: list[str] = []
        self.current_rise = 0

    def rise(self, amount: float) -> None:
        """Raise the glyphs that follow by ``amount``. Nastaliq's glyphs sit on
        a sloping baseline, each with a rise of its own: one text-rise operator
        for each change, not two for every glyph as WeasyPrint writes them."""
        if amount != self.current_rise:
            self.flush()
            self.stream.set_text_rise(amount)
            self.current_rise = amount

    def glyph(self, glyph_id: int) -> None:
        self.glyphs.append(f"{glyph_id:04x}")

    def adjust(self, amount: float) -> None:
        self._close_glyphs()
        self.parts.append(f" {amount} ")

    def flush(self) -> None:
        self._close_glyphs()
        if self.parts:
            self.stream.show_text("".join(self.parts))
        self.parts = []

    def begin_actual_text(self, text: str) -> None:
        # Always a hex string: then no string in a content stream holds an
        # operator, which the tagging pass (tagging.py) relies on.
        hex_text = ("\ufeff" + text).encode("utf-16-be").hex()
        self.stream.begin_marked_content("Span", f"<</ActualText <{hex_text}>>>".encode())

    def end_actual_text(self) -> None:
        self.stream.end_marked_content()

    def _close_glyphs(self) -> None:
        if self.glyphs:
            self.parts.append("<" + "".join(self.glyphs) + ">")
            self.glyphs = []
