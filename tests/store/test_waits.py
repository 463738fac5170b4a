"""``wait_at_most`` keeps a cancellation that ``asyncio.wait_for`` would drop."""

from __future__ import annotations

import asyncio
import contextlib
import sys

import pytest

from events.waits import wait_at_most


async def wait_for_event(event: asyncio.Event, seconds: float) -> None:
    """What the stores' tails did before: ``asyncio.wait_for``."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


async def cancelled_as_woken(wait: object) -> bool:
    """Whether a waiter cancelled in the same turn as its event is set
    raises ``CancelledError`` (else it returned as if only woken)."""
    event = asyncio.Event()
    waiter = asyncio.create_task(wait(event, 60))  # type: ignore[operator]
    for _ in range(3):
        await asyncio.sleep(0)  # it is waiting on the event
    event.set()
    waiter.cancel()
    try:
        await waiter
    except asyncio.CancelledError:
        return True
    return False


async def test_a_cancellation_as_the_event_is_set_is_kept() -> None:
    assert await cancelled_as_woken(wait_at_most)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="wait_for keeps it from Python 3.12")
async def test_wait_for_drops_it_on_this_python() -> None:
    """Why ``wait_at_most`` exists: a follower cancelled at shutdown just as
    a commit woke it went on waiting, and the shutdown hung."""
    assert not await cancelled_as_woken(wait_for_event)


async def test_it_returns_when_set_or_after_its_time() -> None:
    event = asyncio.Event()
    event.set()
    await asyncio.wait_for(wait_at_most(event, 60), 5)  # set: at once
    await asyncio.wait_for(wait_at_most(asyncio.Event(), 0.01), 5)  # not set: its time
