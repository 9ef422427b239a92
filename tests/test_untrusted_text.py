"""Property: whatever text a catalog holds, the build neither crashes nor turns it into markup."""

from __future__ import annotations

import shutil
from collections import Counter
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from handouts import load_project
from handouts.editions import EDITIONS, PAPERS
from handouts.markup import ALLOWED_TAGS, Tag, markup_problems, sanitise, tokenize
from handouts.markup import tags_of as markup_tags_of
from handouts.render import render_html, render_pdf

from conftest import ROOT, SLUG
from test_safety import set_translations

MARKUP_LIKE = st.sampled_from([
    "<", ">", "&", "&amp;", "&#0;", "%", "%s", "%(phone)s", "%(nope)s", "{", "}", "{name}",
    "<strong>", "</strong>", "<em>", "<a href='https://x.org'>", "<a href='https://x.org/a b'>", "<strong/>", "&#60;", "<a href=javascript:x>", "</a>",
    "<br>", "<img src=file:///etc/passwd>", "<script>", "<style>", "</p>", "<!--", "-->",
    "<![CDATA[", '"', "'", "\u202e", "\u200b", "\n", "\t", "{{ 7*7 }}", "{% raw %}",
])
TEXT = st.lists(st.one_of(st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                                         blacklist_characters="\x00")),
                          MARKUP_LIKE), max_size=30).map("".join)
VERY_LONG = st.integers(min_value=2_000, max_value=20_000).map(lambda n: "Palabra " * (n // 8))

MESSAGES = ("References", "Treatment When Breast Cancer Comes Back", "Call %(phone)s")


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(sorted(attrs))))


def tags_of(html):
    parser = Tags()
    parser.feed(html)
    return parser.tags


@pytest.fixture(scope="module")
def spanish_copy(tmp_path_factory):
    """A copy of the project whose Spanish catalog each example rewrites, and the
    tags of its page with ordinary text, rendered once."""
    root = tmp_path_factory.mktemp("project")
    for name in ("templates", "locales"):
        shutil.copytree(ROOT / name, root / name)
    return root, tags_of(render_with(root, "Referencias"))


def render_with(root, text, pdf=False):
    set_translations(root, {msgid: text for msgid in MESSAGES})
    project = load_project(root)
    args = (project.handouts[SLUG], project.languages["es"], EDITIONS["standard"], PAPERS["letter"])
    return render_pdf(*args) if pdf else render_html(*args)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(TEXT, VERY_LONG))
@pytest.mark.slow
def test_any_translation_renders_and_adds_no_markup_beyond_the_allowed_tags(spanish_copy, text):
    root, baseline = spanish_copy
    extra = list(tags_of(render_with(root, text)))
    for tag in baseline:
        if tag in extra:
            extra.remove(tag)
    for name, attrs in extra:
        assert name in ALLOWED_TAGS, (name, attrs)
        assert all(key == "href" and value.startswith(("https:", "tel:")) for key, value in attrs)


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_markup_that_passes_the_check_prints_as_markup_and_the_rest_as_text(text):
    # One tokenizer serves the check and the sanitiser: whatever the check lets
    # through is rendered as those very tags, so nothing that passes prints as
    # literal tag text; and nothing the check refuses is rendered as a tag.
    rendered = sanitise(text)
    if markup_problems(text):
        refused = [piece for piece in tokenize(text) if isinstance(piece, Tag) and piece.problem]
        for tag in refused:
            assert tag.written not in rendered
    else:
        assert Counter(markup_tags_of(rendered)) == Counter(
            tag for tag in markup_tags_of(text))


def test_a_link_with_a_space_in_its_address_is_refused_by_the_check():
    text = '<a href="https://x.org/a b">call</a>'
    assert any("href" in problem for problem in markup_problems(text))
    assert "<a" not in sanitise(text).replace("&lt;a", "")


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_any_translation_renders_to_a_pdf(spanish_copy, text):
    root, _ = spanish_copy
    try:
        rendered = render_with(root, text, pdf=True)
    except Exception as error:  # only a missing glyph may stop it, and it says so
        assert type(error).__name__ == "MissingGlyphsError", repr(error)
    else:
        assert rendered.data.startswith(b"%PDF") and rendered.pages >= 1
