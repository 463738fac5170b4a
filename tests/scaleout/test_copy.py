"""`leitai copy`: competitions move between stores with every seq and hash kept."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from events.catalog import ContestantCalled
from events.chain import Record
from events.checkpoint_store import open_checkpoints
from events.credentials import open_credentials, token_hash
from events.envelope import SYSTEM
from events.errors import ConflictError, LogFormatError
from events.store import open_store
from server.transparency import Transparency
from tests.conftest import PostgresBackend, require_postgres
from tests.server.conftest import ROOT, contest, make_competition

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg() -> AsyncIterator[PostgresBackend]:
    await require_postgres()
    backend = PostgresBackend()
    try:
        yield backend
    finally:
        await backend.drop()


def leitai(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def records(url: str, stream: str) -> list[Record]:
    store = await open_store(url, create=False)
    try:
        return [r async for r in store.read_records(stream)]
    finally:
        await store.close()


async def test_sqlite_to_postgres_to_sqlite_keeps_every_byte(
    tmp_path: Path, pg: PostgresBackend
) -> None:
    first, last = tmp_path / "first.db", tmp_path / "back.db"
    admin, _, judges = await make_competition(first, contest(stream="a"))
    await make_competition(first, contest(stream="b"))
    for source, target in ((str(first), pg.url), (pg.url, str(last))):
        done = leitai("copy", source, target)
        assert done.returncode == 0, done.stderr
    original = {s: await records(str(first), s) for s in ("a", "b")}
    for url in (pg.url, str(last)):
        for stream, expected in original.items():
            assert await records(url, stream) == expected
        verified = leitai("verify", url)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert f"head hash {original['a'][-1].hash}" in verified.stdout
    # The tokens came along: the judges' links work on the new store.
    credentials = await open_credentials(str(last))
    try:
        found = await credentials.lookup([token_hash(judges["A1"]), token_hash(admin)])
        assert found[token_hash(judges["A1"])].subject == "A1"
        assert found[token_hash(admin)].role == "admin"
    finally:
        await credentials.close()


async def test_copy_completes_a_prefix_and_refuses_another_log(
    tmp_path: Path, pg: PostgresBackend
) -> None:
    source = tmp_path / "source.db"
    await make_competition(source, contest(stream="a"))
    assert leitai("copy", str(source), pg.url).returncode == 0
    store = await open_store(str(source))
    head = await store.head("a")
    await store.append(
        "a", [ContestantCalled(contestant="g1c1")], actor=SYSTEM, expected_seq=head.seq
    )
    await store.close()
    done = leitai("copy", str(source), pg.url)
    assert done.returncode == 0 and f"head seq {head.seq + 1}," in done.stdout
    other = tmp_path / "other.db"
    await make_competition(other, contest(stream="a"))  # same stream id, different log
    refused = leitai("copy", str(other), pg.url)
    assert refused.returncode == 2 and "refusing to copy onto a different log" in refused.stderr


async def test_import_checks_the_chain_and_the_head(tmp_path: Path, pg: PostgresBackend) -> None:
    source = tmp_path / "source.db"
    await make_competition(source, contest(stream="a"))
    original = await records(str(source), "a")
    for url in (pg.url, str(tmp_path / "target.db")):
        store = await open_store(url)
        try:
            forged = [*original[:3], Record(4, original[4].body, original[4].hash)]
            with pytest.raises(LogFormatError, match="seq 4"):
                await store.import_records("a", forged, expected_seq=0)
            with pytest.raises(ConflictError):
                await store.import_records("a", original[1:], expected_seq=1)
            assert (await store.head("a")).seq == 0  # nothing written by either refusal
            await store.import_records("a", original, expected_seq=0)
            assert (await store.head("a")).hash == original[-1].hash
        finally:
            await store.close()


async def test_the_signed_checkpoints_come_along(tmp_path: Path, pg: PostgresBackend) -> None:
    """A competition moved to PostgreSQL keeps its signed history: the notes
    are over the same log, so they verify there with the same public key."""
    source = tmp_path / "source.db"
    await make_competition(source, contest(stream="a"))
    store = await open_store(str(source))
    transparency = await Transparency.open(store, str(source))
    try:
        head = (await store.head("a")).seq
        for size in (head - 1, head):
            await transparency.sign("a", size)
        assert transparency.signer is not None
        key = str(transparency.signer.key)
    finally:
        await transparency.close()
        await store.close()

    done = leitai("copy", str(source), pg.url)
    assert done.returncode == 0, done.stderr
    assert "2 checkpoints" in done.stdout
    assert await notes(pg.url, "a") == await notes(str(source), "a")
    verified = leitai("verify", pg.url, "--public-key", key)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.count("signature good, matches the log") == 2
    # copied again (a prefix completed): nothing twice
    again = leitai("copy", str(source), pg.url)
    assert again.returncode == 0, again.stderr
    assert len(await notes(pg.url, "a")) == 2


async def notes(url: str, stream: str) -> list[str]:
    checkpoints = await open_checkpoints(url, create=False)
    try:
        return await checkpoints.notes(stream)
    finally:
        await checkpoints.close()
