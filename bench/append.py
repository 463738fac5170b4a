"""``python -m bench append``: durable appends per second through the store.

Leitai: ``events.open_store`` with 1, 10 and 100 concurrent appenders, each on
its own stream, appending one score sheet at a time with the right
``expected_seq`` and an idempotency key (as the server does with a judge's
submission id); 10 appenders sharing one stream, retrying on conflict; and
100 appenders pipelined on one stream (each takes the next seq as it appends),
which is how the judges of one competition reach the store and the case the
targets are measured on.

Ceiling for SQLite: raw ``sqlite3`` on a fresh file with the store's own
schema (``events.sqlite.SCHEMA``), WAL, ``synchronous=FULL``, 100 rows per
commit, the same rows (bodies sealed by ``events.envelope.seal``), measured
twice: all rows in one stream (the figure of ../shared/PERFORMANCE.md, and
the targets'); and with the keys the 100-appender run writes (each commit
holds the next seq of 100 streams). The second is far lower: the table is
clustered by (stream, seq), so each row lands on a leaf page of its own, a
commit dirties a page per row, and the WAL write before the fsync grows with
it. (The schema has no index on idempotency keys, so their values, random
for judges, cost nothing here: see ``events.sqlite``.) For
PostgreSQL (``--store postgresql://…``): single-row insert transactions from
as many asyncpg clients as there are appenders.

Targets: 100 appenders ≥ 10× the store's own 1-appender rate and ≥ 0.25× the
ceiling.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from bench.data import AT, judge, score_events, sealed_records
from bench.harness import Options, Report, Target, alternate, median, spread
from events.catalog import ScoreSubmitted
from events.errors import ConflictError
from events.sqlite import SCHEMA
from events.store import open_store

CEILING_BATCH = 100
# PostgreSQL's default max_connections is 100, shared with the store's own pool.
PG_CEILING_CLIENTS = 50
SHARED_APPENDERS = 10


class _Sizes:
    def __init__(self, quick: bool) -> None:
        self.rounds = 3 if quick else 5
        # Appends per appender, chosen so that each run lasts about a second
        # at full size (a tenth of that with --quick).
        self.per_appender = {1: 300, 10: 100, 100: 30} if quick else {1: 3000, 10: 1000, 100: 300}
        self.shared = 30 if quick else 200
        self.ceiling_rows = 10_000 if quick else 100_000


async def _pipelined(url: str, appenders: int, count: int, events: list[ScoreSubmitted]) -> float:
    """Appends per second of ``appenders`` tasks on ONE stream, as the judges of
    one competition: each takes the next expected seq when it appends, without
    waiting for the appends before it to be durable (the server's pipelining).
    The store checks ``expected_seq`` request by request within a batch, so
    consecutive appends share one commit."""
    store = await open_store(url)
    run = uuid.uuid4().hex[:8]
    stream = f"bench-{run}-pipelined"
    head = (await store.head(stream)).seq
    try:

        async def appender(index: int, start: asyncio.Event) -> None:
            nonlocal head
            actor = judge(index)
            await start.wait()
            for n in range(count):
                expected, head = head, head + 1  # no await in between: queued in order
                await store.append(
                    stream,
                    [events[(index * count + n) % len(events)]],
                    actor=actor,
                    expected_seq=expected,
                    idempotency_key=f"{run}-{index}-{n}",
                )

        start = asyncio.Event()
        tasks = [asyncio.create_task(appender(i, start)) for i in range(appenders)]
        await asyncio.sleep(0)
        began = time.perf_counter()
        start.set()
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - began
    finally:
        await store.close()
    return appenders * count / elapsed


async def _appenders(
    url: str, appenders: int, count: int, events: list[ScoreSubmitted], *, shared: bool
) -> tuple[float, int]:
    """Appends per second (and conflicts met) of ``appenders`` concurrent tasks."""
    store = await open_store(url)
    run = uuid.uuid4().hex[:8]  # a PostgreSQL database outlives the run
    conflicts = 0
    try:

        async def appender(index: int, start: asyncio.Event) -> None:
            nonlocal conflicts
            stream = f"bench-{run}-{0 if shared else index}"
            actor = judge(index)
            seq = 0
            await start.wait()
            for n in range(count):
                event = events[(index * count + n) % len(events)]
                while True:
                    try:
                        envelopes = await store.append(
                            stream,
                            [event],
                            actor=actor,
                            expected_seq=seq,
                            idempotency_key=f"{run}-{index}-{n}",
                        )
                    except ConflictError as exc:
                        conflicts += 1
                        seq = exc.head_seq
                        continue
                    seq = envelopes[-1].seq
                    break

        start = asyncio.Event()
        tasks = [asyncio.create_task(appender(i, start)) for i in range(appenders)]
        await asyncio.sleep(0)
        began = time.perf_counter()
        start.set()
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - began
    finally:
        await store.close()
    return appenders * count / elapsed, conflicts


def _ceiling_rows(streams: int, per_stream: int) -> list[tuple[object, ...]]:
    """Rows as the store writes them, the next seq of each stream in turn."""
    records = sealed_records("bench-ceiling", score_events(streams * per_stream))
    return [
        (
            f"bench-{i % streams}",
            i // streams + 1,
            AT,
            ScoreSubmitted.TYPE,
            r.body,
            r.hash,
            f"key-{r.seq}",
            1,
        )
        for i, r in enumerate(records)
    ]


def _sqlite_ceiling(path: Path, rows: list[tuple[object, ...]]) -> float:
    """Rows per second: raw sqlite3, WAL, synchronous=FULL, 100 rows per commit."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.executescript(SCHEMA)
        insert = (
            "INSERT INTO events (stream, seq, at, type, body, hash, idem_key, idem_count)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        )
        began = time.perf_counter()
        for first in range(0, len(rows), CEILING_BATCH):
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(insert, rows[first : first + CEILING_BATCH])
            conn.execute("COMMIT")
        elapsed = time.perf_counter() - began
    finally:
        conn.close()
    return len(rows) / elapsed


async def _postgres_ceiling(url: str, clients: int, rows: list[tuple[object, ...]]) -> float:
    """Rows per second: single-row insert transactions from ``clients`` asyncpg clients."""
    import asyncpg  # only when measuring PostgreSQL

    table = f"bench_ceiling_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(url)
    await admin.execute(
        f"CREATE TABLE {table} (stream text NOT NULL, seq bigint NOT NULL, at text NOT NULL,"
        " type text NOT NULL, body bytea NOT NULL, hash text NOT NULL, idem_key text,"
        " idem_count integer, PRIMARY KEY (stream, seq))"
    )
    insert = f"INSERT INTO {table} VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    clients = min(clients, PG_CEILING_CLIENTS)
    per_client = len(rows) // clients
    try:
        conns = [await asyncpg.connect(url) for _ in range(clients)]

        async def client(index: int) -> None:
            conn = conns[index]
            for stream, seq, *rest in rows[index * per_client : (index + 1) * per_client]:
                await conn.execute(insert, f"{stream}-{index}", seq, *rest)

        began = time.perf_counter()
        await asyncio.gather(*(client(i) for i in range(clients)))
        elapsed = time.perf_counter() - began
        for conn in conns:
            await conn.close()
    finally:
        await admin.execute(f"DROP TABLE {table}")
        await admin.close()
    return per_client * clients / elapsed


def run(options: Options) -> Report:
    sizes = _Sizes(options.quick)
    postgres = options.store is not None and options.store.startswith(
        ("postgresql://", "postgres://")
    )
    events = score_events(1000)
    rows = _ceiling_rows(1, sizes.ceiling_rows)
    same_keys = _ceiling_rows(100, sizes.per_appender[100])
    with tempfile.TemporaryDirectory(prefix="leitai-bench-") as tmp:
        counter = iter(range(1_000_000))

        def fresh_url() -> str:
            if options.store is not None and not options.store.startswith("sqlite://"):
                return options.store
            if options.store is not None:  # a given SQLite file: reuse it
                return options.store
            return f"sqlite://{tmp}/store-{next(counter)}.db"

        conflicts: list[int] = []

        def store_case(appenders: int, count: int, shared: bool = False) -> Callable[[], float]:
            def case() -> float:
                rate, met = asyncio.run(
                    _appenders(fresh_url(), appenders, count, events, shared=shared)
                )
                if shared:
                    conflicts.append(met)
                return rate

            return case

        cases: dict[str, Callable[[], float]] = {}
        if postgres:
            assert options.store is not None
            url = options.store
            for n in (1, 10, 100):
                cases[f"ceiling_{n}"] = (
                    lambda n=n: asyncio.run(  # type: ignore[misc]
                        _postgres_ceiling(url, n, rows[: max(n * 30, 3000)])
                    )
                )
        else:
            cases["ceiling"] = lambda: _sqlite_ceiling(
                Path(tmp) / f"ceiling-{next(counter)}.db", rows
            )
            cases["ceiling_same_keys"] = lambda: _sqlite_ceiling(
                Path(tmp) / f"ceiling-{next(counter)}.db", same_keys
            )
        for n, count in sizes.per_appender.items():
            cases[f"store_{n}"] = store_case(n, count)
        cases[f"shared_{SHARED_APPENDERS}"] = store_case(SHARED_APPENDERS, sizes.shared, True)
        cases["pipelined_100"] = lambda: asyncio.run(
            _pipelined(fresh_url(), 100, sizes.per_appender[100], events)
        )
        figures = alternate(cases, sizes.rounds)

    medians = {name: median(values) for name, values in figures.items()}
    backend = "postgresql" if postgres else "sqlite"

    def ceiling_for(n: int) -> float:
        return medians[f"ceiling_{n}"] if postgres else medians["ceiling"]

    report = Report(
        "append",
        ("case", "appenders", "median appends/s", "runs (min-max)", "× 1 appender", "× ceiling"),
    )
    single = medians["store_1"]
    if not postgres:
        for name, label in (
            ("ceiling", "ceiling: sqlite3, 100 rows/commit, 1 stream"),
            ("ceiling_same_keys", "ceiling: same, 1 row in each of 100 streams"),
        ):
            report.rows.append(
                (
                    label,
                    1,
                    medians[name],
                    spread(figures[name]),
                    "",
                    medians[name] / medians["ceiling"],
                )
            )
    for n in (1, 10, 100):
        if postgres:
            report.rows.append(
                (
                    f"ceiling: asyncpg 1-row txns, {min(n, PG_CEILING_CLIENTS)} clients",
                    n,
                    medians[f"ceiling_{n}"],
                    spread(figures[f"ceiling_{n}"]),
                    "",
                    1.0,
                )
            )
        report.rows.append(
            (
                f"store, own streams ({backend})",
                n,
                medians[f"store_{n}"],
                spread(figures[f"store_{n}"]),
                medians[f"store_{n}"] / single,
                medians[f"store_{n}"] / ceiling_for(n),
            )
        )
    shared_name = f"shared_{SHARED_APPENDERS}"
    report.rows.append(
        (
            f"store, one shared stream ({backend})",
            SHARED_APPENDERS,
            medians[shared_name],
            spread(figures[shared_name]),
            medians[shared_name] / single,
            medians[shared_name] / ceiling_for(SHARED_APPENDERS),
        )
    )
    report.rows.append(
        (
            f"store, one stream, pipelined ({backend})",
            100,
            medians["pipelined_100"],
            spread(figures["pipelined_100"]),
            medians["pipelined_100"] / single,
            medians["pipelined_100"] / ceiling_for(100),
        )
    )
    report.results = {
        "backend": backend,
        "rounds": sizes.rounds,
        "appends_per_s": {str(n): round(medians[f"store_{n}"]) for n in (1, 10, 100)},
        "pipelined_one_stream_100_per_s": round(medians["pipelined_100"]),
        "shared_stream": {
            "appenders": SHARED_APPENDERS,
            "appends_per_s": round(medians[shared_name]),
            "conflicts_per_run": round(median([float(c) for c in conflicts])),
        },
        "ceiling_per_s": (
            {str(n): round(medians[f"ceiling_{n}"]) for n in (1, 10, 100)}
            if postgres
            else round(medians["ceiling"])
        ),
        "ceiling_same_keys_per_s": None if postgres else round(medians["ceiling_same_keys"]),
        "runs": {name: [round(v) for v in values] for name, values in figures.items()},
    }
    # The targets' case: 100 appenders on one stream (a competition's judges),
    # beside the ceiling writing 100 rows of one stream per commit
    # (PERFORMANCE.md's); the own-streams case beside its like-for-like ceiling.
    report.targets["x10_single"] = Target(
        medians["pipelined_100"] / single, 10, "100 appenders on one stream ÷ 1 appender"
    )
    report.targets["ceiling_quarter"] = Target(
        medians["pipelined_100"] / ceiling_for(100), 0.25, "100 appenders on one stream ÷ ceiling"
    )
    report.targets["x10_single_own_streams"] = Target(
        medians["store_100"] / single, 10, "100 appenders, one stream each ÷ 1 appender"
    )
    if not postgres:
        report.targets["ceiling_quarter_same_keys"] = Target(
            medians["store_100"] / medians["ceiling_same_keys"],
            0.25,
            "100 appenders ÷ ceiling writing the same keys (100 streams per commit)",
        )
    report.notes.append(
        f"shared stream: {SHARED_APPENDERS} appenders retry on conflict; median "
        f"{report.results['shared_stream']['conflicts_per_run']:,} conflicts per run"  # type: ignore[index]
    )
    return report
