"""``Competition.copy``: a state to change apart from its original, sharing
only what never changes (the server decides on one copy while the other
holds what is durable)."""

from __future__ import annotations

from decimal import Decimal

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from projections.state import Competition, replay
from tests.projections.log import envelopes
from tests.projections.test_properties import Show, shows, views


def mutable_parts(state: Competition) -> dict[int, object]:
    """Every mutable object reachable from ``state``; frozen structs (marks,
    events, labels), tuples of them, numbers and strings are values."""
    found: dict[int, object] = {}
    stack: list[object] = [state]
    while stack:
        item = stack.pop()
        if id(item) in found or isinstance(item, VALUES):
            continue
        if isinstance(item, tuple):
            stack.extend(item)
            continue
        found[id(item)] = item
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | set):
            stack.extend(item)
        else:  # a slotted object of the state (no __dict__ to hide a member in)
            assert not hasattr(item, "__dict__"), type(item)
            stack.extend(getattr(item, slot) for slot in all_slots(type(item)))
    return found


VALUES = (str, bytes, int, float, Decimal, msgspec.Struct, type(None))


def all_slots(cls: type) -> list[str]:
    return [slot for klass in cls.__mro__ for slot in getattr(klass, "__slots__", ())]


@settings(max_examples=40, deadline=None)
@given(shows(), st.data())
def test_a_copy_shares_nothing_that_changes(show: Show, data: st.DataObject) -> None:
    sealed = envelopes(show.events())
    state = replay(sealed[: data.draw(st.integers(1, len(sealed)))])
    if data.draw(st.booleans()):
        views(state)  # caches filled: results, rankings
    copy = state.copy()
    for slot in Competition.__slots__:
        getattr(copy, slot)  # every member is set (AttributeError otherwise)
    shared = mutable_parts(state).keys() & mutable_parts(copy).keys()
    assert not shared, [type(mutable_parts(state)[i]).__name__ for i in shared]


@settings(max_examples=40, deadline=None)
@given(shows(), st.data())
def test_a_copy_and_its_original_go_their_own_ways(show: Show, data: st.DataObject) -> None:
    """Folding into the copy leaves the original as it was, and the reverse."""
    sealed = envelopes(show.events())
    at = data.draw(st.integers(1, len(sealed)))
    original = replay(sealed[:at])
    if data.draw(st.booleans()):
        views(original)
    before = views(original)
    copy = replay(sealed[at:], start=original.copy())
    assert views(copy) == views(replay(sealed))
    assert views(original) == before == views(replay(sealed[:at]))
    # …and the original can still go on alone, the copy unchanged by it.
    after = views(copy)
    assert views(replay(sealed[at:], start=original)) == after
    assert views(copy) == after
