"""``python -m bench verify``: chain, Merkle root and full recomputation beside raw hashlib.

Chain: ``events.chain.verify_records`` over stored records (seq, canonical
body, hex hash) of one stream of judges' score sheets, sealed by
``events.envelope.seal``. Ceiling: ``hashlib.sha256`` chained over the same
bodies the same way (``digest = sha256(prev_digest || body)``), checking
nothing. Target: chain ≥ 0.5× the ceiling.

Merkle root: ``events.merkle.MerkleTree`` grown over the same events' hashes
(32 bytes each), then its root. Ceiling: ``hashlib.sha256`` over the same
inputs, n leaves (``0x00 || hash``) and n - 1 nodes (``0x01 || left ||
right``), level by level into lists; both must give the same root.

Full recomputation: what ``leitai verify`` does to a stream
(``server.verification.verify_stream``: the chain, the tree, every event
decoded and folded, every ``ResultRevealed`` decided again on the state just
before it) over a generated competition whose every contestant is called,
scored, closed and revealed; the records are read from memory (reading the
store is what ``replay`` measures). Ceiling: the hashlib chain over the same
bodies. The cost per event is measured at two sizes with the same events per
contestant, so a cost growing with the number of reveals shows.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import sys
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass

from bench.data import competition_records, score_events, sealed_records
from bench.harness import Options, Report, Target, alternate, median, spread
from events.chain import Record, verify_records
from events.merkle import MerkleTree
from server.replay import LogSource
from server.verification import verify_stream

FULL_EVENTS = 1_000_000
QUICK_EVENTS = 50_000
STREAM = "bench-verify"


@dataclass(frozen=True)
class _Shape:
    """A generated competition: contestants, judges, sheets per judge and contestant."""

    contestants: int
    judges: int
    sheets: int

    def label(self) -> str:
        return f"{self.contestants:,} contestants"


# 1,004 events a contestant (10 judges × 100 sheets, called, opened, closed,
# revealed); --quick: 100 (8 × 12 + 4). The small size has a tenth of the contestants.
FULL_SHAPES = (_Shape(100, 10, 100), _Shape(1_000, 10, 100))
QUICK_SHAPES = (_Shape(20, 8, 12), _Shape(200, 8, 12))


def _chain(records: list[Record]) -> float:
    start = time.perf_counter()
    verdict = verify_records(STREAM, records)
    elapsed = time.perf_counter() - start
    if not verdict.ok or verdict.head_seq != len(records):
        raise RuntimeError(f"the benchmark's own log does not verify: {verdict}")
    return len(records) / elapsed


def _ceiling(records: list[Record]) -> float:
    sha256 = hashlib.sha256
    digest = bytes(32)
    start = time.perf_counter()
    for _seq, body, _hash in records:
        digest = sha256(digest + body).digest()
    elapsed = time.perf_counter() - start
    if digest.hex() != records[-1].hash:
        raise RuntimeError("the ceiling's chain does not end on the stored head hash")
    return len(records) / elapsed


def _merkle(hashes: list[bytes], roots: dict[str, bytes]) -> float:
    start = time.perf_counter()
    tree = MerkleTree()
    tree.extend(hashes)
    roots["leitai"] = tree.root()
    return len(hashes) / (time.perf_counter() - start)


def _merkle_ceiling(hashes: list[bytes], roots: dict[str, bytes]) -> float:
    sha256 = hashlib.sha256
    start = time.perf_counter()
    level = [sha256(b"\x00" + h).digest() for h in hashes]
    while len(level) > 1:
        above = [
            sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if len(level) & 1:  # RFC 9162: an unpaired right edge rises unchanged
            above.append(level[-1])
        level = above
    elapsed = time.perf_counter() - start
    if level[0] != roots.get("leitai", level[0]):
        raise RuntimeError("the ceiling's Merkle root differs from events.merkle's")
    return len(hashes) / elapsed


class _Memory(LogSource):
    """One stream's records, as ``leitai verify`` reads them from a store."""

    def __init__(self, records: list[Record]) -> None:
        super().__init__(target="memory", store=None)
        self.held = records

    async def records(self, stream: str) -> AsyncGenerator[Record, None]:
        for record in self.held:
            yield record


def _recompute(records: list[Record], reveals: int) -> float:
    start = time.perf_counter()
    report, tree = asyncio.run(verify_stream(_Memory(records), STREAM))
    elapsed = time.perf_counter() - start
    if not report.ok or report.published != reveals or tree.size != len(records):
        raise RuntimeError(f"the generated competition does not verify: {report.lines()}")
    return len(records) / elapsed


