"""Each check fires on a catalog with its mistake, at the right line, and is silent on good ones."""

from __future__ import annotations

import json
import os

import pytest

from handouts.catalogs import read_catalog
from handouts.checks import CHECKS, check_file
from handouts.glossary import glossary_path, read_glossary

from conftest import ROOT, cli
from test_safety import set_translations

HEADER = ('msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')

GOOD = HEADER + '''#, python-format
msgid "Call %(phone)s"
msgstr "Llame al %(phone)s"

msgid "Version 7.2021 at https://example.org/a, or mail help@example.org."
msgstr "Versión 7.2021 en https://example.org/a, o escriba a help@example.org."

msgid "A <strong>recurrence</strong> is treated."
msgstr "Una <strong>recurrencia</strong> se trata."

msgid "One page"
msgid_plural "%(n)s pages"
msgstr[0] "Una página"
msgstr[1] "%(n)s páginas"

msgid "Questions:"
msgstr "Preguntas:"
'''

# check name: (the GOOD text to change, what to write instead, the line the finding names)
MISTAKES = {
    "po-syntax": ('msgstr "Preguntas:"', 'msgstr "Preguntas:', 23),
    "encoding": ('msgstr "Preguntas:"', 'msgstr "Pregunt\udce1s:"', 23),
    "headers": ('"Language: es\\n"', '"Language: fr\\n"', 1),
    "placeholders": ('"Llame al %(phone)s"', '"Llame al %(telefono)s"', 8),
    "markup": ('"Una <strong>recurrencia</strong> se trata."', '"Una <b>recurrencia</b> se trata."', 14),
    "numbers": ('"Versión 7.2021 en', '"Versión 7.2012 en', 11),
    "plural-forms": ('msgstr[1] "%(n)s páginas"', 'msgstr[1] ""', 17),
    "untranslated": ('msgstr "Preguntas:"', 'msgstr ""', 22),
    "fuzzy": ('msgid "Questions:"', '#, fuzzy\nmsgid "Questions:"', 23),
    "whitespace": ('msgstr "Preguntas:"', 'msgstr " Preguntas:"', 22),
    "end-punctuation": ('msgstr "Preguntas:"', 'msgstr "Preguntas"', 22),
    "private-use": ('msgstr "Preguntas:"', 'msgstr "Preguntas\ue000:"', 22),
    # An accent typed after a space: the shaper would hang it on a dotted circle.
    "broken-cluster": ('msgstr "Preguntas:"', 'msgstr "Pregunta \u0301s:"', 22),
    "bidi-controls": ('"Llame al %(phone)s"', '"Llame al \u202e%(phone)s"', 8),
    "length": ('msgstr "Preguntas:"', 'msgstr "' + "Preguntas, " * 8 + 'preguntas:"', 22),
    "size": ('msgstr "Preguntas:"', 'msgstr "Preguntas' + "?" * 70_000 + ':"', 22),
    "same-translation": ('msgstr "Preguntas:"', 'msgstr "Una <strong>recurrencia</strong> se trata."', 22),
}


def write(tmp_path, text, name="catalog.po"):
    path = tmp_path / name
    # "\udce1" stands for the lone byte 0xE1: Latin-1 "á" inside a UTF-8 file.
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    return path


def test_every_check_has_a_case_here():
    # outdated and file: below; changed-since-review: test_review; glossary: test_glossary
    assert set(MISTAKES) | {"outdated", "file", "changed-since-review", "glossary",
                            "script"} == set(CHECKS)


def test_good_catalog_has_no_findings(tmp_path):
    assert check_file(write(tmp_path, GOOD), "es") == []


def test_project_catalogs_have_no_findings(project):
    template = read_catalog(project.template_catalog)
    for language in project.languages.values():
        if language.catalog:
            glossary = read_glossary(glossary_path(language.catalog))
            # as the build checks it: with its plural rule and script
            assert check_file(language.catalog, language.locale, language.plural_forms, template,
                              glossary=glossary, writing_system=language.writing_system) == [], \
                language.code


@pytest.mark.parametrize("check", sorted(MISTAKES))
def test_check_fires_on_its_mistake_at_its_line(tmp_path, check):
    old, new, line = MISTAKES[check]
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new))
    fired = [f for f in check_file(path, "es") if f.check == check]
    assert fired, check_file(path, "es")
    assert (fired[0].line, fired[0].severity) == (line, CHECKS[check].severity)
    assert str(fired[0]).startswith(f"{path}:{line}: {CHECKS[check].severity}: [{check}]")


