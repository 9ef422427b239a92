"""Review stamps: who reviewed which text of a catalog, bound to that text.

``build_pdfs.py review LANG --reviewer NAME`` writes a stamp beside the
catalog (``handouts.review.toml``): the reviewer, the date, the translator
(the catalog's Last-Translator), and a fingerprint of every message as it was
reviewed (context, English and translation). The stamp is data in the
repository, diffable in review; nothing else makes a language "reviewed".

``review_state`` compares a catalog with its stamp: a language is reviewed
only while every message it publishes is reviewed as it stands. A message
whose English or translation changed since is "changed since review", and the
language is a draft again until someone reviews it anew.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Message

from .catalogs import TranslationCatalog, is_page_message, is_translated
from .errors import HandoutsError
from .output import write_atomic

STAMP_NAME = "handouts.review.toml"


@dataclass(frozen=True)
class ReviewStamp:
    """One review of one catalog, as recorded."""

    reviewer: str
    date: datetime.date
    translator: str  # the catalog's Last-Translator when it was reviewed
    same_person: bool  # the reviewer signed that they are qualified for both roles
    fingerprints: dict[str, str] = field(default_factory=dict)  # message key -> fingerprint


@dataclass(frozen=True)
class ReviewState:
    """What may be said about a language's review: the status and its figures."""

    status: str  # "source", "draft" or "reviewed"
    reviewer: str | None = None
    date: datetime.date | None = None
    reviewed: int = 0  # messages it publishes that are reviewed as they stand
    reviewed_percent: float = 0.0  # the same, as a percent of the messages it publishes
    changed: tuple[Message, ...] = ()  # reviewed once, changed since (needs a new review)

    @property
    def changed_since_review(self) -> int:
        return len(self.changed)


SOURCE = ReviewState("source", reviewed_percent=100.0)


def stamp_path(catalog_path: Path) -> Path:
    """Where the review stamp of the catalog at ``catalog_path`` lives: beside it."""
    return catalog_path.with_name(STAMP_NAME)


def message_key(message: Message) -> str:
    """A message's identity across edits of its translation: context and English."""
    english = message.id if isinstance(message.id, str) else "\x00".join(message.id)
    return f"{message.context}\x04{english}" if message.context else english


def fingerprint(message: Message) -> str:
    """The hash of a message as a reviewer read it: context, English and translation."""
    forms = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    english = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
    text = "\x1e".join([message.context or "", "\x1f".join(english), "\x1f".join(forms)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def published_messages(catalog: TranslationCatalog) -> list[Message]:
    """The messages a build prints from this catalog: translated and not fuzzy
    (the download page's words are not printed, and a review is of the PDFs)."""
    return [message for message in catalog.messages
            if message.id and is_translated(message) and not is_page_message(message)]


def review_state(catalog: TranslationCatalog, stamp: ReviewStamp | None) -> ReviewState:
    """The review status of a catalog as it stands, against its stamp (if any)."""
    published = published_messages(catalog)
    if stamp is None or not published:
        return ReviewState("draft")
    reviewed = [m for m in published if stamp.fingerprints.get(message_key(m)) == fingerprint(m)]
    changed = tuple(m for m in published if stamp.fingerprints.get(message_key(m)) != fingerprint(m))
    percent = round(100 * len(reviewed) / len(published), 1)
    if changed:
        return ReviewState("draft", reviewed=len(reviewed), reviewed_percent=percent,
                           changed=changed)
    return ReviewState("reviewed", stamp.reviewer, stamp.date, len(reviewed), percent)


def read_stamp(path: Path) -> ReviewStamp | None:
    """The stamp at ``path``, or None if there is none."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise HandoutsError(f"cannot read the review stamp: {error}", path=path,
                            fix="restore it from version control, or review the catalog again "
                                "with: build_pdfs.py review LANG --reviewer NAME") from None
    try:
        return ReviewStamp(
            reviewer=_text(data["reviewer"]), date=data["date"],
            translator=_text(data.get("translator", "")),
            same_person=bool(data.get("same_person", False)),
            fingerprints={_text(entry["english"]): _text(entry["fingerprint"])
                          for entry in data.get("message", [])})
    except (KeyError, TypeError, ValueError) as error:
        raise HandoutsError(f"the review stamp is incomplete or malformed ({error})", path=path,
                            fix="restore it from version control, or review the catalog again") \
            from None


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not text")
    return value


def make_stamp(catalog: TranslationCatalog, reviewer: str, date: datetime.date,
               same_person: bool = False) -> ReviewStamp:
    """A stamp for ``catalog`` as it stands, reviewed by ``reviewer`` on ``date``.

    The review must be by someone other than the translator (ISO 17100
    revision), unless the reviewer signs, with ``same_person``, that they are
    qualified for both roles.
    """
    reviewer = " ".join(reviewer.split())
    if not reviewer:
        raise HandoutsError("the reviewer's name is empty",
                            fix='give the full name: --reviewer "Full Name"')
    translator = translator_of(catalog)
    if translator and _same_name(reviewer, translator) and not same_person:
        raise HandoutsError(
            f"{reviewer} is also the translator (Last-Translator: {translator}); a review must "
            "be done by someone else", path=catalog.path,
            fix="have another qualified medical translator review it, or, if you are qualified "
                "for both roles, sign that with --same-person")
    return ReviewStamp(reviewer, date, translator, same_person,
                       {message_key(m): fingerprint(m) for m in published_messages(catalog)})


def translator_of(catalog: TranslationCatalog) -> str:
    """The catalog's Last-Translator, without an e-mail address or gettext's placeholder."""
    value = catalog.headers.get("Last-Translator", "")
    name = re.sub(r"\s*<[^>]*>\s*$", "", value).strip()
    return "" if name in ("", "FULL NAME") else name


def _same_name(one: str, other: str) -> bool:
    return " ".join(one.casefold().split()) == " ".join(other.casefold().split())


def write_stamp(stamp: ReviewStamp, path: Path, catalog: TranslationCatalog) -> None:
    """Write ``stamp`` as TOML, one table per message with its English, atomically."""
    import tomlkit

    document = tomlkit.document()
    document.add(tomlkit.comment(
        f"Review of {path.with_name(catalog.path.name).name}, written by "
        "`build_pdfs.py review`. Each message is listed with the fingerprint of its"))
    document.add(tomlkit.comment(
        "context, English and translation as reviewed; a message that changes is no longer "
        "reviewed."))
    document["reviewer"] = stamp.reviewer
    document["date"] = stamp.date
    document["translator"] = stamp.translator
    document["same_person"] = stamp.same_person
    messages = tomlkit.aot()
    for message in published_messages(catalog):
        key = message_key(message)
        if key in stamp.fingerprints:
            entry = tomlkit.table()
            entry["english"] = key
            entry["fingerprint"] = stamp.fingerprints[key]
            messages.append(entry)
    document["message"] = messages
    write_atomic(path, tomlkit.dumps(document).encode("utf-8"))
