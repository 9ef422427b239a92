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
the baseline, in logical order, scaled together to the word's width. Such a
word has a glyph moved off its pen position or the baseline (a Nastaliq
letter on its sloping baseline, an Arabic vowel mark over its letter) or a
cluster of several glyphs (a Bengali vowel sign drawn before its consonant).
From its glyphs alone, poppler and MuPDF read gaps inside it as spaces, its
risen letters as lines of their own, and multi-character /ActualText in
reverse; the invisible characters stay in line and touch, so both read the
word whole and in order.

Right-to-left text is drawn in logical order, each glyph at its place, moving
leftward (``_draw_run``), as extractors expect it: MuPDF keeps such text in
the order it is written, where text drawn in visual order has its
right-to-left stretches reversed and its numbers and Latin names left where
they stand, so that words swap around them. poppler orders characters by
their place: a zero-width glyph is drawn a thousandth of an em left of the
one it follows, so that it does not tie with it, and a right-to-left mark is
written on each side of a number or a Latin name, as word processors do,
since poppler takes the spaces and punctuation beside a number into it. A
right-to-left word narrowed to its ink more than Tz allows MuPDF to read
(``_draw_word_apart``) is set in a text matrix that narrows and leans it.

Every other cluster whose glyphs do not give its text is wrapped in an
/ActualText span of its own, one cluster long. A zero-width non-joiner is
drawn as the font's own empty glyph for it. A hyphen the layout added reads as
a soft hyphen, so a search finds the word whole; the zero-width spaces and
word joiners that the build inserts to steer line breaks (word_breaks.py) read
as nothing.

