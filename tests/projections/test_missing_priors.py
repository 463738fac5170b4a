"""The audit view lists the prior scores not yet recorded, so the console can
ask for them before the reveals: without one a result is incomplete (rules §7)."""

from __future__ import annotations

from decimal import Decimal

from events.catalog import Component, Label, PriorScoreRecorded, RulesSet
from projections.audit import MissingPrior, audit
from projections.commands import DrawOrder, WithdrawContestant
from tests.projections.log import Log, competition

EXPERT = Label(zh_cn="专家评审", en="Expert review")
WRITTEN = Label(zh_cn="笔试", en="Written test")
RULES = RulesSet(
    aggregation="mean",
    composite=(
        Component(source="expert", weight=Decimal("0.3"), label=EXPERT),
        Component(source="written", weight=Decimal("0.2"), label=WRITTEN),
        Component(source="live", weight=Decimal("0.5"), label=Label(en="Live")),
    ),
)


def four_contestants() -> Log:
    log = Log()
    competition(
        log,
        contestants={c: (f"Org {c}", "g1") for c in ("c1", "c2", "c3", "c4")},
        judges={"j1": ("Org J", "p1")},
        panels={"p1": ("g1",)},
        rules=RULES,
    )
    return log


def test_every_prior_source_lists_who_lacks_it_in_running_order() -> None:
    log = four_contestants()
    log.add(
        PriorScoreRecorded(contestant="c1", source="expert", value=Decimal("80")),
        PriorScoreRecorded(contestant="c3", source="expert", value=Decimal("82")),
        PriorScoreRecorded(contestant="c1", source="written", value=Decimal("70")),
        PriorScoreRecorded(contestant="c2", source="written", value=Decimal("71")),
        PriorScoreRecorded(contestant="c3", source="written", value=Decimal("72")),
        PriorScoreRecorded(contestant="c4", source="written", value=Decimal("73")),
    )
    assert audit(log.state).missing_priors == (MissingPrior("expert", EXPERT, ("c2", "c4")),)

    log.ok(DrawOrder(round="r1", seed="fixed"))
    order = log.state.rounds["r1"].order
    assert audit(log.state).missing_priors[0].contestants == tuple(
        c for c in order if c in {"c2", "c4"}
    )

    # a withdrawn contestant is never ranked: nothing to record for them
    log.ok(WithdrawContestant(contestant="c2", reason="ill"))
    assert audit(log.state).missing_priors == (MissingPrior("expert", EXPERT, ("c4",)),)

    log.add(PriorScoreRecorded(contestant="c4", source="expert", value=Decimal("90")))
    assert audit(log.state).missing_priors == ()


def test_a_source_no_one_has_is_listed_for_everyone_in_the_composites_order() -> None:
    log = four_contestants()
    log.add(PriorScoreRecorded(contestant="c1", source="expert", value=Decimal("80")))
    missing = audit(log.state).missing_priors
    assert [(m.source, m.contestants) for m in missing] == [
        ("expert", ("c2", "c3", "c4")),
        ("written", ("c1", "c2", "c3", "c4")),
    ]


def test_a_live_only_competition_misses_nothing() -> None:
    log = Log()
    competition(
        log,
        contestants={"c1": ("Org", "g1")},
        judges={},
        panels={},
        rules=RulesSet(aggregation="mean"),
    )
    assert audit(log.state).missing_priors == ()
