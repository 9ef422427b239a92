"""The glossary: each key term rendered the same way in every message, and a
malformed glossary refused at its line."""

from __future__ import annotations

import pytest

from handouts import load_project
from handouts.catalogs import read_catalog
from handouts.checks import check_file
from handouts.gate import Policy, assess
from handouts.glossary import glossary_path, read_glossary

from conftest import ROOT, cli

SHIPPED = ["es", "zh_Hans", "zh_Hant", "vi", "ko", "ar"]  # folders under locales/

CATALOG = ('msgid ""\nmsgstr ""\n"Language: {locale}\\n"\n'
           '"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: {plural}\\n"\n\n'
           '{flag}msgid "{english}"\nmsgstr "{translation}"\n')
MESSAGE_LINE = 7  # the msgid line of the one message, which a finding names
PLURALS = {"es": "nplurals=2; plural=(n != 1);", "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : "
           "n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
           "zh_Hans": "nplurals=1; plural=0;"}


def glossary_findings(tmp_path, english, translation, rows="recurrence,recurrencia,",
                      locale="es", flag=""):
    """The glossary findings on a catalog of one message, against a glossary of ``rows``."""
    (tmp_path / "glossary.csv").write_text(f"source,target,note\n{rows}\n", encoding="utf-8")
    catalog = tmp_path / "catalog.po"
    catalog.write_text(CATALOG.format(locale=locale, plural=PLURALS[locale], flag=flag,
                                      english=english, translation=translation),
                       encoding="utf-8")
    findings = check_file(catalog, locale, glossary=read_glossary(tmp_path / "glossary.csv"))
    assert not [f for f in findings if f.severity == "error"], findings
    return [f for f in findings if f.check == "glossary"]


def test_a_translation_without_the_approved_term_is_warned_at_its_line(tmp_path):
    [finding] = glossary_findings(tmp_path, "What is a recurrence?", "¿Qué es una recaída?")
    assert str(finding).startswith(f"{tmp_path / 'catalog.po'}:{MESSAGE_LINE}: warning: [glossary]")
    assert "'recurrence'" in finding.message and "'recurrencia'" in finding.message
    assert f"{tmp_path / 'glossary.csv'}:2" in finding.message


def test_a_translation_with_the_approved_term_is_silent(tmp_path):
    assert glossary_findings(tmp_path, "What is a recurrence?", "¿Qué es una recurrencia?") == []


def test_untranslated_and_fuzzy_messages_are_left_to_their_own_checks(tmp_path):
    assert glossary_findings(tmp_path, "What is a recurrence?", "¿Qué es una recaída?",
                             flag="#, fuzzy\n") == []


@pytest.mark.parametrize("english, translation, fires", [
    ("WHAT IS A RECURRENCE?", "¿Qué es una recaída?", True),  # the English in any case
    ("What is a recurrence?", "¿QUÉ ES UNA RECURRENCIA?", False),  # the target in any case
    ("Recurrence", "Recurrencia", False),
])
def test_terms_and_targets_match_in_any_case(tmp_path, english, translation, fires):
    assert bool(glossary_findings(tmp_path, english, translation, rows="Recurrence,recurrencia,")) \
        is fires


@pytest.mark.parametrize("english, translation, fires", [
    ("Recurrences are treated.", "Las recaídas se tratan.", True),  # a plain plural is the term
    ("Recurrences are treated.", "Las recurrencias se tratan.", False),  # the target as a stem
    ("Precancerous cells are not cancerous.", "Las células precancerosas no son malignas.", False),
    ("Cancer", "Tumor maligno", True),
])
def test_terms_match_as_whole_words_or_their_plural(tmp_path, english, translation, fires):
    rows = "recurrence,recurrencia,\ncancer,cáncer,"
    assert bool(glossary_findings(tmp_path, english, translation, rows)) is fires


@pytest.mark.parametrize("english, translation, fires", [
    ("In lymph <strong>nodes</strong> nearby.", "En los ganglios <strong>linfáticos</strong> "
                                                "cercanos.", False),
    ("In lymph nodes nearby.", "En los ganglios cercanos.", True),
    ("In lymph fluid, or in nodes.", "En la linfa o en los nódulos.", False),  # not the phrase
])
def test_a_term_of_several_words_matches_as_a_phrase_across_markup(tmp_path, english, translation,
                                                                    fires):
    rows = "lymph nodes,ganglios linfáticos,"
    assert bool(glossary_findings(tmp_path, english, translation, rows)) is fires