WeasyPrint has no hook for its text layer: ``draw_line`` stands in for its
``draw_first_line`` during one render and follows it (WeasyPrint 70, BSD
licence) glyph for glyph, in ink and in spacing, but for one thing: each move
is written rounded to a thousandth of an em with what is left over carried to
the next, where WeasyPrint truncates each and lets the error add up along the
line, so that every glyph stands where Pango put it. Lines it does not handle
(ellipses, colour and bitmap fonts, which the handouts never use) go to
WeasyPrint's own function.
"""

from __future__ import annotations

import contextlib
import functools
import math
import unicodedata

# Loaded with rendering only: render.py imports this module when a PDF renders.
from weasyprint.draw import text as weasyprint_text
from weasyprint.logger import LOGGER
from weasyprint.text.ffi import FROM_UNITS, ffi, pango

from .harfbuzz import nominal_glyph

# Characters the build inserts to steer line breaks: they are not the text.
LINE_BREAK_CONTROLS = "\u200b\u2060"
SOFT_HYPHEN = "\u00ad"
RIGHT_TO_LEFT_MARK = "\u200f"
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
    right_to_left = textbox.style["direction"] == "rtl"
    if right_to_left or any(run.item.analysis.level % 2 for run in runs):
        # Where each run starts, from the line's start, and its width, in Pango
        # units: runs are drawn in logical order, each at its place (_draw_run).
        starts, widths, x = [], [], 0
        for glyph_item in runs:
            glyphs = glyph_item.glyphs
            width = sum(glyphs.glyphs[i].geometry.width for i in range(glyphs.num_glyphs))
            starts.append(x)
            widths.append(width)
            x += width
        ordered = sorted(zip(runs, fonts, starts, widths), key=lambda run: run[0].item.offset)
        marks = (_right_to_left_marks([(run.item.analysis.level, start, width)
                                       for run, _, start, width in ordered])
                 if right_to_left else {})
    else:  # left to right only: the runs one after the other
        ordered, marks = [(run, font, None, None) for run, font in zip(runs, fonts)], {}
    pen = 0
    previous_pango_font = None
    for number, (glyph_item, (font, font_size), start, width) in enumerate(ordered):
        pango_font = glyph_item.item.analysis.font
        if pango_font != previous_pango_font:
            previous_pango_font = pango_font
            # Workaround for https://gitlab.gnome.org/GNOME/pango/-/issues/530.
            if pango.pango_version() < 14802:
                font_size = textbox.style["font_size"]
            shown.flush()
            stream.set_font_size(font.hash, font_size)
        run = _Run(shown, stream, matrix, drawing, font, font_size, glyph_item,
                   _clusters(glyph_item, utf8, hyphen_start))
        if start is None:
            _draw_clusters(run, [(0, len(run.clusters), None, 0)],
                           _words_drawn_apart(run.clusters, run.glyphs))
            continue
        before, after = marks.get(number, (None, None))
        if before is not None:
            pen = _draw_mark(run, pen, before + run.hair, RIGHT_TO_LEFT_MARK)
        pen = run.move(pen, start)
        pen = _draw_run(run, start, width)
        if after is not None:
            pen = _draw_mark(run, pen, after - run.hair, RIGHT_TO_LEFT_MARK)
    shown.flush()
    shown.rise(0)
    return True


def _right_to_left_marks(runs: list[tuple[int, int, int]]) -> dict[int, tuple]:
    """Where a right-to-left line's left-to-right stretches (a number, a
    date, a Latin name) get a right-to-left mark, as word processors write
    one: {the stretch's first run: (its right edge, None), its last run:
    (None, its left edge)}, from the runs' (bidi level, start, width) in
    logical order. poppler reads a line of a page it reads right to left as
    right-to-left stretches and left-to-right ones, and takes into a number's
    stretch the spaces and punctuation beside it (its character classes put
    ``.,:`` with the digits), joining the number to the next word; a mark on
    each side ends the stretch there. A stretch of one run gets both."""
    marks: dict[int, list] = {}
    number = 0
    while number < len(runs):
        if runs[number][0] % 2:
            number += 1
            continue
        last = number
        while last + 1 < len(runs) and not runs[last + 1][0] % 2:
            last += 1
        stretch = runs[number:last + 1]
        marks.setdefault(number, [None, None])[0] = max(start + width
                                                        for _, start, width in stretch)
        marks.setdefault(last, [None, None])[1] = min(start for _, start, _ in stretch)
        number = last + 1
    return {number: tuple(places) for number, places in marks.items()}


def _draw_mark(run: _Run, pen: int, place: int, mark: str) -> int:
    """Draw the zero-width ``mark`` at ``place`` as invisible text (fonts
    may give it a visible glyph), with the text position at ``pen``; returns
    where the text position ends."""
    glyph_ids = run.drawing.text_glyphs(run.font, mark)
    if not glyph_ids:
        return pen
    pen = run.move(pen, place)
    with run.shown.invisible():
        run.shown.glyph(glyph_ids[0])
    return pen + round(_known_width(run.stream, run.font, run.font_size, run.pango_font,
                                    glyph_ids[0]) * run.font_size / FROM_UNITS / 1000)


class _Run:
    """One run of a line (one font, one direction) as it is being drawn."""

    def __init__(self, shown, stream, matrix, drawing, font, font_size, glyph_item, clusters):
        self.shown, self.stream, self.drawing = shown, stream, drawing
        self.matrix = matrix.values  # the line's text matrix
        self.font, self.font_size = font, font_size
        self.pango_font = glyph_item.item.analysis.font
        self.glyphs = glyph_item.glyphs.glyphs
        self.right_to_left = bool(glyph_item.item.analysis.level % 2)
        self.stand_ins = drawing.stand_ins.setdefault(font.hash, set())
        self.clusters = clusters
        # A thousandth of an em: how far a zero-width glyph is drawn left of
        # the glyph it follows (see _draw_run).
        self.hair = round(font_size / FROM_UNITS / 1000)

    def width(self, indices) -> int:
        glyphs = self.glyphs
        return sum(glyphs[i].geometry.width for i in indices)

    def move(self, pen: int, to: int) -> int:
        """Move the text position from ``pen`` to ``to`` (from the line's
        start, in Pango units); returns ``to``."""
        if to != pen:
            self.shown.adjust((pen - to) * FROM_UNITS * 1000 / self.font_size)
        return to


def _draw_run(run: _Run, start: int, width: int) -> int:
    """Draw the run that starts ``start`` Pango units from the line's start
    and is ``width`` wide, with the text position there; returns where the
    text position ends.

    Left to right, the run's clusters are drawn one after the other. Right to
    left, they are drawn in logical order, each word or cluster at its place,
    moving leftward: that is how MuPDF and poppler expect right-to-left text
    written in logical order. Drawn in visual order, MuPDF reverses a line's
    right-to-left stretches but leaves a number or a Latin name among them
    where it stands, so that words swap around it."""
    clusters = run.clusters
    # Kerning moves a glyph by less than a tenth of an em.
    words = _words_drawn_apart(clusters, run.glyphs, run.font_size / FROM_UNITS / 10)
    if not run.right_to_left:
        _draw_clusters(run, [(0, len(clusters), None, 0)], words)
        return start + width
    units, number, place, hair = [], 0, start, run.hair
    while number < len(clusters):
        end = words.get(number, number + 1)
        width = run.width([i for indices, _ in clusters[number:end] for i in indices])
        # A zero-width glyph (a joiner, the alef of a lam-alef) is drawn a
        # hair left of the glyph it follows: poppler orders characters by
        # their left edge, and would find a tie there.
        units.append((number, end, place if width else place - hair, width))
        number, place = end, place + width
    units.reverse()
    return _draw_clusters(run, units, words, start)


def _draw_clusters(run: _Run, units, words: dict[int, int], pen: int = 0) -> int:
    """Draw the run's clusters by units, (first cluster, the cluster after the
    last, the place to draw them at or None for where the text position is,
    their width), each unit's clusters one after the other, those that start
    a word in ``words`` as that word drawn apart; returns where the text
    position ends, for units drawn at a place."""
    shown, stream, drawing = run.shown, run.stream, run.drawing
    font, font_size, pango_font, glyphs = run.font, run.font_size, run.pango_font, run.glyphs
    right_to_left, stand_ins, clusters = run.right_to_left, run.stand_ins, run.clusters
    dotted_circle = drawing.dotted_circle(font)
    to_unicode, widths = font.to_unicode, font.widths
    empty, unknown = pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG
    for first, end, place, width in units:
        if place is not None:
            pen = run.move(pen, place)
            if first in words and _draw_word_apart(run, clusters[first:end], place):
                pen = place
                continue
            pen = place + width
        word_end = 0
        for number in range(first, end):
            if number < word_end:
                continue
            indices, text = clusters[number]
            if place is None and number in words:
                word_end = words[number]
                if _draw_word_apart(run, clusters[number:word_end]):
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
    return pen


def _words_drawn_apart(clusters: list[tuple[list[int], str]], glyphs,
                       kerning: float = 0) -> dict[int, int]:
    """The run's words (clusters between spaces) that extractors cannot read
    from their glyphs, as {first cluster: the cluster after the last}: those
    with a glyph moved off its pen position (by more than ``kerning``, in
    Pango units) or off the baseline (a mark on its letter, a Nastaliq letter
    on its sloping baseline) or a cluster of several glyphs (a vowel sign
    drawn before its consonant). Right to left, kerning moves glyphs off
    their pen position by a little, which extractors read past, since each
    glyph is drawn at its place (_draw_run)."""
    words = {}
    start = None
    for number, (indices, text) in enumerate([*clusters, ([], " ")]):
        if not text or not (text.isspace() or text == SOFT_HYPHEN):
            if start is None:
                start = number
            continue
        if start is not None and any(
                len(word_indices) > 1 or any(
                    abs(glyphs[i].geometry.x_offset) > kerning or glyphs[i].geometry.y_offset
                    for i in word_indices)
                for word_indices, _ in clusters[start:number]):
            words[start] = number
        start = None
    return words


def _draw_word_apart(run: _Run, word, start: int = 0) -> bool:
    """Draw ``word`` (its clusters in drawing order) twice: its ink with no
    text (an empty /ActualText), then its characters as invisible text on the
    baseline, one glyph of the font's own for each, in logical order, scaled
    together to the word's width: left to right from the word's start, or
    right to left from its end, the text position then left at its start;
    False, drawing nothing, where the font has no glyph of its own for one of
    the characters (see the module's text)."""
    shown, stream, drawing = run.shown, run.stream, run.drawing
    font, font_size, pango_font, glyphs = run.font, run.font_size, run.pango_font, run.glyphs
    texts = [text for _, text in word]
    invisible = drawing.text_glyphs(font, "".join(reversed(texts) if run.right_to_left
                                                  else texts))
    if not invisible:
        return False
    widths = [_known_width(stream, font, font_size, pango_font, glyph_id)
              for glyph_id in invisible]
    text_width = sum(widths)
    if not text_width:
        return False

    dotted_circle = drawing.dotted_circle(font)
    empty, unknown = pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG
    to_unicode, stand_ins = font.to_unicode, run.stand_ins
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
            advance = font.widths.get(glyph_id)
            if advance is None:
                _draw_glyph(shown, stream, font, font_size, pango_font, info, glyph_id)
            else:
                _show(shown, info.geometry, glyph_id, advance, font_size)
            ink_width += info.geometry.width
    shown.flush()
    shown.end_actual_text()

    shown.rise(0)
    scale = ink_width * FROM_UNITS * 1000 / font_size / text_width
    # MuPDF reads right-to-left characters as written in logical order where
    # each stands its advance times the square root of the text matrix's
    # determinant left of the one before, give or take 0.15 em; Tz narrows the
    # glyphs by more than that root. A word narrowed further than that allows
    # (Nastaliq's letters join far tighter than they stand alone) gets a text
    # matrix that narrows the glyphs and leans their upright, keeping its
    # length: poppler takes the font size from that length, and sets text of
    # another size in a block of its own.
    narrowed = run.right_to_left and max(widths) * (1 - math.sqrt(scale)) > 100
    if narrowed:
        end = (start + ink_width) * FROM_UNITS
        shown.place(run.matrix, end, scale, math.sqrt(1 - scale * scale))
    elif not run.right_to_left:
        shown.adjust(scale * text_width)  # back to the word's start
    with shown.invisible():
        if not narrowed:
            stream.stream.append(f"{round(100 * scale, 3)} Tz".encode())
        if run.right_to_left:
            # Each character placed left of the one it follows, a zero-width
            # one a hair left (see _draw_run); the adjustments scale as the glyphs.
            edge = pen = hair = 0
            for glyph_id, width in zip(invisible, widths):
                if width:
                    edge, hair = edge - width, 0
                else:
                    hair += 1
                shown.adjust(pen - edge + hair)
                shown.glyph(glyph_id)
                pen = edge - hair + width
            shown.adjust(pen - edge)  # to the word's start
        else:
            for glyph_id in invisible:
                shown.glyph(glyph_id)
        shown.flush()
        if narrowed:
            shown.place(run.matrix, start * FROM_UNITS)
        else:
            stream.stream.append(b"100 Tz")
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
        shown.adjust(kerning)


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
    out whenever something else must come between glyphs. Adjustments in a row
    are written as one number, and none where they cancel out."""

    def __init__(self, stream):
        self.stream = stream
        self.parts: list[str] = []
        self.glyphs: list[str] = []
        self.current_rise = 0
        self.moved = 0

    def rise(self, amount: float) -> None:
        """Raise the glyphs that follow by ``amount``. Nastaliq's glyphs sit on
        a sloping baseline, each with a rise of its own: one text-rise operator
        for each change, not two for every glyph as WeasyPrint writes them."""
        if amount != self.current_rise:
            self.flush()
            self.stream.set_text_rise(amount)
            self.current_rise = amount

    def glyph(self, glyph_id: int) -> None:
        if self.moved:
            self._write_move()
        self.glyphs.append(f"{glyph_id:04x}")

    def adjust(self, amount: float) -> None:
        self.moved += amount

    def flush(self) -> None:
        if self.moved:
            self._write_move()
        self._close_glyphs()
        if self.parts:
            self.stream.show_text("".join(self.parts))
        self.parts = []

    @contextlib.contextmanager
    def invisible(self):
        """Within the block, glyphs are drawn as invisible text (rendering
        mode 3): text that reads but leaves no ink."""
        self.flush()
        self.stream.set_text_rendering(3)
        yield
        self.flush()
        self.stream.set_text_rendering(0)

    def begin_actual_text(self, text: str) -> None:
        # Always a hex string: then no string in a content stream holds an
        # operator, which the tagging pass (tagging.py) relies on.
        hex_text = ("\ufeff" + text).encode("utf-16-be").hex()
        self.stream.begin_marked_content("Span", f"<</ActualText <{hex_text}>>>".encode())

    def end_actual_text(self) -> None:
        self.stream.end_marked_content()

    def place(self, line, x: float, scale: float = 1, lean: float = 0) -> None:
        """Set the text matrix to the ``line``'s text matrix (a, b, c, d, e,
        f), moved ``x`` along it, its x axis scaled by ``scale`` and its y
        axis by ``scale`` and leaned by ``lean`` along the x axis: the text
        position is where it puts it."""
        a, b, c, d, e, f = line
        self._close_glyphs()
        self.moved = 0
        self.flush()
        values = (scale * a, scale * b, lean * a + scale * c, lean * b + scale * d,
                  x * a + e, x * b + f)
        self.stream.stream.append(
            " ".join(f"{value:.4f}".rstrip("0").rstrip(".") for value in values).encode() + b" Tm")

    def _write_move(self) -> None:
        # In whole thousandths of an em, what is left over carried to the
        # next move: the text position stays within half a thousandth of
        # where Pango put it all along the line.
        self._close_glyphs()
        amount = round(self.moved)
        self.moved -= amount
        if amount:
            self.parts.append(f" {amount} ")

    def _close_glyphs(self) -> None:
        if self.glyphs:
            self.parts.append("<" + "".join(self.glyphs) + ">")
            self.glyphs = []
