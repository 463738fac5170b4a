"""A stream's stored rows read a chunk ahead, on a thread of their own, for a fold.

A replay reads a million rows while the fold decodes and applies them,
holding the interpreter. ``sqlite3`` gives the interpreter up around each
row it steps to, so a reader thread fetching row by row would wait for it
back after every row, and the two threads would take turns (a fifth of a
replay went waiting that way). Here SQLite joins a chunk's rows into three
strings (types, hashes, bodies) in one step: the reader thread needs the
interpreter twice a chunk, and SQLite's work runs on another core while the
fold goes on. (An aggregate over a subquery with ``ORDER BY`` takes its rows
in that order, as SQLite does not flatten such a subquery; ``apply`` refuses
an envelope out of sequence in any case.)

A chunk is split back only if each of its three strings splits into as
many parts as it has rows: no type, hash or body holds the separator
(canonical JSON escapes every control character). Otherwise (a file edited
by hand) the chunk is read row by row, as ``read`` reads it. Types and hashes
come as text whatever SQLite holds (a hash rewritten by hand as a blob of
the same characters reads as the same hash), as bodies come as bytes.
"""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Final

from events.sqlite_queries import BODY, stream_head

SEPARATOR: Final = "\x1e"
"""Between the joined values: the ASCII record separator."""
AHEAD: Final = 2
"""Chunks read ahead of the fold, at most."""

_JOINED: Final = f"""
SELECT count(*),
       group_concat(type, char(30)),
       group_concat(hash, char(30)),
       CAST(group_concat(body, x'1e') AS BLOB)
FROM (SELECT type, {BODY} AS body, hash FROM events
      WHERE stream = ? AND seq BETWEEN ? AND ? ORDER BY seq)
"""
_ROWS: Final = (
    f"SELECT type, {BODY}, hash FROM events WHERE stream = ? AND seq BETWEEN ? AND ? ORDER BY seq"
)

Chunk = tuple[Sequence[str], Sequence[bytes], Sequence[str]]
"""A chunk's types, bodies and hashes, in seq order."""


def _chunk(conn: sqlite3.Connection, stream: str, first: int, last: int) -> Chunk:
    """The rows of ``stream`` from seq ``first`` to ``last``."""
    try:
        count, types, hashes, bodies = conn.execute(_JOINED, (stream, first, last)).fetchone()
    except sqlite3.OperationalError:  # a type or hash that is no UTF-8 text
        count = None
    if count == 0:
        return [], [], []
    if count is not None and None not in (types, hashes):
        split = types.split(SEPARATOR), bodies.split(SEPARATOR.encode()), hashes.split(SEPARATOR)
        if all(len(column) == count for column in split):
            return split
    rows = conn.execute(_ROWS, (stream, first, last)).fetchall()
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


class _Stop(Exception):
    """The fold stopped reading: the reader thread ends."""


def read_ahead(
    path: Path | str, stream: str, to_seq: int, size: int
) -> Generator[Chunk, None, None]:
    """The rows of ``stream`` up to ``to_seq`` in chunks of ``size``, read by a
    thread of their own up to ``AHEAD`` chunks ahead of the caller. Raises
    ``sqlite3.Error`` as reading does; the thread ends when the caller stops."""
    chunks: queue.Queue[Chunk | BaseException | None] = queue.Queue(AHEAD)
    stopped = threading.Event()

    def hand(item: Chunk | BaseException | None) -> None:
        while True:
            if stopped.is_set():
                raise _Stop
            try:
                chunks.put(item, timeout=0.1)
                return
            except queue.Full:
                pass

    def read() -> None:
        with contextlib.suppress(_Stop):
            try:
                conn = sqlite3.connect(path)
                try:
                    last = min(stream_head(conn, stream).seq, to_seq)
                    for first in range(1, last + 1, size):
                        hand(_chunk(conn, stream, first, min(last, first + size - 1)))
                finally:
                    conn.close()
            except _Stop:
                raise
            except BaseException as exc:  # handed to the caller, who raises it
                hand(exc)
            else:
                hand(None)

    reader = threading.Thread(target=read, name=f"leitai-read-{stream}", daemon=True)
    reader.start()
    try:
        while (item := chunks.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stopped.set()
        reader.join()
