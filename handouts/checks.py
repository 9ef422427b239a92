"""Checks of a catalog: the mistakes that matter on a medical handout.

Each check is a small function registered in one place (``CHECKS``) with its
name, severity, meaning and fix. Message checks take (catalog, message) and
say what is wrong with that message; catalog checks take the catalog (and the
template) as a whole. Errors keep a catalog from being published; warnings are
worth a look. ``check_catalog`` runs every check on a catalog that has been
read; ``check_file`` reads a PO file first, so a catalog handed back by a vendor
or a platform can be checked before it lands. Every finding names the file and
line. docs/translating.md explains each check.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Message
from babel.messages.plurals import get_plural
from babel.plural import to_gettext

from .catalogs import (MAX_CATALOG_BYTES, MAX_MESSAGE_BYTES, TranslationCatalog,
                       UnreadableCatalog, first_form, header_line, is_translated,
                       read_catalog)
from .glossary import Glossary
from .markup import PAGE, PAGES, markup_problems, tags_of
from .review import ReviewStamp, review_state
from .glyphs import describe, stray_marks, without_markup
from .writing_systems import Script

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Check:
    """One named check: what it means, how to fix what it finds, and the function
    that finds it (None for the checks made while reading the file)."""

    name: str
    severity: str
    meaning: str
    fix: str
    run: Callable | None = None
    # Message checks that judge the text of a translation run only on messages
    # that are translated, not fuzzy, with all their plural forms.
    on_translated_text: bool = False


CHECKS: dict[str, Check] = {}
_MESSAGE_CHECKS: list[Check] = []
_CATALOG_CHECKS: list[Check] = []


def _register(name: str, severity: str, meaning: str, fix: str, registry: list[Check] | None,
              on_translated_text: bool = False):
    def decorate(function):
        check = Check(name, severity, meaning, fix, function, on_translated_text)
        CHECKS[name] = check
        if registry is not None:
            registry.append(check)
        return function
    return decorate


def message_check(name, severity, meaning, fix, on_translated_text=True):
    """Register ``function(catalog, message) -> Iterable[str]``: one text per problem."""
    return _register(name, severity, meaning, fix, _MESSAGE_CHECKS, on_translated_text)


def catalog_check(name, severity, meaning, fix):
    """Register ``function(catalog, context) -> Iterable[(line, text)]``."""
    return _register(name, severity, meaning, fix, _CATALOG_CHECKS)


@dataclass(frozen=True)
class Finding:
    """One problem in one catalog, at one line."""

    check: str
    severity: str
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: [{self.check}] {self.message}"

    def as_dict(self) -> dict:
        return {"check": self.check, "severity": self.severity, "path": self.path,
                "line": self.line, "message": self.message, "fix": CHECKS[self.check].fix}


@dataclass(frozen=True)
class CheckContext:
    """What a catalog is checked against."""

    locale: str | None = None  # the language it must be for (default: its Language header)
    plural_forms: str | None = None  # the header a locale CLDR lacks must have
    template: TranslationCatalog | None = None  # the .pot it should be up to date with
    stamp: ReviewStamp | None = None  # the catalog's review stamp, if it was reviewed
    glossary: Glossary | None = None  # the language's approved terms, if it has a glossary
    writing_system: Script | None = None  # the script its language is written in


def finding(check: str, path: Path | str, line: int | None, message: str) -> Finding:
    return Finding(check, CHECKS[check].severity, str(path), line, message)


def check_file(path: Path, locale: str | None = None, plural_forms: str | None = None,
               template: TranslationCatalog | None = None,
               stamp: ReviewStamp | None = None, glossary: Glossary | None = None,
               within: Path | None = None,
               writing_system: Script | None = None) -> list[Finding]:
    """Every check on the PO file at ``path`` (see ``CheckContext`` for the rest;
    ``within``: the folder it must be in, as ``read_catalog`` has it)."""
    try:
        catalog = read_catalog(path, locale, template, within)
    except UnreadableCatalog as error:
        return [finding(error.check, path, error.line, error.message)]
    return check_catalog(catalog, CheckContext(locale, plural_forms, template, stamp, glossary,
                                               writing_system))


def check_catalog(catalog: TranslationCatalog,
                  context: CheckContext = CheckContext()) -> list[Finding]:
    """Every registered check on a catalog that has been read, sorted by line."""
    findings = []
    for check in _CATALOG_CHECKS:
        findings += [finding(check.name, catalog.path, line, text)
                     for line, text in check.run(catalog, context)]
    for message in catalog.messages:
        if not message.id:
            continue
        for check in _MESSAGE_CHECKS:
            if check.on_translated_text and not _has_whole_translation(catalog, message):
                continue
            findings += [finding(check.name, catalog.path, message.lineno, text)
                         for text in check.run(catalog, message)]
    return sorted(dict.fromkeys(findings), key=lambda f: (f.line or 0, f.check))


def _has_whole_translation(catalog: TranslationCatalog, message: Message) -> bool:
    strings = _forms(message.string)
    return (not message.fuzzy and all(strings)
            and (not message.pluralizable or len(strings) == catalog.messages.num_plurals))


# Checks made while reading the file (catalogs.read_catalog raises them).
CHECKS["po-syntax"] = Check("po-syntax", ERROR, "the file is not valid PO syntax",
                            "correct the line; Poedit or `msgfmt -c FILE` show it too")
CHECKS["encoding"] = Check("encoding", ERROR, "the file is not UTF-8",
                           "save it as UTF-8, with charset=UTF-8 in its Content-Type header")
CHECKS["file"] = Check("file", ERROR,
                       "the catalog is missing, a folder, a link, outside locales/ or unreadable",
                       "give the path of a regular, readable PO file (in locales/ for a language)")


@catalog_check("headers", ERROR,
               "the Language, Plural-Forms or Content-Type header is missing or wrong",
               "set the header as the message says")
def _headers(catalog: TranslationCatalog, context: CheckContext):
    headers, line, locale = catalog.headers, header_line(catalog.text), context.locale
    language = headers.get("Language", "").strip()
    if not language:
        yield line, 'no "Language:" header' + (
            f'; it should be "Language: {locale}"' if locale else "")
    elif locale and language.replace("-", "_") != locale:
        yield line, f'"Language: {language}" should be "Language: {locale}"'
    content_type = headers.get("Content-Type", "")
    if "charset=utf-8" not in content_type.lower().replace(" ", ""):
        yield line, (f'"Content-Type: {content_type}" should be '
                     '"Content-Type: text/plain; charset=UTF-8"')
    expected = _expected_plural_forms(locale or language, context.plural_forms)
    written = headers.get("Plural-Forms")
    if not written:
        yield line, 'no "Plural-Forms:" header' + (
            f'; it should be "Plural-Forms: {expected[0]}"' if expected else "")
    elif expected and _nplurals(written) not in {_nplurals(e) for e in expected}:
        yield line, f'"Plural-Forms: {written}" should be "Plural-Forms: {expected[0]}"'


@catalog_check("outdated", WARNING, "the catalog lacks messages of the template",
               "run: python build_pdfs.py update")
def _outdated(catalog: TranslationCatalog, context: CheckContext):
    if context.template is None:
        return
    missing = [m for m in context.template.messages
               if m.id and catalog.messages.get(m.id, context=m.context) is None]
    if missing:
        yield None, (f"{len(missing)} message(s) of the template are missing, "
                     f"such as {_short(first_form(missing[0].id))!r}")


@catalog_check("same-translation", WARNING, "one translation is used for different English messages",
               "make sure each translation says what its own English says")
def _same_translation(catalog: TranslationCatalog, context: CheckContext):
    seen: dict[str, Message] = {}
    for message in catalog.messages:
        string = message.string if isinstance(message.string, str) else None
        if not (message.id and string and not message.fuzzy):
            continue
        other = seen.setdefault(string, message)
        if other is not message and other.id != message.id:
            yield message.lineno, (f"{_short(string)!r} also translates "
                                   f"{_short(first_form(other.id))!r} (line {other.lineno})")


@catalog_check("changed-since-review", WARNING,
               "the message was reviewed, and its English or translation has changed since",
               "have a qualified medical translator review the language again: "
               "build_pdfs.py review LANG --reviewer NAME")
def _changed_since_review(catalog: TranslationCatalog, context: CheckContext):
    if context.stamp is None:
        return
    for message in review_state(catalog, context.stamp).changed:
        yield message.lineno, (f"{_short(first_form(message.id))!r} is not as reviewed by "
                               f"{context.stamp.reviewer} on {context.stamp.date.isoformat()}")


@catalog_check("glossary", WARNING,
               "the English has a term of the language's glossary, and the translation "
               "lacks its approved rendering",
               "use the glossary's rendering of the term (locales/LANG/glossary.csv); if the "
               "glossary is wrong, correct it and have the medical reviewer confirm it")
def _glossary(catalog: TranslationCatalog, context: CheckContext):
    glossary = context.glossary
    translated = (m for m in catalog.messages if m.id and _has_whole_translation(catalog, m))
    for message in translated if glossary else ():
        for term in glossary.missing(_forms(message.id), _forms(message.string)):
            yield message.lineno, (f"{term.source!r} should be rendered {term.target!r} "
                                   f"({glossary.path}:{term.line})")


@message_check("plural-forms", ERROR, "a plural message has the wrong number of forms",
               "give one msgstr[N] for each form of the Plural-Forms header",
               on_translated_text=False)
def _plural_forms(catalog: TranslationCatalog, message: Message):
    strings = _forms(message.string)
    if message.lineno in catalog.extra_forms:
        yield (f"more plural forms than the Plural-Forms header's "
               f"nplurals={catalog.messages.num_plurals}")
    elif message.pluralizable and len(strings) != catalog.messages.num_plurals:
        yield f"{len(strings)} plural form(s); Plural-Forms says {catalog.messages.num_plurals}"
    elif strings[0] and not all(strings):
        empty = ", ".join(str(i) for i, s in enumerate(strings) if not s)
        yield f"plural form(s) {empty} are empty"


@message_check("untranslated", WARNING, "the message has no translation", "translate it",
               on_translated_text=False)
def _untranslated(catalog: TranslationCatalog, message: Message):
    if not first_form(message.string):
        yield _short(first_form(message.id))


@message_check("fuzzy", WARNING, "the translation is marked fuzzy (a guess, never published)",
               "check it against the English, correct it, remove the fuzzy flag",
               on_translated_text=False)
def _fuzzy(catalog: TranslationCatalog, message: Message):
    if message.fuzzy and first_form(message.string):
        yield _short(first_form(message.id))


@message_check("placeholders", ERROR, "a %(name)s or {name} placeholder is missing, extra or misspelt",
               "copy each placeholder of the English exactly, once")
def _placeholders_match(catalog: TranslationCatalog, message: Message):
    ids = _forms(message.id)
    # Each form needs the placeholders all English forms have, and no others; one
    # the English forms disagree on (the count in "One page" / "%(n)s pages") may
    # be left out.
    required = set.intersection(*(_placeholders(text) for text in ids))
    known = set.union(*(_placeholders(text) for text in ids))
    for string in _forms(message.string):
        written = _placeholders(string)
        if required - written:
            yield f"missing {', '.join(sorted(required - written))}"
        if written - known:
            yield f"not in the English: {', '.join(sorted(written - known))}"
        malformed = _malformed_placeholders(string) - _malformed_placeholders(first_form(message.id))
        if malformed:
            yield (f"malformed placeholder {', '.join(sorted(malformed))}: "
                   "write it as the English has it, such as %(phone)s")


@message_check("markup", ERROR, "tags differ from the English, are unbalanced or not allowed",
               "keep the English tags, around the matching words, each closed")
def _markup(catalog: TranslationCatalog, message: Message):
    source = first_form(message.id)
    for string in _forms(message.string):
        if Counter(tags_of(source)) != Counter(tags_of(string)):
            yield f"tags {_tag_list(string)} differ from the English {_tag_list(source)}"
        yield from markup_problems(string)


@message_check("numbers", ERROR,
               "a number, the helpline number, a URL or an e-mail address differs from the "
               "English, or is not in it",
               "copy numbers, URLs and addresses exactly as the English has them; add none")
def _numbers_match(catalog: TranslationCatalog, message: Message):
    source = first_form(message.id)
    english = " ".join(_forms(message.id))
    for string in _forms(message.string):
        for label, values in (("number", _numbers), ("URL", _urls), ("e-mail address", _emails)):
            written = Counter(values(string))
            missing = Counter(values(source)) - written
            if missing:
                yield f"{label} {', '.join(sorted(missing))} of the English is missing"
            # A number the English lacks could be a wrong helpline or dose: only
            # the numbers it writes, or spells out ("three kinds": 3つ), may appear.
            allowed = set(values(english)) | (_spelt_numbers(english) if label == "number" else set())
            extra = set(written) - allowed
            if extra:
                yield f"{label} {', '.join(sorted(extra))} is not in the English"


# Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): one
# U+202E prints the helpline number backwards.
BIDI_CONTROLS = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


@message_check("bidi-controls", ERROR,
               "the translation holds a bidi control character the English lacks, which can "
               "reverse or hide the text after it",
               "delete it; the layout sets the direction of each language")
def _bidi_controls(catalog: TranslationCatalog, message: Message):
    allowed = BIDI_CONTROLS & set(" ".join(_forms(message.id)))
    for string in _forms(message.string):
        found = sorted((BIDI_CONTROLS & set(string)) - allowed)
        if found:
            yield "bidi control character " + ", ".join(
                f"U+{ord(char):04X} {unicodedata.name(char)}" for char in found)


@message_check("size", ERROR,
               f"the catalog file is over {MAX_CATALOG_BYTES // 2**20} MiB, or a message over "
               f"{MAX_MESSAGE_BYTES // 2**10} KiB",
               "check that it is the right file; translate what the English says, no more",
               on_translated_text=False)
def _size(catalog: TranslationCatalog, message: Message):
    # Untranslated and fuzzy text counts too: all of it is read, on every build.
    for text in (*_forms(message.id), *_forms(message.string)):
        size = len(text.encode("utf-8"))
        if size > MAX_MESSAGE_BYTES:
            yield (f"a message is {size / 2**10:.0f} KiB; the limit is "
                   f"{MAX_MESSAGE_BYTES // 2**10} KiB")
            return


# A translation may well be twice as long as its English; far longer is text
# that does not belong (pages of it), on top of a margin for short messages.
LENGTH_FACTOR, LENGTH_MARGIN = 4, 40


@message_check("length", ERROR, "the translation is far longer than its English",
               "translate what the English says, no more")
def _length(catalog: TranslationCatalog, message: Message):
    english = max(len(text) for text in _forms(message.id))
    limit = LENGTH_FACTOR * english + LENGTH_MARGIN
    for string in _forms(message.string):
        if len(string) > limit:
            yield (f"the translation is {len(string):,} characters, the English {english:,}; "
                   f"at most {LENGTH_FACTOR} × the English + {LENGTH_MARGIN} ({limit:,}) may pass")


@message_check("private-use", ERROR,
               "the translation holds a private-use character, which has no standard meaning",
               "delete it; type the character you meant, or copy the English")
def _private_use(catalog: TranslationCatalog, message: Message):
    for string in _forms(message.string):
        found = sorted({char for char in string if "\ue000" <= char <= "\uf8ff"})
        if found:
            names = ", ".join(f"U+{ord(char):04X}" for char in found)
            extra = " (the footer's page counters use them)" if {PAGE, PAGES} & set(found) else ""
            yield f"private-use character {names}{extra}"


@catalog_check("script", WARNING,
               "most letters of the translation are not in the script the language is written in",
               "check that the catalog is the right language's (Cyrillic in a Hindi catalog is "
               "a mix-up); if the language is written in another script, correct its script in "
               "locales/languages.toml")
def _written_in_its_script(catalog: TranslationCatalog, context: CheckContext):
    script = context.writing_system
    if script is None or not script.letters:
        return
    for message in catalog.messages:
        if not (message.id and is_translated(message)):
            continue
        text = _without_placeholders_and_tags(" ".join(_forms(message.string)))
        # Latin words (drug names, references) belong in every script's text.
        letters = [char for char in text if char.isalpha()
                   and ("LATIN" in script.letters
                        or not unicodedata.name(char, "").startswith("LATIN"))]
        if not letters:
            continue
        outside = [char for char in letters
                   if not unicodedata.name(char, "").startswith(script.letters)]
        if len(outside) * 2 > len(letters):
            found = Counter(unicodedata.name(char, "?").split()[0] for char in outside)
            yield message.lineno, (f"most letters are {found.most_common(1)[0][0].title()}, "
                                   f"but the language is written in {script.code}")


@message_check("broken-cluster", ERROR,
               "a vowel sign or other mark has no letter before it: the PDF would show it on "
               "a dotted circle (◌)",
               "join the mark to its letter (no space, tag or placeholder between them), or "
               "remove it")
def _broken_cluster(catalog: TranslationCatalog, message: Message):
    for string in _forms(message.string):
        text = without_markup(string)
        for index in stray_marks(text):
            before = text[index - 1] if index else ""
            where = ("at the start" if not before else "after a space" if before.isspace()
                     else f"after {before!r}")
            yield f"{describe(text[index])} stands {where}, with no letter to sit on"


@message_check("whitespace", WARNING, "leading or trailing white space differs from the English",
               "match the English spaces at the start and end")
def _whitespace(catalog: TranslationCatalog, message: Message):
    source = first_form(message.id)
    for string in _forms(message.string):
        if (source[:1].isspace(), source[-1:].isspace()) != (string[:1].isspace(), string[-1:].isspace()):
            yield "leading or trailing white space differs from the English"


@catalog_check("end-punctuation", WARNING, "the translation ends differently from the English",
               "end as the English does (full stop, question mark, colon), in your script's form")
def _end_punctuation(catalog: TranslationCatalog, context: CheckContext):
    marks = _end_marks(context.writing_system)
    for message in catalog.messages:
        if not (message.id and is_translated(message)):
            continue
        expected = _end_mark(first_form(message.id), _END_MARKS)
        for string in _forms(message.string):
            if not _ends_as(string, expected, marks):
                found = _end_mark(string, marks)
                yield message.lineno, (f"the English ends with a {expected or 'no mark'}, "
                                       f"the translation with a {found or 'no mark'}")


def _forms(value) -> tuple[str, ...]:
    """All forms of a msgid or msgstr, as a tuple (one form for a singular message)."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value or "",)


