"""How busy the machine was while a benchmark ran, from ``/proc/stat``.

Machines here are shared virtual ones: a run that the host starved of CPU
(steal time) or that shared the cores with other work reads slower for
reasons of its own, and ratios to a ceiling absorb only part of it. Each
benchmark's report says how much of the machine it had, so that a reader can
tell such a run apart (``python -m bench`` adds it to every report).
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields
from pathlib import Path

STAT = Path("/proc/stat")


@dataclass(frozen=True)
class CpuTimes:
    """The machine's CPU time so far, summed over its cores, by kind: the
    first fields of /proc/stat's "cpu" line, in jiffies, in its order (proc(5))."""

    user: int = 0
    nice: int = 0
    system: int = 0
    idle: int = 0
    iowait: int = 0
    irq: int = 0
    softirq: int = 0
    steal: int = 0

    @classmethod
    def now(cls) -> CpuTimes | None:
        """The times now; None where there is no ``/proc/stat`` (not Linux)."""
        try:
            line = STAT.read_text().splitlines()[0]
        except OSError:
            return None
        return cls(*(int(v) for v in line.split()[1 : 1 + len(fields(cls))]))

    def since(self, before: CpuTimes) -> dict[str, float]:
        """Percent of the machine's CPU time between ``before`` and this:
        busy (user, system, interrupts), waiting on the disk, and stolen by the
        host; the rest was idle."""
        delta = {
            f.name: now - then
            for f, now, then in zip(fields(self), astuple(self), astuple(before), strict=True)
        }
        total = sum(delta.values()) or 1
        busy = total - delta["idle"] - delta["iowait"] - delta["steal"]
        return {
            "busy_percent": round(100 * busy / total, 1),
            "iowait_percent": round(100 * delta["iowait"] / total, 1),
            "steal_percent": round(100 * delta["steal"] / total, 1),
        }
