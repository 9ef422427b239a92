"""The text layer of every PDF says what the catalog says: its words, in order,
with their joiners, hyphenated words whole, each line in its own language.

Read by two extractors that readers meet: poppler (pdftotext, as in most Linux
viewers and search indexers) and MuPDF (PyMuPDF).
"""

from __future__ import annotations

import collections
import datetime
import html
import re
import subprocess
import unicodedata

import pymupdf
import pytest

from handouts import load_project, plan
from handouts.render import render_html, written_date
from handouts.text_layer import LINE_BREAK_CONTROLS

from conftest import LANGUAGE_CODES, ROOT, written_without_spaces

TOOLS = ("poppler", "mupdf")
# Languages whose words extract as characters (Chinese and Japanese), and those
# written without spaces between words, whose words are phrases that lines
# break inside: their letters are compared with the spaces taken out.
CHARACTERS = {"zh-Hans", "zh-Hant", "ja"}
UNSPACED = {code for code, language in load_project(ROOT).languages.items()
            if written_without_spaces(language)}
MINIMUM = 0.98

# Where an extractor does not yet read the words as written, by extractor: in
# right-to-left lines with a left-to-right run (a number, a date, a drug's
# Latin name), poppler takes the spaces and brackets beside the run into it,
# and MuPDF keeps the line's runs in visual order; both then join or swap words
# at the run's edges. Strict: a case that starts passing fails here until it is
# taken off the list.
PENDING = {
    "poppler": {"ar", "fa", "prs", "he", "ps", "ur"},
    "mupdf": {"ar", "fa", "prs", "he"},
}


def extracted_text(path, tool: str) -> str:
    """The PDF's text as ``tool`` reads it, bidi marks and soft-hyphen line
    breaks taken out, as a reader who searches or copies it gets it."""
    if tool == "poppler":
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
    else:
        with pymupdf.open(path) as document:
            text = "\n".join(page.get_text() for page in document)
    text = text.translate(dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e")))
    return re.sub("\u00ad\\s*\n", "", text)


def tokens(text: str, code: str) -> list[str]:
    """The words of ``text``: white-space separated, without the punctuation
    around them; characters for Chinese and Japanese."""
    if code in CHARACTERS:
        return [char for char in text if unicodedata.category(char)[0] in "LMN"]
    return [word for word in map(_without_punctuation, text.split()) if word]


def _without_punctuation(word: str) -> str:
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start])[0] in "PS":
        start += 1
    while end > start and unicodedata.category(word[end - 1])[0] in "PS":
        end -= 1
    return word[start:end]


def source_blocks(job) -> list[list[str]]:
    """The words of each block (paragraph, heading, list item) of the job's
    HTML, the text its PDF was made from."""
    body = render_html(job.handout, job.language, job.edition, job.paper).partition("<body")[2]
    body = re.sub(r"<(style|script)\b.*?</\1>", "", body, flags=re.DOTALL)
    body = re.sub(r'<(/?(p|li|h\d|div|section|header|footer|aside|td|br)\b|span class="source")'
                  r"[^>]*>", "\0", body)
    text = html.unescape(re.sub(r"<[^>]*>", "", body))
    text = text.translate(dict.fromkeys(map(ord, LINE_BREAK_CONTROLS)))
    return [tokens(block, job.language.code) for block in text.split("\0") if block.strip()]


def word_scores(blocks: list[list[str]], text: str, code: str) -> tuple[float, float, list]:
    """(the share of the source's words found, the share of its neighbouring
    word pairs found side by side, the words missing)."""
    if code in UNSPACED:
        letters = re.sub(r"\s+", "", text)
        words = [word for block in blocks for word in block]
        missing = [word for word in words if word not in letters]
        return 1 - len(missing) / len(words), 1.0, missing
    found = tokens(text, code)
    wanted = collections.Counter(word for block in blocks for word in block)
    missing = wanted - collections.Counter(found)
    pairs = collections.Counter(pair for block in blocks for pair in zip(block, block[1:]))
    in_order = pairs & collections.Counter(zip(found, found[1:]))
    return (1 - sum(missing.values()) / sum(wanted.values()),
            sum(in_order.values()) / max(1, sum(pairs.values())), sorted(missing))


