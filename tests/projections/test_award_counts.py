"""The organisers' board counts what each award tier would get if the awards
were published now: the console shows it before the irreversible click."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from events.catalog import AwardsPublished, AwardTier, Label, RulesSet
from projections.board import AwardCount, board
from projections.commands import PublishAwards, WithdrawContestant
from tests.projections.log import Log, competition, perform

# g1: 9, 9, 8, 7, 6 ; g2: 5, 4 ; c8 (g2) not yet scored
MARKS = {"c1": "9", "c2": "9", "c3": "8", "c4": "7", "c5": "6", "c6": "5", "c7": "4"}
TIERS = (
    AwardTier(key="first", name=Label(en="First"), by="share", share=Decimal("0.17")),
    AwardTier(key="second", name=Label(en="Second"), by="share", share=Decimal("0.5")),
    AwardTier(key="third", name=Label(en="Third"), by="rank"),  # everyone left
    AwardTier(
        key="out",
        name=Label(en="Out"),
        by="rank",
        count=1,
        scope="group",
        from_bottom=True,
        eliminates=True,
    ),
)


def scored() -> Log:
    log = Log()
    groups = {c: "g1" for c in ("c1", "c2", "c3", "c4", "c5")} | {
        "c6": "g2",
        "c7": "g2",
        "c8": "g2",
    }
    competition(
        log,
        contestants={c: (f"Org {c}", g) for c, g in groups.items()},
        judges={"j1": ("Org J", "p1")},
        panels={"p1": ("g1", "g2")},
        rules=RulesSet(aggregation="mean", awards=TIERS),
    )
    for contestant, value in MARKS.items():
        perform(log, contestant, {"j1": value})
    return log


def counts(log: Log) -> dict[str, int]:
    return {c.award: c.count for c in board(log.state, public=False).award_counts}


def test_each_tier_is_counted_by_share_with_ties_at_the_cut_and_the_rest() -> None:
    log = scored()
    # 7 ranked: first half-up(1.19) = 1, tied at the cut: 2; second half-up(3.5) = 4;
    # third everyone left (c7); "out" finds nobody left in either group
    assert counts(log) == {"first": 2, "second": 4, "third": 1, "out": 0}
    view = board(log.state, public=False)
    assert view.award_counts[0] == AwardCount("first", Label(en="First"), 2)
    assert view.award_counts[-1].eliminates
    # the audience's board carries no preview
    assert board(log.state, public=True).award_counts == ()


def test_the_counts_are_what_publishing_gives() -> None:
    log = scored()
    preview = counts(log)
    log.ok(WithdrawContestant(contestant="c8", reason="ill"))
    assert counts(log) == preview  # never ranked: nothing moves
    published = log.ok(PublishAwards(round="r1"))[0]
    assert isinstance(published, AwardsPublished)
    given = Counter(a.award for a in published.awards)
    assert {key: given[key] for key in preview} == preview
    # published, the counts still say what publishing again would give
    assert counts(log) == preview
