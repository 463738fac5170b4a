"""The demo's sample competition is consistent, and its simulated judges realistic."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from events.catalog import (
    CompetitionCreated,
    ContestantRegistered,
    GroupDefined,
    JudgeRegistered,
    PanelAssigned,
    PriorScoreRecorded,
    RulesSet,
    ScoresheetDefined,
)
from server.definition import Definition
from server.sample import SEED, sample_definition, simulated_points


@pytest.fixture(scope="module")
def sample() -> Definition:
    return sample_definition()


def test_the_sample_is_the_same_every_time(sample: Definition) -> None:
    assert sample_definition() == sample


def test_the_sample_is_bilingual_and_sized_for_a_demo(sample: Definition) -> None:
    created = sample.events[0]
    assert isinstance(created, CompetitionCreated)
    assert created.title.zh_cn and created.title.en
    assert [r.round for r in created.rounds] == ["prelim", "final"]
    contestants = [e for e in sample.events if isinstance(e, ContestantRegistered)]
    assert len(contestants) == 24
    assert len({c.organisation for c in contestants}) == 20
    assert len(sample.judges) == 12
    groups = [e for e in sample.events if isinstance(e, GroupDefined)]
    assert len(groups) == 4 and all(g.name.zh_cn and g.name.en for g in groups)
    sheet = next(e for e in sample.events if isinstance(e, ScoresheetDefined))
    assert len(sheet.criteria) == 3
    assert all(c.label.zh_cn and c.label.en for c in sheet.criteria)
    assert sum(c.weight * c.maximum for c in sheet.criteria) == 100


def test_cross_scoring_every_group_by_another_panel(sample: Definition) -> None:
    contestants = [e for e in sample.events if isinstance(e, ContestantRegistered)]
    judges = [e for e in sample.events if isinstance(e, JudgeRegistered)]
    panels = {e.panel: e.groups for e in sample.events if isinstance(e, PanelAssigned)}
    group_of = {c.organisation: c.group for c in contestants}
    assert {j.panel for j in judges} == set(panels)
    assert Counter(j.panel for j in judges) == {"A": 3, "B": 3, "C": 3, "D": 3}
    assert sorted(g for groups in panels.values() for g in groups) == sorted(
        {c.group for c in contestants}
    )
    for judge in judges:
        home = group_of[judge.organisation]
        assert home not in panels[judge.panel], f"{judge.judge} scores its own group {home}"
    scoring = {g: [j for j in judges if g in panels[j.panel]] for g in group_of.values()}
    rules = next(e for e in sample.events if isinstance(e, RulesSet))
    for contestant in contestants:
        able = [j for j in scoring[contestant.group] if j.organisation != contestant.organisation]
        assert len(able) >= 2 * rules.trim + 1


def test_the_rules_of_the_sample(sample: Definition) -> None:
    rules = next(e for e in sample.events if isinstance(e, RulesSet))
    assert (rules.aggregation, rules.trim) == ("trimmed_mean", 1)
    assert {c.source: c.weight for c in rules.composite} == {
        "expert": Decimal("0.4"),
        "live": Decimal("0.6"),
    }
    assert [(a.key, a.by, a.share, a.scope) for a in rules.awards] == [
        ("first", "share", Decimal("0.1"), "overall"),
        ("second", "share", Decimal("0.2"), "overall"),
        ("third", "share", Decimal("0.3"), "overall"),
    ]
    assert rules.advancement is not None
    assert (rules.advancement.count, rules.advancement.scope) == (3, "group")
    prior = [e for e in sample.events if isinstance(e, PriorScoreRecorded)]
    assert len(prior) == 24 and all(Decimal(60) <= p.value <= 100 for p in prior)


def test_simulated_points_are_deterministic_within_range_and_places(sample: Definition) -> None:
    sheet = next(e for e in sample.events if isinstance(e, ScoresheetDefined))
    contestants = [e.contestant for e in sample.events if isinstance(e, ContestantRegistered)]
    for judge in sample.judges:
        for contestant in contestants:
            points = simulated_points(sample, judge.id, contestant, seed=7)
            assert points == simulated_points(sample, judge.id, contestant, seed=7)
            assert set(points) == {c.key for c in sheet.criteria}
            for criterion in sheet.criteria:
                value = points[criterion.key]
                assert type(value) is Decimal and 0 <= value <= criterion.maximum
                assert value.as_tuple().exponent == -sheet.places
    assert simulated_points(sample, "J01", "201", seed=7) != simulated_points(
        sample, "J01", "201", seed=8
    )


def test_simulated_judges_agree_on_who_is_better(sample: Definition) -> None:
    """A contestant's latent quality shows through every judge: the panel's
    mean totals correlate with the expert reviews made from the same seed."""
    sheet = next(e for e in sample.events if isinstance(e, ScoresheetDefined))
    prior = {e.contestant: e.value for e in sample.events if isinstance(e, PriorScoreRecorded)}
    live: dict[str, Decimal] = {}
    for contestant in prior:
        totals = [
            sum(
                (
                    c.weight * simulated_points(sample, j.id, contestant, SEED)[c.key]
                    for c in sheet.criteria
                ),
                Decimal(0),
            )
            for j in sample.judges
        ]
        live[contestant] = sum(totals, Decimal(0)) / len(totals)
    by_live = sorted(prior, key=live.__getitem__)
    by_expert = sorted(prior, key=prior.__getitem__)
    bottom, top = set(by_live[:8]), set(by_live[-8:])
    assert len(bottom & set(by_expert[:12])) >= 6 and len(top & set(by_expert[-12:])) >= 6


def test_simulating_someone_unknown_is_an_error(sample: Definition) -> None:
    with pytest.raises(ValueError, match="no judge 'J99'"):
        simulated_points(sample, "J99", "101", seed=1)
    with pytest.raises(ValueError, match="no contestant '999'"):
        simulated_points(sample, "J01", "999", seed=1)
