"""Checks of a catalog: the mistakes that matter on a medical handout.

Each check has a name, a severity and a fix. Errors keep a catalog from being
published; warnings are worth a look. ``check_catalog`` runs every check on one
PO file and returns findings that name the file and line, so a catalog handed
back by a vendor or a platform can be checked before it lands.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural
from babel.messages.pofile import PoFileError, read_po
from babel.plural import to_gettext

from .catalogs import po_syntax_errors
from .markup import markup_problems, tags_of

ERROR, WARNING = "error", "warning"

# name: (severity, what it means, how to fix it) -- docs/translating.md explains each.
CHECKS = {
    "po-syntax": (ERROR, "the file is not valid PO syntax",
                  "correct the line; Poedit or `msgfmt -c FILE` show it too"),
    "encoding": (ERROR, "the file is not UTF-8",
                 "save it as UTF-8, with charset=UTF-8 in its Content-Type header"),
    "headers": (ERROR, "the Language, Plural-Forms or Content-Type header is missing or wrong",
                "set the header as the message says"),
    "placeholders": (ERROR, "a %(name)s or {name} placeholder is missing, extra or misspelt",
                     "copy each placeholder of the English exactly, once"),
    "markup": (ERROR, "tags differ from the English, are unbalanced or not allowed",
               "keep the English tags, around the matching words, each closed"),
    "numbers": (ERROR, "a number, the helpline number, a URL or an e-mail address differs",
                "copy numbers, URLs and addresses exactly as the English has them"),
    "plural-forms": (ERROR, "a plural message has the wrong number of forms",
                     "give one msgstr[N] for each form of the Plural-Forms header"),
    "outdated": (WARNING, "the catalog lacks messages of the template",
                 "run: python build_pdfs.py update"),
    "untranslated": (WARNING, "the message has no translation", "translate it"),
    "fuzzy": (WARNING, "the translation is marked fuzzy (a guess, never published)",
              "check it against the English, correct it, remove the fuzzy flag"),
    "whitespace": (WARNING, "leading or trailing white space differs from the English",
                   "match the English spaces at the start and end"),
    "end-punctuation": (WARNING, "the translation ends differently from the English",
                        "end as the English does (full stop, question mark, colon), "
                        "in your script's form"),
    "same-translation": (WARNING, "one translation is used for different English messages",
                         "make sure each translation says what its own English says"),
}


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
        return {**asdict(self), "fix": CHECKS[self.check][2]}


def _finding(check: str, path: Path, line: int | None, message: str) -> Finding:
    return Finding(check, CHECKS[check][0], str(path), line, message)


def check_catalog(path: Path, locale: str | None = None, plural_forms: str | None = None,
                  template: Catalog | None = None) -> list[Finding]:
    """Every check on the PO file at ``path``.

    ``locale`` is the language it must be for (default: its own Language header);
    ``plural_forms`` the header a locale CLDR lacks must have; ``template`` the
    ``.pot`` it should be up to date with.
    """
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return [_finding("encoding", path, line, f"byte 0x{data[error.start]:02x} is not UTF-8")]
    syntax = [_finding("po-syntax", path, line, problem) for line, problem in po_syntax_errors(text)]
    if syntax:
        return syntax
    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as error:
        return [_finding("po-syntax", path, getattr(error, "lineno", None), str(error))]

    findings = _check_headers(catalog, text, path, locale, plural_forms)
    seen_translations: dict[str, Message] = {}
    for message in catalog:
        if not message.id:
            continue
        findings.extend(_check_message(message, catalog, path))
        string = message.string if isinstance(message.string, str) else None
        if string and not message.fuzzy:
            other = seen_translations.setdefault(string, message)
            if other is not message and other.id != message.id:
                findings.append(_finding(
                    "same-translation", path, message.lineno,
                    f"{_short(string)!r} also translates {_short(_first(other.id))!r} "
                    f"(line {other.lineno})"))
    if template is not None:
        missing = [m for m in template if m.id and m.id not in catalog]
        if missing:
            findings.append(_finding(
                "outdated", path, None,
                f"{len(missing)} message(s) of the template are missing, "
                f"such as {_short(_first(missing[0].id))!r}"))
    return sorted(findings, key=lambda f: (f.line or 0, f.check))


def _check_headers(catalog: Catalog, text: str, path: Path, locale: str | None,
                   plural_forms: str | None) -> list[Finding]:
    findings = []
    headers = _raw_headers(text)  # as written: Babel drops Plural-Forms of unknown locales
    line = _header_line(text)
    language = headers.get("Language", "").strip()
    if not language:
        findings.append(_finding("headers", path, line, 'no "Language:" header'
                                 + (f'; it should be "Language: {locale}"' if locale else "")))
    elif locale and language.replace("-", "_") != locale:
        findings.append(_finding("headers", path, line,
                                 f'"Language: {language}" should be "Language: {locale}"'))
    content_type = headers.get("Content-Type", "")
    if "charset=utf-8" not in content_type.lower().replace(" ", ""):
        findings.append(_finding("headers", path, line,
                                 f'"Content-Type: {content_type}" should be '
                                 '"Content-Type: text/plain; charset=UTF-8"'))
    expected = _expected_plural_forms(locale or language, plural_forms)
    written = headers.get("Plural-Forms")
    if not written:
        findings.append(_finding("headers", path, line, 'no "Plural-Forms:" header'
                                 + (f'; it should be "Plural-Forms: {expected[0]}"' if expected else "")))
    elif expected and _nplurals(written) not in {_nplurals(e) for e in expected}:
        findings.append(_finding("headers", path, line,
                                 f'"Plural-Forms: {written}" should be "Plural-Forms: {expected[0]}"'))
    return findings


def _expected_plural_forms(locale: str, given: str | None) -> list[str]:
    """Plural-Forms headers right for ``locale``: pybabel's and CLDR's rule, or the data's."""
    if given:
        return [given]
    try:
        cldr = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return []
    return [str(get_plural(cldr)), to_gettext(cldr.plural_form)]


