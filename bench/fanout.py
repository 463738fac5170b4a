"""``python -m bench fanout``: one board update to 1,000 and 5,000 sockets.

Leitai: ``leitai serve``, every socket subscribed to the public board; an
admin reveals a contestant (POST ``/reveal``: decide, durable append, apply,
publish) and the figure is the time from sending that POST to the last
socket receiving the new board. Ceiling: ``websockets``' own server calling
``broadcast()`` with a message of the same size to the same number of
sockets, triggered by a message from one of them. The same clients (raw
WebSocket protocol on uvloop, two processes) watch both, alternately.
Memory per idle socket: the server's RSS growth over the sockets' connection
(and subscription) ÷ sockets. uvicorn's WebSocket implementations are
compared on the same test (the fastest is ``server.runner.WS``).

Across processes (issue 7): two ``leitai serve`` processes on one PostgreSQL
database serve the competition, the sockets split evenly between them (one
client process each); the reveal is POSTed to the first, and the figure is the
time from the POST to the last socket on either process receiving the new
board (the other process learns of it through LISTEN/NOTIFY and a read by
seq). Beside it, in the same run, the ceiling with all the sockets. The
database: ``--store postgresql://…[?schema=NEW]`` (NEW, or a new name, is
created, and dropped at the end), else the test database at ``PG_URL`` when
it answers; without PostgreSQL the case is skipped with a note. Sockets:
1,000 (``--quick``: 500).

Each implementation alternates with the ceiling round by round, and is set
beside the ceiling's rounds alternated with its own (not those of the other
implementations, run minutes apart: a slow spell of the machine then weighs on
both sides of a ratio alike).

Targets: time to the last client ≤ 1.25× the ceiling's; memory per idle
socket ≤ 2× the ceiling's (one process, SQLite; the processes' case has none).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import itertools
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
import httpx

from bench.clients import Watchers
from bench.harness import Options, Report, Target, alternate, median, spread
from bench.servers import STREAM, Process, Tokens, ceiling_broadcast, competition, leitai
from server.runner import WS

CLIENT_PROCESSES = 2
PROCESSES = 2  # Leitai processes over one PostgreSQL database, for the processes' case
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"  # used when --store names none
JUDGES = 5
SUBSCRIBE = '{"type":"subscribe","view":"board","since":0}'


def _prepare(url: str, tokens: Tokens, contestants: int) -> None:
    """Score and close every contestant, so each reveal changes the public board."""
    api = f"{url}/api/competitions/{STREAM}"
    with httpx.Client(timeout=30) as client:
        for c in range(1, contestants + 1):
            admin = {"Authorization": f"Bearer {tokens.admin}"}
            client.post(f"{api}/stage", json={"contestant": f"c{c}"}, headers=admin)
            for j, token in enumerate(tokens.judges.values()):
                client.post(
                    f"{api}/scores",
                    json={
                        "contestant": f"c{c}",
                        "points": {"content": f"{40 + (c * 7 + j) % 20}", "delivery": "30"},
                        "submission_id": f"prep-{c}-{j}",
                    },
                    headers={"Authorization": f"Bearer {token}"},
                ).raise_for_status()
            client.post(
                f"{api}/close", json={"contestant": f"c{c}"}, headers=admin
            ).raise_for_status()


class _Reveals:
    """Each call reveals the next contestant on ``server``; ms from the POST to
    the last socket of every group of watchers (each group's own last in ``lasts``)."""

    def __init__(
        self, server: Process, groups: list[Watchers], admin: str, contestants: Iterator[int]
    ) -> None:
        self.server = server
        self.groups = groups
        self.admin = admin
        self.contestants = contestants
        self.client = httpx.Client(timeout=30)
        self.lasts: list[list[float]] = [[] for _ in groups]

    def __call__(self) -> float:
        contestant = next(self.contestants)
        for watchers in self.groups:
            watchers.arm()
        began = time.monotonic()
        answer = self.client.post(
            f"{self.server.url}/api/competitions/{STREAM}/reveal",
            json={"contestant": f"c{contestant}"},
            headers={"Authorization": f"Bearer {self.admin}"},
        )
        answer.raise_for_status()
        seq = answer.json()["seq"]
        for lasts, watchers in zip(self.lasts, self.groups, strict=True):
            lasts.append(_last(watchers.first_at_or_after(seq), began))
        return max(lasts[-1] for lasts in self.lasts)


class _Broadcasts:
    """Each call asks the ceiling for one broadcast; ms to the last socket."""

    def __init__(self, watchers: Watchers) -> None:
        self.watchers = watchers
        self.next = 10**6

    def __call__(self) -> float:
        self.next += 1
        self.watchers.arm()
        began = time.monotonic()
        self.watchers.send_from_one(f"go {self.next}")
        return _last(self.watchers.first_at_or_after(self.next), began)


def _last(times: list[float | None], began: float) -> float:
    missing = sum(t is None for t in times)
    if missing:
        raise RuntimeError(f"{missing} of {len(times)} sockets never got the update")
    return (max(t for t in times if t is not None) - began) * 1000


def _board_bytes(url: str) -> int:
    """The size of the board message a subscriber receives."""
    board = httpx.get(f"{url}/api/competitions/{STREAM}/board", timeout=10).content
    return len(board) + len('{"type":"view","view":"board","seq":1000,"data":}')


def _watch(
    server: Process, sockets: int, greeting: str | None, clients: int = CLIENT_PROCESSES
) -> tuple[Watchers, float]:
    """The watchers (in ``clients`` processes), and the server's memory growth per socket (bytes)."""
    before = server.rss()
    watchers = Watchers(server.port, _path(greeting), sockets, clients, greeting)
    time.sleep(0.5)  # let the server settle its buffers
    return watchers, (server.rss() - before) / sockets


def _path(greeting: str | None) -> str:
    return f"/ws/competitions/{STREAM}" if greeting else "/"


def _measure(
    root: Path, db: Path, tokens: Tokens, sockets: int, rounds: int, implementations: list[str]
) -> dict[str, object]:
    """Every implementation of Leitai beside the ceiling at ``sockets`` sockets."""
    contestants = itertools.count(1)
    figures: dict[str, list[float]] = {}
    memory: dict[str, float] = {}
    size = 0
    for ws in implementations:
        with leitai(db, root / f"leitai-{ws}.out", ws=ws) as server:
            size = _board_bytes(server.url)
            watchers, memory[ws] = _watch(server, sockets, SUBSCRIBE)
            with watchers, ceiling_broadcast(root / "ceiling.out", size) as ceiling:
                bare, memory["ceiling"] = _watch(ceiling, sockets, None)
                with bare:
                    reveals = _Reveals(server, [watchers], tokens.admin, contestants)
                    reveals()  # warm up both
                    _Broadcasts(bare)()
                    got = alternate(
                        {f"{ws} {sockets}": reveals, f"ceiling {sockets}": _Broadcasts(bare)},
                        rounds,
                    )
        figures[ws] = got[f"{ws} {sockets}"]
        figures[f"ceiling beside {ws}"] = got[f"ceiling {sockets}"]
    return {"figures": figures, "memory": memory, "size": size}


@dataclass(frozen=True)
class _Schema:
    """A fresh PostgreSQL schema for one run: the store URL, and asyncpg's URL."""

    name: str
    url: str
    database: str

    @classmethod
    def of(cls, given: str) -> _Schema:
        """``given``'s schema (``?schema=NAME``), else a new name, in ``given``'s database."""
        parts = urlsplit(given)
        query = parse_qsl(parts.query)
        name = next((v for k, v in query if k == "schema"), "") or f"bench_{uuid.uuid4().hex[:12]}"
        database = urlunsplit(
            parts._replace(query=urlencode([(k, v) for k, v in query if k != "schema"]))
        )
        return cls(name, f"{database}{'&' if '?' in database else '?'}schema={name}", database)

    async def execute(self, statement: str) -> None:
        conn = await asyncpg.connect(self.database, timeout=5)
        try:
            await conn.execute(statement.format('"' + self.name.replace('"', '""') + '"'))
        finally:
            await conn.close()


def _across_processes(
    root: Path, schema: _Schema, sockets: int, rounds: int, contestants: int
) -> dict[str, object]:
    """``PROCESSES`` Leitai processes on one PostgreSQL schema, the sockets split
    evenly between them, each reveal POSTed to the first; beside the ceiling
    holding all the sockets. ``contestants`` as many as in the one-process case,
    so that the board is as large."""
    tokens = asyncio.run(competition(schema.url, judges=JUDGES, contestants=contestants))
    env = {"LEITAI_KEY_FILE": str(root / "signing.key")}  # checkpoints signed at each reveal
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(leitai(schema.url, root / f"leitai-pg-{i}.out", env=env))
            for i in range(PROCESSES)
        ]
        _prepare(servers[0].url, tokens, contestants)
        size = _board_bytes(servers[0].url)
        groups, growth = [], 0.0
        for i, server in enumerate(servers):
            share = sockets // PROCESSES + (i < sockets % PROCESSES)
            watchers, per_socket = _watch(server, share, SUBSCRIBE, clients=1)
            groups.append(stack.enter_context(watchers))
            growth += per_socket * share
        ceiling = stack.enter_context(ceiling_broadcast(root / "ceiling-pg.out", size))
        bare, ceiling_memory = _watch(ceiling, sockets, None)
        stack.enter_context(bare)
        reveals = _Reveals(servers[0], groups, tokens.admin, itertools.count(1))
        reveals()  # warm up both
        _Broadcasts(bare)()
        got = alternate(
            {f"{PROCESSES} processes {sockets}": reveals, f"ceiling {sockets}": _Broadcasts(bare)},
            rounds,
        )
    return {
        "leitai": got[f"{PROCESSES} processes {sockets}"],
        "ceiling": got[f"ceiling {sockets}"],
        "by_process": [lasts[1:] for lasts in reveals.lasts],
        "memory": growth / sockets,
        "ceiling_memory": ceiling_memory,
        "size": size,
    }


