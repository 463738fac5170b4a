"""A judge's recusal scoped to a round: it counts from that round on, and
standing aside from the final leaves the heats as they were (docs/rules.md §4)."""

from __future__ import annotations

from decimal import Decimal

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from events.catalog import (
    Advancement,
    AnyEvent,
    ContestantCalled,
    JudgeRecused,
    Label,
    ResultsFinalised,
    RoundClosed,
    RoundOpened,
    RulesSet,
    ScoreSubmitted,
    ScoringClosed,
    ScoringOpened,
)
from events.envelope import Actor
from projections.audit import audit
from projections.board import BoardView, board
from projections.commands import (
    AdvanceRound,
    AmendScore,
    CallContestant,
    CloseScoring,
    EnterPaperSheet,
    RecuseJudge,
    SubmitScore,
)
from projections.decide import Rejection, decide
from projections.progress import progress
from projections.setup import judge_view
from projections.state import Competition
from tests.projections.log import ADMIN, Log, competition, judge
from tests.projections.test_properties import POINTS, RULES
from tests.projections.test_rounds import finalised_heats


def round_board(log: Log, round_: str) -> BoardView:
    """A round's board for the organisers, whatever the log's head and who is on stage."""
    return msgspec.structs.replace(board(log.state, round_, public=False), seq=0, on_stage=None)


def heats_now(log: Log) -> BoardView:
    return round_board(log, "r1")


def sheet(contestant: str, judge_id: str, value: str, round_: str) -> SubmitScore:
    """``judge_id``'s sheet for ``contestant`` in ``round_`` (an id of its own)."""
    points = {"score": Decimal(value)}
    return SubmitScore(
        contestant=contestant, points=points, submission_id=f"{judge_id}-{contestant}-{round_}"
    )


def perform(log: Log, contestant: str, marks: dict[str, str], round_: str) -> None:
    """Call ``contestant``, take each judge's score in ``round_``, close."""
    log.ok(CallContestant(contestant=contestant))
    for judge_id, value in marks.items():
        log.ok(sheet(contestant, judge_id, value, round_), judge(judge_id))
    log.ok(CloseScoring(contestant=contestant))


def test_a_judge_stands_aside_from_the_final_only_once_the_heats_are_final() -> None:
    """j1 coached a1 for the final: j1 stands aside from a1's final, and the
    heats' final results, where j1 scored a1, stay as they are."""
    log = finalised_heats()
    log.ok(AdvanceRound(from_round="r1", to_round="r2", name=Label(en="Grand final")))
    heats = heats_now(log)
    # for every round, it would strike j1's mark from the heats, which are final
    everywhere = RecuseJudge(judge="j1", contestant="a1", reason="coached a1")
    assert log.refused(everywhere).code == "results_final"

    log.ok(RecuseJudge(judge="j1", contestant="a1", reason="coached a1", round="r2"))

    assert heats_now(log) == heats
    log.ok(CallContestant(contestant="a1"))
    on_stage = progress(log.state).on_stage
    assert on_stage is not None and on_stage.round == "r2"
    assert [j.judge for j in on_stage.expected] == ["j2"]
    refused = log.refused(sheet("a1", "j1", "9", "r2"), judge("j1"))
    assert refused.code == "judge_recused" and "coached a1" in refused.message_en


def test_a_judge_who_leaves_before_the_final_is_expected_by_nobody_in_it() -> None:
    """Recused for everyone from the final on: no finalist's progress waits
    for j1, j1's phone lists nobody to score, and the heats keep j1's marks."""
    log = finalised_heats()
    log.ok(AdvanceRound(from_round="r1", to_round="r2", name=Label(en="Grand final")))
    heats = heats_now(log)
    assert judge_view(log.state, "j1") is not None
    assert log.refused(RecuseJudge(judge="j1", reason="left")).code == "results_final"

    log.ok(RecuseJudge(judge="j1", reason="left before the final", round="r2"))

    assert heats_now(log) == heats
    view = judge_view(log.state, "j1")
    assert view is not None and view.expected == ()
    # the heats' sheets are still j1's to see
    assert {s.round for s in view.sheets} == {"r1"} and len(view.sheets) == len(
        log.state.rounds["r1"].entries
    )
    finalists = list(log.state.rounds["r2"].members)
    for contestant in finalists:
        log.ok(CallContestant(contestant=contestant))
        on_stage = progress(log.state).on_stage
        assert on_stage is not None and [j.judge for j in on_stage.expected] == ["j2"]
        assert log.refused(sheet(contestant, "j1", "5", "r2"), judge("j1")).code == "judge_recused"
        log.ok(sheet(contestant, "j2", "7", "r2"), judge("j2"))
        log.ok(CloseScoring(contestant=contestant))
    final = {r.contestant: (r.status, r.aggregate) for r in round_board(log, "r2").overall}
    assert final == {c: ("scored", Decimal("7.00")) for c in finalists}
    assert heats_now(log) == heats


