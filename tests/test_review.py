"""Review is bound to the text: a stamp makes a language reviewed while its text
stays as reviewed; any change makes it a draft again; drafts say so everywhere;
a publication policy keeps drafts off a production page; and a published
language never vanishes because of a mistake."""

from __future__ import annotations

import tomllib

import pytest

from conftest import ALL_BUT_ONE, LANGUAGE_CODES, MESSAGES, SLUG, cli, manifest_languages, pdf_text, read_manifest

LETTER = ("--paper", "letter", "--edition", "standard")


def review(root, code="es", *args):
    return cli("--root", root, "review", code, *args)


def spanish_entry(out_dir):
    return next(l for l in manifest_languages(out_dir) if l["code"] == "es")


def retranslate(root, old, new, code="es"):
    catalog = root / f"locales/{code}/LC_MESSAGES/handouts.po"
    text = catalog.read_text(encoding="utf-8")
    assert f'msgstr "{old}"' in text
    catalog.write_text(text.replace(f'msgstr "{old}"', f'msgstr "{new}"'), encoding="utf-8")
    return catalog


def line_of(path, text):
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


@pytest.mark.slow
def test_a_review_stamp_makes_the_pdfs_page_and_manifest_credit_the_reviewer(project_copy, tmp_path):
    result = review(project_copy, "es", "--reviewer", "Ana Ruiz", "--date", "2027-01-31")
    assert result.returncode == 0, result.stderr
    assert f"{MESSAGES} message(s) reviewed by Ana Ruiz on 2027-01-31" in result.stdout
    stamp = tomllib.loads((project_copy / "locales/es/LC_MESSAGES/handouts.review.toml")
                          .read_text(encoding="utf-8"))
    assert (stamp["reviewer"], str(stamp["date"]), stamp["translator"], stamp["same_person"]) == (
        "Ana Ruiz", "2027-01-31", "handouts project", False)
    assert len(stamp["message"]) == MESSAGES and stamp["message"][0]["english"]

    assert cli("--root", project_copy, "--lang", "es", *LETTER, "--out", tmp_path).returncode == 0
    for page in pdf_text(tmp_path / SLUG / f"{SLUG}.es.letter.standard.pdf"):
        assert "Traducción revisada por Ana Ruiz el 31 de enero de 2027." in page
        assert "Draft translation" not in page and "Traducción preliminar" not in page
    spanish = spanish_entry(tmp_path)
    assert (spanish["review"], spanish["reviewer"], spanish["reviewed"]) == (
        "reviewed", "Ana Ruiz", "2027-01-31")
    assert (spanish["reviewed_messages"], spanish["changed_since_review"]) == (100.0, 0)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Translation reviewed by Ana Ruiz on January 31, 2027." in page


@pytest.mark.slow
def test_an_edit_after_review_makes_it_a_draft_again_until_a_new_review(project_copy, tmp_path):
    assert review(project_copy, "es", "--reviewer", "Ana Ruiz", "--date", "2027-01-31").returncode == 0
    catalog = retranslate(project_copy, "Referencias", "Fuentes")

    check = cli("--root", project_copy, "check", "es")
    assert check.returncode == 0  # a warning: the text may change, it just is a draft again
    line = line_of(catalog, 'msgstr "Fuentes"') - 1
    assert f"handouts.po:{line}: warning: [changed-since-review] 'References' is not as reviewed " \
        "by Ana Ruiz on 2027-01-31" in check.stdout
    [row] = __import__("json").loads(cli("--root", project_copy, "stats", "--json", "es").stdout)
    assert (row["reviewed"], row["review"]) == (MESSAGES - 1, "draft")

    assert cli("--root", project_copy, "--lang", "es", *LETTER, "--out", tmp_path).returncode == 0
    pdf = tmp_path / SLUG / f"{SLUG}.es.letter.standard.pdf"
    assert all("Draft translation" in page and "Ana Ruiz" not in page for page in pdf_text(pdf))
    spanish = spanish_entry(tmp_path)
    assert (spanish["review"], spanish["reviewed_messages"], spanish["changed_since_review"]) == (
        "draft", ALL_BUT_ONE, 1)
    assert "reviewer" not in spanish

    assert review(project_copy, "es", "--reviewer", "Luis Gómez", "--date", "2027-02-03").returncode == 0
    assert cli("--root", project_copy, "--lang", "es", *LETTER, "--out", tmp_path).returncode == 0
    assert all("Traducción revisada por Luis Gómez" in page for page in pdf_text(pdf))
    assert spanish_entry(tmp_path)["review"] == "reviewed"


@pytest.mark.slow
def test_a_change_of_the_english_undoes_the_review_of_that_message(project_copy, tmp_path):
    assert review(project_copy, "es", "--reviewer", "Ana Ruiz", "--date", "2027-01-31").returncode == 0
    template = project_copy / "templates/breast-cancer-recurrence/handout.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "Talk with your doctor", "Talk with your care team"), encoding="utf-8")
    assert cli("--root", project_copy, "extract").returncode == 0
    assert cli("--root", project_copy, "update", "es").returncode == 0
    catalog = project_copy / "locales/es/LC_MESSAGES/handouts.po"
    # The translator accepts the old translation for the new English.
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        '#, fuzzy\n#| msgid "Talk with your doctor"\n', ""), encoding="utf-8")
    check = cli("--root", project_copy, "check", "es")
    assert "[changed-since-review] 'Talk with your care team'" in check.stdout
    assert cli("--root", project_copy, "--lang", "es", *LETTER, "--out", tmp_path).returncode == 0
    assert spanish_entry(tmp_path)["review"] == "draft"


