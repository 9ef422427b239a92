"""The manifest the site downloads and the "PDFs by language" page."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser

from pypdf import PdfReader

from conftest import read_manifest

LANGUAGE_KEYS = {"code", "name", "english_name", "direction", "review", "translated", "files"}
FILE_KEYS = {"path", "paper", "edition", "pages", "bytes", "sha256"}


def test_manifest_has_the_shape_the_site_reads(built, project):
    manifest = read_manifest(built)
    assert manifest["schema"] == 1
    [handout] = manifest["handouts"]
    assert {"slug", "title", "revised", "languages"} <= handout.keys()
    assert handout["slug"] == "breast-cancer-recurrence"
    assert handout["title"] == "Treatment When Breast Cancer Comes Back"
    assert handout["revised"] == "2021-10-27"
    assert [lang["code"] for lang in handout["languages"]] == list(project.languages)
    for language in handout["languages"]:
        assert LANGUAGE_KEYS <= language.keys()
        assert language["direction"] in ("ltr", "rtl")
        assert language["review"] in ("source", "draft", "reviewed")
        assert 0 <= language["translated"] <= 100
        for file in language["files"]:
            assert FILE_KEYS <= file.keys()
            assert file["paper"] in ("letter", "a4")
            assert file["edition"] in ("standard", "large-print", "bilingual")


def test_manifest_names_languages_in_their_own_names_with_review_status(built):
    languages = {lang["code"]: lang for lang in read_manifest(built)["handouts"][0]["languages"]}
    assert (languages["es"]["name"], languages["es"]["english_name"]) == ("Español", "Spanish")
    assert languages["en"]["review"] == "source"
    assert languages["es"]["review"] == "draft"
    assert languages["es"]["translated"] == 100.0
    assert languages["es"]["title"] == "Tratamiento cuando el cáncer de seno regresa"


def test_manifest_matches_the_files_on_disk(built):
    files = [f for h in read_manifest(built)["handouts"] for lang in h["languages"]
             for f in lang["files"]]
    assert files
    for file in files:
        path = built / file["path"]
        data = path.read_bytes()
        assert file["bytes"] == len(data)
        assert file["sha256"] == hashlib.sha256(data).hexdigest()
        assert file["pages"] == len(PdfReader(path).pages)


def test_file_names_carry_slug_language_paper_and_edition(built):
    for handout in read_manifest(built)["handouts"]:
        for language in handout["languages"]:
            for file in language["files"]:
                slug, code, paper, edition = handout["slug"], language["code"], file["paper"], file["edition"]
                assert file["path"] == f"{slug}/{slug}.{code}.{paper}.{edition}.pdf"


class PageParser(HTMLParser):
    """Collects language names (elements with lang and dir) and links of the page."""

    def __init__(self):
        super().__init__()
        self.names = {}
        self.links = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.links.append(attrs)
        elif tag == "span" and "lang" in attrs and "dir" in attrs:
            self._open = attrs

    def handle_data(self, data):
        if self._open is not None:
            self.names[data.strip()] = self._open
            self._open = None


def test_page_lists_each_language_by_its_own_name_with_lang_and_dir(built):
    html = (built / "index.html").read_text(encoding="utf-8")
    page = PageParser()
    page.feed(html)
    for language in read_manifest(built)["handouts"][0]["languages"]:
        attrs = page.names[language["name"]]
        assert attrs["lang"] == language["code"]
        assert attrs["dir"] == language["direction"]
    assert page.names["Español"]["lang"] == "es"
    assert '<span class="english-name">Spanish</span>' in html


def test_page_links_every_file_with_its_size_and_page_count(built):
    html = (built / "index.html").read_text(encoding="utf-8")
    for handout in read_manifest(built)["handouts"]:
        for language in handout["languages"]:
            for file in language["files"]:
                assert (built / file["path"]).is_file()
                link = re.search(rf'<a href="{re.escape(file["path"])}" hreflang="'
                                 rf'{language["code"]}" type="application/pdf">(.*?)</a>', html)
                assert link, file["path"]
                english = re.findall(r'<span[^>]* lang="en"[^>]*>([^<]*)</span>', link[1])
                kilobytes = f"{max(1, round(file['bytes'] / 1000)):,} kB"
                pages = f"{file['pages']} page{'s' if file['pages'] != 1 else ''}"
                assert english == [f"PDF, {kilobytes}, {pages}"]
    assert "Draft translation" in html


def test_the_readme_module_map_names_every_module_of_the_package_once():
    import re
    from conftest import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| stage | module | what it does |"):]
    table = table[:table.index("\n\n")]
    listed = re.findall(r"^\|[^|]*\| `(\w+)` \|", table, re.MULTILINE)
    modules = sorted(p.stem for p in (ROOT / "handouts").glob("*.py") if p.stem != "__init__")
    assert sorted(listed) == modules
    assert len(listed) == len(set(listed))