def _check_message(message: Message, catalog: Catalog, path: Path) -> list[Finding]:
    line = message.lineno
    ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    if isinstance(message.id, (tuple, list)) and len(strings) != catalog.num_plurals:
        return [_finding("plural-forms", path, line,
                         f"{len(strings)} plural form(s); Plural-Forms says {catalog.num_plurals}")]
    if not strings[0]:
        return [_finding("untranslated", path, line, _short(ids[0]))]
    if not all(strings):
        return [_finding("plural-forms", path, line,
                         f"plural form(s) {', '.join(str(i) for i, s in enumerate(strings) if not s)} "
                         "are empty")]
    if message.fuzzy:
        return [_finding("fuzzy", path, line, _short(ids[0]))]

    findings = []
    source = ids[0]
    for string in strings:
        # Each form needs the placeholders all English forms have, and no others;
        # one the English forms disagree on (the count in "One page" / "%(n)s
        # pages") may be left out.
        written = _placeholders(string)
        required = set.intersection(*(_placeholders(text) for text in ids))
        known = set.union(*(_placeholders(text) for text in ids))
        if required - written:
            findings.append(_finding("placeholders", path, line,
                                     f"missing {', '.join(sorted(required - written))}"))
        if written - known:
            findings.append(_finding("placeholders", path, line,
                                     f"not in the English: {', '.join(sorted(written - known))}"))
        if Counter(tags_of(source)) != Counter(tags_of(string)):
            findings.append(_finding("markup", path, line,
                                     f"tags {_tag_list(string)} differ from the English {_tag_list(source)}"))
        findings.extend(_finding("markup", path, line, problem) for problem in markup_problems(string))
        for label, values in (("number", _numbers), ("URL", _urls), ("e-mail address", _emails)):
            missing = Counter(values(source)) - Counter(values(string))
            if missing:
                findings.append(_finding("numbers", path, line,
                                         f"{label} {', '.join(sorted(missing))} of the English is missing"))
        findings.extend(_finding(name, path, line, text)
                        for name, text in _style_warnings(source, string))
    return _unique(findings)


PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdifr]|\{(\w*)\}|%[sdif]")


def _placeholders(text: str) -> set[str]:
    return {m[0] for m in PLACEHOLDER.finditer(text)}


def _without_placeholders_and_tags(text: str) -> str:
    return re.sub(r"<[^>]*>", " ", PLACEHOLDER.sub(" ", text))


def _numbers(text: str) -> list[str]:
    text = _without_placeholders_and_tags(text)
    text = re.sub(r"https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+", " ", text)
    return re.findall(r"\d+(?:[-.,]\d+)*", text)


def _urls(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<>\"')]+", text)


def _emails(text: str) -> list[str]:
    return re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text)


_END_MARKS = {
    "full stop": ".。．۔।",
    "question mark": "?？؟",
    "exclamation mark": "!！",
    "colon": ":：",
}


def _end_mark(text: str) -> str | None:
    bare = re.sub(r"<[^>]*>", "", text).rstrip().rstrip("\"'”’»)）」』")
    for name, marks in _END_MARKS.items():
        if bare.endswith(tuple(marks)):
            return name
    return None


def _style_warnings(source: str, string: str):
    if (source[:1].isspace(), source[-1:].isspace()) != (string[:1].isspace(), string[-1:].isspace()):
        yield "whitespace", "leading or trailing white space differs from the English"
    expected, found = _end_mark(source), _end_mark(string)
    if expected != found:
        yield "end-punctuation", (f"the English ends with a {expected or 'no mark'}, "
                                  f"the translation with a {found or 'no mark'}")


def _unique(findings):
    return list(dict.fromkeys(findings))


def _tag_list(text: str) -> str:
    return " ".join(tags_of(text)) or "none"


def _first(msgid) -> str:
    return msgid[0] if isinstance(msgid, (tuple, list)) else msgid


def _short(text: str, width: int = 50) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _header_line(text: str) -> int:
    match = re.search(r'^msgid ""', text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _raw_headers(text: str) -> dict[str, str]:
    """The header entry's fields, read from the PO text itself."""
    match = re.search(r'^msgid ""\s*\nmsgstr ((?:"(?:[^"\\]|\\.)*"\s*\n?)+)', text, re.MULTILINE)
    if not match:
        return {}
    value = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match[1]))
    value = value.replace("\\n", "\n").replace('\\"', '"')
    fields = (line.partition(":") for line in value.split("\n") if ":" in line)
    return {name.strip(): content.strip() for name, _, content in fields}


def _nplurals(header: str) -> int | None:
    match = re.search(r"nplurals\s*=\s*(\d+)", header)
    return int(match[1]) if match else None
