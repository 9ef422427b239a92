"""The project on disk: its handouts, its languages and the facts they share.

A handout is a folder under ``templates/`` holding ``handout.html`` (the English
text, marked for translation) and ``handout.toml`` (its revision date). Languages
come from ``locales/languages.toml``.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import HandoutsError
from .languages import Language, load_languages
from .site_link import check_site_url, entry_anchor, site_link


@dataclass(frozen=True)
class Handout:
    """One handout: a template and the metadata that is not translated."""

    slug: str  # its folder name; stable, used in file names and URLs
    template: str  # template name for the Jinja2 loader
    revised: datetime.date
    templates_dir: Path
    organisation: str
    helpline: str
    # The public address of the "PDFs by language" page, for the QR code; None
    # until the site's owner gives it.
    site_url: str | None = None


@dataclass(frozen=True)
class Project:
    """Where everything lives, and what it says."""

    root: Path
    templates_dir: Path
    locales_dir: Path
    organisation: str
    handouts: dict[str, Handout]
    languages: dict[str, Language]
    site_url: str | None = None

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

    def with_site_url(self, site_url: str | None, source: Path | str | None = None,
                      line: int | None = None) -> Project:
        """The project with the page's public address ``site_url`` (from
        ``source``), checked: https, and short enough for every handout's code."""
        if site_url is None:
            return self
        check_site_url(site_url, source, line)
        longest = max(((slug, code) for slug in self.handouts for code in self.languages),
                      key=lambda pair: len(entry_anchor(*pair).encode()))
        try:
            site_link(site_url, *longest)
        except HandoutsError as error:
            raise HandoutsError(error.message, path=source, line=line, fix=error.fix) from None
        return replace(self, site_url=site_url, handouts={
            slug: replace(handout, site_url=site_url) for slug, handout in self.handouts.items()})

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
    project = Project(root=root, templates_dir=templates_dir, locales_dir=locales_dir,
                      organisation=site["organisation"], handouts=handouts, languages=languages)
    site_url = site.get("site_url")
    if site_url is None:
        return project
    site_toml = templates_dir / "site.toml"
    line = _key_line(site_toml, "site_url")
    if not isinstance(site_url, str):
        raise HandoutsError("site_url must be a string", path=site_toml, line=line,
                            fix='write it as site_url = "https://…"')
    return project.with_site_url(site_url, site_toml, line)


def _key_line(path: Path, key: str) -> int | None:
    """The line of ``path`` (a TOML file) that sets ``key`` at the top level."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return None


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise HandoutsError("file is missing", path=path) from None
    except tomllib.TOMLDecodeError as error:
        raise HandoutsError(f"not valid TOML: {error}", path=path) from None
