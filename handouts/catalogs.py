"""Gettext catalogs as plain data: read a PO file once, count it, compile it.

``read_catalog`` gives a :class:`TranslationCatalog`: the file's validated
text, Babel's catalog of its messages, its headers as written, and one set of
counts (with the one percent translated that the gate, ``stats``, the page and
the manifest all show). Compiled translations are made in memory from it at
build time, so a PDF always matches the catalog beside it and no ``.mo`` file
can go stale. Fuzzy entries are never compiled: a guess must not reach a
printed handout.
"""

from __future__ import annotations

import errno
import gettext
import io
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileParser

from .errors import HandoutsError
from .po_syntax import excerpt, first_po_syntax_error

PO_FIX = "correct the entry at that line (Poedit or msgfmt -c shows it too)"

# Hard limits: a catalog of a handout is tens of kilobytes and a message a few
# hundred bytes. One far larger is a mistake or an attack (a 5 MB message makes
# each PDF thousands of pages), refused before it is parsed.
MAX_CATALOG_BYTES = 4 * 2**20
MAX_MESSAGE_BYTES = 64 * 2**10

# The context of the download page's words (templates/index.html): translated
# in the same catalog, but never printed, so never holding back a language.
PAGE_CONTEXT = "download page"


@dataclass(frozen=True)
class CatalogStats:
    """Message counts as ``msgfmt --statistics`` gives them, plus obsolete ones,
    messages of the template the catalog lacks, and the percent translated."""

    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int
    missing: int = 0  # messages of the template that the catalog does not have yet
    # Printed messages (all but the download page's words) of the template (or,
    # without one, of the catalog) that are translated and not fuzzy, 0 to
    # 100, one decimal: what the gate judges.
    percent: float = 0.0
    printed_fuzzy: int = 0  # fuzzy messages among the printed ones
    # Words of the download page not translated yet (untranslated, fuzzy or
    # missing): the page shows them in English, and they hold nothing back.
    page_pending: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated


@dataclass(frozen=True, eq=False)
class TranslationCatalog:
    """One PO file, read and validated: everything the checks, the gate and the
    render need of it, so that a build reads each catalog once."""

    path: Path
    text: str  # the file as UTF-8 text, known to be valid PO syntax
    messages: Catalog  # Babel's catalog of its messages
    headers: dict[str, str]  # the header entry's fields as written (Babel drops some)
    stats: CatalogStats
    # Lines of plural messages with more forms than the Plural-Forms header
    # allows (Babel keeps the first ones): msgfmt -c rejects such a file.
    extra_forms: tuple[int, ...] = ()

    @property
    def percent(self) -> float:
        return self.stats.percent


class UnreadableCatalog(HandoutsError):
    """A catalog that is not a UTF-8 PO file: ``check`` names the check that says so."""

    def __init__(self, check: str, message: str, *, path: Path, line: int | None, fix: str):
        self.check = check
        super().__init__(message, path=path, line=line, fix=fix)


def first_form(string) -> str:
    """A message's translation, or the first form of a plural one (as msgfmt counts)."""
    if isinstance(string, (tuple, list)):
        return string[0] if string else ""
    return string or ""


def is_translated(message: Message) -> bool:
    """Translated and not fuzzy: what a build publishes."""
    return bool(first_form(message.string)) and not message.fuzzy


def read_catalog(path: Path, locale: str | None = None,
                 template: TranslationCatalog | None = None,
                 within: Path | None = None) -> TranslationCatalog:
    """Read and validate the PO file at ``path``, with a clear error naming the file and line.

    ``template`` is the ``.pot`` the percent translated is counted against;
    ``within`` is the folder the catalog must be in (a language's: locales/).
    """
    data = _read_file(path, within)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableCatalog(
            "encoding", f"not UTF-8 text (byte 0x{data[error.start]:02x} is not UTF-8)",
            path=path, line=data.count(b"\n", 0, error.start) + 1,
            fix='save the file as UTF-8 and set "Content-Type: text/plain; charset=UTF-8" '
                "in its header") from None
    error = first_po_syntax_error(text)
    if error:
        raise UnreadableCatalog("po-syntax", f"not a valid PO file: {error[1]}",
                                path=path, line=error[0], fix=PO_FIX)
    messages, problems = _parse(data, locale)
    fatal = [(line, problem) for line, problem in problems if problem != _TOO_MANY_FORMS]
    if fatal:  # Babel's message may quote the file: cut it short
        raise UnreadableCatalog("po-syntax", f"not a valid PO file: {excerpt(fatal[0][1])}",
                                path=path, line=fatal[0][0], fix=PO_FIX)
    return TranslationCatalog(path=path, text=text, messages=messages,
                              headers=raw_headers(text),
                              stats=catalog_stats(messages, template and template.messages),
                              extra_forms=tuple(line for line, _ in problems))


# What Babel says of a plural message with more forms than Plural-Forms allows.
# GNU msgfmt counts such a file (--statistics) and rejects it (-c); so do we:
# the message counts by its first form, and the plural-forms check reports it.
_TOO_MANY_FORMS = "msg has more translations than num_plurals of catalog"


class _ProblemCollectingParser(PoFileParser):
    """Babel's parser, collecting what it finds wrong instead of printing it."""

    def __init__(self, catalog: Catalog):
        super().__init__(catalog, abort_invalid=False)
        self.problems: list[tuple[int, str]] = []

    def _invalid_pofile(self, line, lineno, msg) -> None:
        self.problems.append((lineno + 1, msg))  # Babel counts lines from 0


