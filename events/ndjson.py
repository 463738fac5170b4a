"""A stream's log as NDJSON: one envelope (with its hash) per line."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import msgspec

from events.chain import Record
from events.envelope import canonical, export_line
from events.errors import LogFormatError


def export_lines(records: Iterable[Record]) -> Iterator[bytes]:
    """NDJSON lines, newline included, for stored records."""
    for record in records:
        yield export_line(record.body, record.hash) + b"\n"


def read_export(lines: Iterable[bytes]) -> Iterator[tuple[str, Record]]:
    """(stream, record) for each line of an export, the body rebuilt canonically.

    The body is re-derived as an auditor would: parse the line, drop
    ``hash``, encode canonically. Raises ``LogFormatError`` naming the line.
    """
    count = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = msgspec.json.decode(line)
        except msgspec.DecodeError as exc:
            raise LogFormatError(
                f"line {number} is not JSON ({exc}); is the export truncated?"
            ) from None
        if not isinstance(obj, dict):
            raise LogFormatError(f"line {number} is not a JSON object")
        hash_ = obj.pop("hash", None)
        seq, stream = obj.get("seq"), obj.get("stream")
        if not isinstance(hash_, str) or not isinstance(seq, int) or not isinstance(stream, str):
            raise LogFormatError(f"line {number} lacks a string hash, an integer seq or a stream")
        count += 1
        yield stream, Record(seq, canonical(obj), hash_)
    if count == 0:
        raise LogFormatError("the export holds no events")
