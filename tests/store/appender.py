"""Appends to one stream in a loop and prints each acknowledged seq.

The subprocess of the store tests: ``python -m tests.store.appender URL STREAM
NAME COUNT [keyed]`` prints ``ready`` once the store is open, waits for a line
on stdin, then appends COUNT events (0: until killed), each naming NAME and its
number, retrying on a conflict with the stream's fresh head, and prints the
seq of every append the store acknowledged, flushed at once, so that a test
killing it knows exactly what was promised durable. ``keyed``: each append's
idempotency key is the name it writes, so processes given the same NAME
retry each other's appends.
"""

from __future__ import annotations

import asyncio
import itertools
import sys

from events.catalog import ContestantCalled
from events.envelope import SYSTEM, Envelope
from events.errors import ConflictError
from events.store import Store, open_store


async def append_retrying(
    store: Store, stream: str, contestant: str, *, keyed: bool = False
) -> Envelope:
    """Append one event at the head, retrying with the new head after a conflict."""
    expected = (await store.head(stream)).seq
    while True:
        try:
            [envelope] = await store.append(
                stream,
                [ContestantCalled(contestant=contestant)],
                actor=SYSTEM,
                expected_seq=expected,
                idempotency_key=contestant if keyed else None,
            )
        except ConflictError as conflict:
            expected = conflict.head_seq
            continue
        return envelope


async def run(url: str, stream: str, name: str, count: int, keyed: bool) -> None:
    store = await open_store(url)
    try:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)  # the test starts every appender at once
        numbers = range(count) if count else itertools.count()
        for number in numbers:
            envelope = await append_retrying(store, stream, f"{name}-{number}", keyed=keyed)
            print(envelope.seq, flush=True)
    finally:
        await store.close()


if __name__ == "__main__":
    url, stream, name, count, *mode = sys.argv[1:]
    asyncio.run(run(url, stream, name, int(count), mode == ["keyed"]))