def _parse(data: bytes, locale: str | None) -> tuple[Catalog, list[tuple[int, str]]]:
    catalog = Catalog(locale=locale)
    parser = _ProblemCollectingParser(catalog)
    parser.parse(io.BytesIO(data))
    return catalog, parser.problems


def read_template(path: Path) -> TranslationCatalog | None:
    """The ``.pot`` file, or None where there is none to compare with."""
    try:
        return read_catalog(path)
    except HandoutsError:
        return None


def _read_file(path: Path, within: Path | None = None) -> bytes:
    """The bytes of the regular file at ``path``, never through a link.

    A catalog may come from anyone: a link to /etc/passwd, a folder, a pipe or a
    file over the size limit must each be refused, before any of it is read,
    with its reason.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise _file_error(path, "the catalog does not exist",
                          "create it with: python build_pdfs.py init LANG") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise _file_error(path, "the catalog is a symbolic link; a catalog is read only "
                              "from a regular file", "replace the link with the file itself, "
                              "or give the path of the file") from None
        raise _file_error(path, f"cannot read the catalog: {error.strerror}",
                          "make the file readable (chmod a+r FILE)") from None
    try:
        if within is not None and not path.resolve().is_relative_to(within.resolve()):
            raise _file_error(path, f"the catalog is outside {within}: through a link, it is "
                              f"{path.resolve()}",
                              f"keep the catalog itself in {within}: replace the linked folder "
                              "with a real one")
        return _read_regular(descriptor, path)
    finally:
        os.close(descriptor)


def _read_regular(descriptor: int, path: Path) -> bytes:
    """Read an open catalog file, if it is a regular file within the size limit."""
    status = os.fstat(descriptor)
    if stat.S_ISDIR(status.st_mode):
        raise _file_error(path, "this is a folder, not a PO file", "give the path of a .po file")
    if not stat.S_ISREG(status.st_mode):
        raise _file_error(path, "not a regular file (a device, pipe or socket)",
                          "give the path of a .po file")
    if status.st_size > MAX_CATALOG_BYTES:
        raise _too_large(path, status.st_size)
    with os.fdopen(descriptor, "rb", closefd=False) as file:
        data = file.read(MAX_CATALOG_BYTES + 1)
    if len(data) > MAX_CATALOG_BYTES:  # it grew since
        raise _too_large(path, len(data))
    return data


def _too_large(path: Path, size: int) -> UnreadableCatalog:
    return UnreadableCatalog(
        "size", f"the catalog is {size / 2**20:.1f} MiB; the limit is "
                f"{MAX_CATALOG_BYTES // 2**20} MiB", path=path, line=None,
        fix="a handout's catalog is tens of kilobytes: check that this is the right file, "
            "and remove what does not belong in it")


def _file_error(path: Path, message: str, fix: str) -> UnreadableCatalog:
    return UnreadableCatalog("file", message, path=path, line=None, fix=fix)


def plural_index(messages: Catalog, n: int) -> int:
    """Which plural form of ``messages`` (by its Plural-Forms header) a count of ``n`` takes."""
    index = gettext.c2py(messages.plural_expr)(n)
    return index if 0 <= index < messages.num_plurals else 0


def is_page_message(message: Message) -> bool:
    """One of the download page's words, not printed in any handout."""
    return message.context == PAGE_CONTEXT


def catalog_stats(messages: Catalog, template: Catalog | None = None) -> CatalogStats:
    """Count messages as GNU ``msgfmt --statistics`` does (header excluded).

    Like msgfmt, a message counts by its first form: empty is untranslated
    (fuzzy or not), otherwise fuzzy or translated. A plural message with some
    forms empty is a ``plural-forms`` check error, so it still cannot be
    published. The percent counts the printed messages against ``template``
    where there is one, so that a catalog lacking messages of the template is
    not 100% translated; the download page's words are counted apart.
    """
    translated = fuzzy = untranslated = printed_fuzzy = 0
    for message in messages:
        if not message.id:
            continue
        if not first_form(message.string):
            untranslated += 1
        elif message.fuzzy:
            fuzzy += 1
            printed_fuzzy += not is_page_message(message)
        else:
            translated += 1
    wanted = [m for m in (template if template is not None else messages) if m.id]
    missing = done = printed = page_pending = 0
    for wanted_message in wanted:
        message = messages.get(wanted_message.id, context=wanted_message.context)
        missing += message is None
        if is_page_message(wanted_message):
            page_pending += message is None or not is_translated(message)
        else:
            printed += 1
            done += message is not None and is_translated(message)
    percent = round(100 * done / printed, 1) if printed else 0.0
    return CatalogStats(translated, fuzzy, untranslated, len(messages.obsolete), missing, percent,
                        printed_fuzzy, page_pending)


def compile_translations(catalog: TranslationCatalog) -> gettext.GNUTranslations:
    """Compile a catalog to translations in memory, leaving fuzzy entries out."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog.messages, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def header_line(text: str) -> int:
    """The line of the header entry's ``msgid ""``."""
    match = re.search(r'^msgid ""', text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def raw_headers(text: str) -> dict[str, str]:
    """The header entry's fields, read from the PO text itself."""
    match = re.search(r'^msgid ""\s*\nmsgstr ((?:"(?:[^"\\]|\\.)*"\s*\n?)+)', text, re.MULTILINE)
    if not match:
        return {}
    value = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match[1]))
    value = value.replace("\\n", "\n").replace('\\"', '"')
    fields = (line.partition(":") for line in value.split("\n") if ":" in line)
    return {name.strip(): content.strip() for name, _, content in fields}