def _postgres(options: Options) -> tuple[_Schema | None, str]:
    """The schema for the processes' case, made now; or None and why not."""
    given = options.store or ""
    explicit = given.startswith(("postgresql://", "postgres://"))
    schema = _Schema.of(given if explicit else PG_URL)
    try:
        asyncio.run(schema.execute("CREATE SCHEMA {}"))
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        if explicit:
            raise
        return None, (
            f"the {PROCESSES}-process case needs PostgreSQL ({PG_URL}: {exc!r}); run "
            f"`python -m bench fanout --store {PG_URL}?schema=NEW` (NEW is created and dropped)"
        )
    return schema, f"{PROCESSES} processes on PostgreSQL schema {schema.name} (dropped after)"


def run(options: Options) -> Report:
    rounds = 3 if options.quick else 5
    sizes = [500] if options.quick else [1000, 5000]
    implementations = [WS] if options.quick else _implementations()
    reveals_needed = 2 + rounds * len(implementations) * len(sizes)
    results: dict[int, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="leitai-bench-fanout-") as tmp:
        root = Path(tmp)
        for sockets in sizes:
            db = root / f"leitai-{sockets}.db"
            tokens = asyncio.run(competition(db, judges=JUDGES, contestants=reveals_needed))
            with leitai(db, root / "prepare.out") as server:
                _prepare(server.url, tokens, reveals_needed)
            print(f"fanout: {sockets:,} sockets", file=sys.stderr, flush=True)
            results[sockets] = _measure(root, db, tokens, sockets, rounds, implementations)
        schema, why = _postgres(options)
        processes: dict[str, object] | None = None
        if schema is not None:
            try:
                print(f"fanout: {PROCESSES} processes, {sizes[0]:,} sockets", file=sys.stderr)
                processes = _across_processes(root, schema, sizes[0], rounds, reveals_needed)
            finally:
                asyncio.run(schema.execute("DROP SCHEMA {} CASCADE"))
    report = Report(
        "fanout",
        ("case", "sockets", "median ms to last", "runs (min-max)", "× ceiling", "KB/socket"),
    )
    out: dict[str, object] = {"rounds": rounds}
    best = WS
    for sockets, got in results.items():
        figures: dict[str, list[float]] = got["figures"]  # type: ignore[assignment]
        memory: dict[str, float] = got["memory"]  # type: ignore[assignment]
        ours = {name: median(runs) for name, runs in figures.items() if " " not in name}
        beside = {name: median(figures[f"ceiling beside {name}"]) for name in ours}
        for name, ms in ours.items():
            ceiling_runs = figures[f"ceiling beside {name}"]
            report.rows.append(
                (
                    f"leitai ({name})",
                    sockets,
                    ms,
                    spread(figures[name]),
                    ms / beside[name],
                    memory[name] / 1024,
                )
            )
            report.rows.append(
                (
                    "  ceiling, alternated with it",
                    sockets,
                    beside[name],
                    spread(ceiling_runs),
                    1.0,
                    memory["ceiling"] / 1024,
                )
            )
        best = min(ours, key=ours.__getitem__)
        out[str(sockets)] = {
            "message_bytes": got["size"],
            "ms_to_last": {name: round(v, 2) for name, v in ours.items()},
            "ceiling_ms_to_last": round(beside[WS], 2),
            "ceiling_ms_to_last_beside": {name: round(v, 2) for name, v in beside.items()},
            "kb_per_socket": {name: round(v / 1024, 1) for name, v in memory.items()},
        }
        report.targets[f"time_{sockets}"] = Target(
            1.25 * beside[WS] / ours[WS],
            1.0,
            f"1.25 × ceiling (its rounds alternated with {WS}'s) ÷ time to last at {sockets:,} ({WS})",
        )
        report.targets[f"memory_{sockets}"] = Target(
            2 * memory["ceiling"] / memory[WS], 1.0, f"2 × ceiling ÷ KB per socket ({WS})"
        )
    out["fastest_ws"] = best
    out["processes"] = None if processes is None else _processes_rows(report, processes, sizes[0])
    report.results = out
    report.notes.append(why)
    report.notes.append(
        f"server.runner.WS = {WS!r}; message ≈ the public board; time from the reveal POST "
        "(including its fsync) or the ceiling's trigger to the last socket"
    )
    return report


