"""The board: a round's results per group and overall, for the admin or the public.

The public form shows a contestant's figures only once their result is
revealed; ranks are then among the revealed contestants, and awards only
once published. Movement compares each revealed contestant's rank with the
rank they had before the round's latest reveal (see docs/rules.md).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import msgspec

from events.catalog import AwardsPublished, Label
from events.envelope import Actor
from projections.commands import PublishAwards, Reveal
from projections.decide import Rejection, decide
from projections.standings import JudgeScore, Result, Standings, Status, rank_fields, standings
from projections.state import Competition, Round, eliminating

_CONSOLE = Actor(role="admin", id="console")
"""Who asks whether a second reveal, or a publication, would be taken (any organiser
would be answered alike)."""


class ComponentScore(msgspec.Struct, frozen=True, gc=False):
    """One term of the composite: ``weight × value`` (``value`` None: missing)."""

    source: str
    label: Label
    weight: Decimal
    value: Decimal | None


class BoardRow(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
    contestant: str
    name: str
    organisation: str
    group: str
    status: Status
    revealed: bool
    rank: int | None
    movement: int | None
    """Places gained (positive) or lost since the round's previous reveal."""
    judges_counted: int
    judges: tuple[JudgeScore, ...]
    aggregate: Decimal | None
    components: tuple[ComponentScore, ...]
    final: Decimal | None
    award: str | None
    award_name: Label | None
    reveal_again: bool = False
    """Organisers' board only: revealed incomplete, its missing prior score since
    recorded, so a second reveal would be accepted (docs/rules.md §12). Left out
    of the JSON when false."""


class AwardCount(msgspec.Struct, frozen=True, gc=False):
    """How many contestants a tier gives as the results stand: what publishing
    the awards now would give it (``count`` 0: none)."""

    award: str
    name: Label
    count: int
    eliminates: bool = False


class GroupTable(msgspec.Struct, frozen=True, gc=False):
    group: str
    name: Label
    rows: tuple[BoardRow, ...]


class BoardView(msgspec.Struct, frozen=True, gc=False):
    stream: str
    seq: int
    round: str | None
    round_name: Label
    public: bool
    decimals: int
    awards_published: bool
    on_stage: str | None
    overall: tuple[BoardRow, ...]
    groups: tuple[GroupTable, ...]
    awards_step: int | None = None
    """Awards the organiser has stepped the screens to (None: the screens pace themselves)."""
    final: bool = False
    """The organiser finalised the round's results: no longer provisional."""
    award_order: tuple[str, ...] = ()
    """Every award tier on this board, best first (by the best rank holding
    each): the order the screens step through and colour them in. A public
    board lists the tiers held back by ``awards_step`` too, but none of their
    holders."""
    award_counts: tuple[AwardCount, ...] = ()
    """Organisers' board only: every tier of the rules, in their order, with the
    number of contestants publishing the awards now would give it (from the
    same standings ``decide`` publishes), published already or not; provisional
    while a contestant is unfinished. Empty on the public board."""
    awards_outdated: bool = False
    """Organisers' board only: the awards published are not those publishing them
    now would give (a mark amended, a judge recused, a contestant disqualified
    since), and the round cannot be finalised until they are published again."""


_UNRANKED_ORDER: dict[str, int] = {
    "scored": 0,
    "incomplete": 1,
    "withheld": 2,
    "pending": 3,
    "withdrawn": 4,
    "disqualified": 5,
}

Field = list[tuple[str, int]]


