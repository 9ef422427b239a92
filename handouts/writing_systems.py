"""Writing systems and the fonts that set them, declared in one place.

A language names its script (ISO 15924); the script gives the font stack that
``stylesheet_for`` turns into CSS. Han text takes the regional Noto CJK face, so
that Simplified, Traditional, Japanese and Korean readers each see their own
glyph forms. The families come from Debian's fonts-noto-core and fonts-noto-cjk.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import HandoutsError


@dataclass(frozen=True)
class Script:
    """How text in one writing system is set."""

    code: str  # ISO 15924
    fonts: tuple[str, ...]  # font-family stack, best first
    debian_package: str  # where the fonts come from, for error messages
    line_height: float = 1.45
    # Arabic and Han faces look smaller than Latin at the same size; scaling
    # them keeps the reading size of every language alike.
    font_scale: float = 1.0
    # Letters (a regex character class) whose words lines must not break inside:
    # Korean is set so (CSS word-break: keep-all, which WeasyPrint lacks, so
    # rendering wraps each such word instead), and WeasyPrint may break
    # Arabic-script words that carry vowel marks. Words in other letters keep
    # their own break rules and bidi order.
    whole_words: str | None = None


# Latin comes last in every stack, so Latin words (drug names, references)
# inside other scripts are set in the matching Noto Sans.
_LATIN = ("Noto Sans",)

SCRIPTS: dict[str, Script] = {
    script.code: script
    for script in (
        Script("Latn", _LATIN, "fonts-noto-core"),
        Script("Cyrl", _LATIN, "fonts-noto-core"),
        Script("Arab", ("Noto Naskh Arabic", "Noto Sans Arabic", *_LATIN), "fonts-noto-core", 1.7,
               font_scale=1.1, whole_words="\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"),
        Script("Hans", ("Noto Sans CJK SC", *_LATIN), "fonts-noto-cjk", 1.6),
        Script("Hant", ("Noto Sans CJK TC", *_LATIN), "fonts-noto-cjk", 1.6),
        Script("Jpan", ("Noto Sans CJK JP", *_LATIN), "fonts-noto-cjk", 1.6),
        Script("Kore", ("Noto Sans CJK KR", *_LATIN), "fonts-noto-cjk", 1.6,
               whole_words="\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"),
    )
}


def script_of(code: str) -> Script:
    """The writing system of ISO 15924 ``code``, or a clear error saying how to declare it."""
    script = SCRIPTS.get(code)
    if script is None:
        raise HandoutsError(
            f"script '{code}' has no fonts declared (handouts/writing_systems.py)",
            fix=f"use a declared script ({', '.join(SCRIPTS)}), or declare its fonts: add a "
                f"Script('{code}', (font families…), 'debian-package') entry to "
                "handouts/writing_systems.py")
    return script


def css_font_stack(fonts: tuple[str, ...]) -> str:
    """A CSS font-family value, quoted, with a generic fallback."""
    return ", ".join(f'"{family}"' for family in fonts) + ", sans-serif"


def stylesheet_for(script_code: str, base_font_pt: float, selector: str = "html") -> str:
    """The CSS that sets the text of one script, at an edition's base size:
    the whole document, or only the elements ``selector`` picks."""
    script = script_of(script_code)
    css = (f"{selector} {{ font-family: {css_font_stack(script.fonts)}; "
           f"font-size: {base_font_pt * script.font_scale:g}pt; "
           f"line-height: {script.line_height}; }}\n")
    if script.whole_words:
        css += ".word { white-space: nowrap; }\n"
    return css
