"""The set-up view's ``quorum`` is where a closed result is withheld: the console
warns by it before closing, so it must be the number the standings use."""

from __future__ import annotations

from decimal import Decimal

import pytest

from events.catalog import RulesSet
from projections.commands import CallContestant, CloseScoring, SubmitScore
from projections.setup import setup
from projections.standings import standings
from tests.projections.log import Log, competition, judge


def status_with(rules: RulesSet, valid: int, judges: int) -> str:
    """c1's status once closed with ``valid`` marks, the other judges abstaining."""
    log = Log()
    competition(
        log,
        contestants={"c1": ("Org C", "g1")},
        judges={f"j{i}": (f"Org {i}", "p1") for i in range(judges)},
        panels={"p1": ("g1",)},
        rules=rules,
    )
    log.ok(CallContestant(contestant="c1"))
    for i in range(judges):
        sheet = SubmitScore(
            contestant="c1",
            submission_id=f"sheet-{i:04}",
            points={"score": Decimal(5 + i % 5)} if i < valid else {},
            abstain=i >= valid,
        )
        log.ok(sheet, judge(f"j{i}"))
    log.ok(CloseScoring(contestant="c1"))
    round_ = log.state.round()
    assert round_ is not None
    return standings(log.state, round_).results["c1"].status


@pytest.mark.parametrize(
    ("rules", "quorum"),
    [
        (RulesSet(aggregation="mean"), 1),
        (RulesSet(aggregation="mean", quorum=3), 3),
        (RulesSet(aggregation="median", quorum=2), 2),
        (RulesSet(aggregation="trimmed_mean", trim=1, quorum=1), 3),
        (RulesSet(aggregation="trimmed_mean", trim=2, quorum=4), 5),
        (RulesSet(aggregation="trimmed_mean", trim=1, quorum=4), 4),
        (RulesSet(aggregation="closest_pair"), 2),
    ],
)
def test_the_setup_quorum_is_where_a_result_is_withheld(rules: RulesSet, quorum: int) -> None:
    log = Log()
    competition(log, contestants={}, judges={}, panels={}, rules=rules)
    assert setup(log.state).quorum == quorum
    judges = quorum + 1  # one abstains even when the quorum is met
    assert status_with(rules, quorum, judges) == "scored"
    assert status_with(rules, quorum - 1, judges) == "withheld"
