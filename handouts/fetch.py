"""The only way a rendered document reaches files: the project's own templates.

WeasyPrint asks its URL fetcher for every stylesheet, image and font a document
names. This one serves files under the templates folder and refuses everything
else (other files, the network, data: URLs), so no template or catalog can make a
build read from the machine or from outside it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class ProjectFetcher(URLFetcher):
    """A URL fetcher that only reads files inside ``root``."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols=("file",))
        self.root = Path(root).resolve()
        self.refused: list[str] = []  # what was asked for and not served, to report

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if path is None or not path.is_relative_to(self.root) or not path.is_file():
            self.refused.append(url if len(url) < 80 else url[:77] + "...")
            raise ValueError(f"refused to fetch {url[:80]!r}: only files under {self.root} are read")
        return URLFetcherResponse(url, path.read_bytes())
