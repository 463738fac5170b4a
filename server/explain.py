"""msgspec validation errors in words an organiser reads.

``msgspec.convert`` says ``Expected `str`, got `int` - at `$.contestants[3].group```;
``explain`` turns that into the path ``["contestants", 3, "group"]`` and the
problem ``expected text, found 12`` (``应为文本，实际为 12``), looking the value
up in the input and the allowed names up in the target type. A message of
msgspec's that ``_expected`` does not know is said in Chinese as a generic
phrase with msgspec's English as the detail, never in English alone.
"""

from __future__ import annotations

import re
import types
import typing
from decimal import Decimal
from typing import Annotated, Literal, Union

import msgspec

from events.catalog import CriterionKey, Id
from projections.commands import PlainName
from server.mistake import Bilingual

Segment = str | int
"""A step of a path: a field or key name, or a 0-based list index."""

_PATTERNS: dict[str, Bilingual] = {
    typing.get_args(Id)[1].pattern: Bilingual(
        "an id (letters, digits and _ . -, starting with a letter or digit, at most 64)",
        "编号（字母、数字及 _ . -，以字母或数字开头，至多 64 个字符）",
    ),
    typing.get_args(PlainName)[1].pattern: Bilingual(
        "text, not blank, without control characters (a tab or a line break aside)",
        "非空白且不含控制字符的文本（制表符、换行除外）",
    ),
    typing.get_args(CriterionKey)[1].pattern: Bilingual(
        "a key (lower-case a-z, digits and _, starting with a letter, at most 32)",
        "键名（小写字母 a-z、数字及 _，以字母开头，至多 32 个字符）",
    ),
}

_WORDS = {
    "str": Bilingual("text", "文本"),
    "int": Bilingual("a whole number", "整数"),
    "float": Bilingual("a number", "数"),
    "decimal": Bilingual("a number", "数"),
    "bool": Bilingual("true or false", "true 或 false"),
    "object": Bilingual("a table", "表"),
    "array": Bilingual("a list", "列表"),
    "null": Bilingual("nothing", "空值"),
}

_BOUNDS = {">=": "不小于", "<=": "不大于", ">": "大于", "<": "小于"}
_LENGTHS = {">=": "至少", "<=": "至多"}
_UNITS = {"str": "个字符的", "array": "项的", "object": "项的"}

_STEP = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")
_MISSING = object()


MISSING = Bilingual("missing; this field is required", "缺少此项；这一项必填")


def explain(
    exc: msgspec.ValidationError, data: object, target: object
) -> tuple[list[Segment], Bilingual]:
    """The path to the faulty value and what is wrong with it, in one phrase."""
    message, _, at = str(exc).partition(" - at `")
    key_error = at.startswith("key` in `")
    path = _parse(at.removeprefix("key` in `").rstrip("`"))
    path = _resolve_wildcards(path, data, target)
    if match := re.fullmatch(r"Object contains unknown field `(.*)`", message):
        names = _field_names(_type_at(target, path))
        return [*path, match[1]], Bilingual(
            f"unknown field; expected one of: {', '.join(names)}",
            f"没有这个字段；可用的字段有：{'、'.join(names)}",
        )
    if match := re.fullmatch(r"Object missing required field `(.*)`", message):
        return [*path, match[1]], MISSING
    expected = _expected(message)
    if message.startswith("Invalid enum value") and not key_error:
        expected = enum_expected(_literals(_type_at(target, path)))
    if key_error:
        key = render(_bad_key(data, target, path))
        return path, Bilingual(
            f"{expected.en}, found the key {key.en}", f"键名应为{expected.zh}，实际为 {key.zh}"
        )
    found = render(data_at(data, path))
    return path, Bilingual(
        f"{expected.en}, found {found.en}", f"应为{expected.zh}，实际为 {found.zh}"
    )


def enum_expected(options: list[object]) -> Bilingual:
    """``expected one of "a", "b"`` and its Chinese."""
    quoted = [f'"{value}"' for value in options]
    return Bilingual(f"expected one of {', '.join(quoted)}", f" {'、'.join(quoted)} 之一")


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


def _expected(message: str) -> Bilingual:
    """What msgspec's message asks for: ``expected …`` and the Chinese after ``应为``.

    ``Expected `str` matching regex '…'`` → ``expected an id (…)`` / ``编号（…）``.
    """
    if message.startswith("Invalid enum value"):
        return Bilingual("expected one of the allowed values", "允许的取值之一")
    if message == "Invalid decimal string":
        return Bilingual("expected a number", "数")
    if match := re.fullmatch(r"Expected `str` matching regex '(.*)'", message):
        # msgspec names the pattern as Python's repr would, its backslashes doubled
        pattern = _PATTERNS.get(match[1]) or _PATTERNS.get(match[1].replace("\\\\", "\\"))
        if pattern is None:
            return Bilingual(f"expected text matching {match[1]}", f"符合 {match[1]} 格式的文本")
        return Bilingual("expected " + pattern.en, pattern.zh)
    en = re.sub(r"`([a-z]+)`", lambda m: _WORDS[m[1]].en if m[1] in _WORDS else m[1], message)
    en = re.sub(r", got .*$", "", en)
    en = en[:1].lower() + en[1:]
    shape = re.fullmatch(
        r"Expected `([a-z| ]+)`(?: (of length )?(>=|<=|>|<) (\S+))?(?:, got .*)?", message
    )
    types = shape[1].split(" | ") if shape else []
    if not shape or not all(name in _WORDS for name in types):
        return Bilingual(en, f"符合要求的值（{en}）")
    noun = "或".join(_WORDS[name].zh for name in types)
    _, length, bound, limit = shape.groups()
    if bound is None:
        return Bilingual(en, noun)
    if length is None and bound in _BOUNDS:
        return Bilingual(en, f"{_BOUNDS[bound]} {limit} 的{noun}")
    if length is not None and bound in _LENGTHS and types[0] in _UNITS:
        return Bilingual(en, f"{_LENGTHS[bound]} {limit} {_UNITS[types[0]]}{noun}")
    return Bilingual(en, f"符合要求的{noun}（{en}）")


def render(value: object) -> Bilingual:
    """A value as it would be written in the file."""
    match value:
        case None:
            return Bilingual("nothing", "空值")
        case bool():
            return Bilingual.same("true" if value else "false")
        case str():
            return Bilingual.same(f'"{value}"')
        case int() | Decimal():
            return Bilingual.same(str(value))
        case dict():
            return Bilingual("a table", "一个表")
        case list():
            return Bilingual("a list", "一个列表")
        case _:
            return Bilingual.same(repr(value))
