"""Real processes on one store: killed mid-append, and appending side by side."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import sys
from pathlib import Path

from events.catalog import ContestantCalled
from events.chain import averify_records
from events.store import open_store
from tests.conftest import ROOT, leitai


async def start_appender(
    url: str, name: str, count: int, *, keyed: bool = False
) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.store.appender",
        url,
        "comp",
        name,
        str(count),
        *(["keyed"] if keyed else []),
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def go(*processes: asyncio.subprocess.Process) -> None:
    """Wait until every appender has opened the store, then let them all start."""
    for process in processes:
        assert process.stdout is not None and process.stdin is not None
        if await process.stdout.readline() != b"ready\n":
            _, stderr = await process.communicate()
            raise AssertionError(f"an appender did not open the store:\n{stderr.decode()}")
    for process in processes:
        assert process.stdin is not None
        process.stdin.write(b"go\n")
        await process.stdin.drain()


async def acknowledged(process: asyncio.subprocess.Process, at_least: int | None) -> list[int]:
    """The seqs the appender printed: ``at_least`` of them, or all until it exits."""
    assert process.stdout is not None
    seqs: list[int] = []
    while at_least is None or len(seqs) < at_least:
        line = await process.stdout.readline()
        if not line:
            break
        seqs.append(int(line))
    return seqs


async def run_to_the_end(processes: list[asyncio.subprocess.Process]) -> list[list[int]]:
    """Start the appenders together; each one's acknowledged seqs once all exited cleanly."""
    async with asyncio.timeout(120):
        await go(*processes)
        outputs = await asyncio.gather(*(acknowledged(p, None) for p in processes))
        for process in processes:
            _, stderr = await process.communicate()
            assert process.returncode == 0, stderr.decode()
    return list(outputs)


async def test_acknowledged_appends_survive_sigkill(store_url: str) -> None:
    process = await start_appender(store_url, "p", 0)
    try:
        async with asyncio.timeout(60):
            await go(process)
            seqs = await acknowledged(process, 50)
    finally:
        process.send_signal(signal.SIGKILL)
        _, stderr = await process.communicate()
    assert process.returncode == -signal.SIGKILL, stderr.decode()
    assert seqs == list(range(1, 51))

    store = await open_store(store_url, create=False)
    try:
        head = await store.head("comp")
        assert head.seq >= 50  # the kill may land after a commit but before its print
        stored = [e async for e in store.read("comp")]
        assert [e.data for e in stored] == [
            ContestantCalled(contestant=f"p-{i}") for i in range(head.seq)
        ]
        verdict = await averify_records("comp", store.read_records("comp"), deep=True)
        assert verdict.ok and verdict.head_seq == head.seq, verdict.problem
    finally:
        await store.close()
    code, stdout, stderr = await leitai("verify", store_url)
    assert code == 0, stderr
    assert f"comp: intact, {head.seq} events" in stdout


async def test_three_processes_append_to_one_stream(store_url: str) -> None:
    # No store exists yet: the three processes also race to create it.
    names, count = ["p1", "p2", "p3"], 200
    processes = [await start_appender(store_url, name, count) for name in names]
    outputs = await run_to_the_end(processes)

    acked = sorted(seq for seqs in outputs for seq in seqs)
    assert acked == list(range(1, len(names) * count + 1))
    store = await open_store(store_url, create=False)
    try:
        stored = [e async for e in store.read("comp")]
        writers = [e.data.contestant.split("-")[0] for e in stored]
        switches = sum(a != b for a, b in itertools.pairwise(writers))
        assert switches >= len(names), f"the appenders barely overlapped: {writers}"
        assert {e.data for e in stored} == {
            ContestantCalled(contestant=f"{name}-{i}") for name in names for i in range(count)
        }
        verdict = await averify_records("comp", store.read_records("comp"), deep=True)
        assert verdict.ok and verdict.head_seq == len(names) * count, verdict.problem
    finally:
        await store.close()


async def test_processes_retrying_each_others_keys_append_each_once(store_url: str) -> None:
    """Three processes append the same 60 keyed events, each in order: each
    key is appended by whichever comes first and answered to the others
    with that append, though each process's store learned the stream's keys
    before the others wrote theirs."""
    count = 60
    processes = [await start_appender(store_url, "k", count, keyed=True) for _ in range(3)]
    outputs = await run_to_the_end(processes)

    assert outputs == [list(range(1, count + 1))] * 3
    store = await open_store(store_url, create=False)
    try:
        stored = [e async for e in store.read("comp")]
        assert [e.data for e in stored] == [
            ContestantCalled(contestant=f"k-{i}") for i in range(count)
        ]
    finally:
        await store.close()


async def test_processes_creating_one_new_file_at_once_all_open_it(tmp_path: Path) -> None:
    """``leitai serve --workers N`` on a new file: every process creates the
    schema if it finds none. None may take the half-made file for another
    program's, or use it before its tables exist."""
    for attempt in range(3):
        url = f"sqlite://{tmp_path / f'new-{attempt}.db'}"
        processes = await asyncio.gather(*(start_appender(url, f"p{n}", 1) for n in range(8)))
        async with asyncio.timeout(120):
            outcomes = await asyncio.gather(*(p.communicate(b"go\n") for p in processes))
        for process, (stdout, stderr) in zip(processes, outcomes, strict=True):
            assert process.returncode == 0, stderr.decode()
            assert stdout.startswith(b"ready\n")
        store = await open_store(url, create=False)
        try:
            assert (await store.head("comp")).seq == 8
        finally:
            await store.close()
