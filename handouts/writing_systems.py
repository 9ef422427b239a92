"""Writing systems and the fonts that set them, as data.

Each script is a table of ``locales/writing_systems.toml``: its font stack,
line height, size scale and whole-word letters. A language names its script
(ISO 15924); ``writing_system_for`` gives the Script that sets it, and
``stylesheet_for`` turns it into CSS. A script the file lacks is set in the
fonts fontconfig says cover the language (``fc-list :lang=xx``), then Latin,
so a translator adds a language whose Noto face is installed with ``init``
alone.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import HandoutsError

WRITING_SYSTEMS_FILE = "writing_systems.toml"
DICTIONARY_BREAKS = "dictionary"  # line_breaks of scripts written without spaces
DEFAULT_LINE_HEIGHT = 1.45  # Latin body text; taller scripts scale every leading by theirs

# Latin comes last in every stack found through fontconfig, so Latin words
# (drug names, references) inside other scripts are set in the matching Noto Sans.
LATIN_FONTS = ("Noto Sans",)


@dataclass(frozen=True)
class Script:
    """How text in one writing system is set."""

    code: str  # ISO 15924
    fonts: tuple[str, ...]  # font-family stack, best first
    debian_package: str  # where the fonts come from, for error messages
    line_height: float = DEFAULT_LINE_HEIGHT
    # Arabic and Han faces look smaller than Latin at the same size; scaling
    # them keeps the reading size of every language alike.
    font_scale: float = 1.0
    # Letters (a regex character class) whose words lines must not break inside:
    # Korean is set so (CSS word-break: keep-all, which WeasyPrint lacks, so
    # rendering wraps each such word instead), and WeasyPrint may break
    # Arabic-script words that carry vowel marks. Words in other letters keep
    # their own break rules and bidi order.
    whole_words: str | None = None
    # How the Unicode names of its letters start (LATIN, DEVANAGARI, CJK, ...).
    letters: tuple[str, ...] = ()
    # "dictionary" for scripts written without spaces between words: lines break
    # between the words ICU's segmenter finds (word_breaks.py).
    line_breaks: str | None = None
    # Its own marks for the ends of sentences, by kind ("full stop": ["።"]); ""
    # where it may end such a sentence with no mark (for the end-punctuation check).
    end_marks: tuple[tuple[str, tuple[str, ...]], ...] = ()


def load_writing_systems(path: Path) -> dict[str, Script]:
    """The scripts of ``writing_systems.toml``, keyed by ISO 15924 code."""
    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise HandoutsError(f"cannot read the writing systems: {error.strerror}", path=path,
                            fix="restore locales/writing_systems.toml from version control") \
            from None
    except tomllib.TOMLDecodeError as error:
        raise HandoutsError(f"not valid TOML: {error}", path=path,
                            fix="correct the syntax at that line") from None
    systems = {}
    for code, table in tables.items():
        fonts = table.get("fonts") if isinstance(table, dict) else None
        if not (isinstance(fonts, list) and fonts and all(isinstance(f, str) for f in fonts)):
            raise HandoutsError(f"[{code}] must give fonts = [\"Family\", …]", path=path,
                                fix=f'write for example: [{code}] fonts = ["Noto Sans"]')
        try:
            systems[code] = Script(
                code, tuple(fonts), str(table.get("package", "fonts-noto-core")),
                line_height=float(table.get("line_height", DEFAULT_LINE_HEIGHT)),
                font_scale=float(table.get("font_scale", 1.0)),
                whole_words=table.get("whole_words"),
                line_breaks=_line_breaks(code, table.get("line_breaks"), path),
                end_marks=_end_marks(code, table.get("end_marks", {}), path),
                letters=tuple(table.get("letters") or _letters_from_cldr(code)))
        except (TypeError, ValueError) as error:
            raise HandoutsError(f"[{code}] {error}", path=path) from None
    return systems


def _line_breaks(code: str, value, path: Path) -> str | None:
    if value not in (None, DICTIONARY_BREAKS):
        raise HandoutsError(f"[{code}] line_breaks must be \"dictionary\" or absent, not {value!r}",
                            path=path, fix='write line_breaks = "dictionary" for a script written '
                                           "without spaces between words, or remove the key")
    return value


END_MARK_KINDS = ("full stop", "question mark", "exclamation mark", "colon")


def _end_marks(code: str, table, path: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not (isinstance(table, dict) and set(table) <= set(END_MARK_KINDS)
            and all(isinstance(marks, list) and all(isinstance(m, str) for m in marks)
                    for marks in table.values())):
        raise HandoutsError(f"[{code}] end_marks must map {', '.join(END_MARK_KINDS)} to lists "
                            "of marks", path=path,
                            fix=f'write for example: [{code}.end_marks] "full stop" = ["።"]')
    return tuple((kind, tuple(marks)) for kind, marks in table.items())


def writing_system_for(code: str, language: str, systems: dict[str, Script]) -> Script | None:
    """The Script that sets ``language`` (a BCP 47 tag) written in ``code``: the
    declared one, or the fonts fontconfig finds for the language; None if none."""
    if code in systems:
        return systems[code]
    if not is_script_code(code):
        return None
    from .fonts import fonts_for_language

    found = fonts_for_language(language.split("-")[0])
    if not found:
        return None
    return Script(code, (found[0], *LATIN_FONTS), "fonts-noto-core",
                  letters=_letters_from_cldr(code))


def is_script_code(code: str) -> bool:
    """Whether ``code`` is an ISO 15924 script code that CLDR knows (Latn, Deva, …)."""
    from babel import Locale

    return code in Locale("en").scripts


# Where CLDR's English name of a script is not how Unicode names its letters.
_UNICODE_NAMES = {"Beng": ("BENGALI",), "Orya": ("ORIYA",), "Hans": ("CJK",), "Hant": ("CJK",)}


def _letters_from_cldr(code: str) -> tuple[str, ...]:
    if code in _UNICODE_NAMES:
        return _UNICODE_NAMES[code]
    name = script_name(code)
    return (name.upper(),) if name != code else ()


def script_name(code: str) -> str:
    """The English name of an ISO 15924 script (Khmer for Khmr), or the code itself."""
    from babel import Locale

    return Locale("en").scripts.get(code, code)


def css_font_stack(fonts: tuple[str, ...]) -> str:
    """A CSS font-family value, quoted, with a generic fallback."""
    return ", ".join(f'"{family}"' for family in fonts) + ", sans-serif"


def stylesheet_for(script: Script, base_font_pt: float, selector: str = "html") -> str:
    """The CSS that sets the text of one script, at an edition's base size:
    the whole document, or only the elements ``selector`` picks."""
    # --leading scales the tighter leading of headings and notes (print.css) alike.
    css = (f"{selector} {{ font-family: {css_font_stack(script.fonts)}; "
           f"font-size: {base_font_pt * script.font_scale:g}pt; "
           f"line-height: {script.line_height}; "
           f"--leading: {script.line_height / DEFAULT_LINE_HEIGHT:.3g}; }}\n")
    return css