@pytest.mark.parametrize("locale, rows, translation, fires", [
    ("zh_Hans", "recurrence,复发,", "什么是复发？", False),
    ("zh_Hans", "recurrence,复发,", "什么是再发？", True),
    ("ar", "recurrence,انتكاس,", "ما هو الانتكاس؟", False),
    ("ar", "recurrence,انتكاسا,", "ما هو انتكاسًا؟", False),  # optional vowel marks are ignored
])
def test_targets_in_scripts_without_case_are_found_as_written(tmp_path, locale, rows, translation,
                                                             fires):
    assert bool(glossary_findings(tmp_path, "What is a recurrence?", translation, rows,
                                  locale=locale)) is fires


BAD_GLOSSARIES = {
    "wrong header": ("english,translation\nrecurrence,recurrencia\n", 1, "source,target,note"),
    "duplicate term": ("source,target,note\nrecurrence,recurrencia,\nRecurrence,recaída,\n", 3,
                       "already in the glossary, at line 2"),
    "empty target": ("source,target,note\nrecurrence,recurrencia,\nmetastatic,,\n", 3,
                     "the target term is empty"),
    "a comma not quoted": ("source,target,note\nrecurrence,recurrencia,one, two\n", 2, "4 fields"),
}


@pytest.mark.parametrize("mistake", sorted(BAD_GLOSSARIES))
def test_a_malformed_glossary_stops_check_with_its_file_and_line(project_copy, mistake):
    text, line, words = BAD_GLOSSARIES[mistake]
    path = project_copy / "locales/es/glossary.csv"
    path.write_text(text, encoding="utf-8")
    result = cli("--root", project_copy, "check", "es")
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{path}:{line}: " in result.stderr and words in result.stderr, result.stderr
    assert "fix: " in result.stderr


def test_a_glossary_that_is_not_utf8_is_refused_at_its_line(project_copy):
    path = project_copy / "locales/es/glossary.csv"
    path.write_bytes("source,target,note\nrecurrence,recurrencia,\nmetastatic,metastásico,\n"
                     .encode("latin-1"))
    result = cli("--root", project_copy, "check", "es")
    assert result.returncode == 2
    assert f"{path}:3: the glossary is not UTF-8" in result.stderr


def test_a_po_file_given_by_path_is_checked_without_a_glossary(project_copy):
    (project_copy / "locales/es/glossary.csv").write_text("not,a,glossary\n", encoding="utf-8")
    result = cli("--root", project_copy, "check",
                 project_copy / "locales/es/LC_MESSAGES/handouts.po")
    assert result.returncode == 0, result.stderr
    assert "0 error(s), 0 warning(s)" in result.stdout


def test_a_malformed_glossary_fails_only_its_language_at_the_gate(project_copy):
    path = project_copy / "locales/es/glossary.csv"
    path.write_text("source,target,note\nrecurrence,,\n", encoding="utf-8")
    project = load_project(project_copy)
    template = read_catalog(project.template_catalog)
    verdict = assess(project.languages["es"], Policy(), template)
    assert verdict.failed and not verdict.publishable
    assert f"{path}:2: the target term is empty" in verdict.reason
    assert assess(project.languages["vi"], Policy(), template).publishable


def test_a_glossary_term_the_catalog_does_not_use_is_reported_by_check(project_copy):
    path = project_copy / "locales/es/glossary.csv"
    path.write_text(path.read_text(encoding="utf-8") + "doctor,doctora,\n", encoding="utf-8")
    result = cli("--root", project_copy, "check", "es")
    assert result.returncode == 0
    assert "warning: [glossary] 'doctor' should be rendered 'doctora'" in result.stdout


@pytest.mark.parametrize("folder", SHIPPED)
def test_each_shipped_glossary_loads_with_terms_the_english_uses(project, folder):
    catalog = ROOT / "locales" / folder / "LC_MESSAGES/handouts.po"
    assert any(language.catalog == catalog for language in project.languages.values())
    glossary = read_glossary(glossary_path(catalog))
    assert glossary is not None and 8 <= len(glossary.terms) <= 15
    english = [text for m in read_catalog(project.template_catalog).messages if m.id
               for text in (m.id if isinstance(m.id, tuple) else (m.id,))]
    for term in glossary.terms:
        assert any(term.occurs_in(text) for text in english), (folder, term.source)
        assert "reviewer" in term.note, (folder, term.source)  # drafts, for the reviewer to confirm

