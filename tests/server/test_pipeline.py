"""Pipelined commands: many scores share one fsync; a failed append leaves
the live state equal to a replay of the log; nothing is shown before durable."""

from __future__ import annotations

import asyncio
import gc
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest

from events.catalog import ScoreSubmitted
from events.envelope import Actor
from events.sqlite import SqliteStore
from events.store import open_store
from projections.commands import CallContestant, CloseScoring, Reveal, SubmitScore
from projections.state import Competition, apply
from server.errors import ApiError
from server.hub import SendOutlet, Subscriber
from server.live import VIEWS, Live, command_fingerprint
from tests.server.conftest import contest, make_competition

ADMIN = Actor(role="admin", id="admin")
JUDGES = [f"B{i}" for i in range(1, 21)]  # panel B scores group g1


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[Live]:
    db = tmp_path / "leitai.db"
    await make_competition(db, contest(judges_per_panel=20))
    store = await open_store(str(db))
    live = await Live.load(store, "t")
    await live.execute(CallContestant(contestant="g1c1"), ADMIN)
    try:
        yield live
    finally:
        await live.close()
        await store.close()


def sheet(n: int) -> SubmitScore:
    return SubmitScore(
        contestant="g1c1",
        points={"content": Decimal(40 + n % 20), "delivery": Decimal(20 + n % 19)},
        submission_id=uuid.uuid4().hex,
    )


def score(live: Live, judge: str, n: int) -> Any:
    command = sheet(n)
    key = f"score:{judge}:{command.submission_id}"
    return live.execute(command, Actor(role="judge", id=judge), idempotency_key=key)


async def replayed(live: Live) -> Competition:
    state = Competition.empty(live.stream)
    async for envelope in live.store.read(live.stream):
        state = apply(state, envelope)
    return state


def views(state: Competition) -> dict[str, bytes]:
    return {name: msgspec.json.encode(view(state)) for name, view in VIEWS.items()}


