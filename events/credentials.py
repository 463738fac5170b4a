"""Access tokens, kept beside the log and never in it.

A token is 32 random bytes shown once (to the admin, or in a judge's link);
only its SHA-256 is stored. High-entropy tokens need no slow password hash:
the digest cannot be reversed, and lookups by digest are constant-time in
the token's content.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from pathlib import Path
from typing import Literal, NamedTuple, Protocol

import aiosqlite

from events.errors import StoreUnavailable
from events.postgres import SideTable

TokenRole = Literal["admin", "judge", "auditor"]

LOOKUP_CHUNK = 500
"""Digests per SQLite query (each is a bound parameter)."""

SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS credentials (
    token_hash TEXT PRIMARY KEY,
    stream     TEXT NOT NULL,
    role       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS credentials_stream ON credentials (stream);
"""

POSTGRES_SCHEMA = """
CREATE TABLE IF NOT EXISTS leitai_credentials (
    token_hash TEXT PRIMARY KEY,
    stream     TEXT NOT NULL,
    role       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    revoked    BOOLEAN NOT NULL DEFAULT false
);
"""


class Credential(NamedTuple):
    """Who a token speaks for: a role in one competition, and the person's id."""

    stream: str
    token_hash: str
    role: TokenRole
    subject: str
    revoked: bool = False


def new_token() -> str:
    """A fresh random token (URL-safe, 43 characters)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Credentials(Protocol):
    """Where token digests live; one implementation per store backend."""

    async def issue(self, stream: str, role: TokenRole, subject: str) -> str:
        """A new token for ``subject``; its digest is stored, the token returned."""
        ...

    async def revoke(self, stream: str, role: TokenRole, subject: str) -> int:
        """Revoke every token of ``subject``; how many were live."""
        ...

    async def lookup(self, digests: Collection[str]) -> dict[str, Credential]:
        """The live credentials of the token digests ``digests`` (``token_hash``),
        by digest, in one query; a digest unknown or revoked is absent."""
        ...

    async def of_stream(self, stream: str) -> list[Credential]:
        """Every credential of a competition (digests only), for ``leitai copy``."""
        ...

    async def restore(self, credential: Credential) -> None:
        """Keep a credential copied from another store (a no-op if already kept)."""
        ...

    async def close(self) -> None: ...


class SqliteCredentials:
    """Token digests in the ``credentials`` table of the SQLite database."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    @classmethod
    async def open(cls, path: str | Path) -> SqliteCredentials:
        conn = await aiosqlite.connect(Path(path), isolation_level=None)
        await conn.execute("PRAGMA busy_timeout = 10000")
        await conn.execute("PRAGMA synchronous = FULL")
        await conn.executescript(SQLITE_SCHEMA)
        return cls(conn)

    async def issue(self, stream: str, role: TokenRole, subject: str) -> str:
        token = new_token()
        try:
            await self._conn.execute(
                "INSERT INTO credentials (token_hash, stream, role, subject) VALUES (?, ?, ?, ?)",
                (token_hash(token), stream, role, subject),
            )
        except aiosqlite.Error as exc:
            raise StoreUnavailable(f"could not store a credential: {exc}") from None
        return token

    async def revoke(self, stream: str, role: TokenRole, subject: str) -> int:
        cursor = await self._conn.execute(
            "UPDATE credentials SET revoked = 1"
            " WHERE stream = ? AND role = ? AND subject = ? AND revoked = 0",
            (stream, role, subject),
        )
        return cursor.rowcount

    async def lookup(self, digests: Collection[str]) -> dict[str, Credential]:
        found: dict[str, Credential] = {}
        wanted = list(digests)
        try:
            for first in range(0, len(wanted), LOOKUP_CHUNK):
                chunk = wanted[first : first + LOOKUP_CHUNK]
                rows = await self._conn.execute_fetchall(
                    "SELECT stream, token_hash, role, subject FROM credentials"
                    f" WHERE token_hash IN ({', '.join('?' * len(chunk))}) AND revoked = 0",
                    chunk,
                )
                found.update((r[1], Credential(r[0], r[1], r[2], r[3])) for r in rows)
        except aiosqlite.Error as exc:
            raise StoreUnavailable(f"could not look tokens up: {exc}") from None
        return found

    async def of_stream(self, stream: str) -> list[Credential]:
        async with self._conn.execute(
            "SELECT stream, token_hash, role, subject, revoked FROM credentials WHERE stream = ?",
            (stream,),
        ) as cursor:
            return [Credential(r[0], r[1], r[2], r[3], bool(r[4])) for r in await cursor.fetchall()]

    async def restore(self, credential: Credential) -> None:
        await self._conn.execute(
            "INSERT OR IGNORE INTO credentials (stream, token_hash, role, subject, revoked)"
            " VALUES (?, ?, ?, ?, ?)",
            (*credential[:4], int(credential.revoked)),
        )

    async def close(self) -> None:
        await self._conn.close()


class PostgresCredentials:
    """Token digests in the ``leitai_credentials`` table beside the PostgreSQL log."""

    def __init__(self, table: SideTable) -> None:
        self._table = table

    @classmethod
    async def open(cls, url: str) -> PostgresCredentials:
        return cls(await SideTable.open(url, POSTGRES_SCHEMA, "credentials"))

    async def issue(self, stream: str, role: TokenRole, subject: str) -> str:
        token = new_token()
        await self._table.run(
            "execute",
            "INSERT INTO leitai_credentials (token_hash, stream, role, subject)"
            " VALUES ($1, $2, $3, $4)",
            token_hash(token),
            stream,
            role,
            subject,
        )
        return token

    async def revoke(self, stream: str, role: TokenRole, subject: str) -> int:
        status: str = await self._table.run(
            "execute",
            "UPDATE leitai_credentials SET revoked = true"
            " WHERE stream = $1 AND role = $2 AND subject = $3 AND NOT revoked",
            stream,
            role,
            subject,
        )
        return int(status.rsplit(" ", 1)[-1])

    async def lookup(self, digests: Collection[str]) -> dict[str, Credential]:
        rows = await self._table.run(
            "fetch",
            "SELECT stream, token_hash, role, subject FROM leitai_credentials"
            " WHERE token_hash = ANY($1::text[]) AND NOT revoked",
            list(digests),
        )
        return {r[1]: Credential(r[0], r[1], r[2], r[3]) for r in rows}

    async def of_stream(self, stream: str) -> list[Credential]:
        rows = await self._table.run(
            "fetch",
            "SELECT stream, token_hash, role, subject, revoked FROM leitai_credentials"
            " WHERE stream = $1",
            stream,
        )
        return [Credential(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    async def restore(self, credential: Credential) -> None:
        await self._table.run(
            "execute",
            "INSERT INTO leitai_credentials (stream, token_hash, role, subject, revoked)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (token_hash) DO NOTHING",
            *credential,
        )

    async def close(self) -> None:
        await self._table.close()


async def open_credentials(url: str) -> Credentials:
    """The credentials kept beside the store at ``url``."""
    if url.startswith(("postgresql://", "postgres://")):
        return await PostgresCredentials.open(url)
    if "://" in url and not url.startswith("sqlite://"):
        raise ValueError(f"credentials for {url!r}: expected a sqlite:// or postgresql:// URL")
    return await SqliteCredentials.open(url.removeprefix("sqlite://"))
