"""msgspec validation errors in words an organiser reads.

``msgspec.convert`` says ``Expected `str`, got `int` - at `$.contestants[3].group```;
``explain`` turns that into the path ``["contestants", 3, "group"]`` and the
problem ``expected text, found 12``, looking the value up in the input and the
allowed names up in the target type.
"""

from __future__ import annotations

import re
import types
import typing
from decimal import Decimal
from typing import Annotated, Literal, Union

import msgspec

from events.catalog import CriterionKey, Id

Segment = str | int
"""A step of a path: a field or key name, or a 0-based list index."""

_PATTERNS: dict[str, str] = {
    typing.get_args(Id)[1].pattern: (
        "an id (letters, digits and _ . -, starting with a letter or digit, at most 64)"
    ),
    typing.get_args(CriterionKey)[1].pattern: (
        "a key (lower-case a-z, digits and _, starting with a letter, at most 32)"
    ),
}

_WORDS = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "decimal": "a number",
    "bool": "true or false",
    "object": "a table",
    "array": "a list",
    "null": "nothing",
}

_STEP = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")
_MISSING = object()


def explain(
    exc: msgspec.ValidationError, data: object, target: object
) -> tuple[list[Segment], str]:
    """The path to the faulty value and what is wrong with it, in one phrase."""
    message, _, at = str(exc).partition(" - at `")
    key_error = at.startswith("key` in `")
    path = _parse(at.removeprefix("key` in `").rstrip("`"))
    path = _resolve_wildcards(path, data, target)
    if match := re.fullmatch(r"Object contains unknown field `(.*)`", message):
        allowed = ", ".join(_field_names(_type_at(target, path)))
        return [*path, match[1]], f"unknown field; expected one of: {allowed}"
    if match := re.fullmatch(r"Object missing required field `(.*)`", message):
        return [*path, match[1]], "missing; this field is required"
    if key_error:
        return path, f"{_expected(message)}, found the key {_render(_bad_key(data, target, path))}"
    found = _render(data_at(data, path))
    if message.startswith("Invalid enum value"):
        options = ", ".join(f'"{value}"' for value in _literals(_type_at(target, path)))
        return path, f"expected one of {options}, found {found}"
    if message == "Invalid decimal string":
        return path, f"expected a number, found {found}"
    return path, f"{_expected(message)}, found {found}"


def dotted(path: list[Segment]) -> str:
    """``contestants[3].group`` for ``["contestants", 3, "group"]``."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else f".{step}" if text else step
    return text or "the top level"


def data_at(data: object, path: list[Segment]) -> object:
    """The value at ``path`` in nested dicts and lists, or ``None``."""
    for step in path:
        if isinstance(step, int) and isinstance(data, list) and step < len(data):
            data = data[step]
        elif isinstance(step, str) and isinstance(data, dict):
            data = data.get(step)
        else:
            return None
    return data


def _parse(at: str) -> list[Segment]:
    path: list[Segment] = []
    for name, index in _STEP.findall(at.removeprefix("$")):
        path.append(name if name else int(index) if index != "..." else "...")
    return path


def _resolve_wildcards(path: list[Segment], data: object, target: object) -> list[Segment]:
    """Replace msgspec's ``[...]`` (a dict value) by the key whose value fails."""
    resolved: list[Segment] = []
    for step in path:
        if step == "...":
            mapping = data_at(data, resolved)
            value_type = _child(_type_at(target, resolved), "...")
            if isinstance(mapping, dict):
                bad = (key for key, value in mapping.items() if not _fits(value, value_type))
                step = str(next(bad, "..."))
        resolved.append(step)
    return resolved


def _bad_key(data: object, target: object, path: list[Segment]) -> object:
    mapping = data_at(data, path)
    mapping_type = _type_at(target, path)
    if not isinstance(mapping, dict) or typing.get_origin(mapping_type) is not dict:
        return None
    key_type = typing.get_args(mapping_type)[0]
    return next((key for key in mapping if not _fits(key, key_type)), None)


def _fits(value: object, target: object) -> bool:
    try:
        msgspec.convert(value, target)
    except msgspec.ValidationError:
        return False
    return True


def _type_at(target: object, path: list[Segment]) -> object:
    for step in path:
        target = _child(target, step)
    return _bare(target)


def _child(target: object, step: Segment) -> object:
    target = _bare(target)
    for member in _members(target):
        origin = typing.get_origin(member) or member
        if isinstance(step, int) and origin in (list, tuple):
            return typing.get_args(member)[0]
        if step == "..." and origin is dict:
            return typing.get_args(member)[1]
        if (
            isinstance(step, str)
            and isinstance(member, type)
            and issubclass(member, msgspec.Struct)
        ):
            for field in msgspec.structs.fields(member):
                if field.encode_name == step:
                    return field.type
    return object


def _bare(target: object) -> object:
    while typing.get_origin(target) is Annotated:
        target = typing.get_args(target)[0]
    return target


def _members(target: object) -> tuple[object, ...]:
    if typing.get_origin(target) in (Union, types.UnionType):
        return tuple(_bare(member) for member in typing.get_args(target))
    return (target,)


def _field_names(target: object) -> list[str]:
    return [
        field.encode_name
        for member in _members(target)
        if isinstance(member, type) and issubclass(member, msgspec.Struct)
        for field in msgspec.structs.fields(member)
    ]


def _literals(target: object) -> list[object]:
    return [
        value
        for member in _members(target)
        if typing.get_origin(member) is Literal
        for value in typing.get_args(member)
    ]


def _expected(message: str) -> str:
    """``Expected `str` matching regex '…'`` → ``expected an id (…)``."""
    if match := re.fullmatch(r"Expected `str` matching regex '(.*)'", message):
        return "expected " + _PATTERNS.get(match[1], f"text matching {match[1]}")
    text = re.sub(r"`([a-z]+)`", lambda m: _WORDS.get(m[1], m[1]), message)
    text = re.sub(r", got .*$", "", text)
    return text[:1].lower() + text[1:]


def _render(value: object) -> str:
    """A value as it would be written in the file."""
    match value:
        case None:
            return "nothing"
        case bool():
            return "true" if value else "false"
        case str():
            return f'"{value}"'
        case int() | Decimal():
            return str(value)
        case dict():
            return "a table"
        case list():
            return "a list"
        case _:
            return repr(value)
