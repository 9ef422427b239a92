"""Line-break opportunities: added where a script has none, taken away inside
words where a script keeps them whole.

Thai, Lao, Khmer and Myanmar put no space between words, and the layout engine
finds no place to break a line in them: a paragraph would run off the page as
one line. ICU's dictionary segmenter finds the words; ``mark_word_breaks``
puts a zero-width space between them, which lets a line break there.

Korean is set with whole words on each line ("keep-all", which WeasyPrint
lacks), where the Unicode rules let a line break between any two syllables;
``keep_words_whole`` puts a word joiner at each such place inside a word.

Both characters are invisible and left out of the PDF's text layer
(text_layer.py). The break opportunities are ICU's (UAX #14 and its
dictionaries), the ones browsers and operating systems use, not rules of our
own; Pango, which lays out the lines, finds the same ones.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from .errors import HandoutsError
from .writing_systems import Script, script_name

ZERO_WIDTH_SPACE = "\u200b"
WORD_JOINER = "\u2060"

_TEXT_AND_TAGS = re.compile(r"(<[^>]*>)")


def mark_word_breaks(html: str, script: Script, locale: str) -> str:
    """``html`` with a break opportunity between each two words of its body text
    that are written in ``script``. Text in other scripts, tags and the document
    head stay as they are."""
    head, body_tag, body = html.partition("<body")
    pieces = _TEXT_AND_TAGS.split(body_tag + body)
    segmenter = _segmenter(script, locale)
    in_script = functools.partial(_in_script, letters=script.letters)
    for i, piece in enumerate(pieces):
        if piece and not piece.startswith("<") and any(map(in_script, piece)):
            pieces[i] = _with_breaks(piece, segmenter, in_script)
    return head + "".join(pieces)


def keep_words_whole(html: str, script: Script, locale: str) -> str:
    """``html`` with a word joiner at each line-break opportunity inside the
    words of its body text that hold letters of ``script.whole_words``, so
    that lines break only between words."""
    word = re.compile(rf"[^\s<>]*[{script.whole_words}][^\s<>]*")
    head, body_tag, body = html.partition("<body")
    pieces = _TEXT_AND_TAGS.split(body_tag + body)
    segmenter = _segmenter(script, locale)
    for i, piece in enumerate(pieces):
        if piece and not piece.startswith("<"):
            pieces[i] = word.sub(lambda match: _joined(match[0], segmenter), piece)
    return head + "".join(pieces)


def _joined(word: str, segmenter) -> str:
    segmenter.setText(word)
    utf16_to_index = _utf16_offsets(word)
    breaks = [utf16_to_index[offset] for offset in segmenter]
    # Character references (&amp;) are kept whole.
    inside = [end for end in breaks if 0 < end < len(word)
              and not re.search(r"&#?\w*$", word[:end])]
    out, start = [], 0
    for end in inside:
        out += [word[start:end], WORD_JOINER]
        start = end
    return "".join(out + [word[start:]])


def _with_breaks(text: str, segmenter, in_script) -> str:
    segmenter.setText(text)
    # ICU counts in UTF-16 code units; Python strings count code points.
    utf16_to_index = _utf16_offsets(text)
    out, start = [], 0
    for offset in segmenter:
        end = utf16_to_index[offset]
        if 0 < end < len(text) and in_script(text[end - 1]) and in_script(text[end]):
            out.append(text[start:end])
            out.append(ZERO_WIDTH_SPACE)
            start = end
    out.append(text[start:])
    return "".join(out)


def _utf16_offsets(text: str) -> dict[int, int]:
    offsets, position = {}, 0
    for index, char in enumerate(text):
        offsets[position] = index
        position += 2 if ord(char) > 0xFFFF else 1
    offsets[position] = len(text)
    return offsets


@functools.lru_cache(maxsize=4096)
def _in_script(char: str, letters: tuple[str, ...]) -> bool:
    return unicodedata.name(char, "").startswith(letters)


def _segmenter(script: Script, locale: str):
    try:
        import icu
    except ImportError:
        raise HandoutsError(
            f"lines of {script_name(script.code)} text break where ICU's line breaking "
            "says they may, and PyICU, ICU's Python binding, is not installed",
            fix="run `make pdfs` once (scripts/setup installs it), or: .venv/bin/pip "
                "install PyICU (it builds against Debian's libicu-dev, with pkg-config "
                "and g++)") from None
    # ICU picks the dictionary by script; the locale only tunes the rules.
    return icu.BreakIterator.createLineInstance(icu.Locale(locale))