def test_a_recusal_from_a_round_carries_into_every_later_round() -> None:
    """A conflict, or a departure, does not end with the semi-final: the
    recusal holds in the final too, and never reaches back to the heats."""
    log = three_round_contest()
    log.ok(RecuseJudge(judge="j1", contestant="c1", reason="conflict", round="r2"))
    state = log.state
    j1, c1 = state.judges["j1"], state.contestants["c1"]
    assert [state.stands_aside(j1, c1, r) for r in ("r1", "r2", "r3")] == [
        None,
        "recused",
        "recused",
    ]
    assert state.stands_aside(j1, state.contestants["c2"], "r3") is None
    # the marks j1 gave c1 in each round: counted in the heats only
    counted = {
        r: next(m for m in row.judges if m.judge == "j1").dropped
        for r in ("r1", "r2", "r3")
        for row in round_board(log, r).overall
        if row.contestant == "c1"
    }
    assert counted == {"r1": None, "r2": "recused", "r3": "recused"}


def test_a_recusal_struck_from_a_round_changes_its_trimmed_mean_and_expected_count() -> None:
    """Three judges, a trimmed mean: j3's 9 in the final is struck once j3
    stands aside from it, so the final is withheld (2 marks, quorum 3) while
    the heats, where j3 also gave 9, keep their trimmed mean of 3 marks."""
    log = Log()
    competition(
        log,
        contestants={"c1": ("Org C", "g1")},
        judges={"j1": ("Org 1", "p1"), "j2": ("Org 2", "p1"), "j3": ("Org 3", "p1")},
        panels={"p1": ("g1",)},
        rules=RulesSet(aggregation="trimmed_mean", trim=1, quorum=3),
    )
    perform(log, "c1", {"j1": "5", "j2": "7", "j3": "9"}, "r1")
    log.add(
        RoundClosed(round="r1"),
        RoundOpened(round="r2", name=Label(en="Final"), contestants=("c1",)),
    )
    perform(log, "c1", {"j1": "6", "j2": "8", "j3": "9"}, "r2")
    assert [(r.status, r.aggregate) for r in round_board(log, "r2").overall] == [
        ("scored", Decimal("8.00"))
    ]

    log.ok(RecuseJudge(judge="j3", reason="left", round="r2"))

    (heats,) = round_board(log, "r1").overall
    assert (heats.status, heats.aggregate, heats.judges_counted) == ("scored", Decimal("7.00"), 1)
    (final,) = round_board(log, "r2").overall
    assert (final.status, final.aggregate) == ("withheld", None)
    assert [(m.judge, m.counted, m.dropped) for m in final.judges] == [
        ("j1", True, None),
        ("j2", True, None),
        ("j3", False, "recused"),
    ]
    on_stage = progress(log.state).on_stage
    assert on_stage is not None and (on_stage.round, on_stage.scored) == ("r2", 2)
    assert [j.judge for j in on_stage.expected] == ["j1", "j2"]
    # audit of each round: j3's final sheet is there, struck out; the heats' counts
    audited = {
        r: {(j.judge, s.contestant): s.reason for j in audit(log.state, r).judges for s in j.sheets}
        for r in ("r1", "r2")
    }
    assert audited["r1"][("j3", "c1")] == "trimmed_high"
    assert audited["r2"][("j3", "c1")] == "recused"


