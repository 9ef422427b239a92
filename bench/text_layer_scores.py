"""What poppler and MuPDF read in built PDFs, against the catalogs: for each
PDF, the share of the source's words each extractor gives and the share of
its neighbouring word pairs it gives side by side (the measures of
tests/test_text_layer.py, which needs 98% of each), and the pages poppler
reads left to right, since it decides one direction for a whole page from
whether the page holds more Latin or more right-to-left letters.

    .venv/bin/python bench/text_layer_scores.py dist --lang ar --lang he
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from handouts import load_project, plan  # noqa: E402
from test_text_layer import TOOLS, extracted_text, source_blocks, word_scores  # noqa: E402


def pages_read_left_to_right(path: Path) -> list[int]:
    """The pages on which poppler finds at least as many Latin (bidi class
    L) as right-to-left letters, and so reads every line left to right."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    pages = []
    for number, page in enumerate(text.split("\f")[:-1], 1):
        classes = [unicodedata.bidirectional(char) for char in page]
        if classes.count("L") >= classes.count("R") + classes.count("AL"):
            pages.append(number)
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="a build's output folder")
    parser.add_argument("--lang", action="append", metavar="CODE",
                        help="only this language (repeat for more)")
    args = parser.parse_args()
    project = load_project(ROOT)
    print(f"{'PDF':52} " + " ".join(f"{tool + ' words':>14} {tool + ' order':>14}"
                                     for tool in TOOLS) + "  poppler's left-to-right pages")
    for job in plan(project, args.lang):
        path = args.out / job.path
        scores = []
        for tool in TOOLS:
            found, in_order, _missing = word_scores(source_blocks(job), extracted_text(path, tool),
                                                    job.language.code)
            scores += [f"{found:14.1%}", f"{in_order:14.1%}"]
        pages = pages_read_left_to_right(path) if job.language.direction == "rtl" else []
        print(f"{path.name:52} {' '.join(scores)}  {', '.join(map(str, pages)) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
