"""Incremental builds: what a PDF depends on, as hashes, and what the last
build into a folder made, so that an unchanged job can be skipped.

A job's key covers everything that can change its bytes: the project's code
and the versions of the libraries that render, the templates and stylesheets,
the language's catalog, review stamp and data, the fonts of its script (their files' sizes
and times), and the job's options. None of this imports WeasyPrint, so a build
with nothing to do stays fast. The state file in the output folder records,
for each PDF, the key it was made with and its manifest record.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from importlib import metadata
from pathlib import Path

from .fonts import font_files
from .output import write_if_changed
from .review import stamp_path
from .writing_systems import Script

RENDERING_LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "fonttools", "pyphen", "pikepdf",
                       "babel", "jinja2")


def _digest(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """This package's source and the versions of the libraries that render."""
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


def fonts_fingerprint(script: Script | None) -> str:
    """The font files of a script's stack, by path, size and modification time."""
    parts = []
    for family in script.fonts if script else ():
        for path in font_files().get(family, ()):
            stat = Path(path).stat()
            parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return _digest(*parts)


def job_key(job, templates: str) -> str:
    """The hash of everything job's PDF depends on (``templates``: tree_fingerprint)."""
    language = dataclasses.asdict(job.language)
    options = {
        "edition": dataclasses.asdict(job.edition), "paper": dataclasses.asdict(job.paper),
        "print_shop": dataclasses.asdict(job.print_shop) if job.print_shop else None,
        "incomplete": job.incomplete, "handout": dataclasses.asdict(job.handout),
        "language": language,
    }
    stamp = stamp_path(job.language.catalog) if job.language.catalog else None
    return _digest(code_fingerprint(), templates, file_fingerprint(job.language.catalog),
                   file_fingerprint(stamp),
                   fonts_fingerprint(job.language.writing_system),
                   json.dumps(options, sort_keys=True, default=str))


STATE = ".build-state.json"


def read_state(out_dir: Path) -> dict[str, dict]:
    """What the last build into ``out_dir`` made: {"jobs": {path: {"key", "record"}},
    "checks": {key: [finding, ...]}}; empty parts if there is no state."""
    try:
        data = json.loads((out_dir / STATE).read_text(encoding="utf-8"))
        return {"jobs": dict(data["jobs"]), "checks": dict(data.get("checks", {}))}
    except (OSError, ValueError, KeyError, TypeError):
        return {"jobs": {}, "checks": {}}


def write_state(out_dir: Path, jobs: dict[str, dict], checks: dict[str, list]) -> None:
    text = json.dumps({"jobs": dict(sorted(jobs.items())), "checks": dict(sorted(checks.items()))},
                      indent=1, sort_keys=True)
    write_if_changed(out_dir / STATE, text.encode("utf-8"))


class CheckCache:
    """The findings of the checks on each catalog, by a hash of all they depend on,
    so that a build whose catalogs have not changed does not check them again.
    ``used`` holds what this build looked up or added: the state keeps only that."""

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