def run(options: Options) -> Report:
    count = QUICK_EVENTS if options.quick else FULL_EVENTS
    rounds = 3 if options.quick else 5
    shapes = QUICK_SHAPES if options.quick else FULL_SHAPES
    print(f"verify: sealing {count:,} score events…", file=sys.stderr, flush=True)
    records = sealed_records(STREAM, score_events(count))
    small = records[: count // 10]
    hashes = [bytes.fromhex(r.hash) for r in records]
    roots: dict[str, bytes] = {}
    contests: dict[_Shape, list[Record]] = {}
    for shape in shapes:
        print(f"verify: deciding a competition of {shape.label()}…", file=sys.stderr, flush=True)
        contests[shape] = competition_records(
            STREAM, contestants=shape.contestants, judges=shape.judges, sheets=shape.sheets
        )
    # The prepared data stays alive for the whole run; the collector should not
    # walk it (``leitai verify`` streams its records; it holds no such heap).
    gc.freeze()
    cases: dict[str, Callable[[], float]] = {
        "chain": lambda: _chain(records),
        "ceiling": lambda: _ceiling(records),
        "chain_small": lambda: _chain(small),
        "ceiling_small": lambda: _ceiling(small),
        "merkle": lambda: _merkle(hashes, roots),
        "merkle_ceiling": lambda: _merkle_ceiling(hashes, roots),
    }
    for shape, contest in contests.items():
        cases[f"recompute {shape.contestants}"] = lambda c=contest, s=shape: _recompute(  # type: ignore[misc]
            c, s.contestants
        )
        cases[f"recompute_ceiling {shape.contestants}"] = lambda c=contest: _ceiling(c)  # type: ignore[misc]
    try:
        figures = alternate(cases, rounds)
    finally:
        gc.unfreeze()
    rate = {name: median(runs) for name, runs in figures.items()}
    body_bytes = sum(len(r.body) for r in records) / count
    report = Report(
        "verify",
        ("case", "events", "median events/s", "runs (min-max)", "µs/event", "× ceiling"),
    )
    rows: list[tuple[str, str, int, str]] = [
        ("chain (verify_records)", "chain", count, "ceiling"),
        ("ceiling (hashlib chain)", "ceiling", count, "ceiling"),
        ("chain (verify_records)", "chain_small", len(small), "ceiling_small"),
        ("ceiling (hashlib chain)", "ceiling_small", len(small), "ceiling_small"),
        ("Merkle root (MerkleTree)", "merkle", count, "merkle_ceiling"),
        ("ceiling (hashlib, 2n-1 inputs)", "merkle_ceiling", count, "merkle_ceiling"),
    ]
    for shape, contest in contests.items():
        n = shape.contestants
        rows += [
            (f"full recomputation, {shape.label()}", f"recompute {n}", len(contest), ""),
            ("ceiling (hashlib chain)", f"recompute_ceiling {n}", len(contest), ""),
        ]
    for label, name, n, ceiling in rows:
        ceiling = ceiling or f"recompute_ceiling {name.split()[-1]}"
        report.rows.append(
            (
                label,
                n,
                rate[name],
                spread(figures[name]),
                1e6 / rate[name],
                rate[name] / rate[ceiling],
            )
        )
    small_shape, large_shape = shapes
    report.results = {
        "events": count,
        "rounds": rounds,
        "mean_body_bytes": round(body_bytes, 1),
        "chain_per_s": round(rate["chain"]),
        "ceiling_per_s": round(rate["ceiling"]),
        "chain_small_per_s": round(rate["chain_small"]),
        "ceiling_small_per_s": round(rate["ceiling_small"]),
        "merkle_per_s": round(rate["merkle"]),
        "merkle_ceiling_per_s": round(rate["merkle_ceiling"]),
        "recompute": {
            str(len(contest)): {
                "contestants": shape.contestants,
                "reveals": shape.contestants,
                "per_s": round(rate[f"recompute {shape.contestants}"]),
                "ceiling_per_s": round(rate[f"recompute_ceiling {shape.contestants}"]),
                "us_per_event": round(1e6 / rate[f"recompute {shape.contestants}"], 2),
            }
            for shape, contest in contests.items()
        },
        "growth_us_per_event": {
            str(len(small)): round(1e6 / rate["chain_small"], 3),
            str(count): round(1e6 / rate["chain"], 3),
        },
    }
    report.targets["chain_vs_ceiling"] = Target(
        rate["chain"] / rate["ceiling"], 0.5, "chain verification ÷ hashlib ceiling"
    )
    report.notes.append(
        f"mean body {body_bytes:.0f} B; chain cost per event at {len(small):,} and {count:,} "
        "events should be the same (linear)"
    )
    report.notes.append(
        f"full recomputation at {small_shape.label()} and {large_shape.label()}, "
        f"{(len(contests[large_shape]) - len(contests[small_shape])) // (large_shape.contestants - small_shape.contestants):,} "
        "events each: the same µs/event at both sizes if recomputing a reveal does not grow "
        "with the reveals before it"
    )
    return report