def test_a_reviewer_who_is_the_translator_must_sign_for_both_roles(project_copy):
    stamp = project_copy / "locales/es/LC_MESSAGES/handouts.review.toml"
    refused = review(project_copy, "es", "--reviewer", "Handouts  Project")
    assert refused.returncode == 2
    assert "is also the translator (Last-Translator: handouts project)" in refused.stderr
    assert "--same-person" in refused.stderr and not stamp.exists()
    signed = review(project_copy, "es", "--reviewer", "handouts project", "--same-person")
    assert signed.returncode == 0, signed.stderr
    assert tomllib.loads(stamp.read_text(encoding="utf-8"))["same_person"] is True


@pytest.mark.parametrize("args, message", [
    (("xx", "--reviewer", "Ana Ruiz"), "unknown language code xx"),
    (("en", "--reviewer", "Ana Ruiz"), "the source language has no catalog"),
    (("es", "--reviewer", "Ana Ruiz", "--date", "31/01/2027"), "write it as YYYY-MM-DD"),
    (("es", "--reviewer", "   "), "the reviewer's name is empty"),
])
def test_a_review_with_bad_input_is_refused_and_writes_no_stamp(project_copy, args, message):
    result = review(project_copy, *args)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert not list(project_copy.rglob("handouts.review.toml"))


def test_a_catalog_with_a_check_error_cannot_be_reviewed(project_copy):
    retranslate(project_copy, "Referencias", "<b>Referencias</b>")
    result = review(project_copy, "es", "--reviewer", "Ana Ruiz")
    assert result.returncode == 2
    assert "[markup]" in result.stderr and "fix the catalog first" in result.stderr
    assert not list(project_copy.rglob("handouts.review.toml"))


def test_a_language_marked_reviewed_by_hand_is_refused(project_copy):
    languages = project_copy / "locales/languages.toml"
    languages.write_text(languages.read_text(encoding="utf-8").replace(
        '[es]\nscript = "Latn"\nreview = "draft"',
        '[es]\nscript = "Latn"\nreview = { status = "reviewed", reviewer = "Ana Ruiz", date = 2027-01-31 }'),
        encoding="utf-8")
    result = cli("--root", project_copy, "stats")
    assert result.returncode == 2
    assert "[es] says it is reviewed" in result.stderr and "build_pdfs.py review es" in result.stderr


@pytest.mark.slow
def test_publish_reviewed_lists_only_languages_reviewed_as_they_stand(project_copy, tmp_path):
    languages = ("--lang", "en", "--lang", "es", "--lang", "fr")
    assert cli("--root", project_copy, *languages, *LETTER, "--out", tmp_path).returncode == 0
    assert [l["code"] for l in manifest_languages(tmp_path)] == ["en", "es", "fr"]
    assert review(project_copy, "es", "--reviewer", "Ana Ruiz").returncode == 0

    result = cli("--root", project_copy, "--lang", "en", "--lang", "es", *LETTER,
                 "--publish", "reviewed", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "withdrawn fr: a draft" in result.stdout
    assert [l["code"] for l in manifest_languages(tmp_path)] == ["en", "es"]
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Français" not in page and "Draft translation" not in page

    # The same setting from pyproject.toml; a draft asked for by name gives no PDF: exit 1.
    (project_copy / "pyproject.toml").write_text('[tool.handouts]\npublish = "reviewed"\n')
    result = cli("--root", project_copy, "--lang", "fr", *LETTER, "--out", tmp_path / "fr")
    assert result.returncode == 1
    assert 'skipped  fr: not reviewed as it stands; publish = "reviewed"' in result.stdout
    assert "fr was asked for, and no PDF of it was built" in result.stderr
    # Reviewers still build a draft elsewhere, to read it.
    result = cli("--root", project_copy, "--lang", "fr", *LETTER, "--publish", "drafts",
                 "--out", tmp_path / "for-review")
    assert result.returncode == 0 and "1 built" in result.stdout


@pytest.mark.slow
def test_a_published_language_with_a_mistake_is_held_at_its_last_good_version(project_copy, tmp_path):
    options = ("--lang", "en", "--lang", "es", *LETTER, "--out", tmp_path)
    assert cli("--root", project_copy, *options).returncode == 0
    before = spanish_entry(tmp_path)
    catalog = retranslate(project_copy, "Referencias", "<b>Referencias</b>")

    result = cli("--root", project_copy, *options)
    assert result.returncode == 1
    line = line_of(catalog, 'msgstr "<b>Referencias</b>"') - 1
    assert "held     es at its last good version" in result.stderr
    assert f"handouts.po:{line}: error: [markup]" in result.stderr
    assert spanish_entry(tmp_path) == before  # same files, same checksums
    assert "Español" in (tmp_path / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_an_unfinished_language_never_published_is_skipped_with_exit_0(project_copy, tmp_path):
    retranslate(project_copy, "Referencias", "")
    result = cli("--root", project_copy, *LETTER, "--out", tmp_path)
    assert result.returncode == 0
    assert f"skipped  es: {ALL_BUT_ONE:g}% translated, 100% needed" in result.stdout
    codes = [l["code"] for l in read_manifest(tmp_path)["handouts"][0]["languages"]]
    assert "es" not in codes and len(codes) == len(LANGUAGE_CODES) - 1
    result = cli("--root", project_copy, "--lang", "es", *LETTER, "--out", tmp_path)
    assert result.returncode == 1 and "es was asked for" in result.stderr
