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

Targets: time to the last client ≤ 1.25× the ceiling's; memory per idle
socket ≤ 2× the ceiling's.
"""

from __future__ import annotations

import asyncio
import importlib.util
import itertools
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.clients import Watchers
from bench.harness import Options, Report, Target, alternate, median, spread
from bench.servers import STREAM, Process, Tokens, ceiling_broadcast, competition, leitai
from server.runner import WS

CLIENT_PROCESSES = 2
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
    """Each call reveals the next contestant; ms from the POST to the last socket."""

    def __init__(
        self, server: Process, watchers: Watchers, admin: str, contestants: Iterator[int]
    ) -> None:
        self.server = server
        self.watchers = watchers
        self.admin = admin
        self.contestants = contestants
        self.client = httpx.Client(timeout=30)

    def __call__(self) -> float:
        contestant = next(self.contestants)
        self.watchers.arm()
        began = time.monotonic()
        answer = self.client.post(
            f"{self.server.url}/api/competitions/{STREAM}/reveal",
            json={"contestant": f"c{contestant}"},
            headers={"Authorization": f"Bearer {self.admin}"},
        )
        answer.raise_for_status()
        return _last(self.watchers.first_at_or_after(answer.json()["seq"]), began)


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


def _watch(server: Process, sockets: int, greeting: str | None) -> tuple[Watchers, float]:
    """The watchers, and the server's memory growth per socket (bytes)."""
    before = server.rss()
    watchers = Watchers(server.port, _path(greeting), sockets, CLIENT_PROCESSES, greeting)
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
                    reveals = _Reveals(server, watchers, tokens.admin, contestants)
                    reveals()  # warm up both
                    _Broadcasts(bare)()
                    got = alternate(
                        {f"{ws} {sockets}": reveals, f"ceiling {sockets}": _Broadcasts(bare)},
                        rounds,
                    )
        figures[ws] = got[f"{ws} {sockets}"]
        figures.setdefault("ceiling", []).extend(got[f"ceiling {sockets}"])
    return {"figures": figures, "memory": memory, "size": size}


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
    report = Report(
        "fanout",
        ("case", "sockets", "median ms to last", "runs (min-max)", "× ceiling", "KB/socket"),
    )
    out: dict[str, object] = {"rounds": rounds}
    best = WS
    for sockets, got in results.items():
        figures: dict[str, list[float]] = got["figures"]  # type: ignore[assignment]
        memory: dict[str, float] = got["memory"]  # type: ignore[assignment]
        ceiling = median(figures["ceiling"])
        for name, runs in figures.items():
            label = "ceiling: websockets broadcast()" if name == "ceiling" else f"leitai ({name})"
            report.rows.append(
                (
                    label,
                    sockets,
                    median(runs),
                    spread(runs),
                    median(runs) / ceiling,
                    memory[name] / 1024,
                )
            )
        ours = {name: median(runs) for name, runs in figures.items() if name != "ceiling"}
        best = min(ours, key=ours.__getitem__)
        out[str(sockets)] = {
            "message_bytes": got["size"],
            "ms_to_last": {name: round(v, 2) for name, v in ours.items()},
            "ceiling_ms_to_last": round(ceiling, 2),
            "kb_per_socket": {name: round(v / 1024, 1) for name, v in memory.items()},
        }
        report.targets[f"time_{sockets}"] = Target(
            1.25 * ceiling / ours[WS], 1.0, f"1.25 × ceiling ÷ time to last at {sockets:,} ({WS})"
        )
        report.targets[f"memory_{sockets}"] = Target(
            2 * memory["ceiling"] / memory[WS], 1.0, f"2 × ceiling ÷ KB per socket ({WS})"
        )
    out["fastest_ws"] = best
    report.results = out
    report.notes.append(
        f"server.runner.WS = {WS!r}; message ≈ the public board; time from the reveal POST "
        "(including its fsync) or the ceiling's trigger to the last socket"
    )
    return report


def _implementations() -> list[str]:
    found = ["websockets", "websockets-sansio"]
    if importlib.util.find_spec("wsproto") is not None:
        found.append("wsproto")
    return found