def test_bidi_override_before_the_helpline_number_is_an_error_at_its_line(project_copy):
    # U+202E before the number prints "5432-722-008-1" in every PDF of the language.
    path = set_translations(project_copy, {"Call %(phone)s": "Llame al \u202e%(phone)s"})
    line = read_catalog(path).messages.get("Call %(phone)s").lineno
    result = cli("--root", project_copy, "check", "es")
    assert result.returncode == 1
    assert (f"{path}:{line}: error: [bidi-controls] bidi control character "
            "U+202E RIGHT-TO-LEFT OVERRIDE") in result.stdout


def test_a_number_the_english_lacks_is_an_error(project_copy):
    path = set_translations(project_copy, {
        "Call %(phone)s": "Llame al 1-900-555-0100 o al %(phone)s"})
    line = read_catalog(path).messages.get("Call %(phone)s").lineno
    result = cli("--root", project_copy, "check", "es")
    assert result.returncode == 1
    assert (f"{path}:{line}: error: [numbers] number 1-900-555-0100 is not in the English"
            in result.stdout)


@pytest.mark.parametrize("translation, problem", [
    ("Versión ۷.۲۰۲۱ en https://example.org/a, o escriba a help@example.org.", None),
    ("Versión ７.２０２１ en https://example.org/a, o escriba a help@example.org.", None),
    ("Versión ۷.۲۰۱۲ en https://example.org/a, o escriba a help@example.org.",
     "number 7.2021 of the English is missing"),
    ("Versión 7.2021 en https://example.org/a, o escriba a help@example.org o llame al "
     "&#49;-900-555-0100.", "number 1-900-555-0100 is not in the English"),
    ("Versión 7.2021 en https://example.org/a, o escriba a help@example.org o a ayuda@example.net.",
     "e-mail address ayuda@example.net is not in the English"),
    ("Versión 7.2021 en https://example.org/a, o llame a <a href=\\\"tel:+19005550100\\\">ayuda</a>"
     " o escriba a help@example.org.", "URL tel:+19005550100 is not in the English"),
])
def test_numbers_compare_by_value_and_nothing_may_be_added(tmp_path, translation, problem):
    path = write(tmp_path, GOOD.replace(
        '"Versión 7.2021 en https://example.org/a, o escriba a help@example.org."', f'"{translation}"'))
    messages = [f.message for f in check_file(path, "es") if f.check == "numbers"]
    assert (problem in messages) if problem else messages == []


def test_a_digit_for_a_number_the_english_spells_out_is_fine(tmp_path):
    # As the Japanese catalog writes "three kinds" as 3つ.
    text = HEADER + 'msgid "There are three kinds."\nmsgstr "3つの種類があります。"\n'
    assert check_file(write(tmp_path, text), "es") == []
    wrong = text.replace("3つ", "4つ")
    assert [f.message for f in check_file(write(tmp_path, wrong), "es")] == [
        "number 4 is not in the English"]


@pytest.mark.parametrize("translation", [
    "Llame al %(phone)s o al %(phone", "Llame al %(phone)", "Llame al %(phone)x"])
def test_a_malformed_placeholder_is_an_error(tmp_path, translation):
    path = write(tmp_path, GOOD.replace('"Llame al %(phone)s"', f'"{translation}"'))
    messages = [f.message for f in check_file(path, "es") if f.check == "placeholders"]
    assert any(m.startswith("malformed placeholder %(phone") for m in messages), messages


def test_outdated_catalog_is_reported_against_the_template(tmp_path):
    template = read_catalog(write(tmp_path, GOOD + '\nmsgid "New in English"\nmsgstr ""\n',
                                  name="t.pot"))
    findings = check_file(write(tmp_path, GOOD), "es", template=template)
    assert [f.check for f in findings] == ["outdated"]
    assert "New in English" in findings[0].message


@pytest.mark.parametrize("make, reason", [
    (lambda path: path.mkdir(), "this is a folder, not a PO file"),
    (os.mkfifo, "not a regular file (a device, pipe or socket)"),  # read, it would never end
    (lambda path: path.symlink_to(ROOT / "locales/es/LC_MESSAGES/handouts.po"),
     "the catalog is a symbolic link; a catalog is read only from a regular file"),
    (lambda path: None, "the catalog does not exist"),
])
def test_a_catalog_that_is_not_a_regular_file_is_a_file_error(tmp_path, make, reason):
    path = tmp_path / "catalog.po"
    make(path)
    [finding] = check_file(path, "es")
    assert str(finding) == f"{path}: error: [file] {reason}"


