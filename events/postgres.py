"""The scale-out store: PostgreSQL through asyncpg.

Several processes on several hosts may append to one stream. Each write
transaction takes a transaction-scoped advisory lock per stream it touches
(in one global order, so two processes never deadlock), reads the head inside
the transaction, inserts and commits; seq N+1 is therefore never inserted,
let alone seen, before N is committed. Within a process, appends that arrive
together share one transaction and one WAL flush (group commit), exactly as
in ``events.sqlite``: an idempotency key already used returns the original
envelopes, then ``expected_seq`` is checked, per request; a conflicting
request fails alone.

The transaction also runs ``pg_notify``, which PostgreSQL delivers only once
the commit is visible. Tailers wake on it (or on a local commit, or on a
periodic poll) and always fetch by seq, so a lost notification or a dropped
listener connection delays them at most one poll and loses nothing.

A trigger rejects UPDATE, DELETE and TRUNCATE of the events table: the log is
append-only for every client of the database. A marker table says the schema
holds a Leitai log. ``?schema=NAME`` in the URL puts both in that schema.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

from events.chain import Record, continuation_problem
from events.envelope import (
    Envelope,
    decode_body,
    open_envelope,
    seal,
    utc_timestamp,
)
from events.errors import ConflictError, LogFormatError, StoreClosed, StoreUnavailable
from events.group_commit import Append, GroupCommit, Outcome, QueuedAppends
from events.store import EMPTY_HEAD, Clock, Head
from events.waits import wait_at_most

MARKER = "leitai-event-log"
SCHEMA_VERSION = 1
READ_CHUNK = 1000
TAIL_POLL_SECONDS = 0.5  # the longest a tailer waits when a notification is lost
LISTEN_BACKOFF = (0.1, 5.0)  # first and longest pause between listener reconnects
_SCHEMA_LOCK = 0x4C544149  # "LTAI": serialises schema creation across processes

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS leitai_meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE IF NOT EXISTS leitai_events (
    stream     text   NOT NULL,
    seq        bigint NOT NULL,
    at         text   NOT NULL,
    type       text   NOT NULL,
    body       bytea  NOT NULL,
    hash       text   NOT NULL,
    idem_key   text,
    idem_count integer,
    PRIMARY KEY (stream, seq)
);
CREATE UNIQUE INDEX IF NOT EXISTS leitai_events_idem ON leitai_events (stream, idem_key)
    WHERE idem_key IS NOT NULL;
CREATE OR REPLACE FUNCTION leitai_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'leitai: the event log is append-only (% refused)', TG_OP;
END $$;
CREATE OR REPLACE TRIGGER leitai_events_no_change BEFORE UPDATE OR DELETE ON leitai_events
    FOR EACH ROW EXECUTE FUNCTION leitai_append_only();
CREATE OR REPLACE TRIGGER leitai_events_no_truncate BEFORE TRUNCATE ON leitai_events
    FOR EACH STATEMENT EXECUTE FUNCTION leitai_append_only();
CREATE OR REPLACE FUNCTION leitai_seq_from_one() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'leitai: a stream''s seqs start at 1 (% refused)', NEW.seq;
END $$;
CREATE OR REPLACE TRIGGER leitai_events_seq_from_one BEFORE INSERT ON leitai_events
    FOR EACH ROW WHEN (NEW.seq < 1) EXECUTE FUNCTION leitai_seq_from_one();
INSERT INTO leitai_meta (key, value)
    VALUES ('format', '{MARKER}'), ('schema_version', '{SCHEMA_VERSION}')
    ON CONFLICT (key) DO NOTHING;
"""

