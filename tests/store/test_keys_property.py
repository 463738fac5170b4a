"""Property: however two connections to one SQLite file take turns, reopen
and race, each idempotency key is written once, and every append under it
answers the first one's envelopes (the writer checks keys from memory,
caught up from the file: ``events.sqlite``)."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from events.catalog import ContestantCalled
from events.envelope import SYSTEM, Envelope
from events.errors import ConflictError
from events.sqlite import SqliteStore

KEYS = ["k1", "k2"]

# (what, which connection, key, events, with a stale expected_seq)
Op = tuple[str, int, str | None, int, bool]
ops = st.tuples(
    st.sampled_from(["append", "append", "append", "race", "reopen"]),
    st.integers(0, 1),
    st.sampled_from([*KEYS, None]),
    st.integers(1, 2),
    st.booleans(),
)


async def _play(path: Path, plan: list[Op]) -> None:
    stores = [await SqliteStore.open(path), await SqliteStore.open(path)]
    first: dict[str, list[Envelope]] = {}
    log: list[Envelope] = []
    try:
        for n, (what, which, key, count, stale) in enumerate(plan):
            events = [ContestantCalled(contestant=f"c{n}-{i}") for i in range(count)]
            head = len(log)
            if what == "reopen":
                await stores[which].close()
                stores[which] = await SqliteStore.open(path, create=False)
                continue
            expected = head - 1 if stale and head else head
            attempts = [stores[which]] if what == "append" else stores
            answers = await asyncio.gather(
                *(
                    store.append(
                        "comp", events, actor=SYSTEM, expected_seq=expected, idempotency_key=key
                    )
                    for store in attempts
                ),
                return_exceptions=True,
            )
            if key is not None and key in first:
                assert answers == [first[key]] * len(answers)
                continue
            if expected != head:
                assert all(isinstance(a, ConflictError) for a in answers)
                continue
            made = [a for a in answers if isinstance(a, list)]
            assert len(made) + sum(isinstance(a, ConflictError) for a in answers) == len(answers)
            if key is None:
                # Without a key, one append is made: of two racing, one conflicts.
                assert len(made) == 1, answers
            else:
                assert made and all(a == made[0] for a in made), answers
                first[key] = made[0]
            assert [e.seq for e in made[0]] == list(range(head + 1, head + count + 1))
            log.extend(made[0])
        assert [e async for e in stores[0].read("comp")] == log
    finally:
        for store in stores:
            await store.close()
    with sqlite3.connect(path) as raw:
        assert (
            raw.execute(
                "SELECT idem_key FROM events WHERE idem_key IS NOT NULL"
                " GROUP BY idem_key HAVING count(*) > 1"
            ).fetchall()
            == []
        )


@settings(max_examples=200, deadline=None)
@given(st.lists(ops, min_size=1, max_size=25))
# The first connection appends without a key after the second used one: it
# must still learn that key before it answers a retry of it.
@example(
    plan=[
        ("append", 0, "k1", 1, False),
        ("append", 1, "k2", 1, False),
        ("append", 0, None, 1, False),
        ("append", 0, "k2", 1, False),
    ]
)
def test_each_key_is_written_once_and_answers_its_first_append(plan: list[Op]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(_play(Path(tmp) / "keys.db", plan))
