"""The issue's worked examples, each figure checked by hand in the comments."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from events.catalog import (
    AwardTier,
    Component,
    JudgeRecused,
    Label,
    PriorScoreRecorded,
    ResultRevealed,
    RulesSet,
    TieBreak,
)
from projections.audit import audit
from projections.board import BoardRow, board
from projections.commands import (
    AmendScore,
    CallContestant,
    CloseScoring,
    PublishAwards,
    RecuseJudge,
    Reveal,
    SubmitScore,
)
from projections.state import replay
from tests.projections.log import Log, competition, envelopes, judge, perform

D = Decimal


def row(log: Log, contestant: str, *, public: bool = False) -> BoardRow:
    view = board(log.state, public=public)
    return next(r for r in view.overall if r.contestant == contestant)


def solo(
    rules: RulesSet, marks: dict[str, str], *, decimals: int = 2, rounding: str = "half_up"
) -> Log:
    """One contestant scored by the judges named in ``marks`` (all from other
    organisations, one panel)."""
    log = Log()
    competition(
        log,
        contestants={"c1": ("Org C", "g1")},
        judges={j: (f"Org {j}", "p1") for j in marks},
        panels={"p1": ("g1",)},
        rules=rules,
        decimals=decimals,
        rounding="half_even" if rounding == "half_even" else "half_up",
    )
    perform(log, "c1", marks)
    return log


def test_seven_judges_trimmed_mean_drops_one_highest_and_one_lowest() -> None:
    marks = {"j1": "9.1", "j2": "9.3", "j3": "8.7", "j4": "9.5", "j5": "9.0", "j6": "8.8"}
    marks["j7"] = "9.9"
    log = solo(RulesSet(aggregation="trimmed_mean", trim=1), marks)
    c1 = row(log, "c1")
    # 8.7 (j3) and 9.9 (j7) go; (9.1 + 9.3 + 9.5 + 9.0 + 8.8) / 5 = 45.7 / 5 = 9.14
    assert c1.aggregate == D("9.14") and c1.final == D("9.14")
    assert c1.judges_counted == 5
    dropped = {j.judge: j.dropped for j in c1.judges if not j.counted}
    assert dropped == {"j3": "trimmed_low", "j7": "trimmed_high"}
    assert c1.status == "scored" and c1.rank == 1


def test_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    log = solo(RulesSet(aggregation="median"), {"j1": "8.0", "j2": "8.5", "j3": "9.0", "j4": "7.0"})
    # sorted 7.0 8.0 8.5 9.0: (8.0 + 8.5) / 2 = 8.25
    assert row(log, "c1").aggregate == D("8.25")


def test_closest_pair_takes_the_two_nearest_marks_and_the_higher_pair_on_a_tie() -> None:
    near = solo(RulesSet(aggregation="closest_pair"), {"j1": "7.0", "j2": "7.2", "j3": "9.0"})
    # gaps 0.2 and 1.8: (7.0 + 7.2) / 2 = 7.1; 9.0 struck out
    c1 = row(near, "c1")
    assert c1.aggregate == D("7.10")
    assert [j.judge for j in c1.judges if j.dropped == "not_closest"] == ["j3"]
    even = solo(RulesSet(aggregation="closest_pair"), {"j1": "7.0", "j2": "8.0", "j3": "9.0"})
    # gaps 1.0 and 1.0: the higher pair, (8.0 + 9.0) / 2 = 8.5
    assert row(even, "c1").aggregate == D("8.50")


def test_half_up_and_half_even_round_a_half_differently() -> None:
    marks = {"j1": "8.4", "j2": "8.5"}
    # mean 8.45 exactly; to 1 decimal: half-up 8.5, half-even 8.4 (4 is even)
    up = solo(RulesSet(aggregation="mean"), marks, decimals=1)
    even = solo(RulesSet(aggregation="mean"), marks, decimals=1, rounding="half_even")
    assert row(up, "c1").final == D("8.5")
    assert row(even, "c1").final == D("8.4")


def test_composite_of_forty_percent_expert_review_and_sixty_percent_live() -> None:
    rules = RulesSet(
        aggregation="trimmed_mean",
        composite=(
            Component(source="expert", weight=D("0.4")),
            Component(source="live", weight=D("0.6")),
        ),
    )
    log = solo(rules, {"j1": "9.0", "j2": "9.2", "j3": "8.6", "j4": "9.5", "j5": "8.0"})
    c1 = row(log, "c1")
    # no expert score yet: the result is incomplete, not a zero
    assert c1.status == "incomplete" and c1.final is None and c1.rank is None
    log.add(PriorScoreRecorded(contestant="c1", source="expert", value=D("8.8")))
    c1 = row(log, "c1")
    # live: drop 8.0 and 9.5, (9.0 + 9.2 + 8.6) / 3 = 26.8 / 3 = 8.9333… → 8.93
    # final from exact values: 0.4 × 8.8 + 0.6 × 26.8 / 3 = 3.52 + 5.36 = 8.88
    assert c1.aggregate == D("8.93")
    assert c1.final == D("8.88")
    assert [(c.source, c.value) for c in c1.components] == [
        ("expert", D("8.8")),
        ("live", D("8.93")),
    ]


def test_a_composite_of_rounded_terms_adds_up_as_a_results_table_prints_it() -> None:
    marks = {"j1": "8.9", "j2": "8.8", "j3": "8.8", "j4": "8.8", "j5": "8.0", "j6": "9.9"}

    def c1(compose_from: Literal["exact", "rounded"], expert: str) -> BoardRow:
        composite = (
            Component(source="expert", weight=D("0.5")),
            Component(source="live", weight=D("0.5")),
        )
        log = solo(RulesSet(composite=composite, compose_from=compose_from), marks)
        log.add(PriorScoreRecorded(contestant="c1", source="expert", value=D(expert)))
        return row(log, "c1")

    # live: drop 8.0 and 9.9, 35.3 / 4 = 8.825, printed 8.83
    exact, rounded = c1("exact", "8.8"), c1("rounded", "8.8")
    assert exact.aggregate == rounded.aggregate == D("8.83")
    # exact: 0.5 × 8.8 + 0.5 × 8.825 = 8.8125 → 8.81, which the printed terms do not give
    assert exact.final == D("8.81")
    # rounded: 0.5 × 8.8 + 0.5 × 8.83 = 8.815 → 8.82, as anyone adds up the table
    assert rounded.final == D("8.82")
    # a prior score with more places than the competition's is rounded first, and shown so
    expert = c1("rounded", "8.805")
    assert [(c.source, c.value) for c in expert.components] == [
        ("expert", D("8.81")),
        ("live", D("8.83")),
    ]
    assert expert.final == D("8.82")  # 0.5 × 8.81 + 0.5 × 8.83


def test_quorum_withholds_a_result_with_too_few_scores() -> None:
    log = solo(RulesSet(aggregation="mean", quorum=3), {"j1": "9.0", "j2": "8.0"})
    c1 = row(log, "c1")
    assert c1.status == "withheld" and c1.aggregate is None and c1.rank is None
    (revealed,) = log.ok(Reveal(contestant="c1"))
    assert revealed == ResultRevealed(contestant="c1", aggregate=None, final=None, rank=None)


def test_recused_judges_are_refused_and_their_earlier_marks_do_not_count() -> None:
    log = Log()
    competition(
        log,
        contestants={"c1": ("Org A", "g1")},
        judges={"j1": ("Org 1", "p1"), "j2": ("Org 2", "p1"), "j3": ("org a ", "p1")},
        panels={"p1": ("g1",)},
        rules=RulesSet(aggregation="mean"),
    )
    log.ok(CallContestant(contestant="c1"))
    log.ok(
        SubmitScore(contestant="c1", points={"score": D(8)}, submission_id="j1-first"), judge("j1")
    )
    log.ok(
        SubmitScore(contestant="c1", points={"score": D(6)}, submission_id="j2-first"), judge("j2")
    )
    # j3's organisation is the contestant's ("org a " = "Org A" after case folding and trimming)
    same = log.refused(
        SubmitScore(contestant="c1", points={"score": D(9)}, submission_id="j3-first"), judge("j3")
    )
    assert same.code == "judge_recused" and same.status == 403
    log.ok(RecuseJudge(judge="j2", contestant="c1", reason="coached the contestant"))
    again = log.refused(
        SubmitScore(contestant="c1", points={"score": D(7)}, submission_id="j2-again"), judge("j2")
    )
    assert again.code == "judge_recused"
    log.ok(CloseScoring(contestant="c1"))
    c1 = row(log, "c1")
    # only j1's 8 counts; j2's 6 is kept but struck out as recused
    assert c1.aggregate == D("8.00") and c1.judges_counted == 1
    assert {j.judge: j.dropped for j in c1.judges} == {"j1": None, "j2": "recused"}


def test_amendment_after_closing_replaces_the_score_and_stays_in_the_audit() -> None:
    log = solo(RulesSet(aggregation="mean"), {"j1": "8.0", "j2": "6.0"})
    assert row(log, "c1").aggregate == D("7.00")
    late = log.refused(
        SubmitScore(contestant="c1", points={"score": D(9)}, submission_id="j2-late-1"), judge("j2")
    )
    assert late.code == "scoring_closed"
    log.ok(
        AmendScore(judge="j2", contestant="c1", points={"score": D(9)}, reason="misread the sheet")
    )
    # (8.0 + 9.0) / 2 = 8.5
    assert row(log, "c1").aggregate == D("8.50")
    (j2,) = [j for j in audit(log.state).judges if j.judge == "j2"]
    (sheet,) = j2.sheets
    assert [(v.kind, v.total, v.reason) for v in sheet.versions] == [
        ("submitted", D("6.0"), None),
        ("amended", D("9"), "misread the sheet"),
    ]
    assert j2.corrections == 1


def test_a_tie_at_an_award_boundary_gives_everyone_tied_the_better_award() -> None:
    finals = {"a": "9.0", "b": "8.5", "c": "8.5", "d": "8.0", "e": "7.0", "f": "7.0"}
    rules = RulesSet(
        aggregation="mean",
        awards=(
            AwardTier(key="gold", name=Label(en="Gold"), by="rank", count=2),
            AwardTier(
                key="out",
                name=Label(en="Out"),
                by="rank",
                count=1,
                from_bottom=True,
                eliminates=True,
            ),
            AwardTier(key="silver", name=Label(en="Silver"), by="rank"),
        ),
    )
    log = Log()
    competition(
        log,
        contestants={c: (f"Org {c}", "g1") for c in finals},
        judges={"j1": ("Org J", "p1")},
        panels={"p1": ("g1",)},
        rules=rules,
    )
    for contestant, value in finals.items():
        perform(log, contestant, {"j1": value})
    view = board(log.state, public=False)
    got = {r.contestant: (r.rank, r.award) for r in view.overall}
    # ranks 1 2 2 4 5 5; gold top 2 takes b and c tied at the cut (3 golds);
    # bottom 1: e and f tie at the cut, both keep the better tier, none is out
    assert got == {
        "a": (1, "gold"),
        "b": (2, "gold"),
        "c": (2, "gold"),
        "d": (4, "silver"),
        "e": (5, "silver"),
        "f": (5, "silver"),
    }
    (published,) = log.ok(PublishAwards(round="r1"))
    assert [(g.contestant, g.award, g.rank) for g in published.awards][:3] == [
        ("a", "gold", 1),
        ("b", "gold", 2),
        ("c", "gold", 2),
    ]


def tie_between(
    tie_breaks: tuple[TieBreak, ...], marks: dict[str, dict[str, str]]
) -> dict[str, int | None]:
    """Ranks of contestants scored by five judges with a trimmed mean and a
    50/50 composite of expert (all 8.0 unless given) and live."""
    judges = ("j1", "j2", "j3", "j4", "j5")
    log = Log()
    competition(
        log,
        contestants={c: (f"Org {c}", "g1") for c in marks},
        judges={j: (f"Org {j}", "p1") for j in judges},
        panels={"p1": ("g1",)},
        rules=RulesSet(
            aggregation="trimmed_mean",
            composite=(
                Component(source="expert", weight=D("0.5")),
                Component(source="live", weight=D("0.5")),
            ),
            tie_breaks=tie_breaks,
        ),
    )
    for contestant, given in marks.items():
        expert = given.pop("expert", "8.0")
        log.add(PriorScoreRecorded(contestant=contestant, source="expert", value=D(expert)))
        perform(log, contestant, given)
    return {r.contestant: r.rank for r in board(log.state, public=False).overall}


def test_each_tie_break() -> None:
    # x: expert 9.0, live 8,8,8,8,8 → 8.0; final 0.5 × 9 + 0.5 × 8 = 8.5
    # y: expert 8.0, live 9,9,9,9,9 → 9.0; final 8.5: tied with x
    live_vs_expert = {
        "x": {"expert": "9.0", "j1": "8", "j2": "8", "j3": "8", "j4": "8", "j5": "8"},
        "y": {"expert": "8.0", "j1": "9", "j2": "9", "j3": "9", "j4": "9", "j5": "9"},
    }
    assert tie_between((TieBreak(kind="shared"),), _copy(live_vs_expert)) == {"x": 1, "y": 1}
    assert tie_between((TieBreak(kind="live"),), _copy(live_vs_expert)) == {"y": 1, "x": 2}
    by_expert = (TieBreak(kind="component", source="expert"),)
    assert tie_between(by_expert, _copy(live_vs_expert)) == {"x": 1, "y": 2}
    # u: 6,8,8,8,9 → trimmed 8.0, untrimmed 7.8, spread 3
    # v: 7,8,8,8,9 → trimmed 8.0, untrimmed 8.0, spread 2
    # w: 7.5,8,8,8,8.5 → trimmed 8.0, untrimmed 8.0, spread 1
    spreads = {
        "u": {"j1": "6", "j2": "8", "j3": "8", "j4": "8", "j5": "9"},
        "v": {"j1": "7", "j2": "8", "j3": "8", "j4": "8", "j5": "9"},
        "w": {"j1": "7.5", "j2": "8", "j3": "8", "j4": "8", "j5": "8.5"},
    }
    untrimmed = (TieBreak(kind="untrimmed_mean"),)
    assert tie_between(untrimmed, _copy(spreads)) == {"v": 1, "w": 1, "u": 3}
    spread = (TieBreak(kind="untrimmed_mean"), TieBreak(kind="spread"))
    assert tie_between(spread, _copy(spreads)) == {"w": 1, "v": 2, "u": 3}
    stop = (TieBreak(kind="untrimmed_mean"), TieBreak(kind="shared"), TieBreak(kind="spread"))
    assert tie_between(stop, _copy(spreads)) == {"v": 1, "w": 1, "u": 3}


def _copy(marks: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    return {c: dict(m) for c, m in marks.items()}


def test_normalisation_rescales_each_judge_to_the_sheets_range() -> None:
    log = Log()
    competition(
        log,
        contestants={"a": ("Org a", "g1"), "b": ("Org b", "g1")},
        judges={"j1": ("Org 1", "p1"), "j2": ("Org 2", "p1")},
        panels={"p1": ("g1",)},
        rules=RulesSet(aggregation="mean", normalise=True),
    )
    perform(log, "a", {"j1": "6", "j2": "9"})
    perform(log, "b", {"j1": "8", "j2": "9"})
    # j1: mean 7, deviation 1 → a: z = −1, b: z = +1; max 10: 5 ∓ 10/6
    # j2: no spread → 5 for both. a: (3.3333333333 + 5) / 2, b: (6.6666666667 + 5) / 2
    a, b = row(log, "a"), row(log, "b")
    assert [j.normalised for j in a.judges] == [D("3.3333333333"), D("5.0000000000")]
    assert a.aggregate == D("4.17") and b.aggregate == D("5.83")
    assert (b.rank, a.rank) == (1, 2)


def test_public_board_hides_what_is_not_revealed_and_shows_movement() -> None:
    log = Log()
    competition(
        log,
        contestants={"a": ("Org a", "g1"), "b": ("Org b", "g1"), "c": ("Org c", "g1")},
        judges={"j1": ("Org 1", "p1"), "j2": ("Org 2", "p1"), "s1": ("Org 3", "p1")},
        panels={"p1": ("g1",)},
        rules=RulesSet(aggregation="mean"),
        shadow=("s1",),
    )
    perform(log, "a", {"j1": "8", "j2": "8", "s1": "3"}, reveal=True)
    perform(log, "b", {"j1": "9", "j2": "9"})
    hidden = row(log, "b", public=True)
    assert hidden.status == "pending" and hidden.final is None and hidden.judges == ()
    assert hidden.rank is None and row(log, "b").final == D("9.00")
    # the shadow judge's mark is for the audit, never the public
    assert [j.judge for j in row(log, "a", public=True).judges] == ["j1", "j2"]
    assert [j.dropped for j in row(log, "a").judges] == [None, None, "shadow"]
    log.ok(Reveal(contestant="b"))
    a, b = row(log, "a", public=True), row(log, "b", public=True)
    # b's reveal puts b first: a drops from 1 to 2
    assert (b.rank, b.movement) == (1, None)
    assert (a.rank, a.movement) == (2, -1)
    assert log.state.rounds["r1"].entries["b"].revealed == ResultRevealed(
        contestant="b", aggregate=D("9.00"), final=D("9.00"), rank=1
    )
    # and the public figures equal what a replay of the log gives
    again = replay(envelopes(log.events))
    assert board(again, public=True) == board(log.state, public=True)


def test_explicit_recusal_for_all_contestants() -> None:
    log = solo(RulesSet(aggregation="mean"), {"j1": "8.0", "j2": "6.0"})
    log.add(JudgeRecused(judge="j2", reason="conflict of interest"))
    assert row(log, "c1").aggregate == D("8.00")


def test_audit_severity_consistency_and_flags() -> None:
    log = Log()
    competition(
        log,
        contestants={"a": ("Org a", "g1"), "b": ("Org b", "g1"), "c": ("Org c", "g1")},
        judges={"j1": ("Org 1", "p1"), "j2": ("Org 2", "p1"), "j3": ("Org 3", "p1")},
        panels={"p1": ("g1",)},
        rules=RulesSet(aggregation="mean"),
    )
    perform(log, "a", {"j1": "8", "j2": "8", "j3": "2"})  # mean 6, median 8
    perform(log, "b", {"j1": "6", "j2": "6", "j3": "6"})  # mean 6
    perform(log, "c", {"j1": "4", "j2": "4", "j3": "5"})  # mean 13/3
    judges = {j.judge: j for j in audit(log.state).judges}
    # j1: ((8 − 6) + (6 − 6) + (4 − 13/3)) / 3 = (5/3) / 3 = 0.555… → 0.56
    # j3: ((2 − 6) + 0 + (5 − 13/3)) / 3 = (−10/3) / 3 = −1.111… → −1.11
    assert (judges["j1"].severity, judges["j3"].severity) == (D("0.56"), D("-1.11"))
    # j1's order 8 > 6 > 4 against finals 6 = 6 > 4.33: ranks (3, 2, 1) and
    # (2.5, 2.5, 1): r = 1.5 / sqrt(2 × 1.5) = 0.866; j3's (1, 3, 2): r = 0
    assert (judges["j1"].consistency, judges["j3"].consistency) == (D("0.866"), D("0.000"))
    # j3's 2 on a is 6 from the median 8, beyond 15% of 10 = 1.5; j3's 5 on c is 1 away
    assert [(s.contestant, s.flagged) for s in judges["j3"].sheets] == [
        ("a", True),
        ("b", False),
        ("c", False),
    ]
    assert judges["j3"].flagged == 1 and judges["j1"].flagged == 0


def test_no_consistency_from_two_sheets() -> None:
    """Two pairs always correlate ±1: a final's judges with two sheets each read
    1.000 or −1.000 in the judges' sheet of the exports, −1 as if contrary."""
    log = Log()
    competition(
        log,
        contestants={"a": ("Org a", "g1"), "b": ("Org b", "g1")},
        judges={"j1": ("Org 1", "p1"), "j2": ("Org 2", "p1"), "j3": ("Org 3", "p1")},
        panels={"p1": ("g1",)},
        rules=RulesSet(aggregation="mean"),
    )
    perform(log, "a", {"j1": "8", "j2": "6", "j3": "9"})
    perform(log, "b", {"j1": "6", "j2": "8", "j3": "9.5"})
    assert all(j.consistency is None for j in audit(log.state).judges)
