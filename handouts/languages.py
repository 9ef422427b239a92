"""The languages handouts are published in, as data.

Each language is one table in ``locales/languages.toml``. Its own name, English
name and direction come from Babel's CLDR data; a language CLDR lacks gives them
in its table; its script picks how it is set (writing_systems.py). One language is the source the templates are written in; every
other is a translation, whose review status follows from its review stamp
(review.py), never from this file.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import json
import os
from .errors import HandoutsError
from .writing_systems import (DICTIONARY_BREAKS, WRITING_SYSTEMS_FILE, Script, is_script_code,
                              load_writing_systems, writing_system_for)

WRITING_SYSTEMS_PATH = f"locales/{WRITING_SYSTEMS_FILE}"

ROLES = ("source", "draft")  # the values of a table's "review" key
DIRECTIONS = ("ltr", "rtl")
LINE_BREAKS = ("spaces", DICTIONARY_BREAKS)
CATALOG_DOMAIN = "handouts"


@dataclass(frozen=True)
class Language:
    """One language of the handouts, with everything rendering needs to know."""

    code: str  # BCP 47 tag, used in file names, /Lang and the manifest
    locale: str  # Babel locale identifier; also the folder under locales/
    name: str  # the language's own name, as a language menu shows it
    english_name: str
    direction: str  # "ltr" or "rtl"
    script: str  # ISO 15924 code, which picks the fonts (see writing_systems.py)
    source: bool  # the language the templates are written in
    catalog: Path | None  # the PO file; None for the source language
    plural_forms: str | None = None  # Plural-Forms header, for locales CLDR lacks
    capitalise_drug_names: bool = False  # German writes "Trastuzumab", a noun
    # "spaces" where the language sets spaces between its words or phrases though
    # its script's other languages do not (S'gaw Karen in Myanmar script, which
    # ICU's Burmese dictionary would cut inside words); None: the script's rule.
    line_breaks: str | None = None
    # How its script is set (writing_systems.py); None when no installed font covers it.
    writing_system: Script | None = None

    @property
    def writing(self) -> Script:
        """The Script that sets this language, or a clear error saying how to get one."""
        if self.writing_system is None:
            if is_script_code(self.script):
                raise HandoutsError(
                    f"script '{self.script}' has no fonts declared ({WRITING_SYSTEMS_PATH}), and "
                    f"no installed font covers {self.english_name} ({self.code})",
                    fix=f"install a Noto font for it (Debian: fonts-noto-core, or "
                        f"fonts-noto-extra), or declare [{self.script}] fonts = [\"…\"] in "
                        f"{WRITING_SYSTEMS_PATH}")
            raise HandoutsError(
                f"script '{self.script}' has no fonts declared ({WRITING_SYSTEMS_PATH}), and it "
                "is no ISO 15924 code",
                fix="write the ISO 15924 code of its writing system (Latn, Cyrl, Arab, Deva, …), "
                    f"or declare [{self.script}] fonts = [\"…\"] in {WRITING_SYSTEMS_PATH}")
        return self.writing_system

    def drug_name(self, name: str) -> str:
        """An international drug name as this language writes it in running text."""
        return name[:1].upper() + name[1:] if self.capitalise_drug_names else name

    @property
    def is_source(self) -> bool:
        return self.source


def menu_name(name: str) -> str:
    """Capitalise a language name as a language menu shows it ("Español").

    CLDR gives names in running-text case ("español"); menus capitalise the
    first letter, which leaves scripts without case as they are.
    """
    return name[:1].upper() + name[1:]


def load_languages(path: Path, locales_dir: Path | None = None) -> dict[str, Language]:
    """Read ``languages.toml`` into languages keyed by BCP 47 code, in file order."""
    locales_dir = locales_dir or path.parent
    try:
        text = path.read_text(encoding="utf-8")
        tables = tomllib.loads(text)
    except OSError as error:
        raise HandoutsError(f"cannot read the language list: {error.strerror}", path=path,
                            fix="restore locales/languages.toml from version control") from None
    except tomllib.TOMLDecodeError as error:
        line = _toml_error_line(error)
        raise HandoutsError(f"not valid TOML: {error}", path=path, line=line,
                            fix="correct the syntax at that line") from None
    systems = load_writing_systems(locales_dir / WRITING_SYSTEMS_FILE)
    languages = {}
    for code, table in tables.items():
        require_language_tag(code, path=path, line=_table_line(text, code))
        if not isinstance(table, dict):
            raise HandoutsError(f"'{code}' must be a table such as [{code}]",
                                path=path, line=_table_line(text, code))
        languages[code] = _language(code, table, path, _table_line(text, code), locales_dir,
                                    systems)
    sources = [lang.code for lang in languages.values() if lang.is_source]
    if len(sources) != 1:
        raise HandoutsError(
            f"exactly one language must have review = \"source\"; found {len(sources)}",
            path=path, fix="mark the language the templates are written in, and only it, as the source")
    return languages


def _language(code: str, table: dict, path: Path, line: int | None, locales_dir: Path,
              systems: dict[str, Script]) -> Language:
    locale_id = table.get("locale", code.replace("-", "_"))
    if not (isinstance(locale_id, str) and re.fullmatch(r"[a-z]{2,3}(?:_[A-Za-z0-9]+)*", locale_id, re.ASCII)):
        raise HandoutsError(f"[{code}] locale {locale_id!r} is not a locale identifier",
                            path=path, line=line,
                            fix='write it as Babel does, such as locale = "pt_BR" or "zh_Hant"')
    cldr = cldr_facts(locale_id)
    if cldr is None:
        missing = [key for key in ("name", "english_name", "direction", "plural_forms")
                   if key not in table]
        if missing:
            raise HandoutsError(
                f"Babel's CLDR data has no locale '{locale_id}', so [{code}] must give "
                + ", ".join(missing),
                path=path, line=line,
                fix=f'add to [{code}] for example: name = "…", english_name = "…", '
                    'direction = "ltr", plural_forms = "nplurals=2; plural=(n != 1);"')
    name = table.get("name") or menu_name(cldr["name"])
    english_name = table.get("english_name") or cldr["english_name"]
    direction = table.get("direction") or (
        "rtl" if cldr["character_order"] == "right-to-left" else "ltr")
    if direction not in DIRECTIONS:
        raise HandoutsError(f"[{code}] direction must be one of {DIRECTIONS}, not {direction!r}",
                            path=path, line=line)
    script = table.get("script")
    if not script:
        raise HandoutsError(f"[{code}] has no script", path=path, line=line,
                            fix=f'add script = "Latn" (or the ISO 15924 code of its writing system) to [{code}]')
    line_breaks = table.get("line_breaks")
    if line_breaks not in (None, *LINE_BREAKS):
        raise HandoutsError(f"[{code}] line_breaks must be one of {LINE_BREAKS}, not {line_breaks!r}",
                            path=path, line=line,
                            fix='write line_breaks = "spaces" (lines break only at spaces) or '
                                '"dictionary" (also between the words ICU finds), or remove it')
    source = _is_source(code, table.get("review", "draft"), path, line)
    catalog = None if source else (
        locales_dir / locale_id / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.po")
    return Language(code=code, locale=locale_id, name=name, english_name=english_name,
                    direction=direction, script=script, source=source, catalog=catalog,
                    plural_forms=table.get("plural_forms"),
                    capitalise_drug_names=bool(table.get("capitalise_drug_names", False)),
                    line_breaks=line_breaks,
                    writing_system=writing_system_for(script, code, systems))


def cldr_facts(locale_id: str) -> dict | None:
    """A locale's own name, English name and character order from Babel's CLDR
    data, or None if CLDR lacks the locale.

    Reading a locale's CLDR data takes Babel several milliseconds, a third of a
    second for forty languages, on every command; the answers depend only on
    Babel's version, so they are kept in a small cache file
    (``$XDG_CACHE_HOME/handouts/``) and read from there while it is the same.
    """
    cache = _cldr_cache()
    if locale_id not in cache:
        cache[locale_id] = _read_cldr(locale_id)
        _save_cldr_cache(cache)
    return cache[locale_id]


def _read_cldr(locale_id: str) -> dict | None:
    from babel import Locale, UnknownLocaleError

    try:
        cldr = Locale.parse(locale_id)
    except (UnknownLocaleError, ValueError):
        return None
    return {"name": cldr.get_display_name(cldr), "english_name": cldr.get_display_name("en"),
            "character_order": cldr.character_order}


def _cldr_cache_path() -> Path | None:
    from importlib import metadata

    try:
        version = metadata.version("babel")
    except metadata.PackageNotFoundError:
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "handouts" / f"cldr-babel-{version}.json"


@functools.lru_cache(maxsize=1)
def _cldr_cache() -> dict:
    path = _cldr_cache_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and all(
        value is None or isinstance(value, dict) and set(value) == {
            "name", "english_name", "character_order"} for value in data.values()) else {}


def _save_cldr_cache(cache: dict) -> None:
    """Write the cache, all or nothing; a cache that cannot be written is no error."""
    path = _cldr_cache_path()
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_text(json.dumps(cache, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass


def _is_source(code: str, role: object, path: Path, line: int | None) -> bool:
    if isinstance(role, dict) and role.get("status") == "reviewed" or role == "reviewed":
        raise HandoutsError(
            f"[{code}] says it is reviewed; a review is recorded by the reviewer, bound to "
            "the text they read, not written here", path=path, line=line,
            fix=f'write review = "draft"; the reviewer runs: build_pdfs.py review {code} '
                '--reviewer "Full Name"')
    if role not in ROLES:
        raise HandoutsError(f"[{code}] review must be one of {ROLES}, not {role!r}",
                            path=path, line=line)
    return role == "source"


def language_line(path: Path, code: str) -> int | None:
    """The line of ``[code]`` in the language list at ``path``, to point errors at it."""
    try:
        return _table_line(path.read_text(encoding="utf-8"), code)
    except (OSError, UnicodeDecodeError):
        return None


def _table_line(text: str, key: str) -> int | None:
    match = re.search(rf"^[ \t]*\[[ \t]*\"?{re.escape(key)}\"?[ \t]*\]", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _toml_error_line(error: tomllib.TOMLDecodeError) -> int | None:
    match = re.search(r"line (\d+)", str(error))
    return int(match.group(1)) if match else None


def add_language_entry(path: Path, code: str, *, script: str | None = None,
                       locale: str | None = None, name: str | None = None,
                       english_name: str | None = None, direction: str | None = None,
                       plural_forms: str | None = None,
                       locales_dir: Path | None = None) -> Language:
    """Add a draft language to ``languages.toml`` and return it.

    Its script defaults to CLDR's likely script; a language CLDR lacks must be
    given its name, English name, direction and plural forms. Its ``locale``
    (default: the code) names its CLDR data and its catalog's folder, which no
    other language may have. The file keeps its comments and layout (tomlkit)
    and is replaced atomically.
    """
    import tomlkit

    from .output import write_atomic

    require_language_tag(code)
    locales_dir = locales_dir or path.parent
    existing = load_languages(path, locales_dir)
    if code in existing:
        raise HandoutsError(f"{code} is already a language of the project", path=path,
                            line=_table_line(path.read_text(encoding="utf-8"), code),
                            fix=f"to refresh its catalog, run: python build_pdfs.py update {code}")
    locale_id = locale or code.replace("-", "_")
    owner = next((lang for lang in existing.values() if lang.locale == locale_id), None)
    if owner is not None:
        raise HandoutsError(
            f"the locale {locale_id} is {owner.english_name}'s ({owner.code}), whose catalog is "
            f"in locales/{locale_id}/", path=path,
            line=_table_line(path.read_text(encoding="utf-8"), owner.code),
            fix=f"give {code} a locale of its own with --locale (such as {locale_id}_XX for a "
                "region), or none")
    script = script or _likely_script(locale_id)
    if not script:
        raise HandoutsError(f"CLDR does not say which script {code} is written in",
                            fix="give it: --script Latn (an ISO 15924 code)")
    table = {"script": script}
    for key, value in (("locale", locale), ("name", name), ("english_name", english_name),
                       ("direction", direction), ("plural_forms", plural_forms)):
        if value:
            table[key] = value
    table["review"] = "draft"
    # Validates before writing, fonts included.
    language = _language(code, table, path, None, locales_dir,
                         load_writing_systems(locales_dir / WRITING_SYSTEMS_FILE))
    language.writing  # noqa: B018 -- raises, naming the fonts to install or declare
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    entry = tomlkit.table()
    for key, value in table.items():
        entry[key] = value
    document[code] = entry
    write_atomic(path, tomlkit.dumps(document).encode("utf-8"))
    return language


# BCP 47 language tags as this project uses them: a language subtag, then
# optional script, region and variant subtags (RFC 5646, section 2.1). They
# name files and folders, so nothing else may pass.
_LANGUAGE_TAG = re.compile(
    r"[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|\d{3}))?(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*",
    re.ASCII)


def require_language_tag(code: str, *, path: Path | None = None, line: int | None = None) -> None:
    """Stop unless ``code`` is a BCP 47 language tag such as es, zh-Hant or pt-BR."""
    if not _LANGUAGE_TAG.fullmatch(code):
        shown = code if len(code) <= 40 and code.isprintable() else repr(code[:40])
        raise HandoutsError(
            f"{shown!s} is not a BCP 47 language tag", path=path, line=line,
            fix="use a tag such as es, zh-Hant or pt-BR: a language code, then optionally "
                "a script (Hant) and a region (BR), joined by hyphens")


def _likely_script(locale_id: str) -> str | None:
    from babel.core import get_global

    likely = get_global("likely_subtags").get(locale_id) or get_global("likely_subtags").get(
        locale_id.split("_")[0])
    if not likely:
        return None
    parts = likely.split("_")
    return next((part for part in parts[1:] if len(part) == 4 and part.istitle()), None)
