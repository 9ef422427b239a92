"""Review status is data: drafts say so on every page; a reviewed translation credits its reviewer."""

from __future__ import annotations


from handouts import build, load_project
from handouts.jobs import plan

from conftest import pdf_text, read_manifest


def test_reviewed_translation_credits_its_reviewer_instead_of_the_draft_notice(project_copy, tmp_path):
    languages = project_copy / "locales/languages.toml"
    text = languages.read_text(encoding="utf-8")
    text = text.replace('[es]\nscript = "Latn"\nreview = "draft"',
                        '[es]\nscript = "Latn"\n'
                        'review = { status = "reviewed", reviewer = "Ana Ruiz", date = 2027-01-31 }')
    languages.write_text(text, encoding="utf-8")
    project = load_project(project_copy)
    assert project.languages["es"].review.status == "reviewed"

    report = build(project, tmp_path, plan(project, ["es"], ["letter"], ["standard"]))
    assert report.ok

    pages = pdf_text(tmp_path / report.built[0].path)
    for page in pages:
        assert "Traducción revisada por Ana Ruiz el 31 de enero de 2027." in page
        assert "Draft translation" not in page
        assert "Traducción preliminar" not in page
    manifest = read_manifest(tmp_path)
    spanish = manifest["handouts"][0]["languages"][0]
    assert (spanish["review"], spanish["reviewer"], spanish["reviewed"]) == (
        "reviewed", "Ana Ruiz", "2027-01-31")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Translation reviewed by Ana Ruiz on January 31, 2027." in page
