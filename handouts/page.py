"""The "PDFs by language" page: every language by its own name, with its PDFs.

The page is made from the manifest, so it links exactly the files the manifest
lists; each language gets a thumbnail of its first page, drawn by Poppler.
Each language's entry is labelled in its own words, from its catalog (the
messages of context ``catalogs.PAGE_CONTEXT``, and the handouts' own "Revised" line),
with the English underneath; words a catalog has not translated yet are shown
in English, marked as English, and never hold back the language's PDFs.
"""

from __future__ import annotations

import copy
import datetime
import os
import struct
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import jinja2
from babel.core import UnknownLocaleError
from babel.units import format_unit

from .catalogs import TranslationCatalog, is_translated, plural_index, read_catalog
from .errors import HandoutsError
from .languages import Language
from .output import write_atomic
from .project import Project
from .render import in_digits, written_date, written_number

INDEX = "index.html"


THUMBNAIL_WIDTH = 160  # pixels; shown at 80 CSS pixels, sharp on high-density screens


def make_thumbnails(out_dir: Path, manifest: dict) -> None:
    """A small PNG of each language's first page, made from its first PDF.

    Only a thumbnail older than its PDF is made again. Poppler's pdftoppm draws
    it, one process per core at a time; the manifest names it as the
    language's ``thumbnail``.
    """
    to_draw = []
    for handout in manifest["handouts"]:
        for language in handout["languages"]:
            pdf = out_dir / language["files"][0]["path"]
            png = pdf.with_name(f"{handout['slug']}.{language['code']}.png")
            if not png.is_file() or png.stat().st_mtime_ns < pdf.stat().st_mtime_ns:
                to_draw.append((pdf, png))
            language["thumbnail"] = png.relative_to(out_dir).as_posix()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        # list(): the first failure is raised here.
        list(pool.map(lambda pair: _draw_first_page(*pair), to_draw))


def _draw_first_page(pdf: Path, png: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="handouts-thumbnail-") as folder:
        result = subprocess.run(
            ["pdftoppm", "-png", "-singlefile", "-f", "1", "-l", "1",
             "-scale-to-x", str(THUMBNAIL_WIDTH), "-scale-to-y", "-1", str(pdf),
             str(Path(folder) / "page")], capture_output=True, text=True)
        if result.returncode:
            raise HandoutsError(f"cannot draw a thumbnail: {result.stderr.strip()}", path=pdf,
                                fix="install poppler-utils (make pdfs does this)")
        write_atomic(png, (Path(folder) / "page.png").read_bytes())


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[16:24]
    return struct.unpack(">II", header)


class FileSize(int):
    """A file's size in bytes, written in kilobytes as each language writes them."""


@dataclass(frozen=True)
class Said:
    """Words of the page in one language: ``text`` is in ``lang`` (the
    language's, or "en" where its catalog has no translation yet)."""

    text: str
    lang: str
    direction: str
    english: str


class PageWords:
    """One language's words for the page, looked up in its catalog as read."""

    def __init__(self, language: Language, catalog: TranslationCatalog | None):
        self.language = language
        self.messages = catalog.messages if catalog else None

    def say(self, context: str | None, singular: str, plural: str | None = None,
            n: int = 1, **variables) -> Said:
        english = _filled(plural if plural and n != 1 else singular, variables, "en")
        message = self.messages.get(singular, context=context) if self.messages else None
        if message is not None and is_translated(message):
            text = message.string
            if isinstance(text, (tuple, list)):
                text = text[plural_index(self.messages, n)] or text[0]
            try:
                return Said(_filled(text, variables, self.language.locale),
                            self.language.code, self.language.direction, english)
            except (KeyError, ValueError, TypeError):
                pass  # a broken placeholder: the checks report it; English meanwhile
        return Said(english, "en", "ltr", english)


def _filled(text: str, variables: dict, locale: str) -> str:
    return text % {name: _written(value, locale) for name, value in variables.items()}


def _written(value, locale: str) -> str:
    if isinstance(value, datetime.date):
        return written_date(value, locale)
    if isinstance(value, FileSize):
        return written_kilobytes(value, locale)
    if isinstance(value, int):
        return written_number(value, locale)
    return str(value)


def written_kilobytes(size: int, locale: str) -> str:
    """``size`` bytes in kilobytes (1000 bytes, as file managers count them), as
    ``locale`` writes the unit (CLDR), in its digits."""
    kilobytes = max(1, round(size / 1000))
    try:
        written = format_unit(kilobytes, "digital-kilobyte", length="short", locale=locale)
    except (UnknownLocaleError, ValueError):
        written = format_unit(kilobytes, "digital-kilobyte", length="short", locale="en")
    return in_digits(written, locale)


def page_words(project: Project, codes, catalogs: dict | None = None) -> dict[str, PageWords]:
    """The words of each language of ``codes``, from its catalog: in ``catalogs``
    (by code) if the build has read it already, else as it is on disk."""
    words = {}
    for code in codes:
        language = project.languages.get(code)
        if language is None:
            continue
        catalog = (catalogs or {}).get(code)
        if catalog is None and language.catalog is not None:
            try:
                catalog = read_catalog(language.catalog, language.locale)
            except HandoutsError:
                catalog = None  # listed from an earlier build; its words in English until fixed
        words[code] = PageWords(language, catalog)
    return words


def render_index(project: Project, manifest: dict, out_dir: Path | None = None,
                 catalogs: dict | None = None) -> str:
    """The "PDFs by language" page for ``manifest`` (``catalogs``: see ``page_words``)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(project.templates_dir),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["file_size"] = FileSize
    env.filters["date_long"] = lambda value: written_date(
        value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value), "en")
    page = copy.deepcopy(manifest)
    codes = {language["code"] for handout in page["handouts"] for language in handout["languages"]}
    words = page_words(project, sorted(codes), catalogs)

    def words_in(code: str) -> PageWords:
        """The language's words; English ones for a language the project no longer has."""
        return words.get(code) or PageWords(project.source_language, None)

    env.globals.update(
        _=lambda message, lang, **variables: words_in(lang).say(None, message, **variables),
        pgettext=lambda context, message, lang, **variables: words_in(lang).say(
            context, message, **variables),
        npgettext=lambda context, singular, plural, n, lang, **variables: words_in(lang).say(
            context, singular, plural, n, **variables))
    for handout in page["handouts"]:
        handout["revised"] = datetime.date.fromisoformat(handout["revised"])
        for language in handout["languages"]:
            if out_dir is not None and language.get("thumbnail"):
                width, height = _png_size(out_dir / language["thumbnail"])
                language["thumbnail_height"] = round(80 * height / width)
            else:
                language["thumbnail"] = None
            language["papers"], language["editions"] = _grid(language["files"])
    try:
        return env.get_template("index.html").render(manifest=page, organisation=project.organisation)
    except jinja2.TemplateError as error:
        raise HandoutsError(f"template error: {error}", path=project.templates_dir / "index.html",
                            line=getattr(error, "lineno", None),
                            fix="correct the page's template") from None


def _grid(files: list[dict]) -> tuple[list[str], list[tuple[str, list[dict | None]]]]:
    """A language's files as a grid: the papers (columns), and each edition (a
    row) with its file on each paper, or None where there is none. Both in the
    order the manifest lists them, which is the project's."""
    papers = list(dict.fromkeys(file["paper"] for file in files))
    editions = list(dict.fromkeys(file["edition"] for file in files))
    by_cell = {(file["edition"], file["paper"]): file for file in files}
    return papers, [(edition, [by_cell.get((edition, paper)) for paper in papers])
                    for edition in editions]
