"""Waiting on an event for at most some seconds, without losing a cancellation.

``asyncio.wait_for`` on Python 3.11 returns the result instead of raising when
it is cancelled in the same turn of the loop as its awaitable completes, so a
task cancelled just as a commit woke it went on waiting (gh-86296); a
server's shutdown then hung on its follower. ``asyncio.timeout`` does not.
"""

from __future__ import annotations

import asyncio
import contextlib


async def wait_at_most(event: asyncio.Event, seconds: float) -> None:
    """Return when ``event`` is set or ``seconds`` have passed."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()
