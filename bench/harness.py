"""What every benchmark shares: alternating runs, medians, the table, the JSON line.

A benchmark runs its cases in rounds, every case once per round (A B A B …),
so that noise from other work on the machine falls on Leitai and on its
ceiling alike; it reports the median of each case and the ratios of medians.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Options:
    """The command line, as every benchmark sees it."""

    quick: bool = False
    store: str | None = None


@dataclass(frozen=True)
class Target:
    """One figure beside the target it must reach (``value >= target``)."""

    value: float
    target: float
    what: str

    @property
    def met(self) -> bool:
        return self.value >= self.target


@dataclass
class Report:
    """The outcome of one benchmark: its table rows, figures and targets."""

    bench: str
    columns: tuple[str, ...]
    rows: list[tuple[object, ...]] = field(default_factory=list)
    results: dict[str, object] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    machine: dict[str, float] = field(default_factory=dict)
    """How busy the machine was meanwhile (``bench.machine``), if known."""

    def as_json(self) -> dict[str, object]:
        return {
            "bench": self.bench,
            "results": self.results,
            **({"machine": self.machine} if self.machine else {}),
            "targets": {
                name: {"value": round(t.value, 3), "target": t.target, "met": t.met}
                for name, t in self.targets.items()
            },
        }


def alternate(
    cases: Mapping[str, Callable[[], float]], rounds: int, *, progress: bool = True
) -> dict[str, list[float]]:
    """Run every case once per round, in the given order; each returns a figure."""
    figures: dict[str, list[float]] = {name: [] for name in cases}
    for round_ in range(1, rounds + 1):
        for name, case in cases.items():
            figures[name].append(case())
            if progress:
                print(
                    f"  round {round_}/{rounds} {name}: {figures[name][-1]:,.0f}",
                    file=sys.stderr,
                    flush=True,
                )
    return figures


def peak_rss() -> int:
    """This process's peak resident memory, in bytes (Linux: ``VmHWM``).

    Not ``ru_maxrss``: Linux carries that across ``execve``, so a spawned
    child starts with the peak of the process that forked it (under ``bench
    all``, every replay run reported the parent's 4.2 GB, its own and the
    ceiling's alike)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def median(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float]) -> str:
    """``min-max`` of the runs, for the table."""
    return f"{min(values):,.0f}-{max(values):,.0f}"


def print_report(report: Report) -> None:
    """The readable table, the targets, then the one JSON line (always last)."""
    cells = [report.columns, *[tuple(_cell(v) for v in row) for row in report.rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(report.columns))]
    print(f"\n== {report.bench} ==")
    for index, row in enumerate(cells):
        print(
            "  ".join(
                cell.rjust(w) if i else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if index == 0:
            print("  ".join("-" * w for w in widths))
    for name, t in report.targets.items():
        verdict = "met" if t.met else "NOT MET"
        print(f"target {name}: {t.what}: {t.value:.2f} (target ≥ {t.target:g}) — {verdict}")
    for note in report.notes:
        print(f"note: {note}")
    if report.machine:
        print(
            "machine, while it ran: {busy_percent}% busy, {iowait_percent}% waiting on the "
            "disk, {steal_percent}% taken by the host (steal)".format(**report.machine)
        )
    print(json.dumps(report.as_json(), separators=(",", ":")), flush=True)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