def board(state: Competition, round: str | None = None, *, public: bool) -> BoardView:
    """The board of ``round`` (default: the round being run)."""
    round_ = state.round(round)
    if round_ is None:
        return BoardView(
            state.stream,
            state.seq,
            None,
            Label(),
            public,
            state.decimals,
            False,
            state.on_stage,
            (),
            (),
        )
    table = standings(state, round_)
    revealed = [c for c in round_.reveals if _revealed(round_, c)]
    shown = set(revealed)
    # revealed incomplete: the public sees that result, unranked, until it is revealed again
    incomplete = {c for c in revealed if round_.entries[c].revealed_incomplete}
    public_overall, public_groups = rank_fields(
        state, (table.results[c] for c in revealed if c in table.results and c not in incomplete)
    )
    before_overall, before_groups = rank_fields(
        state,
        (table.results[c] for c in revealed[:-1] if c in table.results and c not in incomplete),
    )
    if public:
        overall, groups = public_overall, public_groups
    else:
        overall, groups = table.overall, table.groups
    awards = _awards(state, round_, {} if public else {c: t.key for c, t in table.awards.items()})
    order = _award_order(state, awards, table)
    if public and round_.awards_step is not None:
        awards = _stepped(awards, order, round_.awards_step)
    position = {c: i for i, c in enumerate(round_.order or tuple(round_.members))}

    base = {
        c: _row(state, _as_revealed(r) if public and c in incomplete else r, awards, public, shown)
        for c, r in table.results.items()
    }
    if not public:  # exactly when decide takes a second reveal: asked of decide itself
        for c in incomplete:
            latest = state.entry_for(c) is round_.entries[c]  # a reveal goes to their latest round
            taken = latest and not isinstance(
                decide(state, Reveal(contestant=c), _CONSOLE), Rejection
            )
            if taken and c in base:
                base[c] = msgspec.structs.replace(base[c], reveal_again=True)

    def rows(
        results: Iterable[Result], ranks: Field, now: Field, before: Field
    ) -> tuple[BoardRow, ...]:
        rank_of = dict(ranks)
        movement = _movement(now, before)
        made = [
            msgspec.structs.replace(base[c], rank=rank_of.get(c), movement=movement.get(c))
            if c in rank_of or c in movement
            else base[c]
            for c in (r.contestant.id for r in results)
        ]
        made.sort(
            key=lambda row: (
                row.rank is None,
                row.rank or 0,
                _UNRANKED_ORDER[row.status],
                position.get(row.contestant, len(position)),
                row.contestant,
            )
        )
        return tuple(made)

    results = list(table.results.values())
    group_ids = list(state.groups) + sorted(
        {r.contestant.group for r in results} - set(state.groups)
    )
    return BoardView(
        stream=state.stream,
        seq=state.seq,
        round=round_.id,
        round_name=round_.name,
        public=public,
        decimals=state.decimals,
        awards_published=round_.awards is not None,
        on_stage=state.on_stage,
        overall=rows(results, overall, public_overall, before_overall),
        groups=tuple(
            GroupTable(
                group,
                state.groups.get(group, Label()),
                rows(
                    [r for r in results if r.contestant.group == group],
                    groups.get(group, []),
                    public_groups.get(group, []),
                    before_groups.get(group, []),
                ),
            )
            for group in group_ids
            if any(r.contestant.group == group for r in results)
        ),
        awards_step=round_.awards_step,
        final=round_.final,
        award_order=order,
        award_counts=() if public else _award_counts(state, table),
        awards_outdated=not public and _awards_outdated(state, round_),
    )


def _awards_outdated(state: Competition, round_: Round) -> bool:
    """Whether publishing ``round_``'s awards now would give other awards than
    those published (a publication refused now, for a result unfinished, is not
    taken for one that differs: finalising says why it is refused)."""
    if round_.awards is None or round_.final:
        return False
    now = decide(state, PublishAwards(round=round_.id), _CONSOLE)
    return (
        not isinstance(now, Rejection)
        and isinstance(now[0], AwardsPublished)
        and now[0].awards != round_.awards.awards
    )


def _revealed(round_: Round, contestant: str) -> bool:
    entry = round_.entries.get(contestant)
    return entry is not None and entry.revealed is not None


