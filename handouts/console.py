"""What the command line shows on a terminal: the progress bar and tables."""

from __future__ import annotations

from typing import Sequence


class Progress:
    """A progress bar on a terminal; one plain line per job elsewhere (logs, CI)."""

    def __init__(self, total: int, stream):
        self.total, self.done, self.stream = total, 0, stream
        self.bar = stream.isatty()

    def __call__(self, job, what: str) -> None:
        self.done += 1
        if not self.bar:
            print(f"{what:>9}  {job.path}", file=self.stream, flush=True)
            return
        width = 30
        filled = width * self.done // max(self.total, 1)
        line = f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}  {what} {job}"
        self.stream.write("\r" + line[:100].ljust(100))
        self.stream.flush()

    def close(self) -> None:
        if self.bar and self.done:
            self.stream.write("\n")


def table(header: Sequence[str], rows: list[Sequence[object]]) -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned."""
    cells = [[str(cell) for cell in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) if i == 0 else cell.rjust(width)
                  for i, (cell, width) in enumerate(zip(row, widths)))
        for row in cells)
