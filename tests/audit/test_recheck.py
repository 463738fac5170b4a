"""The incremental ``Rechecker`` says what ``recheck`` (deciding in full) says,
at every published result of competitions where results change after they
are revealed: amendments, recusals, withdrawals, ties; and of the same
competitions with each reveal's figures forged."""

from __future__ import annotations

import random
from decimal import Decimal

import msgspec
import pytest

from events.catalog import AnyEvent, ResultRevealed, RulesSet
from events.envelope import Actor
from projections.commands import (
    AmendScore,
    CallContestant,
    CloseScoring,
    PublishAwards,
    RecuseJudge,
    Reveal,
    SubmitScore,
    WithdrawContestant,
)
from projections.decide import Rejection
from projections.recheck import PUBLISHED, Rechecker, recheck
from projections.state import Competition, apply
from tests.projections.log import Log, competition, judge, sealed

JUDGES = ("j1", "j2", "j3", "j4")


def eventful(seed: int, rules: RulesSet) -> Log:
    """Twelve contestants in two groups, each scored by four judges (marks on
    a coarse grid, so ties happen) and revealed; between reveals, at random,
    an earlier sheet is amended, a judge recused for one contestant, or a
    revealed contestant withdrawn."""
    rng = random.Random(seed)
    log = Log()
    contestants = {f"c{i:02d}": (f"org{i % 3}", f"g{i % 2}") for i in range(12)}
    competition(
        log,
        contestants=contestants,
        judges={j: ("jury", "p") for j in JUDGES},
        panels={"p": ("g0", "g1")},
        rules=rules,
    )
    done: list[str] = []
    for ident in contestants:
        log.ok(CallContestant(contestant=ident))
        for j in JUDGES:
            points = {"score": Decimal(rng.choice("6789"))}
            log.ok(
                SubmitScore(contestant=ident, points=points, submission_id=f"{j}-{ident}-0"),
                judge(j),
            )
        log.ok(CloseScoring(contestant=ident))
        if done and rng.random() < 0.5:
            earlier = rng.choice(done)
            points = {"score": Decimal(rng.choice("56789"))}
            what = rng.choice(("amend", "recuse", "withdraw"))
            if what == "amend":
                log.run(
                    AmendScore(
                        judge=rng.choice(JUDGES), contestant=earlier, points=points, reason="typo"
                    )
                )
            elif what == "recuse":
                log.run(
                    RecuseJudge(judge=rng.choice(JUDGES), contestant=earlier, reason="conflict")
                )
            else:
                log.run(WithdrawContestant(contestant=earlier, reason="ill"))
        log.ok(Reveal(contestant=ident))
        done.append(ident)
    decision = log.run(PublishAwards(round="r1"))
    assert not isinstance(decision, Rejection), decision
    return log


def forged(event: AnyEvent) -> list[AnyEvent]:
    if not isinstance(event, ResultRevealed):
        return []
    rank = event.rank
    return [
        msgspec.structs.replace(event, rank=(rank or 0) + 1),
        msgspec.structs.replace(event, rank=rank - 1 if rank and rank > 1 else None),
        msgspec.structs.replace(event, final=(event.final or Decimal(0)) + Decimal("0.01")),
    ]


def agree_at_every_published_result(events: list[tuple[Actor, AnyEvent]]) -> int:
    state = Competition.empty("test")
    rechecker = Rechecker()
    published = 0
    for actor, event in events:
        if isinstance(event, PUBLISHED):
            published += 1
            assert rechecker.check(state, event) == recheck(state, event) == []
            for other in forged(event):
                found = rechecker.check(state, other)
                assert found == recheck(state, other) and found, other
        state = apply(state, sealed("test", state.seq + 1, state.head_hash, actor, event))
        rechecker.folded(event)
    return published


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(
    "rules",
    [
        RulesSet(aggregation="mean"),
        RulesSet(aggregation="trimmed_mean", trim=1, quorum=3),
        RulesSet(aggregation="median", normalise=True),
    ],
    ids=["mean", "trimmed", "normalised"],
)
def test_rechecker_agrees_with_deciding_in_full(seed: int, rules: RulesSet) -> None:
    log = eventful(seed, rules)
    assert agree_at_every_published_result(log.events) == 13


def test_a_reveal_that_could_not_have_been_made_is_reported_as_decide_words_it() -> None:
    log = eventful(1, RulesSet(aggregation="mean"))
    events = list(log.events)
    first = next(i for i, (_, e) in enumerate(events) if isinstance(e, ResultRevealed))
    actor, reveal = events[first]
    events.insert(first + 1, (actor, reveal))  # revealed twice
    state = Competition.empty("test")
    rechecker = Rechecker()
    for index, (who, event) in enumerate(events):
        if index == first + 1:
            found = rechecker.check(state, event)
            assert found == recheck(state, event)
            assert found and "could not have been decided" in found[0]
            return
        state = apply(state, sealed("test", state.seq + 1, state.head_hash, who, event))
        rechecker.folded(event)
