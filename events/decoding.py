"""Decoding a stored event's data with the verdicts of its own decoder, faster.

msgspec checks a string's ``pattern`` with Python's ``re`` on every value it
decodes, and a score sheet holds five such strings (judge, contestant,
submission id, criterion keys): two thirds of the cost of decoding one. The
same few ids come back in a million events, so ``CheckedDecoder`` decodes
into a twin of the event type without the string constraints, checks each
constrained string itself, remembering the values that passed, and builds the
event from the twin. Anything the twin or the checks refuse is decoded again
by the event type's own decoder, so a malformed event raises exactly the
error it always did; what is accepted is exactly what that decoder accepts.

Only flat event types are twinned (fields of strings, optional strings,
booleans, integers and decimals without bounds, and dicts of them keyed by
strings); ``checked_decoder`` returns the plain decoder for the others.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Generic, TypeVar

import msgspec
import msgspec.inspect as mi

T = TypeVar("T", bound=msgspec.Struct)

REMEMBERED = 65_536
"""Distinct values remembered per constraint (then forgotten and learnt again)."""


class _StrCheck:
    """One string constraint (``pattern``, ``min_length``, ``max_length``) as
    msgspec applies it, with the values that passed it."""

    __slots__ = ("_max", "_min", "_passed", "_search")

    def __init__(self, kind: mi.StrType) -> None:
        self._search = re.compile(kind.pattern).search if kind.pattern is not None else None
        self._min = kind.min_length
        self._max = kind.max_length
        self._passed: set[str] = set()

    def __call__(self, value: str) -> bool:
        if value in self._passed:
            return True
        if (
            (self._search is not None and self._search(value) is None)
            or (self._min is not None and len(value) < self._min)
            or (self._max is not None and len(value) > self._max)
        ):
            return False
        if len(self._passed) >= REMEMBERED:
            self._passed.clear()
        self._passed.add(value)
        return True

    def keys(self, found: dict[str, Any]) -> bool:
        """Every key of ``found`` passes."""
        if found.keys() <= self._passed:
            return True
        return all(self(key) for key in found)


def _constrained(kind: mi.StrType) -> bool:
    return kind.pattern is not None or kind.min_length is not None or kind.max_length is not None


_PLAIN: dict[type[mi.Type], type] = {
    mi.BoolType: bool,
    mi.DecimalType: Decimal,
    mi.IntType: int,
}

Check = Callable[[Any], bool]


def _loose(kind: mi.Type) -> tuple[Any, Check | None] | None:
    """The type to decode ``kind`` as, and the check that completes it
    (None: nothing to check); None when ``kind`` is not supported."""
    if isinstance(kind, mi.StrType):
        return str, (_StrCheck(kind) if _constrained(kind) else None)
    if isinstance(kind, mi.IntType):
        bounded = (kind.gt, kind.ge, kind.lt, kind.le, kind.multiple_of)
        return (int, None) if all(b is None for b in bounded) else None
    if type(kind) in _PLAIN:
        return _PLAIN[type(kind)], None
    if isinstance(kind, mi.UnionType):
        options = [t for t in kind.types if not isinstance(t, mi.NoneType)]
        if len(options) != 1 or len(kind.types) != 2:
            return None
        inner = _loose(options[0])
        if inner is None:
            return None
        loose, check = inner
        if check is None:
            return loose | None, None
        return loose | None, lambda value: value is None or check(value)
    if isinstance(kind, mi.DictType):
        if kind.min_length is not None or kind.max_length is not None:
            return None
        if not isinstance(kind.key_type, mi.StrType):
            return None
        key = _loose(kind.key_type)
        value = _loose(kind.value_type)
        if key is None or value is None or value[1] is not None:
            return None
        key_check = key[1]
        loose_dict = dict[str, value[0]]  # type: ignore[valid-type]
        if key_check is None:
            return loose_dict, None
        assert isinstance(key_check, _StrCheck)
        return loose_dict, key_check.keys
    return None


class CheckedDecoder(Generic[T]):
    """Decodes ``cls`` from JSON as ``msgspec.json.Decoder(cls)`` does."""

    def __init__(self, cls: type[T], twin: type[msgspec.Struct], checks: list[tuple[int, Check]]):
        self._strict = msgspec.json.Decoder(cls)
        self._twin = msgspec.json.Decoder(twin)
        self._cls = cls
        self._checks = checks

    def decode(self, data: bytes | msgspec.Raw) -> T:
        try:
            loose = self._twin.decode(data)
        except (msgspec.ValidationError, msgspec.DecodeError):
            return self._strict.decode(data)
        values = msgspec.structs.astuple(loose)
        for index, check in self._checks:
            if not check(values[index]):
                return self._strict.decode(data)
        return self._cls(*values)


def checked_decoder(cls: type[T]) -> CheckedDecoder[T] | msgspec.json.Decoder[T]:
    """The faster decoder of ``cls`` when its shape allows, else its plain decoder."""
    info = mi.type_info(cls)
    assert isinstance(info, mi.StructType)
    if info.array_like or info.tag_field is not None:
        return msgspec.json.Decoder(cls)
    fields: list[tuple[str, Any, Any]] = []
    checks: list[tuple[int, Check]] = []
    for index, field in enumerate(info.fields):
        loose = _loose(field.type)
        if (
            loose is None
            or field.encode_name != field.name
            or field.default_factory is not msgspec.NODEFAULT
        ):
            return msgspec.json.Decoder(cls)
        kind, check = loose
        if field.required:
            fields.append((field.name, kind, msgspec.NODEFAULT))
        else:
            fields.append((field.name, kind, field.default))
        if check is not None:
            checks.append((index, check))
    twin = msgspec.defstruct(
        f"{cls.__name__}Twin",
        [
            (name, kind) if default is msgspec.NODEFAULT else (name, kind, default)
            for name, kind, default in fields
        ],
        forbid_unknown_fields=info.forbid_unknown_fields,
    )
    return CheckedDecoder(cls, twin, checks)
