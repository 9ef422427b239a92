"""Languages as data: names and direction from CLDR, or from the data when CLDR lacks them."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from handouts import HandoutsError
from handouts.languages import load_languages

from conftest import ROOT, cli, pdf_text


def write_languages(tmp_path, text):
    path = tmp_path / "languages.toml"
    path.write_text('[en]\nscript = "Latn"\nreview = "source"\n\n' + text, encoding="utf-8")
    shutil.copy(ROOT / "locales/writing_systems.toml", tmp_path)
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


@pytest.mark.slow
def test_a_language_in_a_script_the_data_lacks_is_set_in_the_fonts_fontconfig_finds(project_copy, tmp_path):
    # Tamil is written in its own script, which locales/writing_systems.toml does not declare.
    assert "Taml" not in (project_copy / "locales/writing_systems.toml").read_text()
    result = cli("--root", project_copy, "init", "ta")
    assert result.returncode == 0, result.stderr
    result = cli("--root", project_copy, "preview", "ta", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    [pdf] = tmp_path.rglob("*.ta.letter.standard.pdf")
    # The footer's date is in Tamil (CLDR), in Tamil letters.
    text = " ".join(pdf_text(pdf))
    assert "2021" in text and any("\u0b80" <= char <= "\u0bff" for char in text)
    # The sans-serif face, though fontconfig lists a slanted serif one first.
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "NotoSansTamil" in fonts.replace("-", "").replace(" ", "")


def test_a_script_no_installed_font_covers_is_named_with_the_fix(tmp_path):
    path = write_languages(tmp_path, (
        '[xyz]\nscript = "Xsux"\nname = "Xyz"\nenglish_name = "Xyz"\ndirection = "ltr"\n'
        'plural_forms = "nplurals=1; plural=0;"\n\n[es]\nscript = "Xxxx"\n'))
    languages = load_languages(path)
    with pytest.raises(HandoutsError, match="script 'Xsux' has no fonts declared .*and no "
                                            r"installed font covers Xyz \(xyz\)") as error:
        languages["xyz"].writing
    assert "install a Noto font for it" in str(error.value)
    with pytest.raises(HandoutsError, match="script 'Xxxx' .* is no ISO 15924 code"):
        languages["es"].writing
    assert languages["en"].writing.fonts == ("Noto Sans",)
