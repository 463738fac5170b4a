"""``python -m bench verify``: hash chain verification beside raw hashlib.

Leitai: ``events.chain.verify_records`` over stored records (seq, canonical
body, hex hash) of one stream of judges' score sheets, sealed by
``events.envelope.seal``. Ceiling: ``hashlib.sha256`` chained over the same
bodies the same way (``digest = sha256(prev_digest || body)``), checking
nothing. Target: chain ≥ 0.5× the ceiling.
"""

from __future__ import annotations

import hashlib
import sys
import time

from bench.data import score_events, sealed_records
from bench.harness import Options, Report, Target, alternate, median, spread
from events.chain import Record, verify_records

FULL_EVENTS = 1_000_000
QUICK_EVENTS = 50_000
STREAM = "bench-verify"


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


def run(options: Options) -> Report:
    count = QUICK_EVENTS if options.quick else FULL_EVENTS
    rounds = 3 if options.quick else 5
    print(f"verify: sealing {count:,} score events…", file=sys.stderr, flush=True)
    records = sealed_records(STREAM, score_events(count))
    small = records[: count // 10]
    figures = alternate(
        {
            "chain": lambda: _chain(records),
            "ceiling": lambda: _ceiling(records),
            "chain_small": lambda: _chain(small),
            "ceiling_small": lambda: _ceiling(small),
        },
        rounds,
    )
    chain, ceiling = median(figures["chain"]), median(figures["ceiling"])
    chain_small, ceiling_small = median(figures["chain_small"]), median(figures["ceiling_small"])
    body_bytes = sum(len(r.body) for r in records) / count
    report = Report(
        "verify",
        ("case", "events", "median events/s", "runs (min-max)", "µs/event", "× ceiling"),
    )
    for name, n, rate, ceil, runs in (
        ("chain (verify_records)", count, chain, ceiling, figures["chain"]),
        ("ceiling (hashlib chain)", count, ceiling, ceiling, figures["ceiling"]),
        ("chain (verify_records)", len(small), chain_small, ceiling_small, figures["chain_small"]),
        (
            "ceiling (hashlib chain)",
            len(small),
            ceiling_small,
            ceiling_small,
            figures["ceiling_small"],
        ),
    ):
        report.rows.append((name, n, rate, spread(runs), 1e6 / rate, rate / ceil))
    report.results = {
        "events": count,
        "rounds": rounds,
        "mean_body_bytes": round(body_bytes, 1),
        "chain_per_s": round(chain),
        "ceiling_per_s": round(ceiling),
        "chain_small_per_s": round(chain_small),
        "ceiling_small_per_s": round(ceiling_small),
        "growth_us_per_event": {
            str(len(small)): round(1e6 / chain_small, 3),
            str(count): round(1e6 / chain, 3),
        },
    }
    report.targets["chain_vs_ceiling"] = Target(
        chain / ceiling, 0.5, "chain verification ÷ hashlib ceiling"
    )
    report.notes.append(
        f"mean body {body_bytes:.0f} B; cost per event at {len(small):,} and {count:,} events "
        "should be the same (linear)"
    )
    return report
