"""The incrementally kept ranking equals a full sort after any sequence of changes."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from events.catalog import (
    ContestantCalled,
    RulesSet,
    ScoreSubmitted,
    ScoringClosed,
    ScoringOpened,
    TieBreak,
)
from projections.ranking import Ranking
from projections.standings import rank_fields, round_results, standings
from tests.projections.log import ADMIN, Log, competition, judge


class SmallChunks(Ranking):
    """Splits and emptied chunks happen in small tests."""

    __slots__ = ()
    chunk = 4


operations = st.lists(
    st.tuples(st.booleans(), st.integers(0, 30), st.sampled_from("abcdefgh")), max_size=200
)


@settings(max_examples=200)
@given(operations)
def test_ranking_equals_a_sorted_list(steps: list[tuple[bool, int, str]]) -> None:
    kept = SmallChunks([(5, "z"), (1, "y")])
    expected = {(5, "z"), (1, "y")}
    for add, key, ident in steps:
        pair = (key, ident)
        if add and pair not in expected:
            kept.add(pair)
            expected.add(pair)
        elif not add and pair in expected:
            kept.remove(pair)
            expected.remove(pair)
        assert (pair in kept) == (pair in expected)
        assert list(kept) == sorted(expected)
        assert len(kept) == len(expected)


CONTESTANTS = [f"c{i}" for i in range(12)]
JUDGES = ["J1", "J2", "J3"]

scores = st.lists(
    st.tuples(
        st.sampled_from(CONTESTANTS),
        st.sampled_from(JUDGES),
        st.integers(0, 6).map(lambda n: Decimal(n) / 2),
        st.booleans(),
    ),
    max_size=80,
)


@settings(max_examples=60, deadline=None)
@given(scores, st.sampled_from(["mean", "median"]))
def test_standings_kept_incrementally_equal_a_full_sort(
    steps: list[tuple[str, str, Decimal, bool]], aggregation: str
) -> None:
    log = Log()
    competition(
        log,
        contestants={c: (f"org-{c}", "g1" if i % 2 else "g2") for i, c in enumerate(CONTESTANTS)},
        judges={j: ("jury", "p1") for j in JUDGES},
        panels={"p1": ("g1", "g2")},
        rules=RulesSet(
            aggregation=aggregation,  # type: ignore[arg-type]
            quorum=1,
            tie_breaks=(TieBreak(kind="spread"),),
        ),
    )
    for contestant in CONTESTANTS:
        log.add(ContestantCalled(contestant=contestant), ScoringOpened(contestant=contestant))
    closed: set[str] = set()
    for n, (contestant, judge_id, points, close) in enumerate(steps):
        if close and contestant not in closed:
            log.add(ScoringClosed(contestant=contestant), actor=ADMIN)
            closed.add(contestant)
        else:
            log.add(
                ScoreSubmitted(
                    judge=judge_id,
                    contestant=contestant,
                    points={"score": points},
                    submission_id=f"sheet-{n:06d}",
                ),
                actor=judge(judge_id),
            )
        round_ = log.state.round()
        assert round_ is not None
        table = standings(log.state, round_)
        overall, groups = rank_fields(log.state, round_results(log.state, round_).values())
        assert (table.overall, table.groups) == (overall, groups)
