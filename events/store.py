"""The store contract: one append-only, hash-chained stream per competition.

Two implementations stand behind ``open_store``: SQLite (the embedded
default, ``sqlite:///path/to/leitai.db`` or a plain path) and, for
scale-out, PostgreSQL (``postgresql://…``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from datetime import datetime
from typing import NamedTuple, Protocol

from events.catalog import AnyEvent
from events.chain import Record
from events.envelope import GENESIS, Actor, Envelope
from events.group_commit import Pipeline

Clock = Callable[[], datetime]


class Head(NamedTuple):
    """The last seq of a stream and its hash (0 and 64 zeros when empty)."""

    seq: int
    hash: str


EMPTY_HEAD = Head(0, GENESIS)


class Store(Protocol):
    """What every store does; the contract tests in tests/ hold for each."""

    async def append(
        self,
        stream: str,
        events: Sequence[AnyEvent],
        *,
        actor: Actor,
        expected_seq: int,
        idempotency_key: str | None = None,
        pipeline: Pipeline | None = None,
    ) -> list[Envelope]:
        """Append ``events`` after ``expected_seq``, all or nothing, durably.

        Raises ``ConflictError`` if the stream's head is not ``expected_seq``.
        An ``idempotency_key`` already used in this stream returns the
        envelopes of that first append and appends nothing. Appends made
        without waiting for the earlier ones share a ``pipeline``: once one
        fails, the later ones raise ``PipelineBroken`` (see ``Pipeline``).
        """
        ...

    def enqueue(
        self,
        stream: str,
        events: Sequence[AnyEvent],
        *,
        actor: Actor,
        expected_seq: int,
        idempotency_key: str | None = None,
        pipeline: Pipeline | None = None,
    ) -> asyncio.Future[list[Envelope]]:
        """``append``, queued at the call: the future of its outcome. Appends
        are committed in the order they are queued."""
        ...

    async def import_records(
        self, stream: str, records: Sequence[Record], *, expected_seq: int
    ) -> Head:
        """Write records copied from another store, bytes and hashes unchanged.

        All or nothing, after ``expected_seq`` (else ``ConflictError``); refused
        with ``LogFormatError`` unless they continue the stream's hash chain.
        """
        ...

    def read(
        self, stream: str, from_seq: int = 1, to_seq: int | None = None
    ) -> AsyncIterator[Envelope]:
        """The committed envelopes from ``from_seq`` to ``to_seq``, streamed."""
        ...

    def read_records(
        self, stream: str, from_seq: int = 1, to_seq: int | None = None
    ) -> AsyncGenerator[Record, None]:
        """As ``read``, but the stored bytes, undecoded (for verify and export)."""
        ...

    def tail(
        self, stream: str, from_seq: int = 1, position: Callable[[], int] | None = None
    ) -> AsyncIterator[Envelope]:
        """Every envelope from ``from_seq`` on, waiting for new commits; endless.

        ``position``, if given, is the next seq the caller still needs: one that
        applies its own appends as they commit skips reading them back."""
        ...

    async def keyed(self, stream: str, key: str) -> list[Envelope]:
        """The envelopes of the append made under idempotency ``key`` in
        ``stream`` ([] if none did): what a repeated command already did."""
        ...

    async def head(self, stream: str) -> Head: ...

    async def streams(self) -> list[str]: ...

    async def close(self) -> None: ...


async def open_store(url: str, *, create: bool = True, clock: Clock | None = None) -> Store:
    """Open the store at ``url``.

    ``create=False`` refuses to create a database that does not exist (for
    verify and export). ``clock`` gives each event's ``at`` (UTC); tests set it.
    """
    if url.startswith(("postgresql://", "postgres://")):
        from events.postgres import PostgresStore

        return await PostgresStore.open(url, create=create, clock=clock)
    from events.sqlite import SqliteStore

    if "://" in url and not url.startswith("sqlite://"):
        raise ValueError(
            f"store URL {url!r}: expected sqlite:///path/to/file.db, a file path or postgresql://…"
        )
    path = url.removeprefix("sqlite://")
    return await SqliteStore.open(path, create=create, clock=clock)
