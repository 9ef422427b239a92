"""Translation vendors' files: XLIFF 1.2 out, XLIFF 1.2 or PO back in.

Agencies translate in CAT tools (Trados, memoQ, Phrase), which exchange XLIFF.
``export_xliff`` writes one language's catalog as XLIFF 1.2 with
translate-toolkit: each unit has a stable id (from its context and English),
the English, the translation, the translator's notes and source lines, and a
state (new, needs-review-translation for fuzzy, translated, or final when it is
reviewed as it stands). Placeholders and the allowed inline tags are written as
XLIFF inline elements (``<ph>``, ``<bpt>``/``<ept>``) holding the code, so a CAT
tool moves them as units and cannot break them.

A language's glossary goes with it as TBX (``export_tbx``), so the CAT tool
shows the approved terms. ``read_incoming`` reads what comes back (an XLIFF file, or a vendor's PO file)
into plain records with their line in that file; ``apply_incoming`` checks them
all against the current catalog and applies them only if nothing is refused.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from lxml import etree

from .catalogs import TranslationCatalog, first_form, read_catalog
from .checks import ERROR, CheckContext, check_catalog
from .errors import HandoutsError
from .glossary import Glossary
from .markup import Tag, tokenize
from .review import ReviewStamp, fingerprint, message_key

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
_PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[sdifr]|%%|\{\w*\}|%[sdif]")


def unit_id(message: Message, form: int | None = None) -> str:
    """A unit's stable id: a hash of the message's context and English (and form)."""
    digest = hashlib.sha256(message_key(message).encode("utf-8")).hexdigest()[:16]
    return digest if form is None else f"{digest}[{form}]"


def export_xliff(catalog: TranslationCatalog, target_language: str,
                 stamp: ReviewStamp | None = None) -> bytes:
    """The catalog as an XLIFF 1.2 document, one unit per message (per form of a plural)."""
    from translate.storage import xliff

    original = catalog.path.name
    skeleton = (f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="{XLIFF_NS}" '
                f'version="1.2"><file original="{original}" source-language="en" '
                f'target-language="{target_language}" datatype="po"><body/></file></xliff>')
    document = xliff.xlifffile.parsestring(skeleton.encode("utf-8"))
    for message in catalog.messages:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        plural = len(english) > 1
        for form, translation in enumerate(strings):
            unit = document.addsourceunit("", filename=original)
            unit.setid(unit_id(message, form if plural else None))
            if message.context:
                unit.xmlelement.set("resname", message.context)
            source = english[min(form, len(english) - 1)]
            _fill(_child(unit.xmlelement, "source"), source, source)
            if translation:
                target = _child(unit.xmlelement, "target")
                _fill(target, translation, source)
                target.set("state", _state(message, stamp))
                if target.get("state") == "final":
                    unit.xmlelement.set("approved", "yes")
            if message.auto_comments:  # Babel keeps a comment's lines apart; one note
                unit.addnote(" ".join(message.auto_comments), origin="developer")
            for filename, line in message.locations:
                unit.addlocation(f"{filename}:{line}" if line else filename)
    etree.cleanup_namespaces(document.document.getroot())
    return bytes(document)


def export_tbx(glossary: Glossary, target_language: str) -> bytes:
    """A language's glossary as TBX, the term base format CAT tools import."""
    from translate.storage import tbx

    document = tbx.tbxfile(sourcelanguage="en", targetlanguage=target_language)
    for term in glossary.terms:
        unit = document.addsourceunit(term.source)
        unit.settarget(term.target)
        if term.note:
            unit.addnote(term.note, origin="translator")
    return bytes(document)


def _state(message: Message, stamp: ReviewStamp | None) -> str:
    if message.fuzzy:
        return "needs-review-translation"
    if stamp is not None and stamp.fingerprints.get(message_key(message)) == fingerprint(message):
        return "final"
    return "translated"


def _child(unit: etree._Element, name: str) -> etree._Element:
    found = unit.find(f"{{{XLIFF_NS}}}{name}")
    if found is None:
        found = etree.Element(f"{{{XLIFF_NS}}}{name}")
        source = unit.find(f"{{{XLIFF_NS}}}source")
        if source is not None and name == "target":
            source.addnext(found)
        else:
            unit.insert(0, found)
    for child in list(found):
        found.remove(child)
    found.text = None
    return found


