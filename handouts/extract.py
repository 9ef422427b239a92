"""Extract the translatable text of the templates into the ``.pot`` file.

The same as ``pybabel extract -F babel.cfg -c Translators: -o locales/handouts.pot
templates``, with the project's settings, so translators and the build agree.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from . import __version__
from .output import write_atomic

METHOD_MAP = [("**.html", "jinja2")]
OPTIONS_MAP = {"**.html": {"trimmed": "false"}}
COMMENT_TAGS = ("Translators:",)


def extract_messages(templates_dir: Path, organisation: str = "") -> Catalog:
    """A template catalog of every message in the templates, with its source lines."""
    catalog = Catalog(project="handouts", version=__version__, fuzzy=False,
                      copyright_holder=organisation,
                      header_comment="# Translatable text of the handouts, extracted from templates/.\n"
                                     "# Do not edit: run `python build_pdfs.py extract`.")
    for filename, lineno, message, comments, context in extract_from_dir(
            templates_dir, method_map=METHOD_MAP, options_map=OPTIONS_MAP,
            comment_tags=COMMENT_TAGS, strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def write_template(catalog: Catalog, path: Path) -> None:
    """Write the ``.pot`` file, sorted by source position for a readable diff."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, sort_by_file=True, include_previous=True)
    write_atomic(path, buffer.getvalue())
