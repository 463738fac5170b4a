"""The pages and their scripts, styles and icons, served gzipped from memory.

At the show's start a hall of phones loads the same files at once over the
venue's Wi-Fi: the audience page is ~83 KB of HTML, scripts and styles, the
judge's and the console's ~120 KB, and they compress ~4× (the catalogue of
messages in two languages most of all). Each file is read and compressed
once, then again only when it changes on disk (its size or time), and
served with a weak ETag and ``Cache-Control: no-cache``: a phone asks again
at each load and gets a 304 of a few hundred bytes, and a server upgraded
mid-show reaches every page at its next load, where a heuristic freshness
lifetime would keep old scripts talking to the new server.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import Response

from server.negotiation import holds, takes_gzip

GZIP_LEVEL = 9
"""Compressed once per file and change: the smallest output costs nothing later."""
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    """None where compression would not make it smaller."""
    etag: str
    media_type: str
    stamp: tuple[int, int]
    """The file's (size, mtime_ns) when read."""


class Assets:
    """The files under ``root``, each read and compressed at its first request."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._cache: dict[Path, Asset] = {}

    def response(self, headers: Headers, relative: str, *, head: bool = False) -> Response:
        """The answer to a GET (or HEAD) of ``relative``; 404 outside ``root`` or missing."""
        asset = self._asset(relative)
        common = {"etag": asset.etag, "cache-control": "no-cache", "vary": "Accept-Encoding"}
        if holds(headers.get("if-none-match", ""), asset.etag):
            return Response(status_code=304, headers=common)
        body = asset.body
        if asset.gzipped is not None and takes_gzip(headers.get("accept-encoding", "")):
            body = asset.gzipped
            common["content-encoding"] = "gzip"
        response = Response(b"" if head else body, media_type=asset.media_type, headers=common)
        response.headers["content-length"] = str(len(body))
        return response

    def _asset(self, relative: str) -> Asset:
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or path.name.startswith("."):
            raise HTTPException(404)
        try:
            status = os.stat(path)
        except OSError:
            raise HTTPException(404) from None
        if not path.is_file():
            raise HTTPException(404)
        stamp = (status.st_size, status.st_mtime_ns)
        cached = self._cache.get(path)
        if cached is not None and cached.stamp == stamp:
            return cached
        body = path.read_bytes()
        squeezed = gzip.compress(body, GZIP_LEVEL, mtime=0)
        media_type = MEDIA_TYPES.get(path.suffix) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        asset = Asset(
            body=body,
            gzipped=squeezed if len(squeezed) < len(body) else None,
            etag=f'W/"{hashlib.sha256(body).hexdigest()[:32]}"',
            media_type=media_type,
            stamp=stamp,
        )
        self._cache[path] = asset
        return asset
