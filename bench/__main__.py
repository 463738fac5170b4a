"""``python -m bench NAME [--quick] [--store URL]``; NAME is a benchmark, a
study (``paces``) or ``all`` (every benchmark).

Each benchmark prints a table and, last, one JSON line. ``all`` runs them in
turn and ends with one JSON line holding every benchmark's figures; it exits
non-zero only if a benchmark crashed (figures are reported, not asserted).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
import traceback

from bench.harness import Options, Report, print_report
from bench.machine import CpuTimes

# Name -> module; each module has ``run(options) -> Report``.
BENCHMARKS = {
    "append": "bench.append",
    "verify": "bench.verify",
    "submit": "bench.submit",
    "latency": "bench.latency",
    "fanout": "bench.fanout",
    "replay": "bench.replay",
}
STUDIES = {"paces": "bench.paces"}
"""Run by name only, not by ``all``: what they measure has no target."""


def _run(name: str, options: Options) -> Report:
    module = importlib.import_module({**BENCHMARKS, **STUDIES}[name])
    before = CpuTimes.now()
    report: Report = module.run(options)
    after = CpuTimes.now()
    if before is not None and after is not None:
        report.machine = after.since(before)
    print_report(report)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("name", choices=[*BENCHMARKS, *STUDIES, "all"])
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, for CI (all of them under 2 minutes)"
    )
    parser.add_argument(
        "--store",
        metavar="URL",
        help="store to measure (default: a fresh SQLite file in a temporary directory), "
        "e.g. postgresql://postgres@127.0.0.1:5432/test; for fanout, the PostgreSQL "
        "database of its two-process case (?schema=NEW: a schema it creates and drops)",
    )
    args = parser.parse_args(argv)
    options = Options(quick=args.quick, store=args.store)
    if args.name != "all":
        _run(args.name, options)
        return 0
    start = time.perf_counter()
    combined: dict[str, object] = {}
    crashed = []
    for name in BENCHMARKS:
        try:
            combined[name] = _run(name, options).as_json()
        except Exception:
            traceback.print_exc()
            crashed.append(name)
    elapsed = time.perf_counter() - start
    print(f"\nall: {len(BENCHMARKS) - len(crashed)} of {len(BENCHMARKS)} ran in {elapsed:.0f} s")
    summary = {"bench": "all", "seconds": round(elapsed, 1), "crashed": crashed, **combined}
    print(json.dumps(summary, separators=(",", ":")), flush=True)
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