def _codes(text: str) -> list[tuple[str, str | Tag | None]]:
    """``text`` as (piece, kind) pairs: plain text (None), a placeholder ("ph"), or a Tag."""
    pieces: list[tuple[str, str | Tag | None]] = []
    for piece in tokenize(text):
        if isinstance(piece, Tag):
            pieces.append((piece.written, piece))
            continue
        position = 0
        for match in _PLACEHOLDER.finditer(piece):
            if match.start() > position:
                pieces.append((piece[position:match.start()], None))
            pieces.append((match[0], "ph"))
            position = match.end()
        if position < len(piece):
            pieces.append((piece[position:], None))
    return pieces


def _is_paired(kind) -> bool:
    """Whether a code is one half of a tag pair (<bpt>/<ept>) rather than a lone <ph>."""
    return isinstance(kind, Tag) and not kind.problem and not kind.self_closing \
        and kind.name != "br"


def _code_ids(text: str) -> list[tuple[str, object, str]]:
    """Each code of ``text`` with its XLIFF id: placeholders and lone tags numbered in
    turn, and a closing tag sharing the id of the tag it closes (XLIFF 1.2 pairs a
    <bpt> and its <ept> by id)."""
    codes, open_tags, number = [], [], 0
    for piece, kind in _codes(text):
        if kind is None:
            codes.append((piece, None, ""))
        elif _is_paired(kind) and kind.closing:
            match = next((i for i in range(len(open_tags) - 1, -1, -1)
                          if open_tags[i][0] == kind.name), None)
            if match is None:
                number += 1
                codes.append((piece, kind, str(number)))
            else:
                codes.append((piece, kind, open_tags.pop(match)[1]))
        else:
            number += 1
            codes.append((piece, kind, str(number)))
            if _is_paired(kind):
                open_tags.append((kind.name, str(number)))
    return codes