_INSERT_AND_NOTIFY = """
WITH inserted AS (
    INSERT INTO leitai_events (stream, seq, at, type, body, hash, idem_key, idem_count)
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bytea[],
                         $6::text[], $7::text[], $8::integer[])
    RETURNING stream
)
SELECT pg_notify($9, stream) FROM (SELECT DISTINCT stream FROM inserted) AS streams
"""
_HEAD = "SELECT seq, hash FROM leitai_events WHERE stream = $1 ORDER BY seq DESC LIMIT 1"
_KEYED = "SELECT seq, idem_count FROM leitai_events WHERE stream = $1 AND idem_key = $2"
# The heads of the batch's streams (idem_key NULL; seq NULL when empty), and the first
# rows of earlier appends under the batch's idempotency keys: one round trip.
_HEADS_AND_KEYS = """
SELECT s.stream, NULL::text AS idem_key, h.seq, h.hash, NULL::integer AS idem_count
FROM unnest($1::text[]) AS s(stream)
LEFT JOIN LATERAL (
    SELECT seq, hash FROM leitai_events e WHERE e.stream = s.stream ORDER BY seq DESC LIMIT 1
) AS h ON true
UNION ALL
SELECT e.stream, e.idem_key, e.seq, NULL, e.idem_count
FROM leitai_events e JOIN unnest($2::text[], $3::text[]) AS k(stream, key)
  ON e.stream = k.stream AND e.idem_key = k.key
"""
_RANGE = """
SELECT seq, body, hash FROM leitai_events
WHERE stream = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq LIMIT $4
"""
# A loose index scan: one index probe per stream instead of a scan of every event.
_STREAMS = """
WITH RECURSIVE s AS (
    (SELECT stream FROM leitai_events ORDER BY stream LIMIT 1)
    UNION ALL
    SELECT (SELECT stream FROM leitai_events WHERE stream > s.stream ORDER BY stream LIMIT 1)
    FROM s WHERE s.stream IS NOT NULL
)
SELECT stream FROM s WHERE stream IS NOT NULL
"""

# Driver errors that mean "the database cannot be used now"; they become StoreUnavailable
# (here and in the credentials and checkpoints kept beside the log).
DRIVER_ERRORS = (
    OSError,
    TimeoutError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,  # a connection killed mid-protocol
)


# What the write transaction decides for one request.


@dataclass(frozen=True)
class _Target:
    """Where a URL points: connection arguments and the schema of the log."""

    dsn: str
    schema: str | None

    @property
    def settings(self) -> dict[str, str]:
        settings = {"synchronous_commit": "on", "application_name": self.application_name}
        if self.schema is not None:
            settings["search_path"] = _quote(self.schema)
        return settings

    @property
    def application_name(self) -> str:
        return f"leitai {self.schema}"[:63] if self.schema else "leitai"

    @property
    def channel(self) -> str:
        """The NOTIFY channel: per schema, since channels are per database."""
        return f"leitai:{self.schema or ''}"

    @property
    def where(self) -> str:
        """The URL without credentials, for messages."""
        parts = urlsplit(self.dsn)
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
        schema = f" schema {self.schema}" if self.schema else ""
        return f"postgresql://{host}{port}{parts.path}{schema}"


class SideTable:
    """A small pool for a table kept beside the log (tokens, checkpoints).

    Opened with its schema; each call is made once more if it fails, since a
    database restart kills every pooled session and the pool opens fresh
    ones; a second failure is ``StoreUnavailable``.
    """

    def __init__(self, pool: Any, where: str, what: str) -> None:
        self._pool = pool
        self._where = where
        self._what = what

    @classmethod
    async def open(cls, url: str, schema: str, what: str) -> SideTable:
        target = parse_url(url)
        try:
            pool = await asyncpg.create_pool(
                target.dsn, min_size=1, max_size=2, server_settings=target.settings
            )
        except DRIVER_ERRORS as exc:
            raise StoreUnavailable(f"{target.where}: {what} unavailable: {exc}") from None
        try:
            await pool.execute(schema)
        except DRIVER_ERRORS as exc:
            await pool.close()  # its connections would be left open
            raise StoreUnavailable(f"{target.where}: {what} unavailable: {exc}") from None
        return cls(pool, target.where, what)

    async def run(self, method: str, sql: str, *args: object) -> Any:
        """``pool.<method>(sql, *args)``, retried once."""
        call = getattr(self._pool, method)
        with contextlib.suppress(*DRIVER_ERRORS):
            return await call(sql, *args)
        try:
            return await call(sql, *args)
        except DRIVER_ERRORS as exc:
            raise StoreUnavailable(f"{self._where}: {self._what} unavailable: {exc}") from None

    async def close(self) -> None:
        await self._pool.close()


