"""Realistic events for the benchmarks: judges' score sheets, sealed in a chain,
and whole competitions with their reveals."""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal

from bench.servers import contest
from events.catalog import AnyEvent, ScoreSubmitted
from events.chain import Record
from events.envelope import GENESIS, Actor, encode_data, open_envelope, seal
from projections.commands import CallContestant, CloseScoring, Command, Reveal, SubmitScore
from projections.decide import Rejection, decide
from projections.state import Competition, apply
from server.definition import definition_from_data

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


def competition_records(stream: str, *, contestants: int, judges: int, sheets: int) -> list[Record]:
    """A whole competition, sealed: its definition, then for each contestant in
    turn: called on stage (scoring opens), every judge sending ``sheets`` sheets
    (each a resubmission while scoring is open), scoring closed, the result
    revealed. Every command is decided on the state before it, as the server
    does, so each ``ResultRevealed`` holds the figures ``leitai verify`` recomputes."""
    definition = definition_from_data(contest(judges, contestants, stream), name="benchmark")
    state = Competition.empty(stream)
    records: list[Record] = []
    admin = Actor(role="admin", id="admin")

    def append(events: Sequence[AnyEvent], actor: Actor) -> None:
        nonlocal state
        for event in events:
            prev = records[-1].hash if records else GENESIS
            body, hash_ = seal(
                stream=stream,
                seq=len(records) + 1,
                at=AT,
                actor=actor,
                event=event,
                data=encode_data(event),
                prev=prev,
            )
            records.append(Record(len(records) + 1, body, hash_))
            state = apply(state, open_envelope(body, hash_))

    def run(command: Command, actor: Actor) -> None:
        decision = decide(state, command, actor)
        if isinstance(decision, Rejection):
            raise RuntimeError(f"the generated competition refused {command}: {decision}")
        append(decision, actor)

    append(definition.events, admin)
    for c in range(1, contestants + 1):
        contestant = f"c{c}"
        run(CallContestant(contestant=contestant), admin)
        for sheet in range(sheets):
            for j in range(1, judges + 1):
                points = {
                    "content": Decimal(400 + (c * 7 + j * 3 + sheet) % 200) / 10,
                    "delivery": Decimal(200 + (c * 11 + j + sheet * 5) % 200) / 10,
                }
                run(
                    SubmitScore(
                        contestant=contestant, points=points, submission_id=f"sheet-{c}-{j}-{sheet}"
                    ),
                    Actor(role="judge", id=f"J{j}"),
                )
        run(CloseScoring(contestant=contestant), admin)
        run(Reveal(contestant=contestant), admin)
    return records
