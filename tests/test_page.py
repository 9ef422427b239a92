"""The "PDFs by language" page in a real browser: Debian's Chromium, driven by Playwright,
against the page served by `build_pdfs.py serve`."""

from __future__ import annotations

import datetime
import gettext
import shutil
import socket
import subprocess
import sys
import threading
from urllib.parse import urlsplit

import pytest
from babel.dates import format_date
from babel.units import format_unit

from conftest import LANGUAGE_CODES, ROOT, SLUG, read_manifest
from handouts.catalogs import PAGE_CONTEXT, read_catalog

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "tests/browser/node_modules/axe-core/axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
# As this machine's Chromium wants it: no sandbox as root, and no background
# connections to hosts it cannot reach.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def site(built):
    """The built output, served by the project's own `serve` command."""
    port = free_port()
    server = subprocess.Popen([sys.executable, str(ROOT / "build_pdfs.py"), "serve", "--dir", str(built),
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    assert server.stdout.readline().startswith("serving "), server.stderr.read()
    # The server logs a line a request: read them, or the pipe fills and it stops.
    threading.Thread(target=server.stdout.read, daemon=True).start()
    threading.Thread(target=server.stderr.read, daemon=True).start()
    yield f"http://127.0.0.1:{port}/"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, site):
    """Open the page at a width; collect console errors and every request it makes."""
    opened = []

    def open_at(width: int):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.errors, page.requests = [], []
        page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("request", lambda request: page.requests.append(request.url))
        page.goto(site + "index.html", wait_until="networkidle")
        opened.append(context)
        return page

    yield open_at
    for context in opened:
        context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_page_loads_without_console_errors_or_outside_requests_and_is_kept_as_a_screenshot(open_page, site, width):
    page = open_page(width)
    assert page.errors == []
    assert {urlsplit(url).netloc for url in page.requests} == {urlsplit(site).netloc}
    assert page.evaluate("document.scripts.length") == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"pdfs-by-language-{width}px.png"), full_page=True)
    assert (ARTIFACTS / f"pdfs-by-language-{width}px.png").stat().st_size > 10_000


def test_page_reads_at_320px_without_sideways_scrolling(open_page):
    page = open_page(320)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_every_link_returns_its_pdf(open_page, built):
    page = open_page(1280)
    links = page.eval_on_selector_all(
        "a[href$='.pdf']", "links => links.map(a => [a.href, a.hreflang, a.type])")
    manifest = read_manifest(built)
    expected = {f["path"] for h in manifest["handouts"] for l in h["languages"] for f in l["files"]}
    assert len(links) == len(expected) == len(LANGUAGE_CODES) * 6 - 2
    for href, hreflang, kind in links:
        response = page.request.get(href)
        assert response.status == 200, href
        assert response.headers["content-type"] == "application/pdf"
        assert response.body()[:5] == b"%PDF-"
        assert kind == "application/pdf" and hreflang


def test_languages_are_listed_english_first_by_own_name_with_lang_and_dir(open_page, project):
    page = open_page(1280)
    names = page.eval_on_selector_all(
        "h3 > span[lang]", "spans => spans.map(s => [s.lang, s.dir, s.textContent, "
        "getComputedStyle(s).direction])")
    assert [name[0] for name in names] == list(project.languages)
    for code, direction, text, computed in names:
        language = project.languages[code]
        assert (direction, text, computed) == (language.direction, language.name, language.direction)


def test_right_to_left_names_render_right_to_left(open_page):
    page = open_page(1280)
    for code in ("ar", "fa"):
        # The first letter of a right-to-left name is drawn right of its last one.
        first, last = page.evaluate(f"""() => {{
            const span = document.querySelector('h3 > span[lang="{code}"]');
            const text = span.firstChild, range = document.createRange();
            range.setStart(text, 0); range.setEnd(text, 1);
            const first = range.getBoundingClientRect().left;
            range.setStart(text, text.length - 1); range.setEnd(text, text.length);
            return [first, range.getBoundingClientRect().left];
        }}""")
        assert first > last, code


def test_status_and_thumbnails_say_in_words_what_they_show(open_page):
    page = open_page(1280)
    status = page.locator(f"#{SLUG}-es .status").inner_text()
    assert "Draft translation, not yet reviewed" in status
    images = page.eval_on_selector_all("img", "images => images.map(i => [i.alt, i.naturalWidth])")
    assert len(images) == len(LANGUAGE_CODES)
    assert all(alt.startswith("First page of the handout in ") and width > 0 for alt, width in images)


def catalog_of(language):
    return read_catalog(language.catalog, language.locale).messages


