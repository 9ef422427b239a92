"""The QR code on every handout: printed beside the helpline on the last page,
it leads back to the handout's language on the "PDFs by language" page, and is
there only when the page's public address is known."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest
import zxingcpp
from PIL import Image

from conftest import ROOT, SLUG, cli, translate
from handouts import load_project
from handouts.editions import EDITIONS, PAPERS
from handouts.errors import HandoutsError
from handouts.render import render_pdf
from handouts.site_link import MAX_VERSION, _capacity

SITE = "https://example.org/pdfs-by-language/"
ALT = "QR code: a link to this handout in other languages and in large print"
CAPTION = "Scan for this handout in other languages and in large print"


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    """A build with the page's address given on the command line."""
    out = tmp_path_factory.mktemp("linked")
    result = cli("build", "--lang", "en", "--lang", "es", "--lang", "ar", "--paper", "letter",
                 "--edition", "standard", "--edition", "large-print", "--out", out,
                 "--site-url", SITE)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def last_page_codes(pdf: Path, folder: Path) -> list[str]:
    """The text of every QR code on the PDF's last page, read from a 150 dpi render."""
    with pikepdf.open(pdf) as document:
        last = len(document.pages)
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", "-singlefile", "-f", str(last),
                    "-l", str(last), str(pdf), str(folder / pdf.stem)], check=True)
    return [code.text for code in zxingcpp.read_barcodes(Image.open(folder / f"{pdf.stem}.png"))
            if code.format == zxingcpp.BarcodeFormat.QRCode]


def figures(pdf) -> list[pikepdf.Dictionary]:
    """The /Figure structure elements of a PDF."""
    found, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure":
                found.append(node)
            kids = node.get("/K")
            if kids is not None:
                stack.append(kids)
    return found


@pytest.mark.parametrize("code", ["en", "es", "ar"])
@pytest.mark.parametrize("edition", ["standard", "large-print"])
@pytest.mark.slow
def test_the_code_on_the_last_page_opens_the_languages_entry_on_the_page(linked, tmp_path, code,
                                                                           edition):
    pdf = linked / SLUG / f"{SLUG}.{code}.letter.{edition}.pdf"
    assert last_page_codes(pdf, tmp_path) == [f"{SITE}#{SLUG}-{code}"]
    with pikepdf.open(pdf) as document:
        pages = len(document.pages)
    last_page = subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages), str(pdf), "-"],
                               capture_output=True, text=True, check=True).stdout
    assert "1-800-227-2345" in last_page  # beside the helpline
    # The anchor it opens is the language's entry on the page.
    assert f'id="{SLUG}-{code}"' in (linked / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", ["en", "es", "ar"])
@pytest.mark.slow
def test_the_code_is_a_figure_with_alternative_text_in_the_language(linked, project, code):
    pdf_path = linked / SLUG / f"{SLUG}.{code}.letter.standard.pdf"
    with pikepdf.open(pdf_path) as pdf:
        alts = [str(figure.Alt) for figure in figures(pdf)]
    assert alts == [translate(project.languages[code], ALT)]


@pytest.mark.slow
def test_the_code_is_drawn_as_vector_graphics_with_its_caption_in_the_language(linked, project):
    pdf = linked / SLUG / f"{SLUG}.es.letter.standard.pdf"
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                            check=True).stdout.splitlines()
    assert len(images) == 2, images  # the header lines only: no raster image
    text = _text(pdf.read_bytes())
    assert " ".join(translate(project.languages["es"], CAPTION).split()) in " ".join(text.split())
    # Printed under the code too, for readers without a phone camera, and a link.
    # (pdftotext drops a hyphen that ends a line, as if the word had been hyphenated.)
    assert f"{SITE}#{SLUG}-es".replace("-", "") in "".join(text.split()).replace("-", "")
    with pikepdf.open(pdf) as document:
        uris = [str(annotation.A.URI) for page in document.pages
                for annotation in page.get("/Annots", []) if "/URI" in annotation.get("/A", {})]
    assert f"{SITE}#{SLUG}-es" in uris


def test_without_the_pages_address_there_is_no_code_and_no_empty_box(project):
    handout, spanish = project.handouts[SLUG], project.languages["es"]
    assert handout.site_url is None  # the repository leaves it unset
    without = render_pdf(handout, spanish, EDITIONS["standard"], PAPERS["letter"])
    with_it = render_pdf(replace(handout, site_url=SITE), spanish, EDITIONS["standard"],
                         PAPERS["letter"])
    with pikepdf.open(io.BytesIO(without.data)) as pdf:
        assert figures(pdf) == []
    with pikepdf.open(io.BytesIO(with_it.data)) as pdf:
        assert len(figures(pdf)) == 1
    caption = " ".join(translate(spanish, CAPTION).split())
    assert caption not in " ".join(_text(without.data).split())
    assert caption in " ".join(_text(with_it.data).split())
    assert "example.org" not in _text(without.data)


def _text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


@pytest.mark.parametrize("url", ["http://example.org/pdfs/", "example.org/pdfs/",
                                 "https:///pdfs/", "https://example.org/pdfs/#es"])
def test_a_site_url_that_is_not_a_plain_https_address_is_refused_naming_its_line(project_copy,
                                                                                 url):
    site = project_copy / "templates/site.toml"
    site.write_text(site.read_text(encoding="utf-8") + f'site_url = "{url}"\n', encoding="utf-8")
    line = len(site.read_text(encoding="utf-8").splitlines())
    with pytest.raises(HandoutsError) as raised:
        load_project(project_copy)
    assert f"{site}:{line}: site_url must" in str(raised.value)
    assert "fix:" in str(raised.value)


def test_the_command_line_refuses_a_plain_http_address():
    result = cli("build", "--lang", "es", "--out", "/nonexistent-never-written",
                 "--site-url", "http://example.org/")
    assert result.returncode == 2
    assert "--site-url: site_url must be an https:// address" in result.stderr
    assert not Path("/nonexistent-never-written").exists()


def test_an_address_too_long_for_a_printable_code_is_refused_naming_the_limit(tmp_path):
    limit = _capacity()
    result = cli("build", "--lang", "es", "--out", tmp_path / "out",
                 "--site-url", "https://example.org/" + "x" * limit)
    assert result.returncode == 2
    assert (f"holds at most {limit} (QR version {MAX_VERSION}, error correction M)"
            in result.stderr)
    assert "fix: use a shorter site_url" in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_repository_sets_no_site_url_until_the_site_owner_gives_it():
    assert load_project(ROOT).site_url is None
