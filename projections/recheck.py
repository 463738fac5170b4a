"""Recomputing a published result from the log before it.

``decide`` writes the figures of ``ResultRevealed`` and ``AwardsPublished``
from the same projections, so deciding the same command again on the state
just before the event must give the same event. Any difference means the log
was tampered with, or the rules of this build differ from those that wrote it.
"""

from __future__ import annotations

from decimal import Decimal

from events.catalog import AnyEvent, AwardGiven, AwardsPublished, ResultRevealed
from events.envelope import SYSTEM
from projections.commands import PublishAwards, Reveal
from projections.decide import Rejection, decide
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