def test_results_final_refuses_only_a_recusal_reaching_a_final_round_with_the_judge_s_mark() -> (
    None
):
    log = three_round_contest()
    log.add(ResultsFinalised(round="r1"), ResultsFinalised(round="r2"))
    boards = {r: round_board(log, r) for r in ("r1", "r2")}
    for command in (
        RecuseJudge(judge="j1", reason="conflict"),
        RecuseJudge(judge="j1", reason="conflict", round="r1"),
        RecuseJudge(judge="j1", contestant="c1", reason="conflict", round="r2"),
    ):
        refused = log.refused(command)
        assert refused.code == "results_final", command
    assert "“Round 2”" in log.refused(RecuseJudge(judge="j1", reason="x", round="r2")).message_en
    assert (
        log.refused(RecuseJudge(judge="j1", reason="x", round="r9")).code,
        log.refused(RecuseJudge(judge="j9", reason="x", round="r3")).code,
        log.refused(RecuseJudge(judge="j1", contestant="c9", reason="x", round="r3")).code,
    ) == ("unknown_round", "unknown_judge", "unknown_contestant")
    log.ok(RecuseJudge(judge="j1", contestant="c1", reason="conflict", round="r3"))
    assert {r: round_board(log, r) for r in ("r1", "r2")} == boards
    # j4 gave no mark anywhere: may stand aside from any round, final or not
    log.ok(RecuseJudge(judge="j4", reason="ill"))


def test_a_recusal_already_in_force_is_refused_and_a_wider_one_is_taken() -> None:
    log = three_round_contest()
    log.ok(RecuseJudge(judge="j1", contestant="c1", reason="conflict", round="r2"))
    for covered in (
        RecuseJudge(judge="j1", contestant="c1", reason="again", round="r2"),
        RecuseJudge(judge="j1", contestant="c1", reason="again", round="r3"),
    ):
        assert log.refused(covered).code == "already_recused", covered
    # earlier (the heats too), or for everyone: wider, so taken
    log.ok(RecuseJudge(judge="j1", reason="left", round="r3"))
    log.ok(RecuseJudge(judge="j1", contestant="c1", reason="conflict in the heats too"))
    assert log.refused(RecuseJudge(judge="j1", contestant="c2", reason="x", round="r3")).code == (
        "already_recused"
    )
    log.ok(RecuseJudge(judge="j1", contestant="c2", reason="x", round="r2"))
    # from the first round on is every round
    log.ok(RecuseJudge(judge="j2", reason="ill", round="r1"))
    assert log.refused(RecuseJudge(judge="j2", reason="ill")).code == "already_recused"
    # the reason shown is the earliest recusal in force, for everyone before one person
    state = log.state
    j1 = state.judges["j1"]
    assert [state.recusal(j1, "c1", r) for r in ("r1", "r2", "r3")] == [
        "conflict in the heats too",
        "conflict in the heats too",
        "left",
    ]


def test_the_refusal_of_a_recusal_in_force_names_the_round_it_holds_from() -> None:
    """The console recuses from the round under way on: refused, the organiser is told
    from which round on the judge already stands aside (perhaps an earlier one)."""
    log = three_round_contest()
    log.ok(RecuseJudge(judge="j1", reason="left", round="r2"))
    refused = log.refused(RecuseJudge(judge="j1", reason="again", round="r3"))
    assert refused.code == "already_recused"
    assert (
        refused.message_en == "Judge Judge j1 (j1) is already recused from the round “Round 2” on"
    )
    assert refused.message_zh == "评委 Judge j1（j1）已自“Round 2”起回避"
    # for one contestant: said so; a recusal naming no round holds in every round
    log.ok(RecuseJudge(judge="j2", contestant="c1", reason="conflict", round="r1"))
    refused = log.refused(RecuseJudge(judge="j2", contestant="c1", reason="x", round="r3"))
    assert refused.message_en == (
        "Judge Judge j2 (j2) is already recused for contestant Contestant c1 (c1) "
        "from the round “Final” on"
    )
    assert refused.message_zh == "评委 Judge j2（j2）已自“Final”起回避选手 Contestant c1（c1）"
    log.ok(RecuseJudge(judge="j3", reason="ill"))
    refused = log.refused(RecuseJudge(judge="j3", reason="x", round="r2"))
    assert refused.message_en == "Judge Judge j3 (j3) is already recused in every round"
    assert refused.message_zh == "评委 Judge j3（j3）已在所有轮次回避"


