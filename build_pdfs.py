#!/usr/bin/env python3
"""Build the handout PDFs, the "PDFs by language" page and manifest.json.

Run `python build_pdfs.py --help` for the commands; the work is done in the
handouts package, of which this is the command-line entry point.
"""

import sys

from handouts.cli import main

if __name__ == "__main__":
    sys.exit(main())
