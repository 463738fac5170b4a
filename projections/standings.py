"""Results, ranks and awards of a round, derived from the folded state.

Every view (board, audit) and ``decide`` (reveal, awards, advancement)
asks here, so the figures shown, revealed and published are the same.
Each contestant's ``Result`` is cached on its entry until the entry or the
rules change, so a new score recomputes one result, not the round.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import msgspec

from events.catalog import AwardTier, Component, RulesSet, TieBreak
from projections import rules
from projections.ranking import Pair, Ranking
from projections.state import Competition, Contestant, Entry, Judge, Mark, Round

Status = Literal["pending", "withheld", "incomplete", "scored", "withdrawn", "disqualified"]
"""``pending``: scoring not closed; ``withheld``: closed below quorum;
``incomplete``: a component of the composite is missing; ``scored``: ranked."""

NotCounted = Literal[
    "shadow",
    "abstained",
    "recused",
    "same_organisation",
    "not_on_panel",
    "unknown_judge",
    "trimmed_low",
    "trimmed_high",
    "not_closest",
]


class JudgeScore(msgspec.Struct, frozen=True, gc=False):
    """One judge's current total for a contestant; ``dropped`` says why it
    does not count. Made once per result and shown as is on the board."""

    judge: str
    name: str
    total: Decimal | None
    """Σ weight × points; ``None`` when the judge abstained."""
    counted: bool
    dropped: NotCounted | None = None
    shadow: bool = False
    normalised: Decimal | None = None
    """The total as aggregated, when the rules normalise each judge's marks."""

    @property
    def value(self) -> Decimal | None:
        """The total as aggregated."""
        return self.normalised if self.normalised is not None else self.total


class Result(msgspec.Struct, frozen=True):
    """One contestant's result in one round (a struct: made in C, once per
    contestant of every board, ten thousand at a time)."""

    contestant: Contestant
    entry: Entry | None
    status: Status
    marks: tuple[JudgeScore, ...]
    valid: int
    """Marks that may count (before trimming): compared with the quorum."""
    exact: rules.Ratio | None
    """The aggregate before rounding."""
    aggregate: Decimal | None
    components: tuple[tuple[Component, Decimal | None], ...]
    final: Decimal | None
    untrimmed: Decimal | None
    """The rounded mean of every valid mark (a tie-break)."""
    spread: Decimal | None
    """max − min of the valid marks (a tie-break)."""
    counted: int
    """Marks in the aggregate (after trimming)."""

    @property
    def exact_aggregate(self) -> Fraction | None:
        """The aggregate before rounding."""
        return self.exact.fraction() if self.exact is not None else None


@dataclass(frozen=True, slots=True)
class Standings:
    """A round's results, ranks (overall and per group) and awards."""

    round: Round
    results: dict[str, Result]
    overall: list[tuple[str, int]]
    groups: dict[str, list[tuple[str, int]]]
    awards: dict[str, AwardTier]

    def rank(self, contestant: str) -> int | None:
        return next((rank for ident, rank in self.overall if ident == contestant), None)


def sheet_maximum(state: Competition) -> Decimal:
    """The highest total a judge can give: Σ weight × maximum."""
    return rules.exact_sum(
        rules.EXACT.multiply(c.weight, c.maximum) for c in state.scoresheet.criteria
    )


def round_results(state: Competition, round_: Round) -> dict[str, Result]:
    """Every member's result in ``round_``, in member order."""
    contestants = [state.contestants[c] for c in round_.members if c in state.contestants]
    if state.rules.normalise:
        normalised = _normalised(state, round_, contestants)
        return {
            c.id: _result(state, round_.id, c, round_.entries.get(c.id), normalised)
            for c in contestants
        }
    return {c.id: _cached_result(state, round_, c) for c in contestants}


def member_result(state: Competition, round_: Round, contestant: Contestant) -> Result:
    """``contestant``'s result in ``round_`` (a member), without the round's
    others; rules that normalise each judge's marks need the round: ``round_results``."""
    return _cached_result(state, round_, contestant)


def _cached_result(state: Competition, round_: Round, contestant: Contestant) -> Result:
    """``contestant``'s result, from its entry's cache while still valid."""
    entry = round_.entries.get(contestant.id)
    if entry is not None and entry.cache is not None and entry.cache[0] == state.epoch:
        return entry.cache[1]
    result = _result(state, round_.id, contestant, entry, None)
    if entry is not None:
        entry.cache = (state.epoch, result)
    return result


@dataclass(slots=True)
class RoundTable:
    """A round's scored results in rank order, overall and per group, kept up
    to date one changed result at a time (``ranked``)."""

    epoch: int
    placed: dict[str, tuple[Pair, str]]
    """Each ranked contestant's (rank key, id) and group."""
    overall: Ranking
    groups: dict[str, Ranking]


