"""Planning: the jobs of a build, one per (handout, language, edition, paper).

A job names one PDF to make and where it goes; its path is stable across
builds, so the site can link it. Planning reads nothing but the project's data
and never imports WeasyPrint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .editions import (DEFAULT_EDITIONS, DEFAULT_PAPERS, EDITIONS, PAPERS, Edition, Paper,
                       PrintShop)
from .catalogs import TranslationCatalog
from .errors import HandoutsError
from .languages import Language
from .project import Handout, Project
from .review import ReviewState


@dataclass(frozen=True)
class Job:
    """One PDF to make."""

    handout: Handout
    language: Language
    edition: Edition
    paper: Paper
    print_shop: PrintShop | None = None  # bleed and crop marks for a commercial printer
    incomplete: bool = False  # below the publication gate: highlighted and watermarked
    # The language's catalog as the gate read it, so that a build reads it once.
    catalog: TranslationCatalog | None = field(default=None, compare=False, repr=False)
    # What its PDF may say of its review, as the gate found it.
    review: ReviewState | None = field(default=None, compare=False, repr=False)

    @property
    def path(self) -> Path:
        """Where the PDF goes, relative to the output folder; stable across builds."""
        return Path(self.handout.slug) / (
            f"{self.handout.slug}.{self.language.code}.{self.paper.name}.{self.edition.name}.pdf")

    def __str__(self) -> str:
        return f"{self.handout.slug} {self.language.code} {self.paper.name} {self.edition.name}"


def plan(project: Project, languages: Iterable[str] | None = None,
         papers: Iterable[str] = DEFAULT_PAPERS,
         editions: Iterable[str] = DEFAULT_EDITIONS,
         print_shop: PrintShop | None = None) -> list[Job]:
    """The jobs for the given language codes (default: all), papers and editions."""
    chosen = project.languages_for(list(languages) if languages else list(project.languages))
    papers, editions = list(papers), list(editions)
    for name, table, kind in [(p, PAPERS, "paper") for p in papers] + [
            (e, EDITIONS, "edition") for e in editions]:
        if name not in table:
            raise HandoutsError(f"unknown {kind} {name!r}; known: {', '.join(table)}")
    return [Job(handout, language, EDITIONS[edition], PAPERS[paper], print_shop)
            for handout in project.handouts.values()
            for language in chosen
            for paper in papers
            for edition in editions
            if EDITIONS[edition].for_source_language or not language.is_source]