def _expected_plural_forms(locale: str, given: str | None) -> list[str]:
    """Plural-Forms headers right for ``locale``: pybabel's and CLDR's rule, or the data's."""
    if given:
        return [given]
    try:
        cldr = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return []
    return [str(get_plural(cldr)), to_gettext(cldr.plural_form)]


# A tag, for checks that look past tags; no "<" inside it, so that a message of
# "<<<<…" takes linear time, not quadratic.
_A_TAG = re.compile(r"<[^<>]*>")
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdifr]|\{(\w*)\}|%[sdif]")


def _placeholders(text: str) -> set[str]:
    return {m[0] for m in PLACEHOLDER.finditer(text)}


def _malformed_placeholders(text: str) -> set[str]:
    """Each ``%(`` that starts no whole placeholder (``%%(`` is a written "%("),
    as written up to the next space."""
    whole = {m.start() for m in PLACEHOLDER.finditer(text)}
    return {re.match(r"%\(\S{0,30}", text[m.end() - 2:])[0]
            for m in re.finditer(r"(%+)\(", text)
            if len(m[1]) % 2 and m.end() - 2 not in whole}


def _without_placeholders_and_tags(text: str) -> str:
    return re.sub(_A_TAG, " ", PLACEHOLDER.sub(" ", text))


