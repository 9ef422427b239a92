"""The publication gate: which languages may be built and listed.

A language is published only when its catalog meets the policy: by default
every message translated, none fuzzy, no check error. Anything less is skipped
with a one-line reason, so no PDF ever carries English fragments or fuzzy
guesses. A catalog that cannot be read at all is not skipped but failed: its
build fails loudly and its last good PDF stays.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog

from .catalogs import CatalogStats, catalog_stats, read_catalog_once
from .checks import ERROR, Finding, check_catalog
from .errors import HandoutsError
from .languages import Language

UNREADABLE = ("po-syntax", "encoding")


@dataclass(frozen=True)
class Policy:
    """What a catalog needs to be published (``[tool.handouts]`` in pyproject.toml)."""

    min_translated: float = 100.0  # percent, like po4a's --keep
    publish_fuzzy: bool = False


@dataclass(frozen=True)
class Verdict:
    """Whether one language may be published, and why not."""

    language: Language
    publishable: bool
    reason: str = ""  # one line, empty when publishable
    unreadable: bool = False  # the catalog cannot be read: a failure, not a skip
    stats: CatalogStats | None = None
    findings: list[Finding] = field(default_factory=list)


def load_policy(pyproject: Path) -> Policy:
    try:
        with open(pyproject, "rb") as file:
            settings = tomllib.load(file).get("tool", {}).get("handouts", {})
    except FileNotFoundError:
        return Policy()
    return Policy(min_translated=float(settings.get("min-translated", 100)),
                  publish_fuzzy=bool(settings.get("publish-fuzzy", False)))


def _percent_of_template(catalog: Catalog, template: Catalog | None,
                         stats: CatalogStats) -> float:
    """Percent translated, counting messages of the template the catalog lacks as untranslated."""
    if template is None:
        return stats.percent
    wanted = [m.id for m in template if m.id]
    if not wanted:
        return 100.0
    done = sum(1 for msgid in wanted
               if (m := catalog.get(msgid)) is not None and not m.fuzzy and m.string
               and (m.string[0] if isinstance(m.string, tuple) else m.string))
    return round(100 * done / len(wanted), 1)


def assess(language: Language, policy: Policy, template: Catalog | None = None) -> Verdict:
    """Judge ``language``'s catalog against ``policy``."""
    if language.catalog is None:
        return Verdict(language, True)
    if not language.catalog.is_file():
        return Verdict(language, False, f"no catalog at {language.catalog}", unreadable=True)
    findings = check_catalog(language.catalog, language.locale, language.plural_forms, template)
    errors = [f for f in findings if f.severity == ERROR]
    if any(f.check in UNREADABLE for f in errors):
        return Verdict(language, False, str(errors[0]), unreadable=True, findings=findings)
    try:
        catalog = read_catalog_once(language.catalog, language.locale)
    except HandoutsError as error:
        return Verdict(language, False, str(error), unreadable=True, findings=findings)
    stats = catalog_stats(catalog)
    percent = _percent_of_template(catalog, template, stats)
    reasons = []
    if percent < policy.min_translated:
        reasons.append(f"{percent:g}% translated, {policy.min_translated:g}% needed")
    if stats.fuzzy and not policy.publish_fuzzy:
        reasons.append(f"{stats.fuzzy} fuzzy")
    if errors:
        reasons.append(f"{len(errors)} check error{'s' if len(errors) > 1 else ''} "
                       f"(first: {errors[0]})")
    return Verdict(language, not reasons, "; ".join(reasons), stats=stats, findings=findings)
