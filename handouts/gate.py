"""The publication gate: which languages may be built and listed.

A language is published only when its catalog meets the policy: by default
every message translated, none fuzzy, no check error; under ``publish =
"reviewed"``, also reviewed as it stands (review.py). A language below it is
skipped with a one-line reason (build.py keeps a language that was published
in the output folder at its last good version instead). A policy may set a lower share translated
(``min-translated``); the PDFs of such a language then show the English of
each message it has not translated yet, and never a fuzzy guess, which is
never compiled. A catalog that cannot be read at all is not skipped but
failed: its build fails loudly and its last good PDF stays.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .catalogs import TranslationCatalog, UnreadableCatalog, read_catalog
from .checks import ERROR, CheckContext, Finding, check_catalog, finding
from .errors import HandoutsError
from .glossary import glossary_path, read_glossary
from .incremental import CheckCache, checks_key
from .languages import Language, language_line
from .review import SOURCE, ReviewState, read_stamp, review_state, stamp_path

POLICY_SETTINGS = ("min-translated", "publish")
PUBLISH = ("drafts", "reviewed")


@dataclass(frozen=True)
class Policy:
    """What a catalog needs to be published (``[tool.handouts]`` in pyproject.toml)."""

    min_translated: float = 100.0  # percent, like po4a's --keep
    # "drafts": every language that passes the other conditions, its PDFs marked
    # as drafts until reviewed; "reviewed": only languages reviewed as they stand.
    publish: str = "drafts"


@dataclass(frozen=True)
class Verdict:
    """Whether one language may be published, and why not."""

    language: Language
    publishable: bool
    reason: str = ""  # one line, empty when publishable
    # It cannot be built at all (its catalog cannot be read, its script has no
    # fonts): a failure, not a skip.
    failed: bool = False
    catalog: TranslationCatalog | None = None  # as read, for the build to render from
    review: ReviewState | None = None  # what its PDFs may say of their review
    findings: list[Finding] = field(default_factory=list)

    @property
    def broken(self) -> bool:
        """Unreadable, or with a check error: a mistake to fix, not work in progress."""
        return self.failed or any(f.severity == ERROR for f in self.findings)


def load_policy(pyproject: Path) -> Policy:
    """The policy of ``[tool.handouts]`` in ``pyproject``; the defaults where it says nothing."""
    try:
        with open(pyproject, "rb") as file:
            settings = tomllib.load(file).get("tool", {}).get("handouts", {})
    except FileNotFoundError:
        return Policy()
    except tomllib.TOMLDecodeError as error:
        raise HandoutsError(f"not valid TOML: {error}", path=pyproject) from None
    unknown = sorted(set(settings) - set(POLICY_SETTINGS))
    if unknown:
        raise HandoutsError(f"[tool.handouts] has unknown setting(s): {', '.join(unknown)}",
                            path=pyproject,
                            fix=f"remove them; the settings are: {', '.join(POLICY_SETTINGS)}")
    return make_policy(settings.get("min-translated", 100), settings.get("publish", "drafts"),
                       pyproject)


def make_policy(min_translated: object, publish: object, source: Path | str) -> Policy:
    """A policy from its settings, or a clear error naming where they came from."""
    if not isinstance(min_translated, (int, float)) or not 0 <= min_translated <= 100:
        raise HandoutsError("min-translated must be a number from 0 to 100", path=source)
    if publish not in PUBLISH:
        raise HandoutsError(f"publish must be one of {', '.join(PUBLISH)}, not {publish!r}",
                            path=source,
                            fix='"drafts" publishes drafts marked as such; "reviewed" only '
                                "languages reviewed as they stand")
    return Policy(min_translated=float(min_translated), publish=publish)


def assess(language: Language, policy: Policy,
           template: TranslationCatalog | None = None,
           locales_dir: Path | None = None, checks: CheckCache | None = None) -> Verdict:
    """Read ``language``'s catalog once, check it, and judge it against ``policy``.

    ``locales_dir`` is the project's locales/ folder, which the catalog must be in
    and whose languages.toml declares the language. ``checks`` holds the findings
    of earlier builds, reused while nothing they depend on has changed.
    """
    try:
        language.writing  # noqa: B018 -- raises if no font sets its script
    except HandoutsError as error:
        return Verdict(language, False, _declaration_error(language, error, locales_dir),
                       failed=True)
    if language.catalog is None:
        return Verdict(language, True, review=SOURCE)
    try:
        stamp = read_stamp(stamp_path(language.catalog))
        catalog = read_catalog(language.catalog, language.locale, template, within=locales_dir)
        glossary = read_glossary(glossary_path(language.catalog))
    except UnreadableCatalog as error:
        reason = finding(error.check, error.path, error.line, error.message)
        return Verdict(language, False, f"{reason}\n  fix: {error.fix}", failed=True)
    except HandoutsError as error:
        return Verdict(language, False, str(error), failed=True)
    context = CheckContext(language.locale, language.plural_forms, template, stamp, glossary,
                           language.writing_system)
    findings = _findings(catalog, context, checks)
    errors = [f for f in findings if f.severity == ERROR]
    review = review_state(catalog, stamp)
    reasons = []
    if catalog.percent < policy.min_translated:
        reasons.append(f"{catalog.percent:g}% translated, {policy.min_translated:g}% needed")
    if catalog.stats.printed_fuzzy:
        reasons.append(f"{catalog.stats.printed_fuzzy} fuzzy")
    if errors:
        reasons.append(f"{len(errors)} check error{'s' if len(errors) > 1 else ''} "
                       f"(first: {errors[0]})")
    if policy.publish == "reviewed" and review.status != "reviewed":
        reasons.append("not reviewed as it stands" + (
            f" ({review.changed_since_review} message(s) changed since review)"
            if review.changed else "") + '; publish = "reviewed"')
    return Verdict(language, not reasons, "; ".join(reasons), catalog=catalog, review=review,
                   findings=findings)


def _findings(catalog: TranslationCatalog, context: CheckContext,
              checks: CheckCache | None) -> list[Finding]:
    """The checks' findings on ``catalog``, from ``checks`` if nothing changed since."""
    if checks is None:
        return check_catalog(catalog, context)
    key = checks_key(str(catalog.path), catalog.text, context.template and context.template.text,
                     stamp_path(catalog.path), glossary_path(catalog.path), context.locale,
                     context.plural_forms, repr(context.writing_system))
    known = checks.get(key)
    if known is not None:
        return [Finding(**finding) for finding in known]
    findings = check_catalog(catalog, context)
    checks.put(key, [asdict(finding) for finding in findings])
    return findings


def _declaration_error(language: Language, error: HandoutsError, locales_dir: Path | None) -> str:
    """``error`` about ``language``'s data, pointed at its table in languages.toml."""
    path = locales_dir / "languages.toml" if locales_dir else None
    return str(HandoutsError(f"[{language.code}] {error.message}", path=path,
                             line=language_line(path, language.code) if path else None,
                             fix=error.fix))