def _fill(element: etree._Element, text: str, source: str) -> None:
    """Write ``text`` into ``element`` with its codes as XLIFF inline elements.

    Ids follow the English: the n-th occurrence of a code gets the id that the
    n-th occurrence of the same code has in ``source``, so a CAT tool pairs them.
    """
    ids: dict[str, list[str]] = {}
    for piece, kind, code_id in _code_ids(source):
        if kind is not None:
            ids.setdefault(piece, []).append(code_id)
    used: dict[str, int] = {}
    last = None
    for piece, kind, own_id in _code_ids(text):
        if kind is None:
            if last is None:
                element.text = (element.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece
            continue
        index = used.get(piece, 0)
        used[piece] = index + 1
        known = ids.get(piece, [])
        code_id = known[index] if index < len(known) else f"t{own_id}"
        if _is_paired(kind) and kind.closing:
            last = etree.SubElement(element, f"{{{XLIFF_NS}}}ept", id=code_id)
        elif _is_paired(kind):
            last = etree.SubElement(element, f"{{{XLIFF_NS}}}bpt", id=code_id,
                                    ctype=f"x-html-{kind.name}")
        else:
            last = etree.SubElement(element, f"{{{XLIFF_NS}}}ph", id=code_id)
        last.text = piece


@dataclass(frozen=True)
class Incoming:
    """One translation coming back from a vendor, with where it stands in their file."""

    line: int | None
    unit: str  # the unit's id (XLIFF), or its context and English (PO): see unit_id
    context: str | None
    english: tuple[str, ...]
    translation: tuple[str, ...]  # empty strings where not translated
    fuzzy: bool


def read_incoming(path: Path) -> tuple[str | None, list[Incoming]]:
    """(target language, translations) of a vendor's XLIFF or PO file."""
    if path.suffix.lower() in (".xlf", ".xliff"):
        return _read_xliff(path)
    if path.suffix.lower() == ".po":
        catalog = read_catalog(path)
        incoming = [Incoming(m.lineno, message_key(m), m.context,
                             tuple(m.id) if isinstance(m.id, (tuple, list)) else (m.id,),
                             tuple(m.string) if isinstance(m.string, (tuple, list)) else (m.string,),
                             m.fuzzy)
                    for m in catalog.messages if m.id]
        return catalog.headers.get("Language") or None, incoming
    raise HandoutsError("not an XLIFF (.xlf) or PO (.po) file", path=path,
                        fix="import the .xlf file the export wrote, or a .po file")


def _read_xliff(path: Path) -> tuple[str | None, list[Incoming]]:
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except (OSError, etree.XMLSyntaxError) as error:
        raise HandoutsError(f"not a readable XLIFF file: {error}", path=path,
                            line=getattr(error, "lineno", None),
                            fix="export it again from the CAT tool as XLIFF 1.2") from None
    root = tree.getroot()
    namespace = root.tag.partition("}")[0].lstrip("{") if root.tag.startswith("{") else ""
    if root.tag != f"{{{namespace}}}xliff" or "xliff" not in namespace:
        raise HandoutsError("not an XLIFF document", path=path, line=root.sourceline,
                            fix="export it again from the CAT tool as XLIFF 1.2")
    q = f"{{{namespace}}}"
    file = root.find(f"{q}file")
    language = file.get("target-language") if file is not None else None
    units: dict[str, list] = {}
    for unit in root.iter(f"{q}trans-unit"):
        identifier = unit.get("id", "")
        base, _, form = identifier.partition("[")
        source = unit.find(f"{q}source")
        target = unit.find(f"{q}target")
        state = target.get("state", "") if target is not None else ""
        units.setdefault(base, []).append((
            unit.sourceline, unit.get("resname"), int(form.rstrip("]") or 0) if form else 0,
            "".join(source.itertext()) if source is not None else "",
            "".join(target.itertext()) if target is not None else "",
            state.startswith("needs-review") or state in ("needs-adaptation", "needs-l10n")))
    incoming = []
    for base, forms in units.items():
        forms.sort(key=lambda item: item[2])
        english = tuple(dict.fromkeys(item[3] for item in forms))
        incoming.append(Incoming(forms[0][0], base, forms[0][1], english,
                                 tuple(item[4] for item in forms),
                                 any(item[5] for item in forms)))
    return language, incoming


@dataclass(frozen=True)
class Refusal:
    """Why one incoming translation cannot be taken, at its line of the incoming file."""

    line: int | None
    message: str


def apply_incoming(catalog: TranslationCatalog, incoming: list[Incoming],
                   context: CheckContext) -> tuple[Catalog | None, list[Refusal]]:
    """The catalog with the incoming translations and fuzzy flags, and what was refused.

    All or nothing: if anything is refused, or nothing would change, the catalog
    returned is None (nothing to write). Nothing but translations and fuzzy
    flags changes, and an empty incoming target never erases a translation.
    """
    by_unit = {}
    for message in catalog.messages:
        if message.id:
            by_unit[unit_id(message)] = message
            by_unit[message_key(message)] = message
    merged = copy.deepcopy(catalog.messages)
    refusals: list[Refusal] = []
    changed: dict[str, int | None] = {}  # message key -> incoming line
    for item in incoming:
        current = by_unit.get(item.unit)
        english = current and (current.id if isinstance(current.id, (tuple, list)) else (current.id,))
        if current is None or tuple(english[:len(item.english)]) != item.english[:len(english)]:
            refusals.append(Refusal(item.line, f"the English of this unit is not the current "
                                               f"English ({item.english[0][:50]!r}): export again"))
            continue
        target = merged.get(current.id, context=current.context)
        strings = item.translation if isinstance(current.string, (tuple, list)) else item.translation[:1]
        new_string = tuple(strings) if isinstance(current.string, (tuple, list)) else strings[0]
        fuzzy = item.fuzzy and bool(first_form(new_string))
        if new_string == current.string and fuzzy == current.fuzzy:
            continue
        if not first_form(new_string) and first_form(current.string):
            continue  # an empty target never erases a translation
        target.string = new_string
        if fuzzy:
            target.flags.add("fuzzy")
        else:
            target.flags.discard("fuzzy")
        changed[message_key(current)] = item.line
    if refusals or not changed:
        return None, refusals
    checked = TranslationCatalog(path=catalog.path, text=catalog.text, messages=merged,
                                 headers=catalog.headers, stats=catalog.stats)
    for finding in check_catalog(checked, context):
        if finding.severity != ERROR or finding.line is None:
            continue
        message = next((m for m in merged if m.id and m.lineno == finding.line), None)
        if message is not None and message_key(message) in changed:
            refusals.append(Refusal(changed[message_key(message)],
                                    f"[{finding.check}] {finding.message}"))
    return (None if refusals else merged), refusals
