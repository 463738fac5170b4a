"""``python -m bench submit``: judges' scores over HTTP, the whole path.

Leitai: ``leitai serve`` (its own uvicorn settings) over a competition of 200
judges with contestant c1 on stage; 200 kept-alive connections, one per
judge, each POSTing sheets with new submission ids to ``/scores`` one after
the other: auth, decode, decide, durable append, apply, publish, receipt.
Ceiling: a bare starlette app on the same uvicorn settings that decodes the
same bodies with msgspec into the same ``SubmitScore`` and answers 200.
Both are loaded by the same client (two processes, raw HTTP/1.1 on uvloop),
alternately. Targets: ≥ 0.4× the ceiling's requests/s, p99 ≤ 25 ms.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.clients import Exchange, http_load, in_processes, request
from bench.harness import Options, Report, Target, alternate, median, spread
from bench.servers import STREAM, Process, ceiling_http, competition, leitai, score_body

JUDGES = 200
CLIENT_PROCESSES = 2
PATH = f"/api/competitions/{STREAM}/scores"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class _Load:
    """One run of the load against one server; its figures."""

    def __init__(self, server: Process, tokens: list[str], per_connection: int) -> None:
        self.server = server
        self.tokens = tokens
        self.per_connection = per_connection
        self.runs = 0
        self.p50: list[float] = []
        self.p99: list[float] = []
        self.errors = 0

    def __call__(self) -> float:
        self.runs += 1
        tag = f"r{self.runs}-{time.time_ns()}"
        port = self.server.port
        connections = [
            [
                request(port, PATH, score_body("c1", n, f"{tag}-{j}"), token)
                for n in range(self.per_connection)
            ]
            for j, token in enumerate(self.tokens)
        ]
        share = len(connections) // CLIENT_PROCESSES
        start = time.monotonic() + 1.5  # after the client processes have started
        results: list[list[Exchange]] = in_processes(
            http_load,
            [
                (port, connections[i * share : (i + 1) * share], None, start)
                for i in range(CLIENT_PROCESSES)
            ],
        )
        exchanges = [e for r in results for e in r]
        self.errors += sum(e.status != 200 for e in exchanges)
        latencies = [(e.answered - e.sent) * 1000 for e in exchanges]
        self.p50.append(statistics.median(latencies))
        self.p99.append(percentile(latencies, 0.99))
        return len(exchanges) / (max(e.answered for e in exchanges) - start)


def _open_scoring(url: str, admin: str) -> None:
    import httpx

    answer = httpx.post(
        f"{url}/api/competitions/{STREAM}/stage",
        json={"contestant": "c1"},
        headers={"Authorization": f"Bearer {admin}"},
        timeout=10,
    )
    answer.raise_for_status()


def run(options: Options) -> Report:
    rounds = 3 if options.quick else 5
    per_connection = 10 if options.quick else 50
    with tempfile.TemporaryDirectory(prefix="leitai-bench-submit-") as tmp:
        root = Path(tmp)
        db = root / "leitai.db"
        tokens = asyncio.run(competition(db, judges=JUDGES, contestants=20))
        print(f"submit: {JUDGES} connections, {per_connection} scores each", file=sys.stderr)
        with leitai(db, root / "leitai.out") as server, ceiling_http(root / "ceiling.out") as bare:
            _open_scoring(server.url, tokens.admin)
            judges = list(tokens.judges.values())
            cases = {
                "leitai": _Load(server, judges, per_connection),
                "ceiling": _Load(bare, judges, per_connection),
            }
            for case in cases.values():  # warm up: imports, caches, the first fsyncs
                _Load(case.server, judges, 2)()
            figures = alternate(cases, rounds)
    ours, ceiling = cases["leitai"], cases["ceiling"]
    rate, ceiling_rate = median(figures["leitai"]), median(figures["ceiling"])
    p50, p99 = median(ours.p50), median(ours.p99)
    report = Report(
        "submit",
        ("case", "median req/s", "runs (min-max)", "p50 ms", "p99 ms", "× ceiling", "errors"),
    )
    report.rows.append(
        (
            "leitai: POST /scores",
            rate,
            spread(figures["leitai"]),
            p50,
            p99,
            rate / ceiling_rate,
            ours.errors,
        )
    )
    report.rows.append(
        (
            "ceiling: bare starlette + msgspec",
            ceiling_rate,
            spread(figures["ceiling"]),
            median(ceiling.p50),
            median(ceiling.p99),
            1.0,
            ceiling.errors,
        )
    )
    report.results = {
        "connections": JUDGES,
        "requests_per_run": JUDGES * per_connection,
        "rounds": rounds,
        "leitai_per_s": round(rate),
        "ceiling_per_s": round(ceiling_rate),
        "leitai_p50_ms": round(p50, 2),
        "leitai_p99_ms": round(p99, 2),
        "ceiling_p50_ms": round(median(ceiling.p50), 2),
        "ceiling_p99_ms": round(median(ceiling.p99), 2),
        "errors": ours.errors,
    }
    report.targets["rate_vs_ceiling"] = Target(rate / ceiling_rate, 0.4, "req/s ÷ ceiling")
    report.targets["p99_headroom"] = Target(25 / p99, 1.0, f"25 ms ÷ p99 ({p99:.1f} ms)")
    return report
