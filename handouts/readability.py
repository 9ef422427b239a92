"""How hard a handout's English is to read: grade measures, and its hardest sentences.

Patient materials should read at a 6th to 8th grade level, and lower is
better (AHRQ PEMAT, the CDC Clear Communication Index, NIH). This measures the
English that every translation starts from, as an English reader gets it: the
messages of the handout's own template, with their placeholders filled as the
English edition prints them (the drug, the helpline number, the date). The
page furniture of base.html, the references, which stay as published, and the
document's description, which is not printed, are not measured. Each heading, list item or paragraph ends a sentence: a heading
without a full stop is still a sentence to the reader, and a colon before a
list ends one too.

The measures come from textstat 0.7.3, which counts syllables with Pyphen's
dictionaries and works offline; its later releases fetch a pronouncing
dictionary from the network when first used.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from .editions import EDITIONS, PAPERS
from .errors import HandoutsError
from .extract import extract_messages
from .project import Handout, Project

HARDEST = 5  # sentences listed, the hardest first

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
_BLOCK = re.compile(r"<(/?(p|li|h\d|div|section|header|footer|aside|td|br|ol|ul|title)\b)[^>]*>")


@dataclass(frozen=True)
class Sentence:
    """One sentence of the English source, where it is written, and its grade."""

    text: str
    path: Path  # the template it is written in
    line: int
    grade: float  # Flesch-Kincaid grade of the sentence alone


@dataclass(frozen=True)
class Readability:
    """The English source of one handout, measured."""

    handout: str
    flesch_kincaid_grade: float
    smog: float
    words_per_sentence: float
    sentences: int
    hardest: list[Sentence]


def measure(project: Project, handout: Handout) -> Readability:
    """The readability of ``handout``'s English source (see the module's docstring)."""
    textstat = _textstat()
    sentences = source_sentences(project, handout)
    text = " ".join(sentence.text for sentence in sentences)
    measured = [Sentence(s.text, s.path, s.line, textstat.flesch_kincaid_grade(s.text))
                for s in sentences]
    # A heading of a word or two has a high grade by the formula, not for a reader.
    hardest = sorted((s for s in measured if len(s.text.split()) >= 3),
                     key=lambda s: (-s.grade, s.line))[:HARDEST]
    return Readability(handout.slug, textstat.flesch_kincaid_grade(text),
                       textstat.smog_index(text), textstat.avg_sentence_length(text),
                       len(sentences), hardest)


def source_sentences(project: Project, handout: Handout) -> list[Sentence]:
    """The sentences of the handout's English messages, filled in as printed, in
    the template's order (each with grade 0 until measured)."""
    from .render import render_html

    printed = _printed_text(render_html(handout, project.source_language,
                                        EDITIONS["standard"], PAPERS["letter"]))
    template = Path(handout.template)
    sentences = []
    for message in extract_messages(project.templates_dir):
        lines = [line for path, line in message.locations if Path(path) == template]
        if not message.id or not lines:
            continue
        filled = _filled(message.id, printed)
        if filled is None:  # not printed: the document's description, in its metadata
            continue
        for text in _sentences(filled):
            sentences.append(Sentence(text, project.templates_dir / template, lines[0], 0.0))
    return sentences


def _printed_text(document: str) -> str:
    """The text of an HTML document, one block (paragraph, heading, item) a line."""
    body = document.partition("<body")[2]
    body = re.sub(r"<(style|script)\b.*?</\1>", "", body, flags=re.DOTALL)
    text = html.unescape(re.sub(r"<[^>]*>", "", _BLOCK.sub("\n", body)))
    text = re.sub(r"[\u200b\u2060\u00ad]", "", text)
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _filled(msgid: str, printed: str) -> str | None:
    """The message as printed: its tags gone and its placeholders filled."""
    plain = " ".join(re.sub(r"<[^>]*>", "", msgid).split())
    # split() gives the text between placeholders at even places, their names at odd ones.
    pattern = "".join(re.escape(part) if index % 2 == 0 else r".+?"
                      for index, part in enumerate(_PLACEHOLDER.split(plain)))
    found = re.search(pattern, printed)
    return found[0] if found else None


def _sentences(text: str) -> list[str]:
    """``text`` cut into sentences, the last ended with a full stop if it has no stop."""
    text = re.sub(r":\s*$", ".", text.strip())
    if not re.search(r"[.!?]$", text):
        text += "."
    return [part for part in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", text) if part]


def _textstat():
    try:
        import textstat
    except ImportError:
        raise HandoutsError("textstat is not installed", fix="run `make pdfs`, which installs it")
    return textstat