def parse_url(url: str) -> _Target:
    """Split ``?schema=NAME`` off a ``postgresql://`` URL; asyncpg takes the rest."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((value for key, value in query if key == "schema"), None)
    if schema == "":
        raise ValueError(f"store URL {url!r}: the schema parameter is empty")
    rest = urlencode([(key, value) for key, value in query if key != "schema"])
    return _Target(urlunsplit(parts._replace(query=rest)), schema)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _lock_key(stream: str) -> int:
    """The advisory lock of a stream: a signed 64-bit hash of its name."""
    return int.from_bytes(hashlib.sha256(stream.encode()).digest()[:8], "big", signed=True)


def _now() -> datetime:
    return datetime.now(UTC)


@contextlib.contextmanager
def _translated(target: _Target, doing: str) -> Iterator[None]:
    """Driver errors raised inside become ``StoreUnavailable``."""
    try:
        yield
    except DRIVER_ERRORS as exc:
        raise StoreUnavailable(f"{target.where}: {doing} failed: {_describe(exc)}") from exc


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


class PostgresStore(QueuedAppends):
    """The PostgreSQL implementation of ``events.store.Store``."""

    def __init__(self, target: _Target, pool: Any, clock: Clock) -> None:
        self._target = target
        self._pool = pool
        self._clock = clock
        self._writer: Any = None
        self._committed = asyncio.Event()
        self._closed = False
        self._group = GroupCommit(self._commit, self._failure, self._wake)
        self._listen_task = asyncio.get_running_loop().create_task(self._listen_loop())

    @classmethod
    async def open(
        cls, url: str, *, create: bool = True, clock: Clock | None = None
    ) -> PostgresStore:
        target = parse_url(url)
        try:
            conn = await asyncpg.connect(target.dsn, server_settings=target.settings)
        except asyncpg.InvalidCatalogNameError as exc:
            raise LogFormatError(f"{target.where}: no such database ({exc})") from None
        except DRIVER_ERRORS as exc:
            raise StoreUnavailable(f"{target.where}: cannot connect: {_describe(exc)}") from None
        try:
            with _translated(target, "preparing the schema"):
                await _prepare(conn, target, create)
        finally:
            await conn.close()
        with _translated(target, "opening the connection pool"):
            pool = await asyncpg.create_pool(
                target.dsn, min_size=1, max_size=4, server_settings=target.settings
            )
        return cls(target, pool, clock or _now)

    # --- the writer ---------------------------------------------------------

    async def _commit(self, batch: list[Append]) -> list[Outcome]:
        try:
            if self._writer is None or self._writer.is_closed():
                self._writer = await asyncpg.connect(
                    self._target.dsn, server_settings=self._target.settings
                )
            return await self._commit_batch(self._writer, batch)
        except Exception:
            # The connection may be broken; the next batch opens a new one. If it
            # broke during COMMIT the append may have happened: a retry with the
            # same idempotency key finds out without appending twice.
            self._drop_writer()
            raise

    def _failure(self, exc: Exception) -> Exception:
        """What the callers of a failed batch get (a bug: the error itself)."""
        if isinstance(exc, DRIVER_ERRORS):
            return StoreUnavailable(
                f"{self._target.where}: the event log could not be written: {_describe(exc)}"
            )
        return exc

    def _drop_writer(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.terminate()

    async def _commit_batch(self, conn: Any, batch: list[Append]) -> list[Outcome]:
        """Decide each request's fate and commit the batch in one transaction.

        Four round trips whatever the batch holds: BEGIN with the locks, the
        heads and earlier keys, the insert with its notifications, COMMIT.
        """
        at = utc_timestamp(self._clock())
        # Lock every stream of the batch in one order, so processes never deadlock;
        # the keys are integers made here, safe to write into the statement.
        locks = sorted({_lock_key(r.stream) for r in batch})
        await conn.execute("BEGIN" + "".join(f"; SELECT pg_advisory_xact_lock({k})" for k in locks))
        try:
            # A statement after the locks: its snapshot holds every earlier commit.
            heads, earlier = await _heads_and_earlier(conn, batch)
            columns: tuple[list[Any], ...] = tuple([] for _ in range(8))
            outcomes: list[Outcome] = []
            appended = False
            for request in batch:
                stream = request.stream
                if request.key is not None and (stream, request.key) in earlier:
                    outcomes.append(earlier[(stream, request.key)])
                    continue
                refused = request.refused()
                if refused is not None:
                    outcomes.append(refused)
                    continue
                head = heads[stream]
                if head.seq != request.expected_seq:
                    request.conflicted()
                    outcomes.append(ConflictError(stream, request.expected_seq, head.seq))
                    continue
                envelopes = _seal_request(request, head, at, columns)
                heads[stream] = Head(envelopes[-1].seq, envelopes[-1].hash)
                if request.key is not None:
                    earlier[(stream, request.key)] = envelopes
                outcomes.append(envelopes)
                appended = True
            if appended:
                # NOTIFY is delivered by PostgreSQL only when (and if) this commits.
                await conn.execute(_INSERT_AND_NOTIFY, *columns, self._target.channel)
            await conn.execute("COMMIT")
        except BaseException:
            if not conn.is_closed():
                with contextlib.suppress(*DRIVER_ERRORS):
                    await conn.execute("ROLLBACK")
            raise
        return outcomes

    # --- readers ------------------------------------------------------------

    async def read_records(
        self, stream: str, from_seq: int = 1, to_seq: int | None = None
    ) -> AsyncGenerator[Record, None]:
        last = to_seq if to_seq is not None else 2**62
        next_seq = from_seq
        while next_seq <= last:
            # Keyset pages: constant memory, and no connection held between pages.
            self._check_open()
            with _translated(self._target, "reading"):
                rows = await self._pool.fetch(_RANGE, stream, next_seq, last, READ_CHUNK)
            for seq, body, hash_ in rows:
                yield Record(seq, body, hash_)
            if len(rows) < READ_CHUNK:
                return
            next_seq = rows[-1][0] + 1

    async def read(
        self, stream: str, from_seq: int = 1, to_seq: int | None = None
    ) -> AsyncIterator[Envelope]:
        async for record in self.read_records(stream, from_seq, to_seq):
            yield open_envelope(record.body, record.hash)

    async def tail(
        self, stream: str, from_seq: int = 1, position: Callable[[], int] | None = None
    ) -> AsyncIterator[Envelope]:
        """Every envelope from ``from_seq`` on; rides out a lost database connection.

        While the database cannot be reached the tail retries with backoff
        instead of ending: it resumes at the next seq it has not yielded.
        """
        next_seq = from_seq
        pause = LISTEN_BACKOFF[0]
        while True:
            committed = self._committed  # taken before reading: no missed wake-up
            if position is not None:
                next_seq = max(next_seq, position())
            found = False
            try:
                async for envelope in self.read(stream, next_seq, next_seq + READ_CHUNK - 1):
                    found = True
                    next_seq = envelope.seq + 1
                    yield envelope
                pause = LISTEN_BACKOFF[0]
                wait = TAIL_POLL_SECONDS
            except StoreUnavailable:
                wait, pause = pause, min(pause * 2, LISTEN_BACKOFF[1])
            if not found:
                await wait_at_most(committed, wait)
                self._check_open()

    async def import_records(
        self, stream: str, records: Sequence[Record], *, expected_seq: int
    ) -> Head:
        self._check_open()
        with _translated(self._target, "importing records"):
            async with self._pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", _lock_key(stream))
                row = await conn.fetchrow(_HEAD, stream)
                head = Head(row["seq"], row["hash"]) if row else EMPTY_HEAD
                if head.seq != expected_seq:
                    raise ConflictError(stream, expected_seq, head.seq)
                problem = continuation_problem(stream, head, records)
                if problem is not None:
                    raise LogFormatError(f"refusing to import: {problem}")
                if records:
                    bodies = [decode_body(r.body) for r in records]
                    await conn.execute(
                        _INSERT_AND_NOTIFY,
                        [stream] * len(records),
                        [r.seq for r in records],
                        [b.at for b in bodies],
                        [b.type for b in bodies],
                        [r.body for r in records],
                        [r.hash for r in records],
                        [None] * len(records),
                        [None] * len(records),
                        self._target.channel,
                    )
                    head = Head(records[-1].seq, records[-1].hash)
        return head

    async def head(self, stream: str) -> Head:
        self._check_open()
        with _translated(self._target, "reading the head"):
            row = await self._pool.fetchrow(_HEAD, stream)
        return Head(row["seq"], row["hash"]) if row else EMPTY_HEAD

    async def keyed(self, stream: str, key: str) -> list[Envelope]:
        self._check_open()
        with _translated(self._target, "reading an idempotency key"):
            row = await self._pool.fetchrow(_KEYED, stream, key)
        if row is None:
            return []
        first, count = row["seq"], row["idem_count"]
        return [e async for e in self.read(stream, first, first + count - 1)]

    async def streams(self) -> list[str]:
        self._check_open()
        with _translated(self._target, "listing the streams"):
            rows = await self._pool.fetch(_STREAMS)
        return [row["stream"] for row in rows]

    # --- notifications ------------------------------------------------------

    def _wake(self) -> None:
        committed, self._committed = self._committed, asyncio.Event()
        committed.set()

    def _on_notify(self, *_: object) -> None:
        self._wake()

    async def _listen_loop(self) -> None:
        """Keep one connection LISTENing, reconnecting with backoff when it drops."""
        pause = LISTEN_BACKOFF[0]
        while True:
            try:
                conn = await asyncpg.connect(
                    self._target.dsn, server_settings=self._target.settings
                )
            except DRIVER_ERRORS:
                await asyncio.sleep(pause)
                pause = min(pause * 2, LISTEN_BACKOFF[1])
                continue
            pause = LISTEN_BACKOFF[0]
            try:
                await self._listen_on(conn)
            except DRIVER_ERRORS:
                pass
            finally:
                conn.terminate()

    async def _listen_on(self, conn: Any) -> None:
        """Wake tailers on each notification until ``conn`` is lost."""
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _conn: lost.set())
        await conn.add_listener(self._target.channel, self._on_notify)
        self._wake()  # commits made while no one listened
        while not conn.is_closed():
            await wait_at_most(lost, LISTEN_BACKOFF[1])

    # --- life cycle ---------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreClosed("the store is closed")

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._group.close()
        self._listen_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._listen_task
        if self._writer is not None:
            with contextlib.suppress(*DRIVER_ERRORS):
                await self._writer.close()
        with contextlib.suppress(*DRIVER_ERRORS):
            await self._pool.close()
        self._committed.set()  # wake tailers so they see the store closed


def _seal_request(
    request: Append, head: Head, at: str, columns: tuple[list[Any], ...]
) -> list[Envelope]:
    """Seal one request's events after ``head``, adding its rows to ``columns``."""
    seq, prev = head
    envelopes: list[Envelope] = []
    for index, (event, data) in enumerate(request.items):
        seq += 1
        body, hash_ = seal(
            stream=request.stream,
            seq=seq,
            at=at,
            actor=request.actor,
            event=event,
            data=data,
            prev=prev,
        )
        first = index == 0 and request.key is not None
        row = (
            request.stream,
            seq,
            at,
            event.TYPE,
            body,
            hash_,
            request.key if first else None,
            len(request.items) if first else None,
        )
        for column, value in zip(columns, row, strict=True):
            column.append(value)
        envelopes.append(
            Envelope(
                stream=request.stream,
                seq=seq,
                at=at,
                actor=request.actor,
                type=event.TYPE,
                v=event.VERSION,
                data=event,
                prev=prev,
                hash=hash_,
            )
        )
        prev = hash_
    return envelopes


