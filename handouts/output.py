"""Writing build output so that readers never see a half-written file.

Every file is written to a temporary name beside it and renamed; one build at a
time holds a lock on the output folder; temporary files a killed build left
behind are swept by the next one.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from .errors import HandoutsError

LOCK_NAME = ".build.lock"
# Where a build puts the PDFs it makes until it switches them in (publish.py):
# inside the output folder, so that the switch is a rename on one file system.
STAGING_NAME = ".staging"
_TEMP_SUFFIX = ".tmp"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A reader sees the old file or the new one, never a part of it, even if the
    build is stopped half-way; the temporary file is removed on any error.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TEMP_SUFFIX)
    except OSError as error:
        raise output_error(error, path) from None
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise output_error(error, path) from None
        raise


def write_if_changed(path: Path, data: bytes) -> bool:
    """``write_atomic``, unless ``path`` holds ``data`` already (a build with nothing
    to do then writes nothing, and syncs nothing to disk). Whether it wrote."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True


def output_error(error: OSError, path: Path) -> HandoutsError:
    """An OSError met while writing output, said with its fix."""
    if error.errno == errno.ENOSPC:
        fix = "free some disk space, or build into another folder with --out DIR"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "make the folder writable, or build into another folder with --out DIR"
    else:
        fix = "build into another folder with --out DIR"
    return HandoutsError(f"cannot write {path.name}: {error.strerror}", path=path.parent, fix=fix)


@contextlib.contextmanager
def output_lock(out_dir: Path, wait: bool = True, on_wait=None):
    """Hold the output folder for one build; a second one waits, or stops if ``wait`` is false.

    The lock is a POSIX record lock (lockf): the kernel releases it when the
    holder dies, however it dies, and worker processes forked by the build do
    not inherit it, so they can never keep it past their parent.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        file = open(out_dir / LOCK_NAME, "a")
    except OSError as error:
        raise output_error(error, out_dir / LOCK_NAME) from None
    with file:
        try:
            fcntl.lockf(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            if not wait:
                raise HandoutsError("another build is writing into this folder", path=out_dir,
                                    fix="wait for it to finish, or build into another folder "
                                        "with --out DIR") from None
            if on_wait:
                on_wait()
            fcntl.lockf(file, fcntl.LOCK_EX)
        try:
            sweep_temporary_files(out_dir)
            yield
        finally:
            fcntl.lockf(file, fcntl.LOCK_UN)


def sweep_temporary_files(out_dir: Path) -> list[Path]:
    """Remove temporary files and the staging folder a stopped or killed build
    left (only ever under the lock)."""
    staging = out_dir / STAGING_NAME
    swept = [staging] if staging.is_dir() else []
    shutil.rmtree(staging, ignore_errors=True)
    for path in out_dir.rglob(f".*{_TEMP_SUFFIX}"):
        if path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            swept.append(path)
    return swept


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
