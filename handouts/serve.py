"""Serve a build's output folder on this machine, to preview the page as the site will."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, no directory listings, no hidden build files."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".pdf": "application/pdf", ".json": "application/json",
                      ".png": "image/png", ".html": "text/html; charset=utf-8"}

    def send_head(self):
        name = self.path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        if name.startswith("."):
            self.send_error(404)
            return None
        return super().send_head()

    def list_directory(self, path):
        self.send_error(404)
        return None

    def log_message(self, format, *args):  # one quiet line per request
        print(f"{self.address_string()} {format % args}", flush=True)


def make_server(folder: Path, port: int = 8000, host: str = "127.0.0.1"):
    """An HTTP server for ``folder`` on ``host:port`` (port 0: any free port)."""
    handler = functools.partial(_Handler, directory=str(folder))
    return http.server.ThreadingHTTPServer((host, port), handler)