def _implementations() -> list[str]:
    found = [WS, "websockets", "websockets-sansio"]
    if importlib.util.find_spec("wsproto") is not None:
        found.append("wsproto")
    return found


def _processes_rows(report: Report, got: dict[str, object], sockets: int) -> dict[str, object]:
    """The rows and figures of the processes' case."""
    ours: list[float] = got["leitai"]  # type: ignore[assignment]
    theirs: list[float] = got["ceiling"]  # type: ignore[assignment]
    by_process: list[list[float]] = got["by_process"]  # type: ignore[assignment]
    memory, ceiling_memory = float(got["memory"]), float(got["ceiling_memory"])  # type: ignore[arg-type]
    ceiling = median(theirs)
    report.rows.append(
        (
            f"leitai, {PROCESSES} processes on PostgreSQL",
            sockets,
            median(ours),
            spread(ours),
            median(ours) / ceiling,
            memory / 1024,
        )
    )
    for i, lasts in enumerate(by_process):
        what = "revealing process" if i == 0 else "other process"
        report.rows.append(
            (
                f"  of which {what}'s sockets",
                sockets // PROCESSES + (i < sockets % PROCESSES),
                median(lasts),
                spread(lasts),
                median(lasts) / ceiling,
                "",
            )
        )
    report.rows.append(
        (
            "ceiling: websockets broadcast() (same run)",
            sockets,
            ceiling,
            spread(theirs),
            1.0,
            ceiling_memory / 1024,
        )
    )
    return {
        "processes": PROCESSES,
        "sockets": sockets,
        "message_bytes": got["size"],
        "ms_to_last": round(median(ours), 2),
        "ms_to_last_by_process": [round(median(lasts), 2) for lasts in by_process],
        "ceiling_ms_to_last": round(ceiling, 2),
        "kb_per_socket": round(memory / 1024, 1),
        "ceiling_kb_per_socket": round(ceiling_memory / 1024, 1),
    }
