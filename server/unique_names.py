"""A command whose JSON names a member twice is refused.

JSON leaves a repeated name undefined, and msgspec, like most parsers, keeps
the last: ``{"contestant": "a", "contestant": "b"}`` scored b, and a points
object naming a criterion twice counted the second mark. Parsing every body a
second time to find such names costs ~8 µs a score (``json`` with a pairs
hook), so it is parsed again only when a name it was decoded with occurs more
than once in its bytes: a plain command costs a few substring counts. (A
quote inside a JSON string is escaped, so ``"name"`` with its quotes occurs
only as a member's name or as a whole string value.)
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

from server.errors import ApiError


def check_unique_names(body: bytes, command: msgspec.Struct) -> None:
    """Refuse (422 ``duplicate_member``) ``body`` if an object in it names a member twice."""
    names = [*command.__struct_fields__, "type", *(getattr(command, "points", None) or ())]
    if all(body.count(b'"%s"' % name.encode()) <= 1 for name in names):
        return
    json.loads(body, object_pairs_hook=_once_each)


def _once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) < len(pairs):
        names = [name for name, _ in pairs]
        twice = next(name for name in names if names.count(name) > 1)
        raise ApiError(
            422,
            "duplicate_member",
            f"The member {twice!r} is given twice: send it once",
            f"字段 {twice!r} 重复出现：只能出现一次",
        )
    return members