def test_markup_check_rejects_unbalanced_and_unsafe_links(tmp_path):
    for bad in ('"Una <strong>recurrencia se trata."',
                '"Una <a href=\\"javascript:alert(1)\\">recurrencia</a> se trata."'):
        path = write(tmp_path, GOOD.replace('"Una <strong>recurrencia</strong> se trata."', bad))
        messages = [f.message for f in check_file(path, "es") if f.check == "markup"]
        assert messages, bad


def test_plural_forms_header_must_match_cldr(tmp_path):
    # Spanish has 2 forms in gettext's table and 3 in CLDR's (one, many, other): either passes.
    bad = GOOD.replace("nplurals=2; plural=(n != 1);", "nplurals=4; plural=(n%4);")
    [finding] = [f for f in check_file(write(tmp_path, bad), "es") if f.check == "headers"]
    assert 'should be "Plural-Forms: nplurals=2; plural=(n != 1);"' in finding.message



def test_check_command_takes_a_file_exits_1_on_errors_and_names_file_and_line(tmp_path):
    path = write(tmp_path, GOOD.replace('"Llame al %(phone)s"', '"Llame al 1-800-000-0000"'))
    result = cli("check", str(path))
    assert result.returncode == 1
    assert f"{path}:8: error: [placeholders] missing %(phone)s" in result.stdout
    as_json = json.loads(cli("check", "--json", str(path)).stdout)
    assert [f for f in as_json if f["check"] == "placeholders"][0]["line"] == 8


def test_check_command_exits_0_when_only_warnings(tmp_path):
    path = write(tmp_path, GOOD.replace('msgstr "Preguntas:"', 'msgstr ""'))
    result = cli("check", str(path))
    assert result.returncode == 0
    assert "[untranslated]" in result.stdout


@pytest.mark.slow
def test_check_command_on_the_project_languages_is_clean():
    result = cli("check")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("0 error(s), 0 warning(s)")


def test_every_check_is_explained_in_the_translators_guide():
    guide = (ROOT / "docs/translating.md").read_text(encoding="utf-8")
    for name, check in CHECKS.items():
        assert f"| `{name}` | {check.severity} |" in guide, name


def test_a_catalog_in_another_script_than_its_language_is_a_warning_at_its_line(project_copy):
    # Ukrainian in Cyrillic is right; the same Cyrillic text in a Marathi catalog is not.
    assert cli("--root", project_copy, "init", "mr").returncode == 0
    catalog = project_copy / "locales/mr/LC_MESSAGES/handouts.po"
    text = catalog.read_text(encoding="utf-8")
    for english, translation in (("References", "Посилання"), ("Think about a clinical trial",
                                                               "क्लिनिकल चाचणीचा विचार करा")):
        text = text.replace(f'msgid "{english}"\nmsgstr ""', f'msgid "{english}"\nmsgstr "{translation}"')
    catalog.write_text(text, encoding="utf-8")
    line = text.splitlines().index('msgstr "Посилання"')  # the msgid's line, 1-based
    result = cli("--root", project_copy, "check", "mr")
    found = [l for l in result.stdout.splitlines() if "[script]" in l]
    assert found == [f"{catalog}:{line}: warning: [script] most letters are Cyrillic, "
                     "but the language is written in Deva"]


def test_a_previous_msgid_cut_across_lines_is_a_syntax_error_at_its_line(tmp_path):
    """What GNU gettext and Poedit reject behind ``#|`` is an error too, though
    Babel reads such lines as comments."""
    broken = GOOD.replace('msgid "Questions:"', '#, fuzzy\n#| msgid "" "Questions\n#| :"\nmsgid "Questions:"')
    findings = check_file(write(tmp_path, broken), "es")
    assert [(f.check, f.line) for f in findings if f.severity == "error"] == [("po-syntax", 23)]
    good = GOOD.replace('msgid "Questions:"', '#, fuzzy\n#| msgid ""\n#| "Questions"\nmsgid "Questions:"')
    assert [f.check for f in check_file(write(tmp_path, good, "good.po"), "es")] == ["fuzzy"]
