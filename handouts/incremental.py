"""Incremental builds: what a PDF depends on, as hashes, and what the last
build into a folder made, so that an unchanged job can be skipped.

A job's key covers everything that can change its bytes: the project's code
and the versions of the libraries that render, the templates and stylesheets,
the language's catalog, review stamp and data, the fonts of its script (their files' sizes
and times), and the job's options. None of this imports WeasyPrint, so a build
with nothing to do stays fast. The state file in the output folder records,
for each PDF, the key it was made with and its manifest record.

So that a build with nothing to do reads no catalog and renders no page, the
state also keeps, each under a hash of everything it depends on: the checks'
findings on each catalog, the gate's verdict on each language (gate_key), and
the page and manifest as last written (site_key).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import stat
from pathlib import Path

from .fonts import font_files
from .output import write_if_changed
from .review import stamp_path
from .writing_systems import Script

RENDERING_LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "fonttools", "pyphen", "pikepdf",
                       "babel", "jinja2", "uharfbuzz", "pyicu")


def _digest(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """This package's source and the versions of the libraries that render."""
    from importlib import metadata

    package = Path(__file__).parent
    parts = [path.read_bytes() for path in sorted(package.glob("*.py"))]
    for name in RENDERING_LIBRARIES:
        try:
            parts.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name}=none")
    return _digest(*parts)


def tree_fingerprint(folder: Path) -> str:
    """Every file under ``folder``, by name and content."""
    parts = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        parts += [str(path.relative_to(folder)), path.read_bytes()]
    return _digest(*parts)


def file_fingerprint(path: Path | None) -> str:
    return _digest(path.read_bytes()) if path is not None and path.is_file() else "none"


def regular_file_fingerprint(path: Path | None) -> str:
    """A file by its content, where it really is, and whether it is a regular
    file (a link or a folder in its place must not pass for it)."""
    if path is None:
        return "none"
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return "missing"
    if not stat.S_ISREG(mode):
        return f"mode {mode:o}"
    return _digest(str(path.resolve()), path.read_bytes())


def fonts_fingerprint(script: Script | None) -> str:
    """The font files of a script's stack, by path, size and modification time."""
    parts = []
    for family in script.fonts if script else ():
        for path in font_files().get(family, ()):
            stat = Path(path).stat()
            parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return _digest(*parts)


@functools.lru_cache(maxsize=None)
def data_json(item) -> str:
    """A frozen dataclass (a language, a handout, an edition) as JSON, once for each
    value: ``dataclasses.asdict`` copies every nested field, and a build asks
    for each language's many times."""
    return json.dumps(dataclasses.asdict(item), sort_keys=True, default=str)


def job_key(job, templates: str, memo: dict | None = None) -> str:
    """The hash of everything job's PDF depends on (``templates``: tree_fingerprint).

    ``memo`` (a dict kept for one build) holds the parts that jobs share: each
    language's and each handout's, computed once rather than once a job.
    """
    memo = {} if memo is None else memo
    language = memo.get(("language", job.language.code))
    if language is None:
        stamp = stamp_path(job.language.catalog) if job.language.catalog else None
        language = memo[("language", job.language.code)] = _digest(
            file_fingerprint(job.language.catalog), file_fingerprint(stamp),
            fonts_fingerprint(job.language.writing_system), data_json(job.language))
    handout = memo.get(("handout", job.handout.slug))
    if handout is None:
        handout = memo[("handout", job.handout.slug)] = data_json(job.handout)
    options = {
        "edition": data_json(job.edition), "paper": data_json(job.paper),
        "print_shop": data_json(job.print_shop) if job.print_shop else None,
        "incomplete": job.incomplete,
    }
    return _digest(code_fingerprint(), templates, language, handout,
                   json.dumps(options, sort_keys=True, default=str))


def gate_key(language, policy, template: Path, locales_dir: Path | None) -> str:
    """The hash of everything the gate's verdict on ``language`` depends on: this
    code and the libraries, the policy, the language's data and the list it is in,
    the template, and its catalog, review stamp and glossary (as regular files)."""
    from .glossary import glossary_path

    catalog = language.catalog
    files = [template, catalog, stamp_path(catalog) if catalog else None,
             glossary_path(catalog) if catalog else None,
             locales_dir / "languages.toml" if locales_dir else None]
    return _digest(code_fingerprint(), str(locales_dir), repr(policy),
                   data_json(language), *(regular_file_fingerprint(path) for path in files))


def site_key(project, out_dir: Path, kept: list, templates: str) -> str:
    """The hash of everything the page and the manifest of ``out_dir`` are made of:
    this code, the templates, the languages, the records listed (``kept``), each
    listed file's and thumbnail's size and time, and the manifest and page on disk."""
    parts = [code_fingerprint(), templates,
             *(data_json(language) for language in project.languages.values()),
             *(data_json(handout) for handout in project.handouts.values()),
             *(json.dumps(record.__dict__, sort_keys=True, default=str) for record in kept)]
    for record in kept:
        pdf = out_dir / record.path
        thumbnail = pdf.parent / f"{record.handout}.{record.language}.png"
        for path in (pdf, thumbnail):
            try:
                info = os.lstat(path)
                parts.append(f"{info.st_mode}:{info.st_size}:{info.st_mtime_ns}")
            except OSError:
                parts.append("missing")
    for name in ("manifest.json", "index.html"):
        parts.append(regular_file_fingerprint(out_dir / name))
    return _digest(*parts)


STATE = ".build-state.json"


def read_state(out_dir: Path) -> dict:
    """What the last build into ``out_dir`` made: {"jobs": {path: {"key", "record"}},
    "checks": {key: [finding, ...]}, "gate": {key: verdict}, "site": key or None};
    empty parts if there is no state."""
    try:
        data = json.loads((out_dir / STATE).read_text(encoding="utf-8"))
        return {"jobs": dict(data["jobs"]), "checks": dict(data.get("checks", {})),
                "gate": dict(data.get("gate", {})), "site": data.get("site")}
    except (OSError, ValueError, KeyError, TypeError):
        return {"jobs": {}, "checks": {}, "gate": {}, "site": None}


def write_state(out_dir: Path, jobs: dict[str, dict], checks: dict[str, list],
                gate: dict[str, dict] | None = None, site: str | None = None) -> None:
    text = json.dumps({"jobs": dict(sorted(jobs.items())), "checks": dict(sorted(checks.items())),
                       "gate": dict(sorted((gate or {}).items())), "site": site},
                      indent=1, sort_keys=True)
    write_if_changed(out_dir / STATE, text.encode("utf-8"))


class CheckCache:
    """The findings of the checks on each catalog (or the gate's verdicts), by a
    hash of all they depend on, so that a build whose catalogs have not changed
    does not check them again. ``used`` holds what this build looked up or added:
    the state keeps only that."""

    def __init__(self, known: dict[str, list] | None = None):
        self.known = known or {}
        self.used: dict[str, list] = {}

    def get(self, key: str) -> list | None:
        found = self.known.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def put(self, key: str, findings: list) -> None:
        self.known[key] = self.used[key] = findings


def checks_key(*inputs: Path | str | None) -> str:
    """The hash of what a catalog's findings depend on: this code and the libraries,
    and each input (a file, by its content; text as it is)."""
    return _digest(code_fingerprint(), *(
        file_fingerprint(item) if isinstance(item, Path) else str(item) for item in inputs))


def still_there(out_dir: Path, known: dict) -> bool:
    """Whether the PDF the state records is still on disk, with its size."""
    path = out_dir / known["record"]["path"]
    try:
        return path.stat().st_size == known["record"]["bytes"]
    except OSError:
        return False
