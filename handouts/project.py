"""The project on disk: its handouts, its languages and the facts they share.

A handout is a folder under ``templates/`` holding ``handout.html`` (the English
text, marked for translation) and ``handout.toml`` (its revision date). Languages
come from ``locales/languages.toml``.
"""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import HandoutsError
from .languages import Language, load_languages


@dataclass(frozen=True)
class Handout:
    """One handout: a template and the metadata that is not translated."""

    slug: str  # its folder name; stable, used in file names and URLs
    template: str  # template name for the Jinja2 loader
    revised: datetime.date
    templates_dir: Path
    organisation: str
    helpline: str


@dataclass(frozen=True)
class Project:
    """Where everything lives, and what it says."""

    root: Path
    templates_dir: Path
    locales_dir: Path
    organisation: str
    handouts: dict[str, Handout]
    languages: dict[str, Language]

    @property
    def source_language(self) -> Language:
        return next(lang for lang in self.languages.values() if lang.is_source)

    def languages_for(self, codes: list[str]) -> list[Language]:
        """The languages of ``codes``, or a clear error naming the unknown ones."""
        unknown = [code for code in codes if code not in self.languages]
        if unknown:
            raise HandoutsError(
                f"unknown language code {', '.join(unknown)}; known: {', '.join(self.languages)}",
                path=self.locales_dir / "languages.toml",
                fix="use one of the known codes, or add the language with: "
                    "python build_pdfs.py init CODE")
        return [self.languages[code] for code in codes]

    @property
    def template_catalog(self) -> Path:
        """The ``.pot`` file extracted from the templates."""
        return self.locales_dir / "handouts.pot"


def load_project(root: Path | str = ".") -> Project:
    """Read the project rooted at ``root``."""
    root = Path(root).resolve()
    templates_dir = root / "templates"
    locales_dir = root / "locales"
    site = _read_toml(templates_dir / "site.toml")
    for key in ("organisation", "helpline"):
        if not isinstance(site.get(key), str):
            raise HandoutsError(f"'{key}' is missing", path=templates_dir / "site.toml",
                                fix=f'add a line such as {key} = "…"')
    handouts = {}
    for meta_path in sorted(templates_dir.glob("*/handout.toml")):
        slug = meta_path.parent.name
        meta = _read_toml(meta_path)
        revised = meta.get("revised")
        if not isinstance(revised, datetime.date):
            raise HandoutsError("'revised' must be a date", path=meta_path,
                                fix="write it as revised = 2021-10-27")
        handouts[slug] = Handout(slug=slug, template=f"{slug}/handout.html", revised=revised,
                                 templates_dir=templates_dir,
                                 organisation=site["organisation"], helpline=site["helpline"])
    if not handouts:
        raise HandoutsError("no handouts found", path=templates_dir,
                            fix="add a folder with handout.html and handout.toml")
    languages = load_languages(locales_dir / "languages.toml", locales_dir)
    return Project(root=root, templates_dir=templates_dir, locales_dir=locales_dir,
                   organisation=site["organisation"], handouts=handouts, languages=languages)


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise HandoutsError("file is missing", path=path) from None
    except tomllib.TOMLDecodeError as error:
        raise HandoutsError(f"not valid TOML: {error}", path=path) from None