def test_a_recused_judge_s_paper_sheet_and_amendment_are_refused_only_in_its_rounds() -> None:
    log = three_round_contest(rounds=("r1", "r2"), score_last=False)
    log.ok(RecuseJudge(judge="j2", contestant="c1", reason="conflict", round="r2"))
    log.ok(CallContestant(contestant="c1"))
    paper = EnterPaperSheet(
        sheet="paper-0001", judge="j2", contestant="c1", points={"score": Decimal(5)}
    )
    assert log.refused(paper).code == "judge_recused"
    log.ok(sheet("c1", "j1", "6", "r2"), judge("j1"))
    log.ok(CloseScoring(contestant="c1"))
    amend = AmendScore(judge="j2", contestant="c1", points={"score": Decimal(5)}, reason="typo")
    assert log.refused(amend).code == "judge_recused"
    # another finalist: j2 scores as before
    log.ok(CallContestant(contestant="c2"))
    log.ok(sheet("c2", "j2", "6", "r2"), judge("j2"))


def test_an_older_log_s_recusal_holds_in_every_round() -> None:
    """``judge_recused`` without a round, as every log before it: every round."""
    scoped = three_round_contest()
    scoped.add(JudgeRecused(judge="j1", contestant="c1", reason="old", round="r1"))
    unscoped = three_round_contest()
    unscoped.add(JudgeRecused(judge="j1", contestant="c1", reason="old"))
    for round_ in ("r1", "r2", "r3"):
        assert round_board(scoped, round_) == round_board(unscoped, round_)
        row = next(r for r in round_board(unscoped, round_).overall if r.contestant == "c1")
        assert next(m for m in row.judges if m.judge == "j1").dropped == "recused"


def three_round_contest(
    rounds: tuple[str, ...] = ("r1", "r2", "r3"), *, score_last: bool = True
) -> Log:
    """c1-c3 in every round, scored by j1-j3 (each their own value); j4 on
    the panel gives nothing. The last round is opened, scored only if
    ``score_last``."""
    log = Log()
    competition(
        log,
        contestants={c: (f"Org {c}", "g1") for c in ("c1", "c2", "c3")},
        judges={j: (f"Org {j}", "p1") for j in ("j1", "j2", "j3", "j4")},
        panels={"p1": ("g1",)},
        rules=RulesSet(aggregation="mean", advancement=Advancement(count=3)),
    )
    for n, round_ in enumerate(rounds):
        if n:
            log.add(
                RoundClosed(round=rounds[n - 1]),
                RoundOpened(
                    round=round_, name=Label(en=f"Round {n + 1}"), contestants=("c1", "c2", "c3")
                ),
            )
        if n < len(rounds) - 1 or score_last:
            for i, contestant in enumerate(("c1", "c2", "c3")):
                marks = {"j1": f"{n + i}", "j2": f"{n + 3}", "j3": f"{9 - n}"}
                perform(log, contestant, marks, round_)
    return log


# --- properties --------------------------------------------------------------------

ROUNDS = ("r1", "r2", "r3")


@st.composite
def contests(draw: st.DrawFn) -> list[tuple[Actor, AnyEvent]]:
    """Three rounds of every contestant, each judge scoring some of them in
    each, under generated rules; a few recusals along the way."""
    contestants = [f"c{i}" for i in range(draw(st.integers(2, 5)))]
    judges = [f"j{i}" for i in range(draw(st.integers(1, 5)))]
    log = Log()
    competition(
        log,
        contestants={
            c: (f"Org {draw(st.integers(0, 4))}", draw(st.sampled_from(["g1", "g2"])))
            for c in contestants
        },
        judges={
            j: (f"Org {draw(st.integers(0, 8))}", draw(st.sampled_from(["p1", "p2"])))
            for j in judges
        },
        panels={"p1": ("g1", "g2"), "p2": ("g2",)},
        rules=draw(RULES),
    )
    events: list[tuple[Actor, AnyEvent]] = list(log.events)
    for n, round_ in enumerate(ROUNDS):
        if n:
            events += [
                (ADMIN, RoundClosed(round=ROUNDS[n - 1])),
                (ADMIN, RoundOpened(round=round_, name=Label(), contestants=tuple(contestants))),
            ]
        for _ in range(draw(st.integers(0, 1))):
            events.append((ADMIN, draw(recusals(judges, contestants))))
        for c in contestants:
            events += [
                (ADMIN, ContestantCalled(contestant=c)),
                (ADMIN, ScoringOpened(contestant=c)),
            ]
            for j in judges:
                if draw(st.integers(0, 3)) == 0:
                    continue
                submission = f"{j}-{c}-{round_}"
                sheet = ScoreSubmitted(
                    judge=j, contestant=c, points={"score": draw(POINTS)}, submission_id=submission
                )
                events.append((Actor(role="judge", id=j), sheet))
            events.append((ADMIN, ScoringClosed(contestant=c)))
    return events


