"""The one exception type users see, with the place and the fix in its message."""

from __future__ import annotations

from pathlib import Path


class HandoutsError(Exception):
    """Bad input or a failed step, explained for the person who can fix it.

    ``str(error)`` reads ``file:line: what is wrong`` followed by the fix, so a
    command line can print it as it is.
    """

    def __init__(self, message: str, *, path: Path | str | None = None,
                 line: int | None = None, fix: str | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = where + self.message
        if self.fix:
            text += f"\n  fix: {self.fix}"
        return text