def _cases():
    return [pytest.param(code, tool, marks=pytest.mark.xfail(
                strict=True, reason=f"{tool} does not yet read these words as written"))
            if code in PENDING[tool] else pytest.param(code, tool)
            for code in LANGUAGE_CODES for tool in TOOLS]


@pytest.fixture(scope="module")
def jobs():
    project = load_project(ROOT)
    by_language = collections.defaultdict(list)
    for job in plan(project):
        by_language[job.language.code].append(job)
    return by_language


@pytest.mark.parametrize("code, tool", _cases())
def test_text_layer_gives_the_catalogs_words_in_logical_order(built, jobs, code, tool):
    for job in jobs[code]:
        path = built / job.path
        found, in_order, missing = word_scores(source_blocks(job), extracted_text(path, tool), code)
        assert found >= MINIMUM, f"{path.name}: {found:.1%} of the words; missing {missing[:20]}"
        assert in_order >= MINIMUM, f"{path.name}: {in_order:.1%} of word pairs in order"


def _zero_width_non_joiner_cases():
    project = load_project(ROOT)
    codes = [code for code, language in project.languages.items() if language.catalog
             and "\u200c" in language.catalog.read_text(encoding="utf-8")]
    return [(code, tool) for code in codes for tool in TOOLS]


@pytest.mark.parametrize("code, tool", _zero_width_non_joiner_cases())
def test_zero_width_non_joiner_is_kept_where_the_catalog_has_it(built, jobs, code, tool):
    for job in jobs[code]:
        joined = [word for block in source_blocks(job) for word in block if "\u200c" in word]
        assert joined, f"{job.path.name} has no word with a zero-width non-joiner"
        text = extracted_text(built / job.path, tool)
        lost = [word for word in joined if word not in text]
        assert not lost, f"{job.path.name}: {lost[:10]}"


def test_every_hyphenated_word_is_found_whole_by_a_search(built):
    hyphenated, not_found = 0, []
    for path in sorted(built.rglob("*.pdf")):
        with pymupdf.open(path) as document:
            for page in document:
                lines = page.get_text().split("\n")
                for line, following in zip(lines, lines[1:]):
                    if line.endswith("\u00ad") and following.split():
                        hyphenated += 1
                        word = _without_punctuation(line.split()[-1][:-1] + following.split()[0])
                        if not page.search_for(word):
                            not_found.append((path.name, page.number + 1, word))
    # Hyphenation is on for long words in every Latin-script language.
    assert hyphenated > 100
    # A word hyphenated at the foot of a page goes on over the page, where a
    # search of one page cannot see it whole (its next line here is the page's
    # running notice): one such word in the build, no more.
    assert len(not_found) <= 1, not_found


def test_each_line_gives_the_revision_date_in_its_own_language(built, jobs):
    revised = datetime.date(2021, 10, 27)
    english = f"Last revised: {written_date(revised, 'en')}"
    for code, language_jobs in jobs.items():
        for job in language_jobs:
            with pymupdf.open(built / job.path) as document:
                lines = [line for page in document for line in page.get_text().split("\n")]
            date = written_date(revised, job.language.locale)
            # Word for word: extractors may reorder numbers inside right-to-left
            # lines, and drop the spaces between them and the words.
            # Lines of unspaced scripts may break inside the date's words.
            candidates = ["".join(lines)] if code in UNSPACED else lines
            assert code in PENDING["mupdf"] or any(
                all(word in line for word in tokens(date, code)) for line in candidates), \
                f"{job.path.name} lacks {date!r}"
            for line in lines:
                if "Last revised" in line:
                    assert line.strip() == english, f"{job.path.name}: {line!r}"
                elif code != "en":
                    assert written_date(revised, "en") not in line, f"{job.path.name}: {line!r}"