def _numbers(text: str) -> list[str]:
    """The numbers of ``text`` as a reader sees them (``&#49;`` is 1), by value:
    Persian ۷ and full-width ７ are 7."""
    text = html.unescape(_without_placeholders_and_tags(text))
    text = re.sub(rf"https?://\S+|{_EMAIL}", " ", text)
    return [_ascii_digits(number) for number in re.findall(r"\d+(?:[-.,]\d+)*", text)]


def _ascii_digits(number: str) -> str:
    if number.isascii():
        return number
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in number)


_NUMBER_WORDS = {word: str(value) for value, words in enumerate([
    ("zero",), ("one", "first"), ("two", "second"), ("three", "third"), ("four", "fourth"),
    ("five", "fifth"), ("six", "sixth"), ("seven", "seventh"), ("eight", "eighth"),
    ("nine", "ninth"), ("ten", "tenth"), ("eleven", "eleventh"), ("twelve", "twelfth"),
]) for word in words}


def _spelt_numbers(english: str) -> set[str]:
    """The numbers the English spells out in words, from zero to twelve, as digits."""
    return {_NUMBER_WORDS[word] for word in re.findall(r"[a-z]+", english.lower())
            if word in _NUMBER_WORDS}


# An address starts where a run of its letters starts: trying every position
# inside a long run would take quadratic time on a message of "aaaa…".
_EMAIL = r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"