@pytest.mark.parametrize("code", ["es", "ar"])
def test_an_entry_is_labelled_in_its_own_language_with_the_english_underneath(open_page, project,
                                                                              built, code):
    page = open_page(320)
    language, entry = project.languages[code], page.locator(f"#{SLUG}-{code}")
    messages = catalog_of(language)
    headers = entry.evaluate("""entry => [...entry.querySelectorAll('th')].map(th =>
        [...th.querySelectorAll('span[lang]')].map(span => [span.lang, span.dir,
            span.innerText.trim(), getComputedStyle(span).direction,
            span.getBoundingClientRect().top]))""")
    english = ["US Letter", "A4", "Standard print", "Large print", "Bilingual, with English"]
    assert len(headers) == len(english)
    for spans, label in zip(headers, english):
        (lang, dir_, text, computed, top), (lang_en, dir_en, text_en, _, top_en) = spans
        said = messages.get(label, context=PAGE_CONTEXT).string
        assert (lang, dir_, text, computed) == (code, language.direction, said, language.direction)
        assert (lang_en, dir_en, text_en) == ("en", "ltr", label) and top_en > top  # underneath

    # A link: "PDF", its size and its page count, in the language, then in English.
    files = next(lang for lang in read_manifest(built)["handouts"][0]["languages"]
                 if lang["code"] == code)["files"]
    first = next(f for f in files if (f["paper"], f["edition"]) == ("letter", "standard"))
    spans = entry.locator(f"a[href='{first['path']}'] span[lang]").evaluate_all(
        "spans => spans.map(span => [span.lang, span.innerText.trim()])")
    message = messages.get("PDF, %(size)s, %(pages)s page", context=PAGE_CONTEXT)
    form = message.string[gettext.c2py(messages.plural_expr)(first["pages"])]
    kilobytes = max(1, round(first["bytes"] / 1000))
    size = format_unit(kilobytes, "digital-kilobyte", length="short", locale=language.locale)
    assert spans == [[code, form % {"size": size, "pages": str(first["pages"])}],
                     ["en", f"PDF, {kilobytes} kB, {first['pages']} pages"]]

    # The revision date in the language's own words and its way of writing dates.
    revised = entry.locator(".revised span[lang]").evaluate_all(
        "spans => spans.map(span => [span.lang, span.innerText.trim()])")
    date = format_date(datetime.date(2021, 10, 27), format="long", locale=language.locale)
    assert revised == [[code, messages.get("Revised %(date)s").string % {"date": date}]]


@pytest.mark.parametrize("width", [1280, 320])
def test_each_language_offers_its_pdfs_in_a_grid_of_editions_by_papers(open_page, built, width):
    page = open_page(width)
    for language in read_manifest(built)["handouts"][0]["languages"]:
        grid = page.locator(f"#{SLUG}-{language['code']} table.files").evaluate(
            "table => [...table.tBodies[0].rows].map(row => [...row.cells].slice(1).map("
            "cell => [...cell.querySelectorAll('a')].map(a => a.getAttribute('href'))))")
        editions = list(dict.fromkeys(f["edition"] for f in language["files"]))
        papers = list(dict.fromkeys(f["paper"] for f in language["files"]))
        assert papers == ["letter", "a4"]
        by_cell = {(f["edition"], f["paper"]): f["path"] for f in language["files"]}
        assert grid == [[[by_cell[edition, paper]] for paper in papers] for edition in editions]
        assert page.locator(f"#{SLUG}-{language['code']} table.files").evaluate(
            "table => table.scrollWidth <= table.parentElement.clientWidth + 1")


def test_the_revision_date_in_english_is_given_once_for_the_handout(open_page):
    page = open_page(1280)
    assert page.locator("main").inner_text().count("October 27, 2021") == 1


def test_landmarks_headings_and_visible_focus(open_page):
    page = open_page(1280)
    assert page.locator("header").count() and page.locator("main").count() and page.locator("footer").count()
    assert page.locator("h1").inner_text() == "PDFs by language"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert page.evaluate("document.activeElement.tagName") == "A" and outline == "solid"


@pytest.mark.parametrize("width", [1280, 320])
def test_axe_finds_no_accessibility_violation(open_page, width):
    assert AXE.is_file(), "axe-core is missing: run make test (it installs it with npm)"
    page = open_page(width)
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]]
    assert violations == []


def test_a_visitor_can_jump_to_their_language_by_its_own_name(open_page, project):
    page = open_page(320)
    jumps = page.eval_on_selector_all("nav a[lang]", "links => links.map(a => [a.lang, a.textContent])")
    assert jumps == [(code, lang.name) for code, lang in project.languages.items()] or jumps == [
        [code, lang.name] for code, lang in project.languages.items()]
    page.click("nav a[lang='fa']")
    assert page.evaluate("location.hash") == "#breast-cancer-recurrence-fa"
    assert page.locator("#breast-cancer-recurrence-fa h3").is_visible()
