"""Catalogs: the committed .pot matches the templates; every catalog is complete and valid."""

from __future__ import annotations

import subprocess

import pytest
from babel.messages.pofile import read_po

from handouts.catalogs import compile_translations, read_catalog
from handouts.extract import extract_messages


def test_committed_template_catalog_matches_the_templates(project):
    extracted = extract_messages(project.templates_dir)
    with open(project.template_catalog, "rb") as file:
        committed = read_po(file)
    assert {m.id for m in committed if m.id} == {m.id for m in extracted if m.id}, (
        "locales/handouts.pot is out of date: run python build_pdfs.py extract")


def test_each_translation_covers_every_message_of_the_template(project):
    with open(project.template_catalog, "rb") as file:
        template_ids = {m.id for m in read_po(file) if m.id}
    for language in project.languages.values():
        if language.catalog is None:
            continue
        catalog = read_catalog(language.catalog, language.locale)
        assert {m.id for m in catalog.messages if m.id} == template_ids, language.code
        assert catalog.percent == 100.0, language.code


def test_catalogs_pass_gnu_msgfmt_check(project):
    for language in project.languages.values():
        if language.catalog is None:
            continue
        result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(language.catalog)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_fuzzy_translations_are_never_compiled(tmp_path):
    path = tmp_path / "fuzzy.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\nmsgid "Call us"\nmsgstr "Llámenos"\n\n'
        'msgid "References"\nmsgstr "Referencias"\n', encoding="utf-8")
    catalog = read_catalog(path, "es")
    translations = compile_translations(catalog)
    assert translations.gettext("Call us") == "Call us"
    assert translations.gettext("References") == "Referencias"
    stats = catalog.stats
    assert (stats.translated, stats.fuzzy, stats.untranslated) == (1, 1, 0)


@pytest.mark.parametrize("content, expected", [
    ('msgid "a"\nmsgstr "b\n', "not a valid PO file"),
    (b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "\xe9"\n',
     "not UTF-8"),
])
def test_unreadable_catalog_is_a_clear_error_naming_the_file(tmp_path, content, expected):
    from handouts import HandoutsError
    path = tmp_path / "bad.po"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(HandoutsError, match=expected) as error:
        read_catalog(path, "es")
    assert str(path) in str(error.value)
