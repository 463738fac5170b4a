"""Replay at any seq: the same board the live fold showed at that seq."""

from __future__ import annotations

import json
import os
import pickle
import pty
import random
import subprocess
import sys
from pathlib import Path

import msgspec

from events.catalog import GroupDefined, Label
from events.envelope import canonical
from events.store import open_store
from projections.board import board
from projections.state import Competition, apply
from server.replay import log_source, replay_source, replay_store
from server.timeline import StateHistory
from tests.audit.conftest import STREAM, Written, cli, export_of
from tests.projections.log import ADMIN, envelopes
from tests.server.conftest import ROOT


def _boards(state: Competition) -> bytes:
    return msgspec.json.encode([board(state, public=True), board(state, public=False)])


async def test_replay_at_every_seq_equals_the_live_board_at_that_seq(show: Written) -> None:
    store = await open_store(str(show.db), create=False)
    try:
        live = Competition.empty(STREAM)
        async for envelope in store.read(STREAM):
            live = apply(live, envelope)
            replayed = await replay_store(store, STREAM, envelope.seq)
            assert _boards(replayed) == _boards(live), envelope.seq
        assert live.seq == 47 and live.rounds["r1"].awards is not None
    finally:
        await store.close()


async def test_replay_of_an_export_checks_the_chain_and_stops_where_asked(
    show: Written, tmp_path: Path
) -> None:
    export = tmp_path / "t.ndjson"
    lines = await export_of(show.db)
    export.write_bytes(b"".join(lines))
    async with log_source(str(export)) as source:
        for seq in (1, 20, 47):
            from_export = await replay_source(source, STREAM, to_seq=seq)
            store = await open_store(str(show.db), create=False)
            try:
                assert _boards(from_export) == _boards(await replay_store(store, STREAM, seq))
            finally:
                await store.close()
        times = [json.loads(line)["at"] for line in lines]
        moment = times[29]
        expected = next((i for i, at in enumerate(times) if at > moment), len(times))
        assert (await replay_source(source, STREAM, until=moment)).seq == expected >= 30


def test_the_cli_prints_the_table_and_the_json_of_the_board(show: Written) -> None:
    table = cli("replay", str(show.db), "--stream", STREAM)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0] == "t at seq 47, Heats, awards published"
    assert lines[2].split() == [
        "rank",
        "contestant",
        "organisation",
        "group",
        "status",
        "aggregate",
        "final",
        "award",
    ]
    first = lines[4].split()
    assert first[0] == "1" and first[-1] == "First"
    assert table.stderr == ""  # no progress bar when stderr is not a terminal

    at = cli("replay", str(show.db), "--stream", STREAM, "--at", "30", "--json")
    assert at.returncode == 0, at.stderr
    view = json.loads(at.stdout)
    assert view["seq"] == 30 and view["public"] is False
    revealed = [row["contestant"] for row in view["overall"] if row["revealed"]]
    assert revealed == ["g1c1"]
    assert all(isinstance(row["final"], str | None) for row in view["overall"])  # decimals


def test_replay_names_what_is_wrong(show: Written, tmp_path: Path) -> None:
    beyond = cli("replay", str(show.db), "--stream", STREAM, "--at", "99")
    assert beyond.returncode == 2 and "holds 47 events, not 99" in beyond.stderr
    unknown = cli("replay", str(show.db), "--stream", "nope")
    assert unknown.returncode == 2 and "no stream 'nope'" in unknown.stderr
    bad_time = cli("replay", str(show.db), "--stream", STREAM, "--at", "yesterday")
    assert bad_time.returncode == 2 and "expected a seq" in bad_time.stderr
    early = cli("replay", str(show.db), "--stream", STREAM, "--at", "2000-01-01T00:00")
    assert early.returncode == 0 and early.stdout.startswith("t at seq 0")
    export = tmp_path / "t.ndjson"
    assert cli("export", str(show.db), "--stream", STREAM, "-o", str(export)).returncode == 0
    lines = export.read_bytes().splitlines(keepends=True)
    score = next(i for i, line in enumerate(lines) if b'"score_submitted"' in line)
    lines[score] = lines[score].replace(b'"content":"', b'"content":"1')
    export.write_bytes(b"".join(lines))
    broken = cli("replay", str(export), "--stream", STREAM, "--at", "40")
    assert broken.returncode == 1, broken.stderr
    assert f"t: the log breaks at seq {score + 1}: hash mismatch" in broken.stderr
    assert "nothing replayed" in broken.stderr and broken.stdout == ""


def test_a_progress_bar_shows_on_a_terminal_and_is_cleared(tmp_path: Path) -> None:
    many = envelopes(
        (ADMIN, GroupDefined(group=f"g{i}", name=Label(en=f"Group {i}"))) for i in range(3000)
    )
    export = tmp_path / "many.ndjson"
    export.write_bytes(b"".join(canonical(e) + b"\n" for e in many))
    terminal, side = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "server.cli", "replay", str(export), "--stream", "test"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=side,
            check=False,
            timeout=60,
        )
        os.close(side)
        shown = b""
        while chunk := _read(terminal):
            shown += chunk
    finally:
        os.close(terminal)
    assert done.returncode == 0 and done.stdout.startswith(b"test at seq 3000")
    assert b"\r[" in shown and b"] 1024/" in shown and shown.endswith(b"\r")


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:  # the terminal's other side is closed and drained
        return b""


async def test_the_timeline_history_answers_as_a_full_replay_at_every_seq(show: Written) -> None:
    """Scrubbed forward, backward and at random, with snapshots every 4 events
    and a budget that evicts: each answer equals the board of a full replay."""
    store = await open_store(str(show.db), create=False)
    try:
        full = [_boards(await replay_store(store, STREAM, seq)) for seq in range(48)]
        orders = [list(range(48)), list(range(47, -1, -1)), random.Random(6).sample(range(48), 48)]
        history = StateHistory(store, STREAM, every=4, budget=1 << 30)
        last = pickle.dumps(await replay_store(store, STREAM, 47))
        small = StateHistory(store, STREAM, every=4, budget=len(last) * 5)
        for order in orders:
            for seq in order:
                for kept in (history, small):
                    assert _boards(await kept.state_at(seq)) == full[seq], seq
        assert history.replayed < 2 * 47  # forward from the nearest state kept, not from 1
        assert 0 < len(small) < len(history) // 2  # the budget evicted
    finally:
        await store.close()
