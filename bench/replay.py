"""``python -m bench replay``: rebuild the board from the SQLite store.

Leitai: what the server does on start (``Live.load``): fold the stream
from the store (``SqliteStore.fold``: decode and ``apply`` every event in one
thread, the rows read a chunk ahead by another), copy the state that
commands are decided on, then draw the full board of 10,000 contestants.
Ceiling: read the same rows (raw ``sqlite3``, the ``body`` column) and
``msgspec.json.decode`` each, no projection. Each run is a fresh
process, so its peak memory (``harness.peak_rss``) is its own.

Sizes: 10,000 contestants with 1,000,000 score events (and 100,000, for the
growth); ``--quick``: 1,000 contestants, 20,000 events (and 2,000).
Targets: ≥ 0.3× the ceiling's events/s; 1,000,000 events in under 10 s.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import msgspec

from bench.clients import in_processes
from bench.harness import Options, Report, Target, alternate, median, peak_rss, spread
from bench.servers import competition, contest
from events.catalog import AnyEvent, ContestantCalled, ScoreAmended, ScoreSubmitted, ScoringClosed
from events.envelope import Actor, Envelope
from events.store import open_store
from projections.board import board

JUDGES = 10
CHUNK = 2000  # the store's largest append


async def _build(db: Path, stream: str, contestants: int, scores: int) -> None:
    """A competition of ``contestants`` (one panel of 10 judges), then ``scores``
    sheets, every judge scoring every contestant again and again."""
    await competition(db, judges=JUDGES, contestants=contestants, stream=stream)
    store = await open_store(str(db))
    try:
        seq = (await store.head(stream)).seq
        for first in range(0, scores, CHUNK):
            events = [
                ScoreSubmitted(
                    judge=f"J{n % JUDGES + 1}",
                    contestant=f"c{n // JUDGES % contestants + 1}",
                    points={
                        "content": Decimal(40 + n % 20),
                        "delivery": Decimal(n % 37) / 2 + 10,
                    },
                    submission_id=f"sheet-{n:08d}",
                )
                for n in range(first, min(scores, first + CHUNK))
            ]
            seq = (
                await store.append(
                    stream, events, actor=Actor(role="judge", id="J1"), expected_seq=seq
                )
            )[-1].seq
    finally:
        await store.close()


def _replay(db: str, stream: str) -> tuple[float, int, int]:
    """Seconds to rebuild the board, events folded, peak RSS (bytes); in a child."""
    from server.live import Live

    async def rebuild() -> tuple[int, int]:
        store = await open_store(db, create=False)
        try:
            live = await Live.load(store, stream)  # the replay, and the copy decided on
            try:
                view = board(live.state, public=False)
                return live.state.seq, len(msgspec.json.encode(view))
            finally:
                await live.close()
        finally:
            await store.close()

    began = time.perf_counter()
    events, _ = asyncio.run(rebuild())
    elapsed = time.perf_counter() - began
    return elapsed, events, peak_rss()


def _ceiling(db: str, stream: str) -> tuple[float, int, int]:
    """Seconds to read every row's body and msgspec-decode it; in a child."""
    decode = msgspec.json.decode
    began = time.perf_counter()
    conn = sqlite3.connect(db)
    events = 0
    for (body,) in conn.execute("SELECT body FROM events WHERE stream = ? ORDER BY seq", (stream,)):
        decode(body)
        events += 1
    conn.close()
    elapsed = time.perf_counter() - began
    return elapsed, events, peak_rss()


def _update_cost(contestants: int, updates: int) -> tuple[float, float]:
    """µs per score folded into a scored board of ``contestants`` and the
    board's ranking brought up to date (``apply`` + ``ranked``), and ms per full
    board view after it; in a child, the state built in memory."""
    from projections.standings import ranked
    from projections.state import Competition, apply
    from server.definition import definition_from_data

    state = Competition.empty("growth")

    def fold(event: AnyEvent, actor: Actor) -> None:
        nonlocal state
        seq = state.seq + 1
        state = apply(
            state,
            Envelope(
                "growth",
                seq,
                "",
                actor,
                event.TYPE,
                event.VERSION,
                event,
                state.head_hash,
                f"{seq}",
            ),
        )

    admin = Actor(role="admin", id="admin")
    judges = [Actor(role="judge", id=f"J{j}") for j in range(1, JUDGES + 1)]
    for event in definition_from_data(contest(JUDGES, contestants, "growth"), name="b").events:
        fold(event, admin)
    ids = [f"c{c}" for c in range(1, contestants + 1)]

    def sheet(n: int, contestant: str, judge: Actor) -> ScoreAmended:
        points = {"content": Decimal(40 + n % 20), "delivery": Decimal(n % 37) / 2 + 10}
        return ScoreAmended(judge=judge.id, contestant=contestant, points=points, reason="bench")

    for n, contestant in enumerate(ids):
        fold(ContestantCalled(contestant=contestant), admin)
        for judge in judges:
            fold(sheet(n * JUDGES + int(judge.id[1:]), contestant, judge), admin)
        fold(ScoringClosed(contestant=contestant), admin)
    round_ = state.round()
    assert round_ is not None
    board(state, public=False)  # every result computed and ranked once
    events = [sheet(n * 7, ids[n * 7919 % contestants], judges[n % JUDGES]) for n in range(updates)]
    began = time.perf_counter()
    for event in events:
        fold(event, admin)
        ranked(state, round_)
    per_update = (time.perf_counter() - began) / updates * 1e6
    began = time.perf_counter()
    board(state, public=False)
    return per_update, (time.perf_counter() - began) * 1e3


