"""Realistic events for the benchmarks: judges' score sheets, sealed in a chain."""

from __future__ import annotations

import random
from decimal import Decimal

from events.catalog import ScoreSubmitted
from events.chain import Record
from events.envelope import GENESIS, Actor, encode_data, seal

CRITERIA = ("content", "delivery", "technique", "expression", "timing")
AT = "2026-11-22T09:30:00.000000Z"


def judge(index: int) -> Actor:
    return Actor(role="judge", id=f"J{index:03d}")


def score_events(count: int, *, seed: int = 8) -> list[ScoreSubmitted]:
    """``count`` score sheets with 3-5 criteria, points to one decimal place."""
    rng = random.Random(seed)
    events = []
    for n in range(count):
        criteria = CRITERIA[: rng.randint(3, 5)]
        events.append(
            ScoreSubmitted(
                judge=f"J{n % 100:03d}",
                contestant=f"C{rng.randrange(10_000):05d}",
                points={key: Decimal(rng.randint(50, 100)) / 10 for key in criteria},
                submission_id=f"sub-{seed}-{n:09d}",
            )
        )
    return events


def sealed_records(stream: str, events: list[ScoreSubmitted]) -> list[Record]:
    """``events`` sealed one after the other from the genesis, as a store would."""
    records = []
    prev = GENESIS
    for seq, event in enumerate(events, start=1):
        body, hash_ = seal(
            stream=stream,
            seq=seq,
            at=AT,
            actor=judge(seq % 100),
            event=event,
            data=encode_data(event),
            prev=prev,
        )
        records.append(Record(seq, body, hash_))
        prev = hash_
    return records
