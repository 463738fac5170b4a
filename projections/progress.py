"""Progress: who is on stage, which judges are expected, who has scored (never what)."""

from __future__ import annotations

from typing import Literal

import msgspec

from projections.state import Competition, Contestant, Entry, Judge


class JudgeProgress(msgspec.Struct, frozen=True, omit_defaults=True, gc=False):
    """One expected judge, by id (names and panels are in the setup view). Kept
    this small, false flags left out of the JSON, because this view goes to
    every screen and phone at every score, a row per judge."""

    judge: str
    scored: bool = False
    """A sheet (or an abstention) is in: whether, not what."""
    paper: bool = False
    """A paper sheet keyed in for the judge waits for a second admin (it does
    not count yet)."""


class ContestantProgress(msgspec.Struct, frozen=True, gc=False):
    contestant: str
    name: str
    organisation: str
    group: str
    round: str | None
    scoring_open: bool
    closed: bool
    revealed: bool
    expected: tuple[JudgeProgress, ...]
    """Counted judges: the panels assigned to the group, minus recused ones
    and those from the contestant's organisation."""
    shadow: tuple[JudgeProgress, ...]
    scored: int
    missing: tuple[str, ...]


class ProgressView(msgspec.Struct, frozen=True, gc=False):
    stream: str
    seq: int
    round: str | None
    on_stage: ContestantProgress | None
    open: tuple[ContestantProgress, ...]
    """Every other contestant whose scoring is open (the one on stage is not
    repeated here)."""


def progress(state: Competition) -> ProgressView:
    """Where the show stands."""
    on_stage = state.contestants.get(state.on_stage) if state.on_stage else None
    current = state.round()
    open_now = [
        state.contestants[c]
        for c, entry in state.active.items()
        if entry.scoring_open and c in state.contestants and c != state.on_stage
    ]
    return ProgressView(
        stream=state.stream,
        seq=state.seq,
        round=current.id if current is not None else None,
        on_stage=contestant_progress(state, on_stage) if on_stage is not None else None,
        open=tuple(contestant_progress(state, c) for c in open_now),
    )


def contestant_progress(state: Competition, contestant: Contestant) -> ContestantProgress:
    """Which expected judges have scored ``contestant`` in their current round."""
    entry = state.entry_for(contestant.id)
    judges = state.expected_judges(contestant)
    paper = {
        sheet.judge
        for sheet in state.paper_sheets.values()
        if sheet.status == "pending" and sheet.contestant == contestant.id
    }
    expected = tuple(_judge(j, entry, paper) for j in judges if not j.shadow)
    return ContestantProgress(
        contestant=contestant.id,
        name=contestant.name,
        organisation=contestant.organisation,
        group=contestant.group,
        round=entry.round if entry is not None else None,
        scoring_open=entry is not None and entry.scoring_open,
        closed=entry is not None and entry.closed,
        revealed=entry is not None and entry.revealed is not None,
        expected=expected,
        shadow=tuple(_judge(j, entry, paper) for j in judges if j.shadow),
        scored=sum(1 for j in expected if j.scored),
        missing=tuple(j.judge for j in expected if not j.scored),
    )


def _judge(judge: Judge, entry: Entry | None, paper: set[str]) -> JudgeProgress:
    scored = entry is not None and judge.id in entry.marks
    return JudgeProgress(judge.id, scored, not scored and judge.id in paper)


ShowStage = Literal["not_started", "running", "final"]


def show_stage(state: Competition) -> ShowStage:
    """Where the round being run stands: nobody called yet, under way, or its
    results finalised."""
    round_ = state.round()
    if round_ is None or not round_.entries:
        return "not_started"
    return "final" if round_.final else "running"
