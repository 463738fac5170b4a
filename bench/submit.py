"""``python -m bench submit``: judges' scores over HTTP, the whole path.

Leitai: ``leitai serve`` (its own uvicorn settings) over a competition of 200
judges with contestant c1 on stage; 200 kept-alive connections, one per
judge, each POSTing sheets with new submission ids to ``/scores`` one after
the other: auth, decode, decide, durable append, apply, publish, receipt.
Ceiling: a bare starlette app on the same uvicorn settings that decodes the
same bodies with msgspec into the same ``SubmitScore`` and answers 200.
Both are loaded by the same client (two processes, raw HTTP/1.1 on uvloop),
alternately. Targets: ≥ 0.4× the ceiling's requests/s, p99 ≤ 25 ms.

Two loads. The closed loop (each connection sends its next sheet as soon as
the last is answered) gives the rate; its latency is connections ÷ rate by
Little's law, whatever the server, so the p99 is also taken under open
loads: the 200 connections together send 1,000 and 2,000 sheets a second on
a fixed schedule (a venue's 200 judges send a few a second), the latency
counted from each sheet's scheduled time, so a late answer delays the
figures of the sheets queued behind it as it would a judge's.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.clients import Exchange, LoadProcesses, http_load, request
from bench.harness import Options, Report, Target, alternate, median, spread
from bench.servers import STREAM, Process, ceiling_http, competition, leitai, score_body

JUDGES = 200
CLIENT_PROCESSES = 2
PATH = f"/api/competitions/{STREAM}/scores"
OPEN_RATES = (1_000, 2_000)
"""Sheets a second, all connections together, of the open loads."""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class _Load:
    """One run of the load against one server; its figures. Closed loop, or
    open at ``rate`` sheets a second in all (each connection's sheets evenly
    spaced, the connections staggered)."""

    def __init__(
        self,
        clients: LoadProcesses,
        server: Process,
        tokens: list[str],
        per_connection: int,
        rate: int | None = None,
    ) -> None:
        self.clients = clients
        self.server = server
        self.tokens = tokens
        self.per_connection = per_connection
        self.rate = rate
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
        start = time.monotonic() + self.clients.LEAD
        schedules: list[list[float]] | None = None
        if self.rate is not None:
            count = len(connections)
            schedules = [
                [start + (n * count + j) / self.rate for n in range(self.per_connection)]
                for j in range(count)
            ]
        results: list[list[Exchange]] = self.clients.run(
            http_load,
            [
                (
                    port,
                    connections[i * share : (i + 1) * share],
                    schedules[i * share : (i + 1) * share] if schedules is not None else None,
                    start,
                )
                for i in range(CLIENT_PROCESSES)
            ],
        )
        exchanges = [e for r in results for e in r]
        self.errors += sum(e.status != 200 for e in exchanges)
        latencies = [(e.answered - e.due) * 1000 for e in exchanges]
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
    open_seconds = 2 if options.quick else 5
    with tempfile.TemporaryDirectory(prefix="leitai-bench-submit-") as tmp:
        root = Path(tmp)
        db = root / "leitai.db"
        tokens = asyncio.run(competition(db, judges=JUDGES, contestants=20))
        print(f"submit: {JUDGES} connections, {per_connection} scores each", file=sys.stderr)
        with (
            leitai(db, root / "leitai.out") as server,
            ceiling_http(root / "ceiling.out") as bare,
            LoadProcesses(CLIENT_PROCESSES) as clients,
        ):
            _open_scoring(server.url, tokens.admin)
            judges = list(tokens.judges.values())
            cases = {
                "leitai": _Load(clients, server, judges, per_connection),
                "ceiling": _Load(clients, bare, judges, per_connection),
            }
            for per_s in OPEN_RATES:
                sheets = per_s * open_seconds // JUDGES
                cases[f"leitai {per_s}/s"] = _Load(clients, server, judges, sheets, per_s)
                cases[f"ceiling {per_s}/s"] = _Load(clients, bare, judges, sheets, per_s)
            for name in ("leitai", "ceiling"):  # warm up: imports, caches, the first fsyncs
                _Load(clients, cases[name].server, judges, 2)()
            figures = alternate(cases, rounds)
    report = Report(
        "submit",
        ("case", "median req/s", "runs (min-max)", "p50 ms", "p99 ms", "× ceiling", "errors"),
    )
    rate, ceiling_rate = median(figures["leitai"]), median(figures["ceiling"])
    p99 = median(cases["leitai"].p99)
    results: dict[str, object] = {
        "connections": JUDGES,
        "requests_per_run": JUDGES * per_connection,
        "rounds": rounds,
    }
    loads = [("", "closed", "closed loop")]
    loads += [(f" {r}/s", f"open_{r}", f"open, {r:,}/s") for r in OPEN_RATES]
    for suffix, key, load in loads:
        ours, ceiling = cases[f"leitai{suffix}"], cases[f"ceiling{suffix}"]
        ours_rate = median(figures[f"leitai{suffix}"])
        bare_rate = median(figures[f"ceiling{suffix}"])
        for label, case, name in (
            (f"leitai: POST /scores, {load}", ours, f"leitai{suffix}"),
            (f"ceiling: bare starlette + msgspec, {load}", ceiling, f"ceiling{suffix}"),
        ):
            case_rate = median(figures[name])
            report.rows.append(
                (
                    label,
                    case_rate,
                    spread(figures[name]),
                    median(case.p50),
                    median(case.p99),
                    case_rate / bare_rate,
                    case.errors,
                )
            )
        results[key] = {
            "leitai_per_s": round(ours_rate),
            "ceiling_per_s": round(bare_rate),
            "leitai_p50_ms": round(median(ours.p50), 2),
            "leitai_p99_ms": round(median(ours.p99), 2),
            "ceiling_p50_ms": round(median(ceiling.p50), 2),
            "ceiling_p99_ms": round(median(ceiling.p99), 2),
            "errors": ours.errors,
        }
    report.results = results
    report.targets["rate_vs_ceiling"] = Target(rate / ceiling_rate, 0.4, "req/s ÷ ceiling")
    report.targets["p99_headroom"] = Target(
        25 / p99, 1.0, f"25 ms ÷ p99 ({p99:.1f} ms), closed loop"
    )
    for open_rate in OPEN_RATES:
        open_p99 = median(cases[f"leitai {open_rate}/s"].p99)
        report.targets[f"p99_headroom_at_{open_rate}_per_s"] = Target(
            25 / open_p99, 1.0, f"25 ms ÷ p99 ({open_p99:.1f} ms), open load {open_rate:,}/s"
        )
    report.notes.append(
        "closed loop: latency = connections ÷ rate (Little's law), the ceiling's too;"
        " open loads: latency from each sheet's scheduled time"
    )
    return report
