"""A competition run to its awards, written to a real SQLite store, with checkpoints.

The run of show is decided by ``decide`` (as the server does) and appended
command by command with the actor that gave it; after each reveal and the
awards a checkpoint is signed, as the live server's hook does.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from events.catalog import AnyEvent
from events.checkpoint import Checkpoint, parse_body
from events.envelope import Actor
from events.ndjson import export_lines
from events.store import open_store
from projections import commands as cmd
from server.definition import definition_from_data
from server.setup import SETUP_ACTOR
from server.signing import Signer, load_or_create
from server.transparency import Transparency
from tests.projections.log import ADMIN, Log, judge
from tests.server.conftest import ROOT, client, contest, server

STREAM = "t"
__all__ = ["client", "server"]  # the real server's fixtures, for test_server.py


def contest_with_awards() -> dict[str, Any]:
    data = contest(stream=STREAM)
    data["rules"]["awards"] = [
        {"key": "first", "name": {"zh-CN": "一等奖", "en": "First"}, "by": "rank", "count": 1},
        {"key": "second", "name": {"zh-CN": "二等奖", "en": "Second"}, "by": "rank", "count": 2},
    ]
    return data


def points(judge_id: str, contestant: str) -> dict[str, Decimal]:
    """Marks that differ from sheet to sheet, so ranks and awards differ."""
    digest = hashlib.sha256(f"{judge_id} {contestant}".encode()).digest()
    return {
        "content": Decimal(f"{30 + digest[0] % 30}.{digest[1] % 10}"),
        "delivery": Decimal(f"{15 + digest[2] % 25}.{digest[3] % 10}"),
    }


def run_show() -> list[list[tuple[Actor, AnyEvent]]]:
    """The competition's appends in order: the definition, then one per command."""
    definition = definition_from_data(contest_with_awards(), name="audit test")
    log = Log(STREAM)
    log.add(*definition.events, actor=SETUP_ACTOR)
    appends: list[list[tuple[Actor, AnyEvent]]] = [[(SETUP_ACTOR, e) for e in definition.events]]

    def run(command: cmd.Command, actor: Actor = ADMIN) -> None:
        appends.append([(actor, event) for event in log.ok(command, actor)])

    for contestant in sorted(log.state.contestants):
        run(cmd.CallContestant(contestant=contestant))
        for judge_entry in log.state.expected_judges(log.state.contestants[contestant]):
            run(
                cmd.SubmitScore(
                    contestant=contestant,
                    points=points(judge_entry.id, contestant),
                    submission_id=f"sub-{judge_entry.id}-{contestant}",
                ),
                judge(judge_entry.id),
            )
        run(cmd.CloseScoring(contestant=contestant))
        run(cmd.Reveal(contestant=contestant))
    run(cmd.PublishAwards(round="r1"))
    return appends


@dataclass
class Written:
    """The test competition in a database, its key and its signed checkpoints."""

    db: Path
    key: Signer
    notes: list[str]

    @property
    def public_key(self) -> str:
        return str(self.key.key)

    def checkpoint_file(self, index: int, directory: Path) -> Path:
        path = directory / f"checkpoint-{index}.txt"
        path.write_text(self.notes[index])
        return path


async def write_show(db: Path) -> Written:
    """Append the run of show to ``db``, signing a checkpoint where the server would."""
    store = await open_store(str(db))
    signer, _ = load_or_create(Path(f"{db}.key"))
    transparency = await Transparency.open(store, str(db))
    assert transparency is not None
    notes: list[str] = []
    try:
        seq = 0
        for append in run_show():
            actor = append[0][0]
            committed = await store.append(
                STREAM, [e for _, e in append], actor=actor, expected_seq=seq
            )
            seq = committed[-1].seq
            before = await transparency.checkpoints.latest(STREAM)
            await transparency.committed(STREAM, committed)
            latest = await transparency.checkpoints.latest(STREAM)
            if latest != before and latest is not None:
                notes.append(latest)
    finally:
        await transparency.close()
        await store.close()
    return Written(db, signer, notes)


async def export_of(db: Path) -> list[bytes]:
    """The stream's NDJSON export, line by line."""
    store = await open_store(str(db), create=False)
    try:
        records = [r async for r in store.read_records(STREAM)]
    finally:
        await store.close()
    return list(export_lines(records))


def parse(note: str) -> Checkpoint:
    """What a stored note states (its signature unchecked)."""
    return parse_body(note.partition("\n\n")[0] + "\n")


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``leitai ARGS`` in its own process."""
    return _run(sys.executable, "-m", "server.cli", *args)


def verify_receipt(
    receipt: str, proof: Path, public_key: str, *more: str
) -> subprocess.CompletedProcess[str]:
    """``leitai verify-receipt`` of ``receipt`` ("seq:hash") against the proof
    bundle in the file ``proof``, signed by ``public_key`` (``more``: other options)."""
    return cli(
        "verify-receipt",
        "--receipt",
        receipt,
        "--proof",
        str(proof),
        *more,
        "--public-key",
        public_key,
    )


def doc_verifier(*args: str) -> subprocess.CompletedProcess[str]:
    """docs/verifier.py (stdlib only) in its own process, from outside the checkout."""
    return _run(sys.executable, "-I", str(ROOT / "docs" / "verifier.py"), *args)


@pytest.fixture
async def show(tmp_path: Path) -> Written:
    return await write_show(tmp_path / "leitai.db")
