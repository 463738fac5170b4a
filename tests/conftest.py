"""Shared fixtures: a fresh store location on every backend.

``backend`` is parametrised over SQLite (a new file in ``tmp_path``) and
PostgreSQL (a new schema in the database at ``LEITAI_TEST_PG``, dropped after
the test). Where PostgreSQL cannot be reached its tests are skipped with the
reason, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import uuid
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from events.store import Store, open_store

PG_URL = os.environ.get("LEITAI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
ROOT = Path(__file__).resolve().parent.parent


class Backend(ABC):
    """A fresh store location plus raw access to it through the driver itself."""

    name: str
    url: str
    table: str = "events"
    driver_errors: tuple[type[Exception], ...]

    @abstractmethod
    async def raw(self, sql: str, *args: object) -> None:
        """Run one statement on a raw driver connection (``?`` placeholders)."""

    @abstractmethod
    async def drop_triggers(self) -> None:
        """Remove the append-only triggers, as an attacker with the database could."""

    @abstractmethod
    async def bad_locations(self) -> dict[str, str]:
        """URLs of a location that is missing, empty and not a Leitai database."""


class SqliteBackend(Backend):
    name = "sqlite"
    driver_errors = (sqlite3.DatabaseError,)

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.url = f"sqlite://{directory / 'leitai.db'}"

    async def raw(self, sql: str, *args: object) -> None:
        conn = sqlite3.connect(self.url.removeprefix("sqlite://"), isolation_level=None)
        try:
            conn.execute(sql, args)
        finally:
            conn.close()

    async def drop_triggers(self) -> None:
        await self.raw("DROP TRIGGER events_no_update")
        await self.raw("DROP TRIGGER events_no_delete")

    async def bad_locations(self) -> dict[str, str]:
        (self.directory / "empty.db").touch()
        (self.directory / "notes.txt").write_text("these are not the events you are looking for\n")
        other = sqlite3.connect(self.directory / "other.db")
        other.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, what TEXT)")
        other.close()
        return {
            "missing": f"sqlite://{self.directory / 'missing.db'}",
            "empty": f"sqlite://{self.directory / 'empty.db'}",
            "not a database": f"sqlite://{self.directory / 'notes.txt'}",
            "another program's database": f"sqlite://{self.directory / 'other.db'}",
        }


class PostgresBackend(Backend):
    name = "postgres"
    table = "leitai_events"
    driver_errors = (asyncpg.PostgresError,)

    def __init__(self) -> None:
        self.schema = f"t_{uuid.uuid4().hex[:16]}"
        self.url = self.url_for(self.schema)
        self.schemas = [self.schema]

    def url_for(self, schema: str) -> str:
        return f"{PG_URL}{'&' if '?' in PG_URL else '?'}schema={schema}"

    async def raw(self, sql: str, *args: object) -> None:
        parts = sql.split("?")
        sql = "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], 1)) + parts[-1]
        conn = await asyncpg.connect(PG_URL, server_settings={"search_path": self.schema})
        try:
            await conn.execute(sql, *args)
        finally:
            await conn.close()

    async def drop_triggers(self) -> None:
        await self.raw("DROP TRIGGER leitai_events_no_change ON leitai_events")
        await self.raw("DROP TRIGGER leitai_events_no_truncate ON leitai_events")

    async def bad_locations(self) -> dict[str, str]:
        empty, other = f"{self.schema}_empty", f"{self.schema}_other"
        self.schemas += [empty, other]
        conn = await asyncpg.connect(PG_URL)
        try:
            await conn.execute(f"CREATE SCHEMA {empty}")
            await conn.execute(f"CREATE SCHEMA {other}")
            await conn.execute(f"CREATE TABLE {other}.leitai_events (id int, what text)")
        finally:
            await conn.close()
        return {
            "missing": self.url_for(f"{self.schema}_missing"),
            "empty": self.url_for(empty),
            "another program's database": self.url_for(other),
        }

    async def terminate_store_connections(self) -> int:
        """Kill every server session of the stores on this schema, as a restart would."""
        conn = await asyncpg.connect(PG_URL)
        try:
            killed: int = await conn.fetchval(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE application_name = $1",
                f"leitai {self.schema}",
            )
        finally:
            await conn.close()
        return killed

    async def store_sessions(self) -> int:
        """How many server sessions the stores on this schema hold now."""
        conn = await asyncpg.connect(PG_URL)
        try:
            count: int = await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
                f"leitai {self.schema}",
            )
        finally:
            await conn.close()
        return count

    async def drop(self) -> None:
        conn = await asyncpg.connect(PG_URL)
        try:
            for schema in self.schemas:
                await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        finally:
            await conn.close()


async def leitai(*args: str) -> tuple[int, str, str]:
    """Run the ``leitai`` CLI in a new process: exit code, stdout, stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server.cli",
        *args,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        stdout, stderr = await process.communicate()
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def require_postgres() -> None:
    """Skip (or, under CI=true, fail) unless PostgreSQL answers at PG_URL."""
    try:
        conn = await asyncpg.connect(PG_URL, timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        reason = f"PostgreSQL at {PG_URL} cannot be reached: {type(exc).__name__}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    await conn.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """A fresh, not yet created store location on each backend."""
    if request.param == "sqlite":
        yield SqliteBackend(tmp_path)
        return
    await require_postgres()
    pg = PostgresBackend()
    try:
        yield pg
    finally:
        await pg.drop()


@pytest.fixture
def store_url(backend: Backend) -> str:
    """The URL of a fresh store location (sqlite://FILE or postgresql://…?schema=…)."""
    return backend.url


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    """An open store at a fresh location, closed after the test."""
    opened = await open_store(store_url)
    try:
        yield opened
    finally:
        await opened.close()