def _as_revealed(result: Result) -> Result:
    """A result revealed incomplete as the public saw it then: no final, the live
    score alone of its terms, incomplete, even once a prior score recorded since
    completes it (rules §12); unchanged if it is no longer scored at all."""
    if result.final is None:
        return result
    return msgspec.structs.replace(
        result,
        status="incomplete",
        final=None,
        components=tuple(
            (c, value if c.source == "live" else None) for c, value in result.components
        ),
    )


def _movement(now: Field, before: Field) -> dict[str, int]:
    earlier = dict(before)
    return {c: earlier[c] - rank for c, rank in now if c in earlier}


def _awards(state: Competition, round_: Round, provisional: Mapping[str, str]) -> dict[str, str]:
    """Published awards when there are any, else ``provisional`` ones."""
    if round_.awards is not None:
        return {given.contestant: given.award for given in round_.awards.awards}
    return dict(provisional)


def _award_order(
    state: Competition, awards: Mapping[str, str], table: Standings
) -> tuple[str, ...]:
    """The award tiers held in ``awards``, best first: by the best overall
    rank holding each, then (a tier given only within groups) the first group
    rank met; ties as met. A tier that eliminates is not an award the hall is
    shown on the awards stage: left out."""
    out = eliminating(state.rules)
    awards = {c: key for c, key in awards.items() if key not in out}
    best: dict[str, float] = {}
    for contestant, rank in table.overall:
        if (key := awards.get(contestant)) is not None:
            best[key] = min(best.get(key, rank), rank)
    for ranking in table.groups.values():
        for contestant, rank in ranking:
            if (key := awards.get(contestant)) is not None:
                best.setdefault(key, rank)
    for key in awards.values():
        best.setdefault(key, math.inf)
    return tuple(sorted(best, key=best.__getitem__))


def _award_counts(state: Competition, table: Standings) -> tuple[AwardCount, ...]:
    """Each tier of the rules with how many the standings give it: the awards
    ``decide`` would publish now (it lists ``table.awards``, tier by tier)."""
    given = Counter(tier.key for tier in table.awards.values())
    return tuple(
        AwardCount(tier.key, tier.name, given[tier.key], tier.eliminates)
        for tier in state.rules.awards
    )


def _stepped(awards: Mapping[str, str], order: Sequence[str], step: int) -> dict[str, str]:
    """The awards the organiser has stepped the screens to: the ``step``
    lowest tiers of ``order``, so that no phone in the hall shows an award
    before the stage does; once every one is shown, the eliminations too
    (which ``order`` leaves out)."""
    if step >= len(order):
        return dict(awards)
    shown = set(order[max(0, len(order) - step) :])
    return {contestant: key for contestant, key in awards.items() if key in shown}


def _row(
    state: Competition,
    result: Result,
    awards: Mapping[str, str],
    public: bool,
    shown: set[str],
) -> BoardRow:
    """The contestant's row, not yet ranked."""
    contestant = result.contestant
    award = awards.get(contestant.id)
    award_name = next((t.name for t in state.rules.awards if t.key == award), None)
    visible = not public or contestant.id in shown
    status: Status = result.status
    if public and not visible and not contestant.out:
        status = "pending"
    return BoardRow(
        contestant=contestant.id,
        name=contestant.name,
        organisation=contestant.organisation,
        group=contestant.group,
        status=status,
        revealed=contestant.id in shown,
        rank=None,
        movement=None,
        judges_counted=result.counted if visible else 0,
        judges=_judges(result, public) if visible else (),
        aggregate=result.aggregate if visible else None,
        components=tuple(
            ComponentScore(c.source, c.label, c.weight, value if visible else None)
            for c, value in result.components
        ),
        final=result.final if visible else None,
        award=award,
        award_name=award_name if award is not None else None,
    )


_PUBLIC_REASONS = (None, "trimmed_low", "trimmed_high", "not_closest")
"""Marks the public sees once revealed: counted ones and those the method dropped."""


def _judges(result: Result, public: bool) -> tuple[JudgeScore, ...]:
    if not public:
        return result.marks
    return tuple(m for m in result.marks if m.dropped in _PUBLIC_REASONS)
