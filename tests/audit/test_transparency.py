"""The server's trees and checkpoints across a restart: the tree is read back
from the log and every checkpoint signed before and after still verifies."""

from __future__ import annotations

from pathlib import Path

import httpx

from events.catalog import AnyEvent
from events.envelope import Actor
from events.merkle import MerkleTree
from events.store import open_store
from server.signing import read_key
from server.transparency import SIGNED_AFTER, Transparency
from tests.audit.conftest import STREAM, cli, run_show
from tests.server.conftest import start_server, stop_server


async def _run(db: Path, appends: list[list[tuple[Actor, AnyEvent]]], seq: int) -> int:
    """Append ``appends`` after ``seq`` through a freshly opened Transparency."""
    store = await open_store(str(db))
    transparency = await Transparency.open(store, str(db))
    assert transparency is not None
    try:
        for append in appends:
            committed = await store.append(
                STREAM, [event for _, event in append], actor=append[0][0], expected_seq=seq
            )
            seq = committed[-1].seq
            await transparency.committed(STREAM, committed)
        tree = await transparency.tree(STREAM, seq)
        expected = MerkleTree()
        async for record in store.read_records(STREAM):
            expected.append(bytes.fromhex(record.hash))
        assert [tree.root(n) for n in range(1, seq + 1)] == [
            expected.root(n) for n in range(1, seq + 1)
        ]
    finally:
        await transparency.close()
        await store.close()
    return seq


async def test_checkpoints_signed_before_and_after_a_restart_verify(tmp_path: Path) -> None:
    db = tmp_path / "leitai.db"
    appends = run_show()
    half = len(appends) // 2
    seq = await _run(db, appends[:half], 0)
    assert await _run(db, appends[half:], seq) == 47
    key = read_key(Path(f"{db}.key")).key
    verified = cli("verify", str(db), "--public-key", str(key))
    assert verified.returncode == 0, verified.stdout
    assert verified.stdout.count("signature good, matches the log") == 5


async def test_a_server_signs_at_start_the_results_left_unsigned(tmp_path: Path) -> None:
    """A process stopped between a reveal's commit and its signature (or no
    host with the key ran while it was committed): the first server with the
    key to load the competition signs each one, so the published results are
    covered without waiting for the next reveal."""
    db = tmp_path / "leitai.db"
    appends = run_show()
    half = len(appends) // 2
    seq = await _run(db, appends[:half], 0)
    store = await open_store(str(db))
    try:
        for append in appends[half:]:  # committed, never signed
            committed = await store.append(
                STREAM, [event for _, event in append], actor=append[0][0], expected_seq=seq
            )
            seq = committed[-1].seq
        due = [e.seq async for e in store.read(STREAM) if isinstance(e.data, SIGNED_AFTER)]
    finally:
        await store.close()
    key = read_key(Path(f"{db}.key")).key
    unsigned = cli("verify", str(db), "--public-key", str(key))
    assert unsigned.stdout.count("signature good, matches the log") < len(due)

    process, url = start_server(db)
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            latest = await client.get(f"{url}/api/competitions/{STREAM}/checkpoint.json")
        assert latest.status_code == 200, latest.text
        assert latest.json()["size"] == due[-1]
    finally:
        stop_server(process)
    verified = cli("verify", str(db), "--public-key", str(key))
    assert verified.returncode == 0, verified.stdout
    assert verified.stdout.count("signature good, matches the log") == len(due)
