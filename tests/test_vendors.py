"""Vendors' files: a catalog goes out as XLIFF 1.2 and comes back, all or nothing,
without losing or breaking anything."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from conftest import ALL_MESSAGES, PLURAL_MESSAGES, cli

NS = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
ET.register_namespace("", NS["x"])


def export(root, tmp_path, code="es"):
    result = cli("--root", root, "export", code, "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / f"{code}.xlf"


def unit_with_source(tree, english):
    """A unit found with a plain XML reader, as any CAT tool would."""
    return next(u for u in tree.getroot().iterfind(".//x:trans-unit", NS)
                if "".join(u.find("x:source", NS).itertext()) == english)


def set_target(unit, text, state="translated"):
    target = unit.find("x:target", NS)
    for child in list(target):
        target.remove(child)
    target.text = text
    target.set("state", state)


def catalog_of(root, locale="es"):
    return root / f"locales/{locale}/LC_MESSAGES/handouts.po"


def test_the_export_is_xliff_1_2_with_ids_notes_states_and_protected_codes(project_copy, tmp_path):
    path = export(project_copy, tmp_path)
    tree = ET.parse(path)
    assert tree.getroot().get("version") == "1.2"
    assert tree.getroot().find("x:file", NS).get("target-language") == "es"
    units = tree.getroot().findall(".//x:trans-unit", NS)
    # One unit a message; a plural message, one a form (Spanish has two).
    assert len(units) == len({u.get("id") for u in units}) == ALL_MESSAGES + PLURAL_MESSAGES
    assert [u.get("id") for u in units] == [
        u.get("id") for u in ET.parse(export(project_copy, tmp_path / "again")).getroot()
        .findall(".//x:trans-unit", NS)]  # stable
    footer = unit_with_source(tree, "Page %(page)s of %(pages)s")
    assert [ph.text for ph in footer.find("x:source", NS).iterfind("x:ph", NS)] == [
        "%(page)s", "%(pages)s"]
    assert "this page" in footer.find("x:note", NS).text
    assert footer.find("x:target", NS).get("state") == "translated"
    strong = next(u for u in units if u.find("x:source/x:bpt", NS) is not None)
    bpt, ept = strong.find("x:source/x:bpt", NS), strong.find("x:source/x:ept", NS)
    assert (bpt.text, ept.text, bpt.get("id")) == ("<strong>", "</strong>", ept.get("id"))


def test_importing_an_unchanged_export_leaves_the_catalog_byte_identical(project_copy, tmp_path):
    before = catalog_of(project_copy).read_bytes()
    result = cli("--root", project_copy, "import", export(project_copy, tmp_path))
    assert result.returncode == 0, result.stderr
    assert "nothing changed" in result.stdout
    assert catalog_of(project_copy).read_bytes() == before


def test_an_edited_target_changes_exactly_that_message(project_copy, tmp_path):
    path = export(project_copy, tmp_path)
    tree = ET.parse(path)
    set_target(unit_with_source(tree, "References"), "Fuentes bibliográficas")
    # A reviewer's doubt about another: only its state changes, to fuzzy.
    unit_with_source(tree, "Think about a clinical trial").find("x:target", NS).set(
        "state", "needs-review-translation")
    tree.write(path, encoding="UTF-8", xml_declaration=True)
    before = catalog_of(project_copy).read_text(encoding="utf-8").splitlines()
    result = cli("--root", project_copy, "import", path)
    assert result.returncode == 0, result.stderr
    after = catalog_of(project_copy).read_text(encoding="utf-8").splitlines()
    assert [line for line in before if line not in after] == ['msgstr "Referencias"']
    assert [line for line in after if line not in before] == [
        "#, fuzzy", 'msgstr "Fuentes bibliográficas"']
    assert len(after) == len(before) + 1  # the fuzzy flag's line; nothing else moves


@pytest.mark.parametrize("edit, message", [
    (lambda unit: set_target(unit, "Llame a la Sociedad Americana Contra El Cáncer al ."),
     "[placeholders] missing %(phone)s"),
    (lambda unit: set_target(unit, 'Llame al %(phone)s <img src="x" onerror="alert(1)">'),
     "[markup]"),
])
def test_an_import_that_breaks_a_placeholder_or_adds_a_tag_is_refused_whole(project_copy, tmp_path,
                                                                             edit, message):
    path = export(project_copy, tmp_path)
    tree = ET.parse(path)
    phoned = next(u for u in tree.getroot().iterfind(".//x:trans-unit", NS)
                  if u.find("x:source/x:ph", NS) is not None
                  and u.find("x:source/x:ph", NS).text == "%(phone)s")
    edit(phoned)
    set_target(unit_with_source(tree, "References"), "Fuentes")  # a good change, refused too
    tree.write(path, encoding="UTF-8", xml_declaration=True)
    before = catalog_of(project_copy).read_bytes()
    result = cli("--root", project_copy, "import", path)
    assert result.returncode == 1
    line = next(number for number, text in enumerate(path.read_text().splitlines(), start=1)
                if f'id="{phoned.get("id")}"' in text)
    assert f"{path}:{line}: refused: {message}" in result.stderr
    assert catalog_of(project_copy).read_bytes() == before


@pytest.mark.slow
def test_an_import_whose_english_is_stale_is_refused_whole(project_copy, tmp_path):
    path = export(project_copy, tmp_path)
    template = project_copy / "templates/breast-cancer-recurrence/handout.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "Talk with your doctor", "Talk with your care team"), encoding="utf-8")
    assert cli("--root", project_copy, "extract").returncode == 0
    assert cli("--root", project_copy, "update", "es").returncode == 0
    before = catalog_of(project_copy).read_bytes()
    result = cli("--root", project_copy, "import", path)
    assert result.returncode == 1
    assert "the English of this unit is not the current English ('Talk with your doctor')" \
        in result.stderr
    assert catalog_of(project_copy).read_bytes() == before


def test_a_vendors_po_file_comes_in_by_the_same_rules(project_copy, tmp_path):
    vendor = tmp_path / "es-from-vendor.po"
    text = catalog_of(project_copy).read_text(encoding="utf-8")
    vendor.write_text(text.replace('msgstr "Referencias"', 'msgstr "Bibliografía"'), encoding="utf-8")
    result = cli("--root", project_copy, "import", vendor)
    assert result.returncode == 0, result.stderr
    assert 'msgstr "Bibliografía"' in catalog_of(project_copy).read_text(encoding="utf-8")
    vendor.write_text(text.replace('msgid "References"', 'msgid "Sources"'), encoding="utf-8")
    result = cli("--root", project_copy, "import", vendor)
    assert result.returncode == 1 and "not the current English ('Sources')" in result.stderr


@pytest.mark.slow
def test_a_reviewed_message_changed_by_an_import_is_changed_since_review(project_copy, tmp_path):
    assert cli("--root", project_copy, "review", "es", "--reviewer", "Ana Ruiz").returncode == 0
    path = export(project_copy, tmp_path)
    tree = ET.parse(path)
    unit = unit_with_source(tree, "References")
    assert unit.find("x:target", NS).get("state") == "final"
    set_target(unit, "Fuentes")
    tree.write(path, encoding="UTF-8", xml_declaration=True)
    assert cli("--root", project_copy, "import", path).returncode == 0
    check = cli("--root", project_copy, "check", "es").stdout
    assert "[changed-since-review] 'References'" in check


def test_the_glossary_goes_with_the_export_as_tbx(project_copy, tmp_path):
    export(project_copy, tmp_path)
    terms = ET.parse(tmp_path / "es.tbx").getroot().findall(".//termEntry")
    rows = (project_copy / "locales/es/glossary.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(terms) == len(rows) > 0
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    first = {langset.get(lang): langset.findtext("tig/term") for langset in terms[0].iter("langSet")}
    assert first == {"en": rows[0].split(",")[0], "es": rows[0].split(",")[1]}
    export(project_copy, tmp_path / "fr", "fr")  # no glossary: no TBX
    assert not (tmp_path / "fr/fr.tbx").exists()
