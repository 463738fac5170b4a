"""Recomputing a published result from the log before it.

``decide`` writes the figures of ``ResultRevealed`` and ``AwardsPublished``
from the same projections, so deciding the same command again on the state
just before the event must give the same event. Any difference means the log
was tampered with, or the rules of this build differ from those that wrote it.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from decimal import Decimal

from events.catalog import AnyEvent, AwardGiven, AwardsPublished, ResultRevealed
from events.envelope import SYSTEM
from projections.commands import PublishAwards, Reveal
from projections.decide import Rejection, decide
from projections.standings import Missing, member_result, rank_key
from projections.state import Competition

PUBLISHED = (ResultRevealed, AwardsPublished)
"""The events whose figures are recomputed."""


def recheck(state: Competition, event: AnyEvent) -> list[str]:
    """What differs between ``event`` as written and as recomputed on
    ``state``, the state just before it (empty: the same, or not a published result)."""
    if isinstance(event, ResultRevealed):
        decision = decide(state, Reveal(contestant=event.contestant), SYSTEM)
        what = f"the reveal of contestant {event.contestant!r}"
    elif isinstance(event, AwardsPublished):
        decision = decide(state, PublishAwards(round=event.round, final=event.final), SYSTEM)
        what = f"the awards of round {event.round!r}"
    else:
        return []
    if isinstance(decision, Rejection):
        return [f"{what} could not have been decided then: {decision.message_en}"]
    computed = decision[0]
    if isinstance(event, ResultRevealed) and isinstance(computed, ResultRevealed):
        return [
            f"{what}: {name} written {_text(written)}, recomputed {_text(expected)}"
            for name, written, expected in (
                ("aggregate", event.aggregate, computed.aggregate),
                ("final", event.final, computed.final),
                ("rank", event.rank, computed.rank),
            )
            if _text(written) != _text(expected)
        ]
    if isinstance(event, AwardsPublished) and isinstance(computed, AwardsPublished):
        return _award_differences(what, event, computed)
    return [f"{what} recomputes as a {computed.TYPE} event"]


_Placed = tuple[tuple[Missing, ...], str]
"""(rank key, contestant id) of a revealed, scored result: sorts best first."""


class Rechecker:
    """``recheck`` for a whole log folded in order, a reveal without rebuilding its round.

    ``decide`` ranks a reveal among every result revealed before it in the
    round, which it builds anew: O(n) a reveal, O(n²) a log. Here those
    results stay sorted by rank key and are brought up to date one changed
    result at a time (O(log n) comparisons), as ``projections.standings.ranked`` keeps the round's
    table: an event that changes one entry marks its contestant, any other
    change bumps ``Competition.epoch`` and everything is sorted again. A
    reveal whose figures differ from these (or that ``decide`` might refuse)
    is decided again in full, so every difference is reported as ``recheck``
    words it. Awards (one publication a round) and rules that normalise each
    judge's marks across the round are always decided in full.

    Call ``check`` with the state just before each event, then ``folded``
    with the event once it is applied.
    """

    def __init__(self) -> None:
        self._epoch = -1
        self._dirty: set[str] = set()
        self._shown: dict[str, list[_Placed]] = {}
        """Per round, its revealed and scored results, best first."""
        self._placed: dict[tuple[str, str], _Placed] = {}
        """(round, contestant) → where it stands in ``_shown``."""

    def check(self, state: Competition, event: AnyEvent) -> list[str]:
        """As ``recheck(state, event)``."""
        if (
            isinstance(event, ResultRevealed)
            and not state.rules.normalise
            and self._agrees(state, event)
        ):
            return []
        return recheck(state, event)

    def folded(self, event: AnyEvent) -> None:
        """Note ``event``, now applied: the contestant it names may have a new result."""
        contestant = getattr(event, "contestant", None)
        if isinstance(contestant, str):
            self._dirty.add(contestant)

    def _agrees(self, state: Competition, event: ResultRevealed) -> bool:
        """Whether ``decide`` would reveal just ``event`` on ``state``."""
        ident = event.contestant
        contestant = state.contestants.get(ident)
        entry = state.entry_for(ident)
        if (
            contestant is None
            or entry is None
            or entry.revealed is not None
            or entry.scoring_open
            or not entry.closed
        ):
            return False  # refused: decide says why
        round_ = state.rounds[entry.round]
        if ident not in round_.members:
            return False
        self._bring_up_to_date(state)
        result = member_result(state, round_, contestant)
        rank = None
        if result.status == "scored":
            key = rank_key(result, state.rules.tie_breaks)
            rank = bisect_left(self._shown.get(round_.id, []), (key,)) + 1
        return all(
            _text(written) == _text(computed)
            for written, computed in (
                (event.aggregate, result.aggregate),
                (event.final, result.final),
                (event.rank, rank),
            )
        )

    def _bring_up_to_date(self, state: Competition) -> None:
        if state.epoch != self._epoch:
            self._epoch = state.epoch
            self._dirty.clear()
            self._shown.clear()
            self._placed.clear()
            for round_ in state.rounds.values():
                for ident in round_.reveals:
                    self._place(state, round_.id, ident)
            return
        for ident in self._dirty:
            entry = state.entry_for(ident)
            if entry is not None and entry.revealed is not None:
                self._place(state, entry.round, ident)
        self._dirty.clear()

    def _place(self, state: Competition, round_id: str, ident: str) -> None:
        """Put ``ident``'s current result in round ``round_id`` where it ranks."""
        shown = self._shown.setdefault(round_id, [])
        earlier = self._placed.pop((round_id, ident), None)
        if earlier is not None:
            del shown[bisect_left(shown, earlier)]
        round_ = state.rounds[round_id]
        contestant = state.contestants.get(ident)
        entry = round_.entries.get(ident)
        if contestant is None or ident not in round_.members:
            return
        if entry is not None and entry.revealed_incomplete:
            return  # not ranked in the reveals until revealed again, complete

        result = member_result(state, round_, contestant)
        if result.status == "scored":
            placed = (rank_key(result, state.rules.tie_breaks), ident)
            insort(shown, placed)
            self._placed[(round_id, ident)] = placed


def _text(value: Decimal | int | None) -> str:
    return "nothing" if value is None else str(value)


def _award_differences(what: str, written: AwardsPublished, computed: AwardsPublished) -> list[str]:
    problems: list[str] = []
    if written.final != computed.final:
        problems.append(f"{what}: final written {written.final}, recomputed {computed.final}")
    mine = {given.contestant: given for given in written.awards}
    theirs = {given.contestant: given for given in computed.awards}
    for contestant in [*mine, *(c for c in theirs if c not in mine)]:
        a, b = mine.get(contestant), theirs.get(contestant)
        if a != b:
            problems.append(
                f"{what}: contestant {contestant!r} written {_given(a)}, recomputed {_given(b)}"
            )
    if not problems and written.awards != computed.awards:
        problems.append(f"{what}: the awards are listed in another order than recomputed")
    return problems


def _given(given: AwardGiven | None) -> str:
    if given is None:
        return "no award"
    return f"{given.award} (rank {given.rank}, final {given.final})"
