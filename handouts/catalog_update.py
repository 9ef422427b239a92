"""Starting and updating catalogs: ``init`` and ``update``, as ``pybabel`` does them.

``update_catalog`` merges the template into a catalog without ever losing a
translation: a message whose English changed keeps its old translation, marked
fuzzy, with the old English kept as ``#| msgid``; a message the templates no
longer have is kept as obsolete (``#~``), and comes back if the English does.
"""

from __future__ import annotations

import copy
import datetime
import io
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import normalize, write_po

from . import __version__
from .languages import Language
from .output import write_atomic


def init_catalog(template: Catalog, language: Language,
                 now: datetime.datetime | None = None) -> Catalog:
    """A new, empty catalog for ``language`` with every message of ``template``."""
    catalog = Catalog(
        locale=None, domain=template.domain, project="handouts", version=__version__,
        fuzzy=False, language_team=f"{language.english_name}",
        revision_date=now or datetime.datetime.now(datetime.timezone.utc),
        header_comment=(f"# {language.english_name} translation of the handouts.\n"
                        "# A draft until a qualified medical translator reviews it "
                        "(see locales/languages.toml)."))
    catalog.locale = language.locale
    catalog.update(template)
    return catalog


def update_catalog(catalog: Catalog, template: Catalog) -> Catalog:
    """``catalog`` merged with ``template``; the input is left as it was."""
    merged = copy.deepcopy(catalog)
    # An obsolete message whose English is back in the templates is revived,
    # with its translation, as GNU msgmerge does.
    for message in template:
        key = (message.id, message.context) if message.context else message.id
        if message.id and key not in merged and key in merged.obsolete:
            merged[message.id] = merged.obsolete.pop(key)
    merged.update(template, update_creation_date=True)
    return merged


def catalog_bytes(catalog: Catalog, plural_forms: str | None = None) -> bytes:
    """The catalog as a PO file: width 76, previous msgids and obsolete messages kept.

    ``plural_forms`` is the header of a locale CLDR lacks, which Babel leaves out.
    """
    # Babel wraps a long previous msgid as comment text, cutting its quoted
    # strings across lines, which GNU gettext and Poedit reject: each is written
    # as a stand-in and replaced with the strings gettext writes.
    previous = {}
    catalog = copy.deepcopy(catalog)
    for message in catalog:
        if message.previous_id:
            previous[f"@@previous-{len(previous)}@@"] = list(message.previous_id)
            message.previous_id = [f"@@previous-{len(previous) - 1}@@"]
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, include_previous=True)
    data = buffer.getvalue()
    for stand_in, ids in previous.items():
        lines = []
        for keyword, text in zip(("msgid", "msgid_plural"), ids):
            strings = normalize(text, width=76 - 3).split("\n")
            lines.append(f"#| {keyword} {strings[0]}")
            lines.extend(f"#| {string}" for string in strings[1:])
        data = data.replace(f'#| msgid "{stand_in}"'.encode(), "\n".join(lines).encode(), 1)
    if plural_forms and b'"Plural-Forms:' not in data.split(b"\n\n", 1)[0]:
        data = re.sub(rb'("Language: [^"]*"\n)',
                      lambda m: m[1] + f'"Plural-Forms: {plural_forms}\\n"\n'.encode(),
                      data, count=1)
    return data


def write_catalog(catalog: Catalog, path: Path, plural_forms: str | None = None) -> None:
    write_atomic(path, catalog_bytes(catalog, plural_forms))
