"""The audit: every judge's sheets with corrections, severity and consistency.

Severity is the mean of (judge's total − the contestant's exact aggregate)
over the contestants the judge scored that have an aggregate: negative is a
harsh judge. Consistency is Spearman's rank correlation between the judge's
totals and the contestants' finals over the ranked contestants they scored.
A mark is flagged when it is further than ``FLAG_SHARE`` of the sheet's
maximum total from the median of the contestant's valid marks.

Paper sheets keyed in by an admin are listed with their state (waiting for a
second admin, confirmed, rejected, superseded by the judge's own sheet); a
confirmed one is also a version of the judge's sheet, naming who keyed it in
(``on_behalf``) and who confirmed it (``by``).

Prior scores of the composite not yet recorded are listed by source, so the
organiser records them before the reveals: without one a result is
incomplete (docs/rules.md §7), shown without a final and never ranked.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import msgspec

from events.catalog import Label
from projections import rules
from projections.standings import JudgeScore, Result, sheet_maximum, standings
from projections.state import Competition, Judge, Mark, PaperSheet, Round

FLAG_SHARE = Decimal("0.15")
"""A mark more than 15% of the maximum total away from the median is flagged."""

_VALID = (None, "trimmed_low", "trimmed_high", "not_closest")


class SheetVersion(msgspec.Struct, frozen=True, gc=False):
    """One submission or amendment of a sheet, as logged."""

    seq: int
    kind: str
    points: dict[str, Decimal]
    abstain: bool
    total: Decimal | None
    by: str
    """Who wrote it: the judge, the admin who amended it, or the admin who
    confirmed a paper sheet."""
    reason: str | None
    on_behalf: str | None = None
    """For a confirmed paper sheet: the admin who keyed it in."""


class PaperSheetView(msgspec.Struct, frozen=True, gc=False):
    """A paper sheet keyed in by an admin, and what became of it."""

    sheet: str
    seq: int
    judge: str
    contestant: str
    points: dict[str, Decimal]
    abstain: bool
    total: Decimal | None
    entered_by: str
    status: str
    """``pending`` (counts only once a different admin confirms it),
    ``confirmed``, ``rejected`` or ``superseded`` (the judge's own sheet came after)."""
    settled_seq: int | None
    settled_by: str | None
    reason: str | None


class AuditedSheet(msgspec.Struct, frozen=True, gc=False):
    contestant: str
    versions: tuple[SheetVersion, ...]
    """Oldest first; the last is the sheet in force."""
    total: Decimal | None
    value: Decimal | None
    """The total as aggregated (normalised when the rules say so)."""
    counted: bool
    reason: str | None
    median: Decimal | None
    """Median of the contestant's valid marks (exact; halves kept)."""
    deviation: Decimal | None
    flagged: bool


class JudgeAudit(msgspec.Struct, frozen=True, gc=False):
    judge: str
    name: str
    organisation: str
    panel: str
    shadow: bool
    sheets: tuple[AuditedSheet, ...]
    corrections: int
    """Sheets replaced by a later submission or amended by an admin."""
    severity: Decimal | None
    consistency: Decimal | None
    flagged: int


class MissingPrior(msgspec.Struct, frozen=True, gc=False):
    """A prior score of the composite (an expert review …) that the log holds
    for none of ``contestants``: their results stay incomplete until it is
    recorded (``prior-scores``)."""

    source: str
    label: Label
    contestants: tuple[str, ...]
    """The round's contestants still competing, in running order."""


class PriorHeld(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
    """A contestant's prior score counting in the round, and where it comes from."""

    contestant: str
    value: Decimal | None = None
    """None: missing (the result stays incomplete until it is recorded)."""
    round: str | None = None
    """The round it was recorded for: this one (its own), or an earlier one whose
    score the contestant carries (one recorded from the first round on counts as
    recorded for the round the contestant first competes in)."""


class RoundPriors(msgspec.Struct, frozen=True, gc=False):
    """One prior source of the composite for every member of the round still
    competing, in running order: what the console's prior scores card lists."""

    source: str
    label: Label
    contestants: tuple[PriorHeld, ...]


class AuditView(msgspec.Struct, frozen=True, gc=False):
    stream: str
    seq: int
    round: str | None
    flag_share: Decimal
    judges: tuple[JudgeAudit, ...]
    paper_sheets: tuple[PaperSheetView, ...] = ()
    """Every keyed-in paper sheet of the competition, in log order."""
    missing_priors: tuple[MissingPrior, ...] = ()
    """Per prior source of the composite that some contestant of the round
    lacks, in the composite's order: who lacks it. Empty when none is missing."""
    priors: tuple[RoundPriors, ...] = ()
    """Per prior source of the composite, each member's score in the round and the
    round it was recorded for, so that a later round can have a review of its own."""


def audit(state: Competition, round: str | None = None) -> AuditView:
    """Every judge's record in ``round`` (default: the round being run)."""
    round_ = state.round(round)
    if round_ is None:
        return AuditView(state.stream, state.seq, None, FLAG_SHARE, (), _papers(state))
    results = standings(state, round_).results
    limit = rules.EXACT.multiply(FLAG_SHARE, sheet_maximum(state))
    per_judge: dict[str, list[AuditedSheet]] = {}
    severity: dict[str, list[Fraction]] = {}
    pairs: dict[str, list[tuple[Decimal, Decimal]]] = {}
    for contestant_id, result in results.items():
        entry = result.entry
        if entry is None:
            continue
        valid = [m.value for m in result.marks if m.dropped in _VALID and m.value is not None]
        middle = rules.median(valid) if valid else None
        history: dict[str, list[Mark]] = {}
        for mark in sorted((*entry.superseded, *entry.marks.values()), key=lambda m: m.seq):
            history.setdefault(mark.judge, []).append(mark)
        for scored in result.marks:
            judge_id = scored.judge
            sheet = _sheet(state, contestant_id, scored, history[judge_id], middle, limit)
            per_judge.setdefault(judge_id, []).append(sheet)
            if scored.value is not None and result.exact_aggregate is not None:
                severity.setdefault(judge_id, []).append(
                    Fraction(scored.value) - result.exact_aggregate
                )
            if scored.value is not None and result.status == "scored":
                pairs.setdefault(judge_id, []).append((scored.value, _final(result)))
    return AuditView(
        stream=state.stream,
        seq=state.seq,
        round=round_.id,
        flag_share=FLAG_SHARE,
        judges=tuple(
            _judge(state, judge, per_judge.get(judge.id, []), severity, pairs)
            for judge in state.judges.values()
        ),
        paper_sheets=_papers(state),
        missing_priors=_missing_priors(state, round_),
        priors=_priors(state, round_),
    )


def _competing(state: Competition, round_: Round) -> list[str]:
    """The round's members neither withdrawn nor disqualified, in running order."""
    drawn = set(round_.order)
    members = (*round_.order, *(c for c in round_.members if c not in drawn))
    return [c for c in members if c in state.contestants and not state.contestants[c].out]


def _priors(state: Competition, round_: Round) -> tuple[RoundPriors, ...]:
    competing = _competing(state, round_)
    found = []
    for component in state.rules.composite:
        if component.source == "live":
            continue
        held = []
        for c in competing:
            recorded = state.prior_recorded(c, component.source, round_.id)
            if recorded is None:
                held.append(PriorHeld(c))
                continue
            where, value = recorded
            held.append(PriorHeld(c, value, where or state.contestants[c].round))
        found.append(RoundPriors(component.source, component.label, tuple(held)))
    return tuple(found)


def _missing_priors(state: Competition, round_: Round) -> tuple[MissingPrior, ...]:
    competing = _competing(state, round_)
    missing = []
    for component in state.rules.composite:
        if component.source == "live":
            continue
        lacking = tuple(c for c in competing if state.prior(c, component.source, round_.id) is None)
        if lacking:
            missing.append(MissingPrior(component.source, component.label, lacking))
    return tuple(missing)


def _papers(state: Competition) -> tuple[PaperSheetView, ...]:
    return tuple(_paper(state, p) for p in state.paper_sheets.values())


def _paper(state: Competition, paper: PaperSheet) -> PaperSheetView:
    return PaperSheetView(
        sheet=paper.sheet,
        seq=paper.seq,
        judge=paper.judge,
        contestant=paper.contestant,
        points=paper.points,
        abstain=paper.abstain,
        total=(
            None if paper.abstain else rules.judge_total(state.scoresheet.criteria, paper.points)
        ),
        entered_by=paper.entered_by,
        status=paper.status,
        settled_seq=paper.settled_seq,
        settled_by=paper.settled_by,
        reason=paper.reason,
    )


def _on_behalf(state: Competition, mark: Mark) -> str | None:
    """The admin who keyed in ``mark``, if it is a confirmed paper sheet."""
    if mark.kind != "submitted" or mark.submission_id is None:
        return None
    paper = state.paper_sheets.get(mark.submission_id)
    if paper is None or paper.settled_seq != mark.seq or paper.status != "confirmed":
        return None
    return paper.entered_by


def _final(result: Result) -> Decimal:
    assert result.final is not None
    return result.final


def _sheet(
    state: Competition,
    contestant: str,
    scored: JudgeScore,
    history: list[Mark],
    middle: Fraction | None,
    limit: Decimal,
) -> AuditedSheet:
    deviation = None
    if middle is not None and scored.value is not None:
        deviation = rules.to_decimal(Fraction(scored.value) - middle)
    return AuditedSheet(
        contestant=contestant,
        versions=tuple(
            SheetVersion(
                seq=m.seq,
                kind=m.kind,
                points=m.points,
                abstain=m.abstain,
                total=None if m.abstain else rules.judge_total(state.scoresheet.criteria, m.points),
                by=m.by,
                reason=m.reason,
                on_behalf=_on_behalf(state, m),
            )
            for m in history
        ),
        total=scored.total,
        value=scored.value,
        counted=scored.counted,
        reason=scored.dropped,
        median=rules.to_decimal(middle) if middle is not None else None,
        deviation=deviation,
        flagged=deviation is not None and abs(deviation) > limit,
    )


def _judge(
    state: Competition,
    judge: Judge,
    sheets: list[AuditedSheet],
    severity: dict[str, list[Fraction]],
    pairs: dict[str, list[tuple[Decimal, Decimal]]],
) -> JudgeAudit:
    differences = severity.get(judge.id)
    correlation = rules.spearman(pairs.get(judge.id, []))
    return JudgeAudit(
        judge=judge.id,
        name=judge.name,
        organisation=judge.organisation,
        panel=judge.panel,
        shadow=judge.shadow,
        sheets=tuple(sheets),
        corrections=sum(len(s.versions) - 1 for s in sheets),
        severity=(
            rules.round_to(
                sum(differences, Fraction(0)) / len(differences), state.decimals, state.rounding
            )
            if differences
            else None
        ),
        consistency=(
            rules.round_to(Fraction(correlation), 3, "half_even")
            if correlation is not None
            else None
        ),
        flagged=sum(1 for s in sheets if s.flagged),
    )