def ranked(state: Competition, round_: Round) -> RoundTable:
    """``round_``'s rankings, brought up to date: after a changed score,
    one result is recomputed and moved, in O(log n) comparisons; after any
    other change (rules, roster, priors: ``state.epoch``) they are rebuilt."""
    table = round_.table
    if table is None or table.epoch != state.epoch or state.rules.normalise:
        round_.changed.clear()
        table = round_.table = RoundTable(state.epoch, {}, Ranking(), {})
        scored = [r for r in round_results(state, round_).values() if r.status == "scored"]
        pairs = [(rank_key(r, state.rules.tie_breaks), r.contestant.id) for r in scored]
        table.overall = Ranking(pairs)
        members: dict[str, list[Pair]] = {}
        for result, pair in zip(scored, pairs, strict=True):
            table.placed[pair[1]] = (pair, result.contestant.group)
            members.setdefault(result.contestant.group, []).append(pair)
        table.groups = {group: Ranking(found) for group, found in members.items()}
        return table
    for ident in round_.changed:
        earlier = table.placed.pop(ident, None)
        if earlier is not None:
            table.overall.remove(earlier[0])
            table.groups[earlier[1]].remove(earlier[0])
        contestant = state.contestants.get(ident)
        if contestant is None or ident not in round_.members:
            continue
        result = _cached_result(state, round_, contestant)
        if result.status == "scored":
            pair = (rank_key(result, state.rules.tie_breaks), ident)
            table.placed[ident] = (pair, contestant.group)
            table.overall.add(pair)
            table.groups.setdefault(contestant.group, Ranking()).add(pair)
    round_.changed.clear()
    return table


def _listed(ranking: Ranking) -> list[tuple[str, int]]:
    """(id, standard competition rank), best first."""
    listed: list[tuple[str, int]] = []
    previous: object = None
    rank = 0
    for index, (key, ident) in enumerate(ranking, start=1):
        if key != previous:
            rank, previous = index, key
        listed.append((ident, rank))
    return listed


def standings(state: Competition, round_: Round) -> Standings:
    """Results, ranks and awards of every member of ``round_``."""
    table = ranked(state, round_)
    results = round_results(state, round_)
    overall = _listed(table.overall)
    # Groups in definition order, then any other in the order its first
    # ranked member appears (as ``rank_fields`` lists them).
    order = [g for g in state.groups if table.groups.get(g)]
    order += {
        r.contestant.group: None
        for r in results.values()
        if r.contestant.group not in state.groups and r.contestant.id in table.placed
    }
    groups = {group: _listed(table.groups[group]) for group in order}
    return Standings(
        round_, results, overall, groups, rules.give_awards(state.rules.awards, overall, groups)
    )


def rank_fields(
    state: Competition, results: Iterable[Result]
) -> tuple[list[tuple[str, int]], dict[str, list[tuple[str, int]]]]:
    """Overall and per-group rankings of the scored ``results``: (id, rank)
    best first, groups in definition order."""
    scored = [r for r in results if r.status == "scored"]
    overall = ranking(scored, state.rules.tie_breaks)
    order = {group: index for index, group in enumerate(state.groups)}
    by_group: dict[str, list[Result]] = {}
    for result in sorted(scored, key=lambda r: order.get(r.contestant.group, len(order))):
        by_group.setdefault(result.contestant.group, []).append(result)
    groups = {g: ranking(members, state.rules.tie_breaks) for g, members in by_group.items()}
    return overall, groups


def ranking(results: Sequence[Result], tie_breaks: Sequence[TieBreak]) -> list[tuple[str, int]]:
    """Standard competition ranking by the rounded final, then the tie-break
    chain; equal keys share a rank and are listed by contestant id."""
    keyed = sorted((rank_key(r, tie_breaks), r.contestant.id) for r in results)
    ranks = rules.competition_ranks([key for key, _ in keyed])
    return [(ident, rank) for (_, ident), rank in zip(keyed, ranks, strict=True)]


Missing = tuple[int, Decimal]
"""A sort key part: (0, value) sorts before (1, 0), so a missing value ranks last."""


def rank_key(result: Result, tie_breaks: Sequence[TieBreak]) -> tuple[Missing, ...]:
    """What ranks ``result``: smaller is better."""
    parts = [_better_higher(result.final)]
    for step in tie_breaks:
        if step.kind == "shared":
            break
        if step.kind == "live":
            parts.append(_better_higher(result.aggregate))
        elif step.kind == "component":
            parts.append(_better_higher(_component(result, step.source)))
        elif step.kind == "untrimmed_mean":
            parts.append(_better_higher(result.untrimmed))
        else:
            parts.append((0, result.spread) if result.spread is not None else (1, Decimal(0)))
    return tuple(parts)


def _better_higher(value: Decimal | None) -> Missing:
    return (0, -value) if value is not None else (1, Decimal(0))


def least_valid(settings: RulesSet) -> int:
    """The fewest valid marks a result needs (docs/rules.md §6): the quorum,
    or more where the aggregation cannot work with fewer. A result closed
    with fewer is withheld."""
    return max(settings.quorum, rules.minimum_count(settings.aggregation, settings.trim))


def _component(result: Result, source: str | None) -> Decimal | None:
    return next((value for c, value in result.components if c.source == source), None)


