"""Decoding a stored event's data with the verdicts of its own decoder, faster.

msgspec checks a string's ``pattern`` with Python's ``re`` on every value it
decodes, and a score sheet holds five such strings (judge, contestant,
submission id, criterion keys): two thirds of the cost of decoding one. The
same few ids come back in a million events, so an event type's ``Twin`` is
decoded instead: the type without its string constraints, completed by
generated straight-line code that checks each constrained string itself,
remembering the values that passed (and answering their first instance, so
the events share their id strings), and builds the event. Anything the twin
or the checks refuse is decoded again by the event type's own decoder, so a
malformed event raises exactly the error it always did; what is accepted is
exactly what that decoder accepts (``CheckedDecoder``; ``events.envelope``
decodes a stored envelope with its data's twin in one pass).

Decimals in a dict (a sheet's points) are decoded as strings and each
distinct string is converted once: a million sheets hold a few hundred
distinct marks, so they share their ``Decimal`` objects instead of holding
two or more new ones each (a third of a large replay's memory, measured).
The first conversion of each string is msgspec's own, so the value, and the
verdict on a string it refuses, are its; a point written as a JSON number
is refused by the twin and decoded the old way.

Only flat event types are twinned (fields of strings, optional strings,
booleans, integers and decimals without bounds, and dicts of them keyed by
strings); ``twin_of`` returns None for the others.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Generic, NamedTuple, TypeVar

import msgspec
import msgspec.inspect as mi

T = TypeVar("T", bound=msgspec.Struct)

REMEMBERED = 65_536
"""Distinct values remembered per constraint: the first ones met (ids repeat
and stay well below it). A type marked ``Meta(extra={"remember": False})``,
whose values never repeat (a sheet's submission id), is not remembered at all."""

REFUSED: Any = object()
"""What a check answers for a value its constraint refuses."""


class _StrCheck:
    """One string constraint (``pattern``, ``min_length``, ``max_length``) as
    msgspec applies it, with the values that passed it. It answers the first
    instance of each value, so the ids of a million events share a few
    strings (less memory, and dict lookups that compare by identity)."""

    __slots__ = ("known", "max_length", "min_length", "passed", "remember", "search")

    def __init__(self, kind: mi.StrType, remember: bool = True) -> None:
        self.search = re.compile(kind.pattern).search if kind.pattern is not None else None
        self.min_length = kind.min_length
        self.max_length = kind.max_length
        self.remember = remember
        """False for values that never repeat (``Meta(extra={"remember": False})``):
        each is checked, none is remembered, none is looked up."""
        self.passed: dict[str, str] = {}
        self.known = self.passed.get
        """The remembered instance of a value that passed, else None."""

    def __call__(self, value: str) -> str:
        found = self.known(value)
        return found if found is not None else self.learn(value)

    def learn(self, value: str) -> str:
        """``value``, not remembered: checked, and remembered if it passes
        while there is room."""
        if (
            (self.search is not None and self.search(value) is None)
            or (self.min_length is not None and len(value) < self.min_length)
            or (self.max_length is not None and len(value) > self.max_length)
        ):
            return REFUSED  # type: ignore[no-any-return]
        if self.remember and len(self.passed) < REMEMBERED:
            self.passed[value] = value
        return value


class _Decimals:
    """Decimal values decoded as strings: each string converted once, by
    msgspec, and the same ``Decimal`` answered for it from then on."""

    __slots__ = ("converted", "known")

    def __init__(self) -> None:
        self.converted: dict[str, Decimal] = {}
        self.known = self.converted.get
        """The ``Decimal`` of a string converted before, else None."""

    def convert(self, text: str) -> Decimal:
        """``text``'s ``Decimal`` as msgspec decodes it from a JSON string,
        remembered while there is room; ``REFUSED`` if msgspec refuses it."""
        try:
            value = _decode_decimal(_encode_json(text))
        except msgspec.ValidationError:
            return REFUSED  # type: ignore[no-any-return]
        if len(self.converted) < REMEMBERED:
            self.converted[text] = value
        return value


_decode_decimal = msgspec.json.Decoder(Decimal).decode
_encode_json = msgspec.json.encode


class _Keys:
    """A dict's keys, each checked by ``check``."""

    __slots__ = ("check", "known")

    def __init__(self, check: _StrCheck) -> None:
        self.check = check
        self.known = check.passed.keys()
        """The keys that passed (a live view)."""

    def __call__(self, found: dict[str, Any]) -> Any:
        """``found`` if every key passes, else ``REFUSED``."""
        if all(self.check(key) is not REFUSED for key in found):
            return found
        return REFUSED


def _constrained(kind: mi.StrType) -> bool:
    return kind.pattern is not None or kind.min_length is not None or kind.max_length is not None


_PLAIN: dict[type[mi.Type], type] = {
    mi.BoolType: bool,
    mi.DecimalType: Decimal,
    mi.IntType: int,
}


class _Loose(NamedTuple):
    """How a field is decoded in the twin, and completed."""

    kind: Any
    check: _StrCheck | _Keys | None = None
    optional: bool = False
    """``None`` is a valid value, never checked."""
    values: _Decimals | None = None
    """A dict's values, decimals decoded as strings, converted by this."""


def _loose(kind: mi.Type) -> _Loose | None:
    """How to decode and complete ``kind``; None when it is not supported."""
    remember = True
    if isinstance(kind, mi.Metadata):
        remember = (kind.extra or {}).get("remember", True)
        kind = kind.type
    if isinstance(kind, mi.StrType):
        return _Loose(str, _StrCheck(kind, remember) if _constrained(kind) else None)
    if isinstance(kind, mi.IntType):
        bounded = (kind.gt, kind.ge, kind.lt, kind.le, kind.multiple_of)
        return _Loose(int) if all(b is None for b in bounded) else None
    if type(kind) in _PLAIN:
        return _Loose(_PLAIN[type(kind)])
    if isinstance(kind, mi.UnionType):
        options = [t for t in kind.types if not isinstance(t, mi.NoneType)]
        if len(options) != 1 or len(kind.types) != 2:
            return None
        inner = _loose(options[0])
        if inner is None or inner.optional:
            return None
        return _Loose(inner.kind | None, inner.check, optional=True)
    if isinstance(kind, mi.DictType):
        if kind.min_length is not None or kind.max_length is not None:
            return None
        if not isinstance(kind.key_type, mi.StrType):
            return None
        key = _loose(kind.key_type)
        assert key is not None
        key_check = key.check
        assert key_check is None or isinstance(key_check, _StrCheck)
        value = _loose(kind.value_type)
        if value is None or value.check is not None:
            return None
        keys = _Keys(key_check) if key_check is not None else None
        if value.kind is Decimal:
            return _Loose(dict[str, str], keys, values=_Decimals())
        return _Loose(dict[str, value.kind], keys)  # type: ignore[name-defined]
    return None


def _completer(cls: type[T], fields: list[tuple[str, _Loose]]) -> Callable[[Any], T | None]:
    """``complete(loose)``: the event of class ``cls`` that its twin ``loose``
    stands for, or None if a check refuses a field. Generated as straight-line
    code (as dataclasses generate ``__init__``): a remembered id costs one dict
    lookup, where a loop of check calls cost more than the decoding itself."""
    namespace: dict[str, Any] = {"REFUSED": REFUSED, "cls": cls}
    lines = ["def complete(loose):"]
    for index, (name, loose) in enumerate(fields):
        value = f"v{index}"
        lines.append(f"    {value} = loose.{name}")
        if loose.check is None and loose.values is None:
            continue
        indent = "    "
        if loose.optional:
            lines.append(f"    if {value} is not None:")
            indent += "    "
        if loose.values is not None:
            namespace[f"decimal{index}"] = loose.values.known
            namespace[f"convert{index}"] = loose.values.convert
            lines += [
                f"{indent}converted = {{}}",
                f"{indent}for key, text in {value}.items():",
                *_recall(f"decimal{index}", f"convert{index}", "text", "number", indent + "    "),
                f"{indent}    converted[key] = number",
                f"{indent}{value} = converted",
            ]
        if loose.check is None:
            continue
        namespace[f"check{index}"] = loose.check
        if isinstance(loose.check, _Keys):
            namespace[f"known{index}"] = loose.check.known
            lines += [
                f"{indent}if not {value}.keys() <= known{index}:",
                f"{indent}    if check{index}({value}) is REFUSED:",
                f"{indent}        return None",
            ]
        elif not loose.check.remember:
            # Never remembered (a sheet's id, new in every event): its
            # constraints inline, without a call (~0.1 µs an event).
            lines += _inline_checks(loose.check, value, index, indent, namespace)
        else:
            namespace[f"known{index}"] = loose.check.known
            namespace[f"learn{index}"] = loose.check.learn
            lines += [
                *_recall(f"known{index}", f"learn{index}", value, "found", indent),
                f"{indent}{value} = found",
            ]
    lines.append(f"    return cls({', '.join(f'v{i}' for i in range(len(fields)))})")
    exec("\n".join(lines), namespace)
    complete: Callable[[Any], T | None] = namespace["complete"]
    return complete


def _recall(known: str, learn: str, source: str, target: str, indent: str) -> list[str]:
    """Lines setting ``target`` to what ``known`` remembers of ``source``, else
    to what ``learn`` makes of it, and returning None if that is refused."""
    return [
        f"{indent}{target} = {known}({source})",
        f"{indent}if {target} is None:",
        f"{indent}    {target} = {learn}({source})",
        f"{indent}    if {target} is REFUSED:",
        f"{indent}        return None",
    ]


def _inline_checks(
    check: _StrCheck, value: str, index: int, indent: str, namespace: dict[str, Any]
) -> list[str]:
    """Lines refusing ``value`` (return None) as ``check.learn`` would."""
    refusals = []
    if check.search is not None:
        namespace[f"search{index}"] = check.search
        refusals.append(f"search{index}({value}) is None")
    if check.min_length is not None:
        refusals.append(f"len({value}) < {check.min_length}")
    if check.max_length is not None:
        refusals.append(f"len({value}) > {check.max_length}")
    if not refusals:
        return []
    return [f"{indent}if {' or '.join(refusals)}:", f"{indent}    return None"]


class Twin(Generic[T]):
    """``cls`` without its string constraints: the type to decode as, and
    ``complete``, the way back (None when a check refuses)."""

    __slots__ = ("checks", "cls", "complete", "loose")

    def __init__(self, cls: type[T], loose: type[msgspec.Struct], fields: list[tuple[str, _Loose]]):
        self.cls = cls
        self.loose = loose
        self.checks = {name: f.check for name, f in fields if f.check is not None}
        """Each checked field's check, by name."""
        self.complete = _completer(cls, fields)


class CheckedDecoder(Generic[T]):
    """Decodes ``cls`` from JSON as ``msgspec.json.Decoder(cls)`` does."""

    def __init__(self, twin: Twin[T]):
        self._strict = msgspec.json.Decoder(twin.cls)
        self._loose = msgspec.json.Decoder(twin.loose)
        self._twin = twin

    def decode(self, data: bytes | msgspec.Raw) -> T:
        try:
            loose = self._loose.decode(data)
        except (msgspec.ValidationError, msgspec.DecodeError):
            return self._strict.decode(data)
        event = self._twin.complete(loose)
        return event if event is not None else self._strict.decode(data)


def twin_of(cls: type[T]) -> Twin[T] | None:
    """The twin of ``cls`` when its shape allows (see the module's docstring)."""
    info = mi.type_info(cls)
    assert isinstance(info, mi.StructType)
    if info.array_like or info.tag_field is not None:
        return None
    fields: list[tuple[str, _Loose]] = []
    spec: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    for field in info.fields:
        loose = _loose(field.type)
        if (
            loose is None
            or field.encode_name != field.name
            or field.default_factory is not msgspec.NODEFAULT
        ):
            return None
        fields.append((field.name, loose))
        spec.append(
            (field.name, loose.kind) if field.required else (field.name, loose.kind, field.default)
        )
    loose_cls = msgspec.defstruct(
        f"{cls.__name__}Twin", spec, forbid_unknown_fields=info.forbid_unknown_fields, gc=False
    )
    return Twin(cls, loose_cls, fields)


def checked_decoder(cls: type[T]) -> CheckedDecoder[T] | msgspec.json.Decoder[T]:
    """The faster decoder of ``cls`` when its shape allows, else its plain decoder."""
    twin = twin_of(cls)
    return CheckedDecoder(twin) if twin is not None else msgspec.json.Decoder(cls)
