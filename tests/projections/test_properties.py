"""Properties of the fold over generated competitions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from random import Random

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events.catalog import (
    AnyEvent,
    AwardsPublished,
    AwardTier,
    Component,
    ContestantCalled,
    Label,
    PanelAssigned,
    PriorScoreRecorded,
    ResultRevealed,
    RulesSet,
    ScoreAmended,
    ScoreSubmitted,
    ScoringClosed,
    ScoringOpened,
    TieBreak,
)
from events.envelope import Actor
from projections.audit import audit
from projections.board import BoardRow, board
from projections.commands import PublishAwards
from projections.decide import Rejection, decide
from projections.errors import OutOfSequence
from projections.progress import progress
from projections.state import Competition, apply, replay
from tests.projections.log import ADMIN, Log, competition, envelopes

TIE_BREAKS = st.sampled_from(
    [
        TieBreak(kind="live"),
        TieBreak(kind="untrimmed_mean"),
        TieBreak(kind="spread"),
        TieBreak(kind="component", source="prior"),
        TieBreak(kind="shared"),
    ]
)
TIERS = st.builds(
    AwardTier,
    key=st.sampled_from(["a", "b", "c", "d"]),
    name=st.just(Label(en="tier")),
    by=st.sampled_from(["rank", "share"]),
    count=st.one_of(st.none(), st.integers(0, 4)),
    share=st.sampled_from([Decimal("0.1"), Decimal("0.5"), Decimal("0.25")]),
    scope=st.sampled_from(["group", "overall"]),
    from_bottom=st.booleans(),
)
RULES = st.builds(
    RulesSet,
    aggregation=st.sampled_from(["mean", "trimmed_mean", "median", "closest_pair"]),
    trim=st.integers(0, 2),
    quorum=st.integers(1, 3),
    normalise=st.booleans(),
    composite=st.sampled_from(
        [
            (Component(source="live", weight=Decimal(1)),),
            (
                Component(source="prior", weight=Decimal("0.4")),
                Component(source="live", weight=Decimal("0.6")),
            ),
        ]
    ),
    compose_from=st.sampled_from(["exact", "rounded"]),
    tie_breaks=st.lists(TIE_BREAKS, max_size=3).map(tuple),
    awards=st.lists(TIERS, max_size=4).map(tuple),
)
POINTS = st.integers(0, 100).map(lambda n: Decimal(n).scaleb(-1))


@dataclass
class Show:
    setup: list[AnyEvent]
    opens: list[AnyEvent]
    scores: list[tuple[Actor, ScoreSubmitted]]
    closes: list[AnyEvent]
    amendments: list[AnyEvent]

    def events(self) -> list[tuple[Actor, AnyEvent]]:
        return [
            *((ADMIN, e) for e in self.setup),
            *((ADMIN, e) for e in self.opens),
            *self.scores,
            *((ADMIN, e) for e in self.closes),
            *((ADMIN, e) for e in self.amendments),
        ]


@st.composite
def shows(draw: st.DrawFn) -> Show:
    """A one-round show: every contestant opened, then the judges' sheets
    (each pair of judge and contestant at most once), then every close."""
    contestants = [f"c{i}" for i in range(draw(st.integers(2, 7)))]
    judges = [f"j{i}" for i in range(draw(st.integers(1, 6)))]
    log = Log()
    competition(
        log,
        contestants={
            c: (f"Org {draw(st.integers(0, 5))}", draw(st.sampled_from(["g1", "g2"])))
            for c in contestants
        },
        judges={
            j: (f"Org {draw(st.integers(0, 9))}", draw(st.sampled_from(["p1", "p2"])))
            for j in judges
        },
        panels={"p1": ("g1", "g2"), "p2": ("g2",)},
        rules=draw(RULES),
        shadow=tuple(j for j in judges if draw(st.integers(0, 5)) == 0),
    )
    setup = [event for _, event in log.events]
    setup += [
        PriorScoreRecorded(contestant=c, source="prior", value=draw(POINTS))
        for c in contestants
        if draw(st.booleans()) or c == contestants[0]
    ]
    opens: list[AnyEvent] = []
    for c in contestants:
        opens += [ContestantCalled(contestant=c), ScoringOpened(contestant=c)]
    scores: list[tuple[Actor, ScoreSubmitted]] = []
    for c in contestants:
        for j in judges:
            if draw(st.integers(0, 4)) == 0:
                continue
            abstain = draw(st.integers(0, 9)) == 0
            scores.append(
                (
                    Actor(role="judge", id=j),
                    ScoreSubmitted(
                        judge=j,
                        contestant=c,
                        points={} if abstain else {"score": draw(POINTS)},
                        submission_id=f"{j}-{c}-sheet",
                        abstain=abstain,
                    ),
                )
            )
    closes: list[AnyEvent] = [ScoringClosed(contestant=c) for c in contestants]
    amendments: list[AnyEvent] = [
        ScoreAmended(
            judge=sheet.judge,
            contestant=sheet.contestant,
            points={"score": draw(POINTS)},
            reason="correction",
        )
        for _, sheet in scores
        if draw(st.integers(0, 5)) == 0
    ]
    return Show(setup, opens, scores, closes, amendments)


def views(state: Competition) -> tuple[object, ...]:
    return (board(state, public=False), board(state, public=True), audit(state), progress(state))


@settings(max_examples=40, deadline=None)
@given(shows(), st.data())
def test_applying_one_by_one_equals_replaying_everything(show: Show, data: st.DataObject) -> None:
    events = show.events()
    events = events[: data.draw(st.integers(len(show.setup), len(events)))]
    # views looked at along the way (which fill caches) must not differ from
    # a replay, at any point of the show
    log = Log()
    for actor, event in events:
        log.add(event, actor=actor)
        if data.draw(st.integers(0, 3)) == 0:
            views(log.state)
        if isinstance(event, ScoringClosed) and data.draw(st.booleans()):
            log.add(ResultRevealed(contestant=event.contestant))
    if data.draw(st.booleans()):
        log.add(PanelAssigned(panel="p2", groups=("g1",)))
    assert views(replay(envelopes(log.events))) == views(log.state)


@settings(max_examples=40, deadline=None)
@given(shows(), st.randoms(use_true_random=False))
def test_the_arrival_order_of_scores_changes_no_result(show: Show, random: Random) -> None:
    shuffled = list(show.scores)
    random.shuffle(shuffled)
    again = Show(show.setup, show.opens, shuffled, show.closes, show.amendments)
    first = replay(envelopes(show.events()))
    second = replay(envelopes(again.events()))
    assert board(first, public=False) == board(second, public=False)


def ranked(rows: tuple[BoardRow, ...]) -> list[BoardRow]:
    return [r for r in rows if r.rank is not None]


@settings(max_examples=60, deadline=None)
@given(shows())
def test_ranks_agree_with_finals_and_each_contestant_has_at_most_one_award(show: Show) -> None:
    state = replay(envelopes(show.events()))
    view = board(state, public=False)
    for rows in [view.overall, *(table.rows for table in view.groups)]:
        field = ranked(rows)
        for row in field:
            assert row.status == "scored" and row.final is not None
            finals = [other.final for other in field if other.final is not None]
            better = sum(1 for final in finals if final > row.final)
            level = sum(1 for final in finals if final >= row.final)
            assert better + 1 <= row.rank <= level
        for row in rows:
            if row.rank is None:
                assert row.status != "scored" and row.award is None
        assert Counter(r.contestant for r in rows).most_common(1)[0][1] == 1
    published = decide(state, PublishAwards(round="r1"), ADMIN)
    assert not isinstance(published, Rejection)
    (event,) = published
    assert isinstance(event, AwardsPublished)
    awarded = [g.contestant for g in event.awards]
    assert len(awarded) == len(set(awarded))
    assert {g.contestant: g.award for g in event.awards} == {
        r.contestant: r.award for r in view.overall if r.award is not None
    }
    assert set(awarded) <= {r.contestant for r in ranked(view.overall)}


def test_an_envelope_that_does_not_continue_the_stream_is_refused() -> None:
    sealed = envelopes(
        [(ADMIN, ScoringOpened(contestant="c1")), (ADMIN, ScoringClosed(contestant="c1"))]
    )
    state = Competition.empty("test")
    with pytest.raises(OutOfSequence, match="seq 2 does not follow"):
        apply(state, sealed[1])
    state = apply(state, sealed[0])
    with pytest.raises(OutOfSequence):
        apply(state, sealed[0])
    other = envelopes([(ADMIN, ScoringOpened(contestant="c1"))], stream="other")
    with pytest.raises(OutOfSequence):
        apply(Competition.empty("test"), other[0])


def index(state: Competition) -> dict[str, dict[str, int]]:
    return {
        judge: {sid: mark.seq for sid, mark in sheets.items()}
        for judge, sheets in state.submissions.items()
    }


@settings(max_examples=60, deadline=None)
@given(shows(), st.data())
def test_the_submission_index_built_late_equals_the_one_kept_up(
    show: Show, data: st.DataObject
) -> None:
    """``decide`` finds a retried sheet by judge and submission id: the index
    built from the marks on first use equals the one the fold keeps up from
    then on, whenever it is first asked for (sheets resubmitted, amended, and
    an id used twice: the first sheet with it counts)."""
    pool = [f"sheet-{n:04d}" for n in range(4)]
    again = data.draw(st.lists(st.sampled_from(show.scores), max_size=8)) if show.scores else []
    resubmitted = [
        (actor, msgspec.structs.replace(sheet, submission_id=data.draw(st.sampled_from(pool))))
        for actor, sheet in again
    ]
    events = [*show.setup, *show.opens]
    sheets = [*show.scores, *resubmitted]
    log = Log()
    for event in events:
        log.add(event)
    asked_at = data.draw(st.integers(0, len(sheets)))
    for n, (actor, sheet) in enumerate(sheets):
        if n == asked_at:
            index(log.state)  # from here on the fold keeps it up
        log.add(sheet, actor=actor)
    for event in show.amendments:
        log.add(event)
    assert index(log.state) == index(replay(envelopes(log.events)))
    first: dict[tuple[str, str], int] = {}
    for envelope in envelopes(log.events):
        if isinstance(envelope.data, ScoreSubmitted):
            first.setdefault((envelope.data.judge, envelope.data.submission_id), envelope.seq)
    assert {(j, s): seq for j, sids in index(log.state).items() for s, seq in sids.items()} == first
