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

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise ValueError(f"refused to fetch {url!r}: only the project's own files are read")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValueError(f"refused to fetch {url!r}: outside {self.root}")
        return URLFetcherResponse(url, path.read_bytes())
