"""Queries on SQLite's events table shared by the store and the chunk reader,
which reads on a connection of its own (``events.sqlite_chunks``)."""

from __future__ import annotations

import sqlite3
from typing import Final

from events.store import EMPTY_HEAD, Head

BODY: Final = "CAST(ifnull(body, x'') AS BLOB)"
"""The body column as bytes whatever it holds: a body rewritten by hand as
TEXT (or a number, or null) is read as such bytes, and verified (and fails),
with no check per row in Python."""


def stream_head(conn: sqlite3.Connection, stream: str) -> Head:
    """The last seq and hash of ``stream``, as ``conn`` sees the file."""
    row = conn.execute(
        "SELECT seq, hash FROM events WHERE stream = ? ORDER BY seq DESC LIMIT 1", (stream,)
    ).fetchone()
    return Head(row[0], row[1]) if row else EMPTY_HEAD