async def _heads_and_earlier(
    conn: Any, batch: list[Append]
) -> tuple[dict[str, Head], dict[tuple[str, str], Outcome]]:
    """The head of each stream of ``batch``, and the envelopes of earlier appends
    whose idempotency keys the batch repeats."""
    streams = sorted({r.stream for r in batch})
    keyed = sorted({(r.stream, r.key) for r in batch if r.key is not None})
    heads: dict[str, Head] = {}
    earlier: dict[tuple[str, str], Outcome] = {}
    rows = await conn.fetch(
        _HEADS_AND_KEYS, streams, [stream for stream, _ in keyed], [key for _, key in keyed]
    )
    for stream, key, seq, hash_, count in rows:
        if key is None:
            heads[stream] = Head(seq, hash_) if seq is not None else EMPTY_HEAD
        else:
            records = await conn.fetch(_RANGE, stream, seq, seq + count - 1, count)
            earlier[(stream, key)] = [open_envelope(r["body"], r["hash"]) for r in records]
    return heads, earlier


async def _prepare(conn: Any, target: _Target, create: bool) -> None:
    """Check that the schema holds a Leitai log, creating it if allowed.

    Under the schema lock, as several processes may open a new schema at
    once: checked piecemeal outside it, one could see no marker, then the
    tables another process had created meanwhile, and call them another
    program's."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _SCHEMA_LOCK)
        marker = await _marker(conn)
        if marker == MARKER:
            return
        if marker is not None:
            raise LogFormatError(
                f"{target.where}: not a Leitai database (leitai_meta says {marker!r})"
            )
        if await conn.fetchval("SELECT to_regclass('leitai_events')") is not None:
            raise LogFormatError(f"{target.where}: not a Leitai database (no leitai_meta marker)")
        if not create:
            raise LogFormatError(f"{target.where}: no Leitai database here")
        if target.schema is not None:
            await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {_quote(target.schema)}")
        await conn.execute(SCHEMA)


async def _marker(conn: Any) -> str | None:
    """The ``format`` entry of ``leitai_meta``, or None when there is no such table."""
    if await conn.fetchval("SELECT to_regclass('leitai_meta')") is None:
        return None
    value = await conn.fetchval("SELECT value FROM leitai_meta WHERE key = 'format'")
    return str(value) if value is not None else ""
