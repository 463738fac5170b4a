"""The benchmarks' own measuring tools measure what they say."""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

from bench import machine
from bench.harness import peak_rss

MB = 1 << 20


def test_a_spawned_child_s_peak_is_its_own_not_its_parent_s() -> None:
    """(``ru_maxrss`` fails this on Linux: it is kept through ``exec``.)"""
    ballast = bytearray(400 * MB)
    ballast[:: 1 << 12] = b"x" * len(range(0, len(ballast), 1 << 12))  # touch every page
    assert peak_rss() >= 400 * MB
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        child = pool.submit(peak_rss).result()
    assert child < 200 * MB  # an interpreter with the bench's imports, no ballast


def test_cpu_shares_are_read_from_proc_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stat = tmp_path / "stat"
    monkeypatch.setattr(machine, "STAT", stat)
    stat.write_text("cpu  100 0 50 800 10 0 0 40 0 0\ncpu0 50 0 25 400 5 0 0 20 0 0\n")
    before = machine.CpuTimes.now()
    # 1,000 jiffies later: 300 user, 100 system, 50 softirq, 400 idle, 50 iowait, 100 steal
    stat.write_text("cpu  400 0 150 1200 60 0 50 140 0 0\n")
    after = machine.CpuTimes.now()
    assert before is not None and after is not None
    assert after.since(before) == {
        "busy_percent": 45.0,
        "iowait_percent": 5.0,
        "steal_percent": 10.0,
    }


def test_no_proc_stat_means_no_figure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(machine, "STAT", tmp_path / "absent")
    assert machine.CpuTimes.now() is None


def test_a_core_kept_busy_shows_in_the_machine_s_share() -> None:
    before = machine.CpuTimes.now()
    assert before is not None, "/proc/stat: the benchmarks run on Linux"
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline:
        pass
    after = machine.CpuTimes.now()
    assert after is not None
    shares = after.since(before)
    cores = os.cpu_count() or 1
    assert shares["busy_percent"] >= 0.6 * 100 / cores  # one core of them, give or take the host
    assert sum(shares.values()) <= 100
