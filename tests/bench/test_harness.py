"""The benchmarks' own measuring tools measure what they say."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

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
