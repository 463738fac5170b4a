"""A small finished round to export: two groups, five judges and a shadow
judge on one panel, trimmed mean, a composite with an expert review, awards."""

from __future__ import annotations

from decimal import Decimal

from events.catalog import AwardTier, Component, Label, RulesSet
from projections.commands import (
    FinaliseResults,
    PublishAwards,
    RecordPriorScore,
    WithdrawContestant,
)
from projections.state import Competition
from tests.projections.log import Log, competition, perform

JUDGES = ("j1", "j2", "j3", "j4", "j5")
MARKS = {
    # contestant → the five judges' marks and the shadow judge's
    "c1": ("8.5", "9", "7.5", "8", "9.5", "6"),  # 8 + 8.5 + 9 → 8.50
    "c2": ("8", "8", "8.5", "7", "9", "5"),  # 8 + 8 + 8.5 → 8.17
    "c3": ("6.5", "7", "9", "7.5", "7", "9"),  # 7 + 7 + 7.5 → 7.17
    "c4": ("9", "9.5", "9", "8.5", "10", "7"),  # 9 + 9 + 9.5 → 9.17
}
REVIEW = {"c1": "7.125", "c2": "9", "c3": "8.5", "c4": "6"}


def results_log(*, publish: bool = False, decimals: int = 2) -> Log:
    """The round with c1 … c4 scored and c5 still to perform (withdrawn
    when the awards are published, then finalised)."""
    log = Log("ex")
    competition(
        log,
        contestants={
            "c1": ("Org 1", "g1"),
            "c2": ("Org 2", "g1"),
            "c3": ("Org 3", "g2"),
            "c4": ("Org 4", "g2"),
            "c5": ("Org 5", "g2"),
        },
        judges={j: (f"Judges' org {j}", "A") for j in (*JUDGES, "s1")},
        panels={"A": ("g1", "g2")},
        rules=RulesSet(
            aggregation="trimmed_mean",
            trim=1,
            quorum=3,
            composite=(
                Component(source="live", weight=Decimal("0.7")),
                Component(
                    source="review",
                    weight=Decimal("0.3"),
                    label=Label(zh_cn="专家评审", en="Review"),
                ),
            ),
            awards=(
                AwardTier(key="gold", name=Label(zh_cn="金奖", en="Gold"), by="rank", count=1),
                AwardTier(key="merit", name=Label(zh_cn="优秀奖", en="Merit"), by="rank"),
            ),
        ),
        decimals=decimals,
        shadow=("s1",),
    )
    for contestant, value in REVIEW.items():
        log.ok(RecordPriorScore(contestant=contestant, source="review", value=Decimal(value)))
    for contestant, marks in MARKS.items():
        perform(log, contestant, dict(zip((*JUDGES, "s1"), marks, strict=True)), reveal=True)
    if publish:
        log.ok(WithdrawContestant(contestant="c5", reason="ill"))
        log.ok(PublishAwards(round="r1"))
        log.ok(FinaliseResults(round="r1"))
    return log


def state(*, publish: bool = False) -> Competition:
    return results_log(publish=publish).state
