"""Languages as data: names and direction from CLDR, or from the data when CLDR lacks them."""

from __future__ import annotations

import pytest

from handouts import HandoutsError
from handouts.languages import load_languages


def write_languages(tmp_path, text):
    path = tmp_path / "languages.toml"
    path.write_text('[en]\nscript = "Latn"\nreview = "source"\n\n' + text, encoding="utf-8")
    return path


def test_names_and_direction_come_from_cldr(tmp_path):
    languages = load_languages(write_languages(tmp_path, '[es]\nscript = "Latn"\n\n[fa]\nscript = "Arab"\n'))
    assert (languages["es"].name, languages["es"].english_name) == ("Español", "Spanish")
    assert languages["es"].direction == "ltr"
    assert (languages["fa"].name, languages["fa"].direction) == ("فارسی", "rtl")
    assert not languages["es"].is_source
    assert languages["es"].catalog == tmp_path / "es/LC_MESSAGES/handouts.po"


def test_language_unknown_to_cldr_without_its_data_names_what_is_missing(tmp_path):
    path = write_languages(tmp_path, '[hmn]\nscript = "Latn"\n')
    with pytest.raises(HandoutsError) as error:
        load_languages(path)
    message = str(error.value)
    assert f"{path}:5:" in message
    assert "no locale 'hmn'" in message
    for key in ("name", "english_name", "direction", "plural_forms"):
        assert key in message


def test_language_unknown_to_cldr_with_its_data_is_accepted(tmp_path):
    languages = load_languages(write_languages(tmp_path, (
        '[hmn]\nscript = "Latn"\nname = "Hmoob"\nenglish_name = "Hmong"\n'
        'direction = "ltr"\nplural_forms = "nplurals=1; plural=0;"\n')))
    assert (languages["hmn"].name, languages["hmn"].english_name) == ("Hmoob", "Hmong")


def test_a_language_marked_reviewed_by_hand_is_refused_with_the_review_command(tmp_path):
    for review in ('"reviewed"', '{ status = "reviewed", reviewer = "Ana Ruiz", date = 2027-01-31 }'):
        path = write_languages(tmp_path, f'[es]\nscript = "Latn"\nreview = {review}\n')
        with pytest.raises(HandoutsError, match=rf"{path}:5: \[es\] says it is reviewed") as error:
            load_languages(path)
        assert 'build_pdfs.py review es --reviewer "Full Name"' in str(error.value)


def test_broken_language_file_points_at_the_line(tmp_path):
    path = write_languages(tmp_path, "[es\nscript = 1\n")
    with pytest.raises(HandoutsError, match=rf"{path}:5: not valid TOML"):
        load_languages(path)