def test_word_joiners_keep_korean_words_whole_and_character_references_intact(project):
    from handouts.word_breaks import WORD_JOINER, keep_words_whole

    korean = project.languages["ko"]
    html = "<head></head><body><p>번역 초안 &amp; 유방암은</p></body>"
    joined = keep_words_whole(html, korean.writing, korean.locale)
    assert joined == (f"<head></head><body><p>번{WORD_JOINER}역 초{WORD_JOINER}안 &amp; "
                      f"유{WORD_JOINER}방{WORD_JOINER}암{WORD_JOINER}은</p></body>")


def render_sample(html: str, tmp_path):
    """``html`` rendered as WeasyPrint renders a handout, with the exact text layer."""
    import weasyprint

    from handouts.text_layer import exact_text_layer

    with exact_text_layer():
        data = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    path = tmp_path / "sample.pdf"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("tool", TOOLS)
def test_vowel_signs_drawn_before_their_letter_read_after_it(tmp_path, tool):
    words = "किसी योग्य चिकित्सा अनुवादक ने मैस्टेक्टॉमी देते"
    path = render_sample(f'<html lang="hi"><body style="font-family: \'Noto Sans '
                         f'Devanagari\'"><p>{words}</p></body></html>', tmp_path)
    assert words in extracted_text(path, tool)


@pytest.mark.parametrize("tool", TOOLS)
def test_persian_zero_width_non_joiner_and_a_line_end_hyphen_are_read(tmp_path, tool):
    path = render_sample(
        '<html lang="es"><body style="font-family: \'Noto Naskh Arabic\', \'Noto Sans\'">'
        '<p lang="fa" dir="rtl">پیش‌نویس می‌شود</p>'
        '<p lang="es" style="hyphens: auto; width: 40mm">quirúrgica importantísima</p>'
        '</body></html>', tmp_path)
    text = extracted_text(path, tool)
    assert "پیش‌نویس" in text and "می‌شود" in text
    assert "importantísima" in text
    with pymupdf.open(path) as document:
        assert "\u00ad\n" in document[0].get_text()  # it was hyphenated


def test_a_text_span_inside_an_artifact_holds_an_artifact_of_its_own():
    from handouts.tagging import _with_artifacts

    actual_text = b"/Span <</ActualText <feff0915093f>>> BDC"
    content = (b"/Span <</MCID 0>> BDC [<0001>] TJ EMC "
               b"/Span <</MCID 1>> BDC [<0002>] TJ " + actual_text + b" [<0003>] TJ EMC [<0004>] TJ EMC")
    rewritten = _with_artifacts(content, owned={0})
    # The owned span stays; the unowned one is an artifact, and the /ActualText
    # span inside it (poppler reads /ActualText only on a /Span) comes out to
    # hold an artifact of its own: no glyph is left outside an artifact.
    assert rewritten == (b"/Span <</MCID 0>> BDC [<0001>] TJ EMC "
                         b"/Artifact BMC [<0002>] TJ EMC /Span <</ActualText <feff0915093f>>> BDC "
                         b"/Artifact BMC [<0003>] TJ EMC EMC /Artifact BMC [<0004>] TJ EMC")


def test_a_worker_that_keeps_its_fonts_renders_the_same_bytes(project):
    from handouts.jobs import plan
    from handouts.render import _font_configuration, render_pdf

    [job] = [job for job in plan(project, ["ko"], ["letter"], ["standard"])]
    _font_configuration.cache_clear()
    first = render_pdf(job.handout, job.language, job.edition, job.paper).data
    again = render_pdf(job.handout, job.language, job.edition, job.paper).data
    assert first == again
