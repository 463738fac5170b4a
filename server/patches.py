"""What changed between two views, as a JSON Patch (RFC 6902).

A score changes one judge's dot in a progress view of 200 judges, and one
row of a board of a hundred; sending the whole view to every screen at every
score is most of the fan-out's bytes and time. ``diff`` compares two views as
their JSON decodes (dicts, lists, strings, numbers, booleans, null: exactly
what a client holds, so a decimal's trailing zeros count) and returns the
operations that turn the old into the new: ``replace`` where a value changed,
``remove``/``add`` where a list lost or gained a few items (a judge leaving
the list of those missing) and for dict keys. Order is kept: JSON objects are
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
