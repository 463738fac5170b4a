"""What the pages need to know of a competition's set-up, and a judge's own view."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from events.catalog import Label
from projections.standings import least_valid
from projections.state import Competition


class CriterionView(msgspec.Struct, frozen=True, gc=False):
    key: str
    label: Label
    maximum: Decimal
    weight: Decimal


class GroupView(msgspec.Struct, frozen=True, gc=False):
    group: str
    name: Label


class RoundView(msgspec.Struct, frozen=True, gc=False):
    round: str
    name: Label
    opened: bool
    closed: bool
    seed: str | None
    order: tuple[str, ...]
    members: tuple[str, ...]


class ContestantView(msgspec.Struct, frozen=True, gc=False):
    contestant: str
    name: str
    organisation: str
    group: str
    round: str
    withdrawn: bool
    disqualified: bool


class JudgeEntry(msgspec.Struct, frozen=True, gc=False):
    judge: str
    name: str
    panel: str
    shadow: bool
    groups: tuple[str, ...] = ()
    """The groups the judge's panel scores (cross-scoring: seldom their own)."""


class SetupView(msgspec.Struct, frozen=True, gc=False):
    """The competition as set up: public, nothing about scores."""

    stream: str
    seq: int
    title: Label
    languages: tuple[str, ...]
    decimals: int
    places: int
    criteria: tuple[CriterionView, ...]
    groups: tuple[GroupView, ...]
    current_round: str | None
    rounds: tuple[RoundView, ...]
    contestants: tuple[ContestantView, ...]
    judges: tuple[JudgeEntry, ...]
    quorum: int = 1
    """The fewest valid marks a result needs (docs/rules.md §6): the rules'
    ``quorum``, or more where the aggregation needs more (a trimmed mean
    striking k at each end needs 2k + 1). Scoring closed with fewer leaves
    the result withheld, which the console warns of before it closes."""


class SheetView(msgspec.Struct, frozen=True, gc=False):
    """One of the judge's own sheets as the log holds it now."""

    contestant: str
    round: str
    seq: int
    submission_id: str | None
    kind: str
    abstain: bool
    points: dict[str, Decimal]


class JudgeView(msgspec.Struct, frozen=True, gc=False):
    """What a judge may see of their own part: who they score and what they gave."""

    stream: str
    seq: int
    judge: str
    name: str
    panel: str
    shadow: bool
    expected: tuple[str, ...]
    sheets: tuple[SheetView, ...]


def setup(state: Competition) -> SetupView:
    current = state.round()
    return SetupView(
        stream=state.stream,
        seq=state.seq,
        title=state.title,
        languages=tuple(state.languages),
        decimals=state.decimals,
        places=state.scoresheet.places,
        criteria=tuple(
            CriterionView(c.key, c.label, c.maximum, c.weight) for c in state.scoresheet.criteria
        ),
        groups=tuple(GroupView(g, name) for g, name in state.groups.items()),
        current_round=current.id if current is not None else None,
        rounds=tuple(
            RoundView(r.id, r.name, r.opened, r.closed, r.seed, r.order, tuple(r.members))
            for r in state.rounds.values()
        ),
        contestants=tuple(
            ContestantView(
                c.id,
                c.name,
                c.organisation,
                c.group,
                c.round,
                c.withdrawn is not None,
                c.disqualified is not None,
            )
            for c in state.contestants.values()
        ),
        judges=tuple(
            JudgeEntry(j.id, j.name, j.panel, j.shadow, state.panels.get(j.panel, ()))
            for j in state.judges.values()
        ),
        quorum=least_valid(state.rules),
    )


def judge_view(state: Competition, judge_id: str) -> JudgeView | None:
    """The judge's own view, or None for a judge the competition does not have."""
    judge = state.judges.get(judge_id)
    if judge is None:
        return None
    sheets = tuple(
        SheetView(
            contestant,
            round_.id,
            mark.seq,
            mark.submission_id,
            mark.kind,
            mark.abstain,
            dict(mark.points),
        )
        for round_ in state.rounds.values()
        for contestant, entry in round_.entries.items()
        if (mark := entry.marks.get(judge.id)) is not None
    )
    # in the round being run: a judge may stand aside from the final only
    current = state.round()
    expected = tuple(
        c.id
        for c in state.contestants.values()
        if not c.out and state.judge_expected(judge, c, current.id if current else None)
    )
    return JudgeView(
        state.stream, state.seq, judge.id, judge.name, judge.panel, judge.shadow, expected, sheets
    )
