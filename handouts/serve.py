"""Serve a build's output folder on this machine, to preview the page as the site will."""

from __future__ import annotations

import functools
import http.server
import urllib.parse
from pathlib import Path


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, no directory listings, no hidden build files, nothing outside the folder."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".pdf": "application/pdf", ".json": "application/json",
                      ".png": "image/png", ".html": "text/html; charset=utf-8"}

    def send_head(self):
        if not self._may_serve(self.path):
            self.send_error(404)
            return None
        return super().send_head()

    def _may_serve(self, url_path: str) -> bool:
        """Whether ``url_path`` names a file that is not hidden (.build-state.json,
        .build.lock, temporary files) and lies inside the folder, links resolved.

        The path is judged as the file system will see it: decoded first, so that
        /%2ebuild.lock is the hidden file it spells.
        """
        path = urllib.parse.unquote(url_path.split("?", 1)[0].split("#", 1)[0])
        if any(segment.startswith(".") for segment in path.split("/")):
            return False
        try:
            file = Path(self.translate_path(url_path)).resolve()
        except (OSError, ValueError):  # a name the file system cannot hold
            return False
        return file.is_relative_to(Path(self.directory).resolve())

    def list_directory(self, path):
        self.send_error(404)
        return None

    def log_message(self, format, *args):  # one quiet line per request
        print(f"{self.address_string()} {format % args}", flush=True)


def make_server(folder: Path, port: int = 8000, host: str = "127.0.0.1"):
    """An HTTP server for ``folder`` on ``host:port`` (port 0: any free port)."""
    handler = functools.partial(_Handler, directory=str(folder))
    return http.server.ThreadingHTTPServer((host, port), handler)
