"""A result revealed incomplete (a prior score missing, rules §7) is revealed
again once the score is recorded, so the hall sees the completed result: the
public board keeps showing what was revealed until then. The rehearsal's
case: the expert review of one contestant arrived after their reveal; the
result became ranked on every phone at once, and the screen never showed it,
for a second reveal was refused."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from events.catalog import AnyEvent, Component, Label, PriorScoreRecorded, ResultRevealed, RulesSet
from events.envelope import Actor
from projections.board import BoardRow, board
from projections.commands import AmendScore, Reveal
from projections.decide import Rejection, decide
from projections.recheck import Rechecker, recheck
from projections.state import Competition, apply
from tests.projections.log import ADMIN, Log, competition, perform, sealed

RULES = RulesSet(
    aggregation="mean",
    composite=(
        Component(source="expert", weight=Decimal("0.4"), label=Label(en="Expert review")),
        Component(source="live", weight=Decimal("0.6"), label=Label(en="Live")),
    ),
)


def two_revealed() -> Log:
    """c1 revealed whole (final 8.40); c2, whose expert review is missing, revealed
    incomplete; c3 yet to perform."""
    log = Log()
    competition(
        log,
        contestants={c: (f"Org {c}", "g1") for c in ("c1", "c2", "c3")},
        judges={"j1": ("Jury", "p1")},
        panels={"p1": ("g1",)},
        rules=RULES,
    )
    log.add(PriorScoreRecorded(contestant="c1", source="expert", value=Decimal("9")))
    perform(log, "c1", {"j1": "8"}, reveal=True)
    perform(log, "c2", {"j1": "9"}, reveal=True)
    return log


def rechecked(events: list[tuple[Actor, AnyEvent]]) -> int:
    """How many reveals ``leitai verify`` recomputes as written, incrementally and in
    full, from the log before each; a second reveal's forged rank is found by both."""
    state = Competition.empty("test")
    rechecker = Rechecker()
    reveals = 0
    for actor, event in events:
        if isinstance(event, ResultRevealed):
            reveals += 1
            assert rechecker.check(state, event) == recheck(state, event) == [], event
            if event.rank is not None:
                forged = msgspec.structs.replace(event, rank=event.rank + 1)
                assert rechecker.check(state, forged) == recheck(state, forged) != []
        state = apply(state, sealed("test", state.seq + 1, state.head_hash, actor, event))
        rechecker.folded(event)
    return reveals


def public_row(log: Log, contestant: str) -> BoardRow:
    return next(r for r in board(log.state, public=True).overall if r.contestant == contestant)


def test_an_incomplete_result_is_revealed_again_once_its_prior_score_is_recorded() -> None:
    log = two_revealed()
    first = log.state.entry_for("c2")
    assert first is not None and first.revealed == ResultRevealed(
        contestant="c2", aggregate=Decimal("9.00")
    )
    # nothing new to show yet: refused as before, saying what it waits for
    refused = log.refused(Reveal(contestant="c2"))
    assert (refused.code, refused.status) == ("already_revealed", 409)
    assert "still incomplete" in refused.message_en and "仍不完整" in refused.message_zh

    log.add(PriorScoreRecorded(contestant="c2", source="expert", value=Decimal("10")))
    # the public sees what was revealed, not a final nobody has announced
    held = public_row(log, "c2")
    assert (held.status, held.final, held.rank, held.revealed) == ("incomplete", None, None, True)
    assert [c.value for c in held.components] == [None, Decimal("9.00")]
    assert public_row(log, "c1").rank == 1
    # the organisers' board ranks it at once
    admin = {r.contestant: r.rank for r in board(log.state, public=False).overall}
    assert admin == {"c2": 1, "c1": 2, "c3": None}

    assert log.ok(Reveal(contestant="c2")) == [
        ResultRevealed(contestant="c2", aggregate=Decimal("9.00"), final=Decimal("9.40"), rank=1)
    ]
    shown = public_row(log, "c2")
    assert (shown.status, shown.final, shown.rank, shown.movement) == (
        "scored",
        Decimal("9.40"),
        1,
        None,  # the latest revealed: no movement of its own
    )
    assert public_row(log, "c1").movement == -1  # pushed down by this reveal
    assert log.state.rounds["r1"].reveals == ["c1", "c2"]  # once each, c2 the latest

    # complete now: a third reveal is refused as any second one
    refused = log.refused(Reveal(contestant="c2"))
    assert refused.code == "already_revealed"
    assert "still incomplete" not in refused.message_en
    assert log.refused(Reveal(contestant="c1")).code == "already_revealed"
    # the audit recomputes both reveals of c2 from the log before each
    assert rechecked(log.events) == 3


def test_a_result_held_back_does_not_count_in_another_s_public_rank() -> None:
    log = two_revealed()
    log.add(PriorScoreRecorded(contestant="c2", source="expert", value=Decimal("10")))
    # c3 revealed while c2's completed result waits for its own reveal: ranked
    # among what the hall has seen, c2's incomplete result not among them
    log.add(PriorScoreRecorded(contestant="c3", source="expert", value=Decimal("10")))
    perform(log, "c3", {"j1": "8.5"}, reveal=True)
    revealed = log.state.entry_for("c3")
    assert revealed is not None and revealed.revealed is not None
    assert revealed.revealed.rank == 1  # 9.10 over c1's 8.40; c2's 9.40 not yet shown
    assert public_row(log, "c3").rank == 1
    log.ok(Reveal(contestant="c2"))
    assert [(r.contestant, r.rank) for r in board(log.state, public=True).overall] == [
        ("c2", 1),
        ("c3", 2),
        ("c1", 3),
    ]
    assert rechecked(log.events) == 4


def test_an_amended_incomplete_result_is_still_refused_a_second_reveal() -> None:
    log = two_revealed()
    log.ok(AmendScore(judge="j1", contestant="c2", points={"score": Decimal(7)}, reason="typo"))
    assert log.refused(Reveal(contestant="c2")).code == "already_revealed"


def test_the_organisers_board_offers_a_second_reveal_exactly_when_decide_accepts_it() -> None:
    """The console offers "reveal again" from the organisers' board row's
    ``reveal_again``: true exactly when a Reveal of that contestant would be
    accepted after a first one, never on the public board."""

    def offered(log: Log) -> dict[str, bool]:
        rows = board(log.state, public=False).overall
        accepted = {
            r.contestant: r.revealed
            and not isinstance(decide(log.state, Reveal(contestant=r.contestant), ADMIN), Rejection)
            for r in rows
        }
        assert {r.contestant: r.reveal_again for r in rows} == accepted
        assert not any(r.reveal_again for r in board(log.state, public=True).overall)
        return {c: v for c, v in accepted.items() if v}

    log = two_revealed()
    assert offered(log) == {}  # c2 still incomplete: refused
    log.add(PriorScoreRecorded(contestant="c2", source="expert", value=Decimal("10")))
    assert offered(log) == {"c2": True}
    log.ok(Reveal(contestant="c2"))
    assert offered(log) == {}  # revealed whole: once is all
