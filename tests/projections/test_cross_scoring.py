"""The users' scenario: 100 contestants from 85 organisations in 4 groups,
80 judges from the same organisations in 4 panels each scoring another
group, checked against an independent computation written here with
nothing but fractions."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import msgspec

from events.catalog import AwardTier, Component, Label, PriorScoreRecorded, RulesSet
from projections.audit import AuditView, audit
from projections.board import BoardView, board
from projections.commands import (
    CallContestant,
    CloseScoring,
    PublishAwards,
    Reveal,
    SubmitScore,
    WithdrawContestant,
)
from projections.progress import ProgressView, contestant_progress, progress
from projections.state import replay
from tests.projections.log import Log, competition, envelopes, judge

GROUPS = ("g0", "g1", "g2", "g3")
CONTESTANTS = {f"c{i:03d}": (f"Org {i % 85}", GROUPS[i % 4]) for i in range(100)}
JUDGES = {f"j{j:02d}": (f"Org {j}", f"p{j % 4}") for j in range(80)}
PANELS = {f"p{k}": (GROUPS[(k + 1) % 4],) for k in range(4)}
RULES = RulesSet(
    aggregation="trimmed_mean",
    trim=1,
    quorum=5,
    composite=(
        Component(source="expert", weight=Decimal("0.4")),
        Component(source="live", weight=Decimal("0.6")),
    ),
    awards=(
        AwardTier(key="top10", name=Label(zh_cn="十佳", en="Top ten"), by="rank", count=10),
        AwardTier(key="excellent", name=Label(zh_cn="优秀", en="Excellent"), by="rank", count=20),
        AwardTier(
            key="eliminated",
            name=Label(en="Eliminated"),
            by="rank",
            count=5,
            from_bottom=True,
            eliminates=True,
        ),
        AwardTier(key="finalist", name=Label(zh_cn="入围", en="Finalist"), by="rank"),
    ),
)


def half_up(value: Fraction) -> Fraction:
    """To 2 decimals, halves away from zero (all values here are positive)."""
    return Fraction(int(value * 100 + Fraction(1, 2)), 100)


def run_show() -> tuple[Log, dict[str, dict[str, Fraction]], dict[str, Fraction]]:
    rng = random.Random(20260501)
    log = Log()
    competition(log, contestants=CONTESTANTS, judges=JUDGES, panels=PANELS, rules=RULES, decimals=2)
    expert = {c: Fraction(rng.randrange(600, 1000), 10) for c in CONTESTANTS}
    for contestant, value in expert.items():
        log.add(
            PriorScoreRecorded(
                contestant=contestant,
                source="expert",
                value=Decimal(value.numerator) / value.denominator,
            )
        )
    log.ok(WithdrawContestant(contestant="c057", reason="ill"))
    sheets: dict[str, dict[str, Fraction]] = {}
    recused = 0
    for contestant, (organisation, group) in CONTESTANTS.items():
        if contestant == "c057":
            continue
        log.ok(CallContestant(contestant=contestant))
        sheets[contestant] = {}
        for judge_id, (judge_org, panel) in JUDGES.items():
            if group not in PANELS[panel]:
                continue
            if judge_org == organisation:
                refused = log.refused(
                    SubmitScore(
                        contestant=contestant,
                        points={"score": Decimal(5)},
                        submission_id=f"{judge_id}{contestant}x",
                    ),
                    judge(judge_id),
                )
                assert refused.code == "judge_recused"
                recused += 1
                continue
            value = Fraction(rng.randrange(50, 101), 10)
            if rng.random() < 0.1:  # a change of mind while open: the later one counts
                log.ok(
                    SubmitScore(
                        contestant=contestant,
                        points={"score": Decimal(rng.randrange(50, 101)) / 10},
                        submission_id=f"{judge_id}{contestant}a",
                    ),
                    judge(judge_id),
                )
            log.ok(
                SubmitScore(
                    contestant=contestant,
                    points={"score": Decimal(value.numerator) / value.denominator},
                    submission_id=f"{judge_id}{contestant}b",
                ),
                judge(judge_id),
            )
            sheets[contestant][judge_id] = value
        progress = contestant_progress(log.state, log.state.contestants[contestant])
        assert progress.missing == () and progress.scored == len(sheets[contestant])
        log.ok(CloseScoring(contestant=contestant))
        log.ok(Reveal(contestant=contestant))
    # contestants 85-99 share an organisation with one judge of the panel scoring them
    assert recused == 15
    return log, sheets, expert


def test_cross_scored_competition_matches_an_independent_computation() -> None:
    log, sheets, expert = run_show()
    finals: dict[str, Fraction] = {}
    lives: dict[str, Fraction] = {}
    for contestant, marks in sheets.items():
        ordered = sorted(marks.values())
        assert (
            len(ordered) >= 18
        )  # 20 judges in the panel, minus at most 2 of the same organisation
        live = sum(ordered[1:-1], Fraction(0)) / (len(ordered) - 2)
        lives[contestant] = half_up(live)
        finals[contestant] = half_up(Fraction(2, 5) * expert[contestant] + Fraction(3, 5) * live)
    ranks = {c: 1 + sum(1 for f in finals.values() if f > finals[c]) for c in finals}
    top10 = {c for c in finals if ranks[c] <= 10}
    rest = {c: f for c, f in finals.items() if c not in top10}
    excellent = {c for c in rest if sum(1 for f in rest.values() if f > rest[c]) < 20}
    rest = {c: f for c, f in rest.items() if c not in excellent}
    eliminated = {c for c in rest if sum(1 for f in rest.values() if f <= rest[c]) <= 5}
    expected_award = {
        c: "top10"
        if c in top10
        else "excellent"
        if c in excellent
        else "eliminated"
        if c in eliminated
        else "finalist"
        for c in finals
    }

    view = board(log.state, public=False)
    rows = {r.contestant: r for r in view.overall}
    assert rows["c057"].status == "withdrawn" and rows["c057"].rank is None
    for contestant in finals:
        r = rows[contestant]
        assert r.status == "scored"
        assert Fraction(r.aggregate) == lives[contestant], contestant
        assert Fraction(r.final) == finals[contestant], contestant
        assert r.rank == ranks[contestant], contestant
        assert r.award == expected_award[contestant], contestant
        assert r.judges_counted == len(sheets[contestant]) - 2
    assert len(top10) >= 10 and len(eliminated) <= 5

    # per group: ranks within the group alone
    for table in view.groups:
        group_finals = {
            r.contestant: finals[r.contestant] for r in table.rows if r.contestant in finals
        }
        for r in table.rows:
            if r.contestant in group_finals:
                assert r.rank == 1 + sum(
                    1 for f in group_finals.values() if f > group_finals[r.contestant]
                )

    # everything was revealed: the public board is the admin's, awards aside
    public = board(log.state, public=True)
    assert [(r.contestant, r.rank, r.final) for r in public.overall] == [
        (r.contestant, r.rank, r.final) for r in view.overall
    ]
    (published,) = log.ok(PublishAwards(round="r1"))
    assert {g.contestant: g.award for g in published.awards} == expected_award
    assert board(log.state, public=True).overall[0].award == "top10"

    # a replay of the log gives the same board
    assert board(replay(envelopes(log.events)), public=False) == board(log.state, public=False)


def test_views_are_json_with_decimals_as_strings_and_decode_back() -> None:
    log, _, _ = run_show()
    for view, kind in [
        (board(log.state, public=True), BoardView),
        (audit(log.state), AuditView),
        (progress(log.state), ProgressView),
    ]:
        encoded = msgspec.json.encode(view)
        assert msgspec.json.decode(encoded, type=kind) == view
    top = msgspec.json.decode(msgspec.json.encode(board(log.state, public=True)))["overall"][0]
    assert isinstance(top["final"], str) and "E" not in top["final"]
