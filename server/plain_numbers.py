"""Marks and prior scores as the body wrote them: plain decimals only.

msgspec reads a ``Decimal`` as Python's ``Decimal`` constructor does, which
takes "1_0" for 10, "1e1" for 10, "８" (full width) and "٣" (Arabic-Indic)
for digits, and " 8.5 ", "+5", ".5", "8." and "-0" as numbers: a client's
typo became a valid, different mark, acknowledged. A mark or a prior score
must be written as digits with at most one decimal point, as a JSON string
or number (``38.5``, ``"38.5"``, ``"40"``); anything else is refused before
``decide`` sees the command.
"""

from __future__ import annotations

import re

import msgspec

from server.errors import ApiError

_PLAIN = re.compile(rb'(?:0|[1-9][0-9]*)(?:\.[0-9]+)?|"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?"')


class _Written(msgspec.Struct):
    """The numbers of a command as raw JSON; its other fields are not read."""

    points: dict[str, msgspec.Raw] = {}
    value: msgspec.Raw = msgspec.Raw(b"0")  # absent: nothing to refuse


_decoder = msgspec.json.Decoder(_Written)


def check_plain_numbers(body: bytes) -> None:
    """Refuse (422 ``invalid_number``) a mark or a prior score of ``body`` (a
    command msgspec decoded already) not written as a plain decimal."""
    written = _decoder.decode(body)
    numbers = [(f"points.{key}", raw) for key, raw in written.points.items()]
    numbers.append(("value", written.value))
    for field, raw in numbers:
        if _PLAIN.fullmatch(bytes(raw)) is None:
            text = bytes(raw).decode("utf-8", "replace")
            raise ApiError(
                422,
                "invalid_number",
                f"Not a plain decimal at {field}: {text}; write it as 38.5 does "
                "(digits and at most one decimal point, no sign, spaces or exponent)",
                f"{field}：{text} 不是规范的十进制数，应写作如 38.5（只含数字和至多一个小数点，"
                "不含符号、空格或指数）",
            )