def recusals(judges: list[str], contestants: list[str]) -> st.SearchStrategy[JudgeRecused]:
    return st.builds(
        JudgeRecused,
        judge=st.sampled_from(judges),
        reason=st.just("conflict"),
        contestant=st.one_of(st.none(), st.sampled_from(contestants)),
        round=st.one_of(st.none(), st.sampled_from(ROUNDS)),
    )


def logged(events: list[tuple[Actor, AnyEvent]], *more: AnyEvent) -> Log:
    log = Log()
    for actor, event in events:
        log.add(event, actor=actor)
    log.add(*more)
    return log


def seen(log: Log, round_: str) -> tuple[object, ...]:
    """What the organisers and the auditor see of a round (the log's head aside)."""
    state: Competition = log.state
    return (
        round_board(log, round_),
        msgspec.structs.replace(board(state, round_, public=True), seq=0),
        msgspec.structs.replace(audit(state, round_), seq=0),
    )


@settings(max_examples=60, deadline=None)
@given(contests(), st.data())
def test_a_recusal_for_a_round_never_changes_an_earlier_one_and_from_it_on_is_a_full_one(
    events: list[tuple[Actor, AnyEvent]], data: st.DataObject
) -> None:
    judges = sorted({e.judge for _, e in events if isinstance(e, ScoreSubmitted)} or {"j0"})
    contestants = sorted({e.contestant for _, e in events if isinstance(e, ContestantCalled)})
    recusal = data.draw(recusals(judges, contestants).filter(lambda r: r.round is not None))
    assert recusal.round is not None
    before = logged(events)
    scoped = logged(events, recusal)
    everywhere = logged(events, msgspec.structs.replace(recusal, round=None))
    start = ROUNDS.index(recusal.round)
    for round_ in ROUNDS[:start]:
        assert seen(scoped, round_) == seen(before, round_), round_
    for round_ in ROUNDS[start:]:
        assert seen(scoped, round_) == seen(everywhere, round_), round_
    # the round being run is the last: its progress, and each judge's phone, too
    assert progress(scoped.state).on_stage == progress(everywhere.state).on_stage
    for j in judges:  # the same number of events: the same seq
        assert judge_view(scoped.state, j) == judge_view(everywhere.state, j)


@settings(max_examples=60, deadline=None)
@given(contests(), st.data())
def test_a_recusal_decide_takes_leaves_every_final_round_as_it_was(
    events: list[tuple[Actor, AnyEvent]], data: st.DataObject
) -> None:
    finals = data.draw(st.lists(st.sampled_from(ROUNDS), unique=True))
    log = logged(events, *(ResultsFinalised(round=r) for r in finals))
    judges = sorted(log.state.judges)
    contestants = sorted(log.state.contestants)
    event = data.draw(recusals(judges, contestants))
    command = RecuseJudge(
        judge=event.judge, reason=event.reason, contestant=event.contestant, round=event.round
    )
    boards = {r: seen(log, r) for r in finals}
    decision = decide(log.state, command, ADMIN)
    if isinstance(decision, Rejection):
        first = ROUNDS.index(command.round) if command.round else 0
        marked = [
            r
            for r in ROUNDS[first:]
            if r in finals
            for c, entry in log.state.rounds[r].entries.items()
            if command.judge in entry.marks and command.contestant in (None, c)
        ]
        assert decision.code in ("results_final", "already_recused"), decision
        assert (decision.code == "results_final") == bool(marked)
        return
    assert decision == [event]
    log.add(*decision)
    assert {r: seen(log, r) for r in finals} == boards