def count_calls(monkeypatch: pytest.MonkeyPatch, owner: type, name: str) -> list[None]:
    """A list that grows by one at every call of ``owner.name`` (which still runs)."""
    calls: list[None] = []
    method = getattr(owner, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(None)
        return method(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return calls


def count_batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of requests of every batch the SQLite writer commits."""
    sizes: list[int] = []
    commit = SqliteStore._commit_batch

    def counting(self: SqliteStore, batch: list[Any]) -> Any:
        sizes.append(len(batch))
        return commit(self, batch)

    monkeypatch.setattr(SqliteStore, "_commit_batch", counting)
    return sizes


async def test_concurrent_scores_share_fsyncs(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    batches = count_batches(monkeypatch)
    before = live.state.seq
    executed = await asyncio.gather(*(score(live, judge, n) for n in range(5) for judge in JUDGES))
    seqs = sorted(e.envelopes[-1].seq for e in executed)
    assert seqs == list(range(before + 1, before + 101))  # each once, none lost
    assert not any(e.duplicate for e in executed)
    assert sum(batches) == 100
    assert len(batches) <= 20, batches  # one command at a time would be 100 fsyncs
    assert live.state.seq == live._ahead.seq == before + 100
    assert views(live.state) == views(await replayed(live))
    assert views(live._ahead) == views(live.state)


async def test_a_caller_that_goes_away_leaves_its_score_and_the_others_answers(
    live: Live,
) -> None:
    """A request cancelled while its append is in flight (the judge's
    connection dropped) cancels only its own wait: the score still commits,
    and a repeat of the same submission, waiting on the same append, gets the
    first receipt."""
    before = live.state.seq
    command = sheet(1)
    key = f"score:B1:{command.submission_id}"
    judge = Actor(role="judge", id="B1")
    gone = asyncio.create_task(live.execute(command, judge, idempotency_key=key))
    await asyncio.sleep(0)  # decided and queued, not yet durable
    repeat = asyncio.create_task(live.execute(command, judge, idempotency_key=key))
    others = [asyncio.create_task(score(live, j, 2)) for j in JUDGES[1:]]
    await asyncio.sleep(0)
    gone.cancel()
    executed = await repeat
    assert executed.duplicate and executed.envelopes[0].seq == before + 1
    assert all(not e.duplicate for e in await asyncio.gather(*others))
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert live.state.seq == before + len(JUDGES)
    assert views(live.state) == views(await replayed(live))


async def test_subscribers_see_durable_views_in_seq_order(live: Live) -> None:
    seen: list[int] = []
    durable: list[int] = []
    last = live.state.seq + len(JUDGES)  # a score appends one event
    done = asyncio.Event()

    async def send(text: str) -> None:
        seen.append(msgspec.json.decode(text)["seq"])
        durable.append((await live.store.head(live.stream)).seq)
        if seen[-1] == last:
            done.set()

    subscriber = Subscriber(SendOutlet(send))
    live.hub.subscribe(subscriber, "progress", live.view_message("progress"))
    await asyncio.gather(*(score(live, judge, 1) for judge in JUDGES))
    await asyncio.wait_for(done.wait(), 10)
    subscriber.close()
    assert seen == sorted(set(seen)) and seen[-1] == live.state.seq == last
    assert all(shown <= head for shown, head in zip(seen, durable, strict=True))


async def test_a_failed_append_leaves_the_state_a_replay_of_the_log(
    live: Live, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another process appends a score that this one has not seen yet: the
    # first pipelined append conflicts, the state ahead is wrong, and the
    # live state must be rebuilt from the log and the callers decided again.
    # (The follower would see it within milliseconds: it is kept blind.)
    monkeypatch.setattr(SqliteStore, "_last_seq", lambda self, stream: 0)
    other = await open_store(str(tmp_path / "leitai.db"))
    try:
        head = await other.head("t")
        await other.append(
            "t",
            [
                ScoreSubmitted(
                    judge="B1",
                    contestant="g1c1",
                    points={"content": Decimal(50), "delivery": Decimal(30)},
                    submission_id="from-another-process",
                )
            ],
            actor=Actor(role="judge", id="B1"),
            expected_seq=head.seq,
        )
    finally:
        await other.close()
    batches = count_batches(monkeypatch)
    executed = await asyncio.gather(*(score(live, judge, 2) for judge in JUDGES))
    assert len(batches) > 1  # the conflict was met, and the retry committed later
    final = await replayed(live)
    assert live.state.seq == live._ahead.seq == final.seq == head.seq + 1 + len(JUDGES)
    assert live.state.head_hash == final.head_hash
    assert views(live.state) == views(final) == views(live._ahead)
    committed = [e async for e in live.store.read("t", head.seq + 1)]
    ids = [e.data.submission_id for e in committed if isinstance(e.data, ScoreSubmitted)]
    assert len(ids) == len(set(ids)) == 1 + len(JUDGES)  # every sheet exactly once
    assert sorted(e.envelopes[-1].seq for e in executed) == [e.seq for e in committed[1:]]


@pytest.mark.parametrize("limit", [1_000_000, 500])
async def test_views_over_the_size_limit_go_whole_never_as_patches(
    live: Live, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    """A patch needs the last view decoded: views too big for that go whole."""
    monkeypatch.setattr("server.live.PATCHED_VIEW_BYTES", limit)
    kinds: list[str] = []

    async def send(text: str) -> None:
        kinds.append(msgspec.json.decode(text)["type"])

    subscriber = Subscriber(SendOutlet(send))
    live.hub.subscribe(subscriber, "progress", live.view_message("progress"), patches=True)
    assert 500 < len(live.view_message("progress")) < 1_000_000
    for judge in JUDGES[:5]:
        await score(live, judge, 1)
        live.publish()
        await asyncio.sleep(0)  # the send outlet's task writes it
    subscriber.close()
    expected = "patch" if limit == 1_000_000 else "view"
    assert kinds[0] == "view" and set(kinds[2:]) == {expected}, kinds


async def test_no_view_is_decoded_for_patches_when_no_subscriber_takes_them(live: Live) -> None:
    """Patches cost a decode and a comparison per publication: only when wanted."""
    sent: list[str] = []

    async def send(text: str) -> None:
        sent.append(text)

    subscriber = Subscriber(SendOutlet(send))
    live.hub.subscribe(subscriber, "progress", live.view_message("progress"))
    for judge in JUDGES[:3]:
        await score(live, judge, 1)
        live.publish()
        last = live.hub.last("progress")
        assert last is not None and last.doc is None
    subscriber.close()


async def test_a_loaded_state_is_frozen_out_of_the_collector(tmp_path: Path) -> None:
    """The replayed state and the copy decided on live as long as the process:
    ``Live.load`` leaves them out of the cyclic collector's passes."""
    db = tmp_path / "leitai.db"
    await make_competition(db, contest())
    store = await open_store(str(db))
    gc.unfreeze()
    try:
        live = await Live.load(store, "t")
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()
        await live.close()
    finally:
        gc.unfreeze()
        await store.close()


async def test_a_process_following_another_keeps_its_decisions_level_without_copying(
    live: Live, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second process on the same log (a screens process, or another
    server) applies each commit it follows to the state it decides on too,
    instead of copying the whole state an event; and decides right on it."""
    store = await open_store(str(tmp_path / "leitai.db"))
    other = await Live.load(store, "t")
    copies = count_calls(monkeypatch, Competition, "copy")
    try:
        for n, judge in enumerate(JUDGES[:10]):  # one at a time: each followed alone
            await score(live, judge, n)
            seq = live.state.seq
            for _ in range(200):  # bounded: the follow asks every 2 ms
                if other.state.seq == seq:
                    break
                await asyncio.sleep(0.01)
            assert other.state.seq == other._ahead.seq == seq
        assert len(copies) == 0
        assert views(other._ahead) == views(other.state) == views(live.state)
        executed = await score(other, JUDGES[10], 1)  # decided on the levelled copy
        assert executed.envelopes[-1].seq == live.state.seq + 1
        assert views(other.state) == views(await replayed(other))
    finally:
        await other.close()
        await store.close()


async def test_a_process_behind_another_catches_up_before_refusing(
    live: Live, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command sent to a process just after another process answered the
    one before it is decided on the log as it is, not refused on the state
    this process had before following the other's commit. Here the second
    process does not follow at all, so only the catching up can save it."""

    async def not_following(self: Live) -> None:
        await asyncio.Event().wait()

    for n, judge in enumerate(JUDGES[:5]):
        await score(live, judge, n)
    monkeypatch.setattr(Live, "_follow", not_following)
    store = await open_store(str(tmp_path / "leitai.db"))
    other = await Live.load(store, "t")
    try:
        await live.execute(CloseScoring(contestant="g1c1"), ADMIN)
        revealed = await other.execute(Reveal(contestant="g1c1"), ADMIN)  # not_closed before
        assert revealed.envelopes[-1].seq == live.state.seq + 1
        assert views(other.state) == views(await replayed(other))
        with pytest.raises(ApiError) as refused:  # a refusal that stands is still one
            await other.execute(Reveal(contestant="g1c1"), ADMIN)
        assert refused.value.code == "already_revealed"
    finally:
        await other.close()
        await store.close()


async def test_the_follower_does_not_read_back_this_process_own_scores(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The follow (for other processes' commits) watches the file's version
    every 2 ms; our own commits move it too, before their callers have
    applied them. Read then, they would be read back through the reader's
    thread only to be skipped (2,395 times in a run of `bench submit --quick`)."""
    reads = count_calls(monkeypatch, SqliteStore, "read")
    before = live.state.seq
    for wave in range(25):
        await asyncio.gather(*(score(live, judge, wave) for judge in JUDGES))
        await asyncio.sleep(0.003)  # the watch asks between waves too
    assert live.state.seq == before + 25 * len(JUDGES)
    assert len(reads) == 0


async def test_a_used_submission_id_with_another_sheet_is_refused_not_acknowledged(
    live: Live,
) -> None:
    """The same submission id with another sheet, an abstention or another
    contestant was answered with the first sheet's receipt as a duplicate, and
    the new sheet was dropped: it is refused, and nothing is appended."""
    judge = Actor(role="judge", id="B1")
    first = sheet(1)
    key = f"score:B1:{first.submission_id}"
    await live.execute(first, judge, idempotency_key=key)
    head = live.state.seq
    again = await live.execute(first, judge, idempotency_key=key)
    assert again.duplicate and again.envelopes[-1].seq == head
    others = [
        msgspec.structs.replace(first, points={"content": Decimal(1), "delivery": Decimal(1)}),
        msgspec.structs.replace(first, points={}, abstain=True),
        msgspec.structs.replace(first, contestant="g1c2"),
    ]
    for other in others:
        with pytest.raises(ApiError) as refused:
            await live.execute(other, judge, idempotency_key=key)
        assert refused.value.code in {"submission_id_reused", "not_on_stage"}
    assert live.state.seq == head


async def test_an_idempotency_key_sent_with_another_command_does_that_command(
    live: Live,
) -> None:
    """An organiser's key reused for another command answered the first
    command's receipt, and the second was never done."""
    await score(live, "B1", 1)
    await live.execute(CloseScoring(contestant="g1c1"), ADMIN, idempotency_key="admin:a:K1")
    head = live.state.seq
    repeat = await live.execute(
        CloseScoring(contestant="g1c1"), ADMIN, idempotency_key="admin:a:K1"
    )
    assert repeat.duplicate and repeat.envelopes[-1].seq == head
    revealed = await live.execute(Reveal(contestant="g1c1"), ADMIN, idempotency_key="admin:a:K1")
    assert not revealed.duplicate and revealed.envelopes[0].seq == head + 1


def test_a_command_written_otherwise_is_the_same_command() -> None:
    """A retry whose marks are written otherwise, or whose members come in
    another order, is the same sheet (as decide takes it), so a process that
    has not seen the first still finds it under its key; another mark is not."""
    first = SubmitScore(
        contestant="g1c1",
        points={"content": Decimal("8.50"), "delivery": Decimal("30")},
        submission_id="s" * 16,
    )
    same = SubmitScore(
        contestant="g1c1",
        points={"delivery": Decimal("30.0"), "content": Decimal("8.5")},
        submission_id="s" * 16,
    )
    other = msgspec.structs.replace(
        first, points={"content": Decimal("8.6"), "delivery": Decimal(30)}
    )
    assert command_fingerprint(first) == command_fingerprint(same)
    assert command_fingerprint(first) != command_fingerprint(other)


async def test_a_publication_sends_who_is_on_stage_before_the_board(live: Live) -> None:
    """A screen plays a reveal only for the contestant on stage: a board that
    reached it before the progress of the same publication (a call and a
    reveal landing in one) was judged against the contestant before, and the
    reveal never played. Views go out in one order, whatever order the
    screens subscribed in."""
    sent: list[tuple[str, int]] = []

    async def send(text: str) -> None:
        message = msgspec.json.decode(text)
        sent.append((message["view"], message["seq"]))

    subscriber = Subscriber(SendOutlet(send))
    live.hub.subscribe(subscriber, "board", live.view_message("board"))
    live.hub.subscribe(subscriber, "progress", live.view_message("progress"))
    await asyncio.gather(*(score(live, judge, 1) for judge in JUDGES))
    await live.execute(CloseScoring(contestant="g1c1"), ADMIN)
    await live.execute(Reveal(contestant="g1c1"), ADMIN)
    live.publish()
    await asyncio.sleep(0.05)  # the send outlet's task writes it
    subscriber.close()
    revealed = live.state.seq
    assert sent.index(("progress", revealed)) < sent.index(("board", revealed))