def _urls(text: str) -> list[str]:
    return re.findall(r"(?:https?://|tel:)[^\s<>\"')]+", html.unescape(text))


def _emails(text: str) -> list[str]:
    return re.findall(_EMAIL, html.unescape(text))


# The marks that end an English sentence and their forms in other scripts; a
# script's own marks (Ethiopic ።, Khmer ។, …) come from writing_systems.toml,
# where "" says the script may end such a sentence with no mark (Thai).
_END_MARKS = {
    "full stop": tuple(".。．۔।"),
    "question mark": tuple("?？؟"),
    "exclamation mark": tuple("!！"),
    "colon": tuple(":："),
}


def _end_marks(script: Script | None) -> dict[str, tuple[str, ...]]:
    if script is None:
        return _END_MARKS
    own = dict(script.end_marks)
    return {kind: marks + own.get(kind, ()) for kind, marks in _END_MARKS.items()}


def _end_mark(text: str, marks: dict[str, tuple[str, ...]]) -> str | None:
    """The kind of mark ``text`` ends with (the first kind that has it), if any."""
    bare = _bare_end(text)
    return next((kind for kind, kind_marks in marks.items()
                 if bare.endswith(tuple(mark for mark in kind_marks if mark))), None)


def _ends_as(text: str, kind: str | None, marks: dict[str, tuple[str, ...]]) -> bool:
    """Whether ``text`` ends with a mark of ``kind`` (None: with no mark) in its script."""
    found = _end_mark(text, marks)
    if kind is None:
        return found is None
    return (_bare_end(text).endswith(tuple(mark for mark in marks[kind] if mark))
            or (found is None and "" in marks[kind]))


def _bare_end(text: str) -> str:
    return re.sub(_A_TAG, "", text).rstrip().rstrip("\"'”’»)）」』")


def _tag_list(text: str) -> str:
    return " ".join(tags_of(text)) or "none"


def _short(text: str, width: int = 50) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _nplurals(header: str) -> int | None:
    match = re.search(r"nplurals\s*=\s*(\d+)", header)
    return int(match[1]) if match else None
