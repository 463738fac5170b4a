"""``python -m bench paces``: the latency ceiling at several publication paces.

A study, not a target (``all`` leaves it out): ``bench latency``'s judges and
sockets on its ceiling (``bench.servers.Relay``: bare starlette taking the
POSTs, ``websockets``' own server broadcasting a patch, no scoring, no disk),
with the ceiling publishing at most once every 0 to 25 ms, paces alternated
round by round. Its best p50 is what this machine gives any Python server for
the latency target's load, whatever its pace; Leitai publishes at
``server.live.PUBLISH_INTERVAL``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.clients import LoadProcesses
from bench.harness import Options, Report, median
from bench.latency import CLIENT_PROCESSES, JUDGES, _rounds
from bench.servers import Relay

PACES_MS = (0.0, 5.0, 8.0, 11.0, 1000 / 60, 25.0)


def run(options: Options) -> Report:
    seconds = 3 if options.quick else 10
    rounds = 1 if options.quick else 3
    tokens = [f"judge{j:03d}" for j in range(JUDGES)]  # the relay reads no token
    runs: dict[float, list[dict[str, float]]] = {pace: [] for pace in PACES_MS}
    with (
        tempfile.TemporaryDirectory(prefix="leitai-bench-paces-") as tmp,
        LoadProcesses(CLIENT_PROCESSES) as clients,
    ):
        for n in range(rounds):
            for pace in PACES_MS:
                with Relay(Path(tmp) / "relay.out", pace / 1000) as relay:
                    runs[pace] += _rounds(
                        relay.port,
                        relay.sockets_port,
                        tokens,
                        clients,
                        seconds,
                        1,
                        n,
                        f"ceiling every {pace:.1f} ms:",
                    )
    report = Report(
        "paces", ("publications at most every", "p50 ms", "p99 ms", "POST answered p50 ms")
    )
    figures = {}
    for pace, got in runs.items():
        figure = {key: median([r[key] for r in got]) for key in ("p50", "p99", "post_p50")}
        figures[f"{pace:.1f}"] = {key: round(value, 2) for key, value in figure.items()}
        report.rows.append((f"{pace:.1f} ms", figure["p50"], figure["p99"], figure["post_p50"]))
    best = min(figures.items(), key=lambda item: item[1]["p50"])
    report.results = {"seconds": seconds, "rounds": rounds, "paces_ms": figures, "best": best[0]}
    report.notes.append(
        f"best p50: {best[1]['p50']:.1f} ms, publishing at most every {best[0]} ms "
        "(latency's target: p50 ≤ 10 ms)"
    )
    return report
