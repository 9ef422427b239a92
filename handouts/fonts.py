"""The fonts this machine has: which families are installed, where their files
are, and whether WeasyPrint can subset them quickly.

Every answer comes from fontconfig (``fc-list``) or the dynamic loader, asked
once per process: fonts do not change in the middle of a build.
"""

from __future__ import annotations

import ctypes.util
import functools
import subprocess
from typing import TYPE_CHECKING

from .errors import HandoutsError

if TYPE_CHECKING:
    from .writing_systems import Script


@functools.lru_cache(maxsize=1)
def font_files() -> dict[str, tuple[str, ...]]:
    """Font files by family name, from one fontconfig query."""
    result = subprocess.run(["fc-list", ":", "family", "file"], capture_output=True, text=True)
    files: dict[str, list[str]] = {}
    for line in result.stdout.splitlines():
        path, _, families = line.partition(": ")
        for family in families.split(","):
            files.setdefault(family.strip(), []).append(path)
    return {family: tuple(sorted(paths)) for family, paths in files.items()}


@functools.lru_cache(maxsize=64)
def fonts_for_language(language: str) -> tuple[str, ...]:
    """Font families fontconfig says cover ``language`` (an ISO 639 code), sans-serif
    Noto faces first, then the others, each group sorted for a stable choice."""
    if not language.isascii() or not language.isalpha():
        return ()
    result = subprocess.run(["fc-list", f":lang={language}", "family"],
                            capture_output=True, text=True)
    families = {name.strip() for line in result.stdout.splitlines()
                for name in line.split(",")[:1] if name.strip()}
    return tuple(sorted(families, key=lambda family: (
        not family.startswith("Noto Sans"), any(word in family for word in ("Mono", "UI", "Display")),
        family)))


def installed_font_families() -> frozenset[str]:
    """The font families fontconfig knows."""
    return frozenset(font_files())


def require_fonts(script: Script) -> None:
    """Stop with the package to install if the script's main font is missing."""
    if script.fonts[0] not in installed_font_families():
        raise HandoutsError(
            f"the font '{script.fonts[0]}' for {script.code} text is not installed",
            fix=f"install it: apt-get install {script.debian_package} (make pdfs does this)")


def subsetting_warning(library: str = "harfbuzz-subset") -> str | None:
    """Why a build would be slow: WeasyPrint subsets fonts with HarfBuzz when it can."""
    if ctypes.util.find_library(library):
        return None
    return (f"lib{library} is not installed, so fonts are subset with fontTools, about 40 "
            f"times slower for Chinese, Japanese and Korean; install it: "
            f"apt-get install lib{library}0")
