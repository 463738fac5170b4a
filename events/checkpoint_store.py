"""Where signed checkpoints are kept: beside the event table, never in it.

A checkpoint is a signed note (``events.checkpoint``); keeping it outside the
log means the log's bytes never depend on the server's key. Losing a stored
checkpoint loses nothing but evidence: anyone who fetched it keeps a copy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import aiosqlite

from events.errors import StoreUnavailable
from events.postgres import SideTable

SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS checkpoints (
    stream TEXT    NOT NULL,
    size   INTEGER NOT NULL,
    note   TEXT    NOT NULL,
    PRIMARY KEY (stream, size)
) WITHOUT ROWID;
"""

POSTGRES_SCHEMA = """
CREATE TABLE IF NOT EXISTS leitai_checkpoints (
    stream TEXT   NOT NULL,
    size   BIGINT NOT NULL,
    note   TEXT   NOT NULL,
    PRIMARY KEY (stream, size)
);
"""


class CheckpointStore(Protocol):
    """Signed checkpoints by stream and tree size; one implementation per backend."""

    async def add(self, stream: str, size: int, note: str) -> None:
        """Keep ``note``; a second note of the same size is ignored."""
        ...

    async def latest(self, stream: str) -> str | None:
        """The note of the largest tree size, or None."""
        ...

    async def notes(self, stream: str) -> list[str]:
        """Every note of ``stream``, smallest tree size first."""
        ...

    async def streams(self) -> list[str]:
        """The streams holding at least one note."""
        ...

    async def close(self) -> None: ...


class SqliteCheckpoints:
    """Checkpoints in the ``checkpoints`` table of the SQLite database."""

    def __init__(self, conn: aiosqlite.Connection, present: bool) -> None:
        self._conn = conn
        self._present = present

    @classmethod
    async def open(cls, path: str | Path, *, create: bool = True) -> SqliteCheckpoints:
        conn = await aiosqlite.connect(Path(path), isolation_level=None)
        try:
            await conn.execute("PRAGMA busy_timeout = 10000")
            if create:
                await conn.execute("PRAGMA synchronous = FULL")
                await conn.executescript(SQLITE_SCHEMA)
                return cls(conn, True)
            async with conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'checkpoints'"
            ) as cursor:
                present = await cursor.fetchone() is not None
        except aiosqlite.Error as exc:
            await conn.close()
            raise StoreUnavailable(f"{path}: checkpoints unavailable: {exc}") from None
        return cls(conn, present)

    async def add(self, stream: str, size: int, note: str) -> None:
        try:
            await self._conn.execute(
                "INSERT OR IGNORE INTO checkpoints (stream, size, note) VALUES (?, ?, ?)",
                (stream, size, note),
            )
        except aiosqlite.Error as exc:
            raise StoreUnavailable(f"could not store a checkpoint: {exc}") from None

    async def latest(self, stream: str) -> str | None:
        notes = await self._select(
            "SELECT note FROM checkpoints WHERE stream = ? ORDER BY size DESC LIMIT 1", stream
        )
        return notes[0] if notes else None

    async def notes(self, stream: str) -> list[str]:
        return await self._select(
            "SELECT note FROM checkpoints WHERE stream = ? ORDER BY size", stream
        )

    async def streams(self) -> list[str]:
        return await self._select("SELECT DISTINCT stream FROM checkpoints ORDER BY stream")

    async def _select(self, sql: str, *args: str) -> list[str]:
        if not self._present:
            return []
        try:
            async with self._conn.execute(sql, args) as cursor:
                return [str(row[0]) for row in await cursor.fetchall()]
        except aiosqlite.Error as exc:
            raise StoreUnavailable(f"checkpoints unavailable: {exc}") from None

    async def close(self) -> None:
        await self._conn.close()


class PostgresCheckpoints:
    """Checkpoints in the ``leitai_checkpoints`` table beside the PostgreSQL log."""

    def __init__(self, table: SideTable) -> None:
        self._table = table

    @classmethod
    async def open(cls, url: str) -> PostgresCheckpoints:
        return cls(await SideTable.open(url, POSTGRES_SCHEMA, "checkpoints"))

    async def add(self, stream: str, size: int, note: str) -> None:
        await self._table.run(
            "execute",
            "INSERT INTO leitai_checkpoints (stream, size, note) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING",
            stream,
            size,
            note,
        )

    async def latest(self, stream: str) -> str | None:
        note = await self._table.run(
            "fetchval",
            "SELECT note FROM leitai_checkpoints WHERE stream = $1 ORDER BY size DESC LIMIT 1",
            stream,
        )
        return str(note) if note is not None else None

    async def notes(self, stream: str) -> list[str]:
        rows = await self._table.run(
            "fetch", "SELECT note FROM leitai_checkpoints WHERE stream = $1 ORDER BY size", stream
        )
        return [str(row[0]) for row in rows]

    async def streams(self) -> list[str]:
        rows = await self._table.run(
            "fetch", "SELECT DISTINCT stream FROM leitai_checkpoints ORDER BY stream"
        )
        return [str(row[0]) for row in rows]

    async def close(self) -> None:
        await self._table.close()


async def open_checkpoints(url: str, *, create: bool = True) -> CheckpointStore:
    """The checkpoints kept beside the store at ``url``; ``create=False`` only reads."""
    if url.startswith(("postgresql://", "postgres://")):
        return await PostgresCheckpoints.open(url)
    if "://" in url and not url.startswith("sqlite://"):
        raise ValueError(f"checkpoints for {url!r}: expected a sqlite:// or postgresql:// URL")
    return await SqliteCheckpoints.open(url.removeprefix("sqlite://"), create=create)
