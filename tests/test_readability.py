"""`stats --readability`: how hard each handout's English source is to read,
and where its hardest sentences are written."""

from __future__ import annotations

import json
import re

import pytest
import textstat

from conftest import ROOT, cli
from handouts.readability import source_sentences

TEMPLATE = "templates/breast-cancer-recurrence/handout.html"
PLAIN = "Our trained cancer experts help patients, their families and the people who care for them."
HARD = ("Our multidisciplinary oncological information specialists comprehensively "
        "facilitate individualized psychosocial consultations for patients, caregivers "
        "and families experiencing considerable uncertainty.")


def readability(root) -> dict:
    result = cli("--root", root, "stats", "--readability", "--json")
    assert result.returncode == 0, result.stderr
    [handout] = json.loads(result.stdout)
    return handout


def test_the_hardest_sentences_are_graded_and_found_at_their_template_line():
    report = readability(ROOT)
    assert report["handout"] == "breast-cancer-recurrence"
    assert report["sentences"] >= 40
    assert len(report["hardest"]) == 5
    lines = (ROOT / TEMPLATE).read_text(encoding="utf-8").splitlines()
    grades = [sentence["grade"] for sentence in report["hardest"]]
    assert grades == sorted(grades, reverse=True)
    for sentence in report["hardest"]:
        assert sentence["grade"] == textstat.flesch_kincaid_grade(sentence["text"])
        # The sentence, its placeholders filled, starts in its message at that line.
        line = re.sub(r"<[^>]*>", "", lines[sentence["line"] - 1])
        assert " ".join(sentence["text"].split()[:3]) in line


def test_a_harder_sentence_raises_the_grades_and_is_listed_first(project_copy):
    before = readability(project_copy)
    template = project_copy / TEMPLATE
    text = template.read_text(encoding="utf-8")
    assert PLAIN in text
    template.write_text(text.replace(PLAIN, HARD), encoding="utf-8")
    after = readability(project_copy)
    assert after["flesch_kincaid_grade"] > before["flesch_kincaid_grade"]
    assert after["smog"] > before["smog"]
    assert after["hardest"][0]["text"] == HARD
    line = text[:text.index(PLAIN)].count("\n") + 1
    assert after["hardest"][0]["line"] == line


def test_the_english_source_reads_at_grade_6_and_smog_8_or_lower():
    report = readability(ROOT)
    assert report["flesch_kincaid_grade"] <= 6
    assert report["smog"] <= 8


# Each medical word, and the words that explain it. The explanation comes where
# the word first appears: in the same sentence or one of the three after it (a
# heading that names it is answered in the paragraph just below).
DEFINED = {
    "recurrence": "doctors call it a recurrence",
    "lymph nodes": "Lymph nodes are small, bean-shaped parts of the body that help fight germs",
    "mastectomy": "This is surgery to take off the whole breast",
    "radiation": "Radiation uses strong x-rays to kill cancer cells",
    "chemotherapy": "strong drugs that kill cancer cells",
    "hormone therapy": "medicine that blocks the hormones some breast cancers need to grow",
    "targeted therapy": "medicine that attacks certain parts of cancer cells",
    "immunotherapy": "medicine that helps your body's own defenses fight the cancer",
    "metastatic": "Metastatic means the cancer has spread from the breast to other parts of the body",
    "clinical trial": "This is a research study that tests a newer treatment",
}


@pytest.mark.parametrize("word", DEFINED)
def test_each_medical_word_is_explained_where_it_first_appears(project, word):
    sentences = [sentence.text for sentence in
                 source_sentences(project, project.handouts["breast-cancer-recurrence"])]
    first = next(i for i, text in enumerate(sentences) if word in text.lower())
    assert any(DEFINED[word] in text for text in sentences[first:first + 4]), sentences[first]