def _result(
    state: Competition,
    round_id: str,
    contestant: Contestant,
    entry: Entry | None,
    normalised: dict[tuple[str, str], Decimal] | None,
) -> Result:
    settings = state.rules
    marks: list[JudgeScore] = []
    valid: dict[str, Decimal] = {}
    sheets = [entry.marks[j] for j in sorted(entry.marks)] if entry is not None else []
    panels = _panels_of(state, contestant.group)
    totals = rules.judge_totals(
        state.scoresheet.criteria, [m.points for m in sheets if not m.abstain]
    )
    scored = iter(totals)
    for mark in sheets:
        total = None if mark.abstain else next(scored)
        value = total
        if normalised is not None and total is not None:
            value = normalised.get((mark.judge, contestant.id), total)
        judge = state.judges.get(mark.judge)
        reason = _not_counted(state, round_id, judge, panels, contestant, mark)
        if reason is None and value is not None:
            valid[mark.judge] = value
        marks.append(
            JudgeScore(
                mark.judge,
                judge.name if judge is not None else mark.judge,
                total,
                reason is None,
                reason,
                judge is not None and judge.shadow,
                value if normalised is not None else None,
            )
        )
    status: Status
    out = state.rounds[entry.round].out_status(contestant) if entry else contestant.out_status
    if out is not None:
        status = out
    elif entry is None or not entry.closed:
        status = "pending"
    else:
        status = "scored"
    enough = len(valid) >= least_valid(settings)
    if out is not None or not enough:
        if status == "scored":
            status = "withheld"
        return Result(
            contestant,
            entry,
            status,
            tuple(marks),
            len(valid),
            None,
            None,
            tuple((c, None) for c in settings.composite),
            None,
            None,
            None,
            0,
        )
    aggregated = rules.aggregate(valid, settings.aggregation, settings.trim)
    if aggregated.dropped:
        marks = [
            msgspec.structs.replace(m, counted=False, dropped=aggregated.dropped[m.judge])
            if m.counted and m.judge in aggregated.dropped
            else m
            for m in marks
        ]
    decimals, rounding = state.decimals, state.rounding
    aggregate = rules.round_to(aggregated.ratio, decimals, rounding)
    components: list[tuple[Component, Decimal | None]] = []
    exact: list[tuple[Decimal, rules.Ratio]] = []
    rounded = settings.compose_from == "rounded"
    for component in settings.composite:
        if component.source == "live":
            components.append((component, aggregate))
            exact.append(
                (component.weight, rules.Ratio.of(aggregate) if rounded else aggregated.ratio)
            )
        else:
            prior = state.prior(contestant.id, component.source, round_id)
            if prior is not None and rounded:  # shown, and weighed, as a table prints it
                prior = rules.round_to(rules.Ratio.of(prior), decimals, rounding)
            components.append((component, prior))
            if prior is not None:
                exact.append((component.weight, rules.Ratio.of(prior)))
    final = None
    if len(exact) == len(settings.composite):
        final = rules.round_to(rules.composite_ratio(exact), decimals, rounding)
    elif status == "scored":
        status = "incomplete"
    values = list(valid.values())
    return Result(
        contestant,
        entry,
        status,
        tuple(marks),
        len(valid),
        aggregated.ratio,
        aggregate,
        tuple(components),
        final,
        rules.round_to(rules.mean_ratio(values), decimals, rounding),
        rules.EXACT.subtract(max(values), min(values)),
        len(valid) - len(aggregated.dropped),
    )


def _panels_of(state: Competition, group: str) -> set[str]:
    """The panels that score ``group``."""
    return {panel for panel, groups in state.panels.items() if group in groups}


def _not_counted(
    state: Competition,
    round_id: str,
    judge: Judge | None,
    panels: set[str],
    contestant: Contestant,
    mark: Mark,
) -> NotCounted | None:
    """Why ``judge``'s mark in round ``round_id`` cannot count (before any
    trimming), or None; ``panels`` are those scoring the contestant's group."""
    if judge is None:
        return "unknown_judge"
    if judge.shadow:
        return "shadow"
    if judge.panel not in panels:
        return "not_on_panel"
    if (aside := state.stands_aside(judge, contestant, round_id)) is not None:
        return aside
    if mark.abstain:
        return "abstained"
    return None


def _normalised(
    state: Competition, round_: Round, contestants: Sequence[Contestant]
) -> dict[tuple[str, str], Decimal]:
    """(judge, contestant) → normalised total over the round's valid marks
    of contestants still in the competition."""
    per_judge: dict[str, dict[str, Decimal]] = {}
    for contestant in contestants:
        entry = round_.entries.get(contestant.id)
        if round_.out_status(contestant) is not None or entry is None:
            continue
        panels = _panels_of(state, contestant.group)
        for judge_id, mark in entry.marks.items():
            judge = state.judges.get(judge_id)
            if _not_counted(state, round_.id, judge, panels, contestant, mark) is None:
                total = rules.judge_total(state.scoresheet.criteria, mark.points)
                per_judge.setdefault(judge_id, {})[contestant.id] = total
    maximum = sheet_maximum(state)
    return {
        (judge_id, contestant_id): value
        for judge_id, totals in per_judge.items()
        for contestant_id, value in rules.normalise(totals, maximum).items()
    }