class _Case:
    def __init__(self, fn: object, db: Path, stream: str) -> None:
        self.fn = fn
        self.args = (str(db), stream)
        self.seconds: list[float] = []
        self.peaks: list[int] = []
        self.events = 0

    def __call__(self) -> float:
        seconds, self.events, peak = in_processes(self.fn, [self.args])[0]  # type: ignore[arg-type]
        self.seconds.append(seconds)
        self.peaks.append(peak)
        return float(self.events / seconds)


def run(options: Options) -> Report:
    contestants = 1_000 if options.quick else 10_000
    sizes = (2_000, 20_000) if options.quick else (100_000, 1_000_000)
    rounds = 3 if options.quick else 5
    with tempfile.TemporaryDirectory(prefix="leitai-bench-replay-") as tmp:
        db = Path(tmp) / "leitai.db"
        cases: dict[str, _Case] = {}
        for scores in sizes:
            stream = f"replay-{scores}"
            print(f"replay: writing {scores:,} score events…", file=sys.stderr, flush=True)
            asyncio.run(_build(db, stream, contestants, scores))
            cases[f"leitai {scores}"] = _Case(_replay, db, stream)
            cases[f"ceiling {scores}"] = _Case(_ceiling, db, stream)
        figures = alternate(cases, rounds)
    report = Report(
        "replay",
        ("case", "events", "median events/s", "runs (min-max)", "median s", "× ceiling", "peak MB"),
    )
    out: dict[str, object] = {"contestants": contestants, "rounds": rounds}
    for scores in sizes:
        ours, ceiling = cases[f"leitai {scores}"], cases[f"ceiling {scores}"]
        rate, ceiling_rate = (
            median(figures[f"leitai {scores}"]),
            median(figures[f"ceiling {scores}"]),
        )
        for name, case, value in (
            ("leitai: Live.load (fold + copy) + board", ours, rate),
            ("ceiling: sqlite3 + msgspec decode", ceiling, ceiling_rate),
        ):
            report.rows.append(
                (
                    name,
                    case.events,
                    value,
                    spread(figures[f"{'leitai' if case is ours else 'ceiling'} {scores}"]),
                    median(case.seconds),
                    value / ceiling_rate,
                    max(case.peaks) / 2**20,
                )
            )
        out[str(scores)] = {
            "events": ours.events,
            "leitai_per_s": round(rate),
            "ceiling_per_s": round(ceiling_rate),
            "leitai_seconds": round(median(ours.seconds), 2),
            "leitai_peak_mb": round(max(ours.peaks) / 2**20),
            "ceiling_peak_mb": round(max(ceiling.peaks) / 2**20),
            "us_per_event": round(1e6 / rate, 2),
        }
    growth: dict[str, dict[str, float]] = {}
    for size in (100, contestants):
        update_us, view_ms = in_processes(_update_cost, [(size, 2_000)])[0]
        growth[str(size)] = {"update_us": round(update_us, 1), "board_view_ms": round(view_ms, 1)}
        report.rows.append(
            (f"one score into a board of {size:,}: µs", "", update_us, "", "", "", "")
        )
        report.rows.append((f"full board view of {size:,}: ms", "", view_ms, "", "", "", ""))
    out["board_update"] = growth
    largest = sizes[-1]
    ours = cases[f"leitai {largest}"]
    rate = median(figures[f"leitai {largest}"])
    report.results = out
    report.targets["rate_vs_ceiling"] = Target(
        rate / median(figures[f"ceiling {largest}"]), 0.3, f"events/s ÷ ceiling at {largest:,}"
    )
    report.targets["under_10_s"] = Target(
        10 / (median(ours.seconds) * 1_000_000 / ours.events),
        1.0,
        "10 s ÷ seconds for 1,000,000 events (extrapolated from the run's size)",
    )
    report.notes.append(
        "µs per event at both sizes should be the same (a cost growing with the log is a defect)"
    )
    report.notes.append(
        "one score into a board: apply + the round's ranking brought up to date (one result"
        " recomputed and moved, O(log n)); a full board view lists every row, O(n)"
    )
    return report
