"""``leitai replay``: the board as it stood at any seq or moment.

The log is read from a database or an NDJSON export, its chain checked as it
is folded (a replay never shows a board from a broken log), and folded with
the same ``apply`` as the live server up to the seq asked for.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import sys
import time
import unicodedata
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Protocol, TextIO, runtime_checkable

import msgspec

from events.chain import ChainVerifier, Record
from events.checkpoint_store import open_checkpoints
from events.envelope import Envelope, canonical, decode_body, open_envelope, utc_timestamp
from events.errors import LogFormatError
from events.ndjson import read_export
from events.store import Store, open_store
from projections.board import BoardRow, BoardView, board
from projections.state import Competition, apply
from server import logtools


async def replay_store(store: Store, stream: str, to_seq: int | None = None) -> Competition:
    """The state of ``stream`` after its first ``to_seq`` events (all by default).

    The fold builds millions of objects that live as long as the state; the
    garbage collector would rescan them again and again as they pile up
    (a quarter of a large replay's time, measured), so it is paused meanwhile.
    """
    state = Competition.empty(stream)
    if to_seq == 0:
        return state
    with collector_paused():
        if isinstance(store, Folder):
            return await store.fold(stream, state, apply, to_seq)
        async for envelope in store.read(stream, 1, to_seq):
            state = apply(state, envelope)
    return state


@runtime_checkable
class Folder(Protocol):
    """A store that folds a stream itself, off the event loop (the SQLite store does)."""

    async def fold(
        self,
        stream: str,
        state: Competition,
        step: Callable[[Competition, Envelope], Competition],
        to_seq: int | None = None,
    ) -> Competition: ...


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off meanwhile (as it was, after)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- reading a log ------------------------------------------------------------


@dataclass
class LogSource:
    """A database or an NDJSON export, read the same way."""

    target: str
    store: Store | None

    async def streams(self) -> list[str]:
        if self.store is not None:
            return await self.store.streams()
        seen: dict[str, None] = {}
        for stream, _ in self._export():
            seen.setdefault(stream, None)
        return list(seen)

    async def count(self, stream: str) -> int:
        """How many events ``stream`` holds (an export's lines are counted)."""
        if self.store is not None:
            return (await self.store.head(stream)).seq
        member = b'"stream":' + canonical(stream) + b","
        return sum(1 for line in self._lines() if member in line)

    async def records(self, stream: str) -> AsyncGenerator[Record, None]:
        if self.store is not None:
            async for record in self.store.read_records(stream):
                yield record
            return
        lines = self._export()
        try:
            for name, record in lines:
                if name == stream:
                    yield record
        finally:
            lines.close()

    async def notes(self, stream: str) -> list[str]:
        """Checkpoints kept beside a database (an export holds none)."""
        if self.store is None:
            return []
        checkpoints = await open_checkpoints(self.target, create=False)
        try:
            return await checkpoints.notes(stream)
        finally:
            await checkpoints.close()

    def _export(self) -> Generator[tuple[str, Record], None, None]:
        with Path(self.target).open("rb") as file:
            yield from read_export(file)

    def _lines(self) -> Generator[bytes, None, None]:
        with Path(self.target).open("rb") as file:
            yield from file


@asynccontextmanager
async def log_source(target: str) -> AsyncIterator[LogSource]:
    """The log at ``target``: a database file, a store URL or an NDJSON export."""
    if logtools.target_kind(target) == "export":
        yield LogSource(target, None)
        return
    store = await open_store(target, create=False)
    try:
        yield LogSource(target, store)
    finally:
        await store.close()


class ProgressBar:
    """A bar on ``out`` when it is a terminal; silent otherwise."""

    def __init__(self, total: int | None, out: TextIO = sys.stderr) -> None:
        self.total = total
        self.out = out
        self.shown = bool(total)
        self._last = 0.0

    @classmethod
    async def of(cls, source: LogSource, stream: str, out: TextIO = sys.stderr) -> ProgressBar:
        """A bar for reading ``stream``: counted only when ``out`` is a terminal."""
        return cls(await source.count(stream) if out.isatty() else None, out)

    def update(self, done: int) -> None:
        if not self.shown or self.total is None:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and done < self.total:
            return
        self._last = now
        filled = 30 * done // self.total
        self.out.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{self.total} events")
        self.out.flush()

    def close(self) -> None:
        if self.shown:
            self.out.write("\r" + " " * 60 + "\r")
            self.out.flush()


class BrokenLog(Exception):
    """The log's chain breaks before the point asked for."""


async def replay_source(
    source: LogSource,
    stream: str,
    *,
    to_seq: int | None = None,
    until: str | None = None,
    progress: ProgressBar | None = None,
) -> Competition:
    """The state after the events up to ``to_seq``, or while their ``at`` is
    not after ``until`` (a log timestamp); the chain is checked on the way."""
    state = Competition.empty(stream)
    checker = ChainVerifier(stream)
    async with aclosing(source.records(stream)) as records:
        async for record in records:
            if to_seq is not None and record.seq > to_seq:
                break
            if not checker.feed(*record):
                raise BrokenLog(
                    f"{stream}: the log breaks at seq {checker.bad_seq}: {checker.problem}"
                )
            if until is not None and decode_body(record.body).at > until:
                break
            state = apply(state, open_envelope(record.body, record.hash))
            if progress is not None and record.seq % 1024 == 0:
                progress.update(record.seq)
    if to_seq is not None and state.seq < to_seq:
        raise LogFormatError(f"{stream}: the log holds {state.seq} events, not {to_seq}")
    return state


def parse_moment(text: str) -> int | str:
    """``--at``: a seq (digits), or an ISO 8601 time, as a log timestamp (UTC).
    A time without an offset is this computer's local time."""
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise LogFormatError(
            f"--at {text!r}: expected a seq (e.g. 120) or a time (e.g. 2026-05-01T10:30)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return utc_timestamp(moment.astimezone(UTC))


# --- the table ----------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def _number(value: Decimal | None) -> str:
    return "—" if value is None else str(value)


def _cells(row: BoardRow, language: str) -> list[str]:
    award = row.award_name.pick(language) if row.award_name is not None else row.award or ""
    return [
        str(row.rank) if row.rank is not None else "—",
        f"{row.contestant} {row.name}",
        row.organisation,
        row.group,
        row.status,
        _number(row.aggregate),
        _number(row.final),
        award,
    ]


HEADERS = ["rank", "contestant", "organisation", "group", "status", "aggregate", "final", "award"]
_RIGHT = {0, 5, 6}


def render_table(view: BoardView, language: str = "en") -> str:
    """The board as a plain text table, overall standings."""
    rows = [HEADERS, *(_cells(row, language) for row in view.overall)]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(HEADERS))]
    round_name = view.round_name.pick(language) or view.round or "no round"
    lines = [
        f"{view.stream} at seq {view.seq}, {round_name}"
        + (", awards published" if view.awards_published else ""),
        "",
    ]
    for index, row in enumerate(rows):
        lines.append(
            "  ".join(
                _pad(c, w, i in _RIGHT) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


async def _replay(args: argparse.Namespace) -> BoardView:
    moment = parse_moment(args.at) if args.at is not None else None
    async with log_source(args.path) as source:
        if args.stream not in await source.streams():
            raise LogFormatError(f"{args.path}: no stream {args.stream!r}")
        bar = await ProgressBar.of(source, args.stream)
        try:
            state = await replay_source(
                source,
                args.stream,
                to_seq=moment if isinstance(moment, int) else None,
                until=moment if isinstance(moment, str) else None,
                progress=bar,
            )
        finally:
            bar.close()
    return board(state, args.round, public=False)


def run(args: argparse.Namespace) -> int:
    """``leitai replay``."""
    try:
        view = asyncio.run(_replay(args))
    except BrokenLog as exc:
        print(f"leitai: {exc}; nothing replayed", file=sys.stderr)
        return 1
    if args.json:
        sys.stdout.buffer.write(msgspec.json.encode(view) + b"\n")
    else:
        sys.stdout.write(render_table(view, args.language))
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    replay = commands.add_parser(
        "replay",
        help="show the board as it stood at any seq or time",
        description="Fold one competition's log up to a seq or a moment and print the full "
        "board (admin view: every result, revealed or not). The chain is checked on the way; "
        "a broken log is refused. A progress bar shows on a terminal.",
    )
    replay.add_argument("path", help="database file, store URL or NDJSON export")
    replay.add_argument("--stream", required=True, help="the competition id")
    replay.add_argument(
        "--at",
        help="a seq (e.g. 120) or a time (ISO 8601; without an offset, this computer's local "
        "time): the board after the last event at or before it (default: the end of the log)",
    )
    replay.add_argument("--round", help="the round to show (default: the round being run)")
    replay.add_argument("--json", action="store_true", help="print the board as JSON")
    replay.add_argument("--language", choices=["en", "zh-CN"], default="en")
    replay.set_defaults(run=run)
