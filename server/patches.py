"""What changed between two views, as a JSON Patch (RFC 6902).

A score changes one judge's dot in a progress view of 200 judges, and one
row of a board of a hundred; sending the whole view to every screen at every
score is most of the fan-out's bytes and time. ``diff`` compares two views as
their JSON decodes (dicts, lists, strings, numbers, booleans, null: exactly
what a client holds, so a decimal's trailing zeros count) and returns the
operations that turn the old into the new: ``replace`` where a value changed,
``remove``/``add`` where a list lost or gained a few items (a judge leaving
the list of those missing), where one item of a list moved (a contestant
revealed takes their rank: ``IDENTITIES`` name the items) and for dict keys. Order is kept: JSON objects are
unordered, but pages list members in the order they come, so a dict whose
remaining members moved is replaced whole (an added member goes last).

Equality is Python's, in which ``true == 1`` and ``1 == 1.0``: no view has a
member that can hold a boolean or a float as well as an integer.
"""

from __future__ import annotations

from typing import Any

import msgspec

MAX_SPLICE = 4
"""Items removed plus added beyond which a changed list is replaced whole."""

Json = Any
"""A decoded JSON value."""


class Op(msgspec.Struct, frozen=True, omit_defaults=True, gc=False):
    """One JSON Patch operation; ``value`` is left out of a ``remove``."""

    op: str
    path: str
    value: Json = msgspec.UNSET


def diff(old: Json, new: Json) -> list[Op]:
    """The operations turning ``old`` into ``new`` (one replacing the whole
    document, at path "", when nothing smaller would)."""
    ops: list[Op] = []
    _member(old, new, "", ops)
    return ops


def _diff(old: Json, new: Json, path: str, ops: list[Op]) -> bool:
    """Append the operations for ``path``; False when only replacing the whole
    value at ``path`` would do (the caller says so)."""
    kind = type(new)
    if type(old) is not kind:
        return False
    if kind is dict:
        return old == new or _mapping(old, new, path, ops)
    if kind is list:
        return old == new or _sequence(old, new, path, ops)
    return bool(old == new)


def _member(old: Json, new: Json, path: str, ops: list[Op]) -> None:
    if not _diff(old, new, path, ops):
        ops.append(Op("replace", path, new))


def _sequence(old: list[Json], new: list[Json], path: str, ops: list[Op]) -> bool:
    if len(old) == len(new) and _moved(old, new, path, ops):
        return True
    if len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            if a != b:
                _member(a, b, f"{path}/{i}", ops)
        return True
    start, shorter = 0, min(len(old), len(new))
    while start < shorter and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    removed, added = end_old - start, end_new - start
    if removed + added > MAX_SPLICE:
        return False
    ops.extend(Op("remove", f"{path}/{start}") for _ in range(removed))
    ops.extend(Op("add", f"{path}/{start + i}", new[start + i]) for i in range(added))
    return True


IDENTITIES = ("contestant", "judge")
"""Members naming what a list's item stands for (a board's row, a judge's dot)."""


def _moved(old: list[Json], new: list[Json], path: str, ops: list[Op]) -> bool:
    """A list of the same items in which one moved (a contestant revealed takes
    their rank and those below go down one): that item removed and added at its
    new place, the others changed where they are, instead of every row from one
    place to the other replaced by its neighbour. False if that is not the case."""
    key = _identity(old, new)
    if key is None:
        return False
    before, after = [item[key] for item in old], [item[key] for item in new]
    if before == after or set(before) != set(after):
        return False
    start = 0
    while before[start] == after[start]:
        start += 1
    end = len(before)
    while before[end - 1] == after[end - 1]:
        end -= 1
    if before[start + 1 : end] == after[start : end - 1]:  # the first moved down
        source, target = start, end - 1
    elif before[start : end - 1] == after[start + 1 : end]:  # the last moved up
        source, target = end - 1, start
    else:
        return False
    ops.append(Op("remove", f"{path}/{source}"))
    ops.append(Op("add", f"{path}/{target}", new[target]))
    shifted = old[:source] + old[source + 1 :]
    shifted.insert(target, new[target])
    for i, (a, b) in enumerate(zip(shifted, new, strict=True)):
        if i != target and a != b:
            _member(a, b, f"{path}/{i}", ops)
    return True


def _identity(old: list[Json], new: list[Json]) -> str | None:
    """The member every item of both lists has, each value once, if there is one."""
    if not old or type(old[0]) is not dict:
        return None
    for key in IDENTITIES:
        named = all(type(item) is dict and type(item.get(key)) is str for item in (*old, *new))
        if named and len({item[key] for item in old}) == len(old):
            return key
    return None


def _mapping(old: dict[str, Json], new: dict[str, Json], path: str, ops: list[Op]) -> bool:
    kept = [key for key in old if key in new]
    if list(new) != kept + [key for key in new if key not in old]:
        return False  # members reordered: a patch would leave them in the old order
    for key in old:
        if key not in new:
            ops.append(Op("remove", f"{path}/{_escape(key)}"))
    for key, value in new.items():
        if key in old:
            if old[key] != value or type(old[key]) is not type(value):
                _member(old[key], value, f"{path}/{_escape(key)}", ops)
        else:
            ops.append(Op("add", f"{path}/{_escape(key)}", value))
    return True


def _escape(token: str) -> str:
    """A JSON Pointer reference token (RFC 6901): ``~`` and ``/`` escaped."""
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token
