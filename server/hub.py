"""Fan-out of views to WebSocket subscribers.

Each view change is encoded once and the same text goes to every subscriber
of that view. A socket that is briefly behind keeps a short backlog per view
and still gets every update; one that falls further behind has its backlog
collapsed to the latest state, so it catches up at once, memory stays
bounded, and nobody waits for the slowest reader. The same holds when the
server itself is behind (more updates a second than it can send to every
socket): a socket whose oldest pending update is older than ``STALE_SECONDS``
gets only the latest, so the time from a change to every screen stays
bounded instead of growing with the backlog. Views are whole states (tagged
with their seq), so dropping older ones loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Hashable

ViewKey = Hashable
Send = Callable[[str], Awaitable[None]]
BACKLOG = 16  # pending messages per view before only the latest is kept
STALE_SECONDS = 0.1  # a backlog whose oldest message waited longer: send the latest only


class Subscriber:
    """One socket's pending messages and the task that sends them."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._pending: dict[ViewKey, list[tuple[float, str]]] = {}
        self._wake = asyncio.Event()
        self.keys: set[ViewKey] = set()
        self.closed = False

    def offer(self, key: ViewKey, text: str, at: float) -> None:
        """Queue ``text``, published at ``at`` (loop time)."""
        backlog = self._pending.setdefault(key, [])
        if len(backlog) >= BACKLOG:
            backlog.clear()  # too far behind: the latest state is all it needs
        backlog.append((at, text))
        self._wake.set()

    async def run(self) -> None:
        """Send pending messages until closed; returns when the socket fails."""
        loop = asyncio.get_running_loop()
        while not self.closed:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                key = next(iter(self._pending))
                backlog = self._pending[key]
                if len(backlog) > 1 and loop.time() - backlog[0][0] > STALE_SECONDS:
                    del backlog[:-1]  # the server is behind: the latest state is enough
                _, text = backlog.pop(0)
                if not backlog:
                    del self._pending[key]
                await self._send(text)

    def close(self) -> None:
        self.closed = True
        self._wake.set()


class Hub:
    """Subscribers by view; the last message of each view, for newcomers."""

    def __init__(self) -> None:
        self._subscribers: dict[ViewKey, set[Subscriber]] = {}
        self._last: dict[ViewKey, str] = {}

    def watched(self) -> list[ViewKey]:
        return [key for key, subs in self._subscribers.items() if subs]

    def subscribe(self, subscriber: Subscriber, key: ViewKey, current: str) -> None:
        self._subscribers.setdefault(key, set()).add(subscriber)
        subscriber.keys.add(key)
        self._last.setdefault(key, current)
        subscriber.offer(key, self._last[key], asyncio.get_running_loop().time())

    def unsubscribe(self, subscriber: Subscriber) -> None:
        for key in subscriber.keys:
            subs = self._subscribers.get(key)
            if subs is not None:
                subs.discard(subscriber)
                if not subs:
                    del self._subscribers[key]
                    self._last.pop(key, None)
        subscriber.keys.clear()
        subscriber.close()

    def publish(self, key: ViewKey, text: str) -> None:
        """Send ``text`` to the view's subscribers unless it is what they have."""
        if self._last.get(key) == text:
            return
        self._last[key] = text
        at = asyncio.get_running_loop().time()
        for subscriber in self._subscribers.get(key, ()):
            subscriber.offer(key, text, at)

    def broadcast(self, text: str) -> None:
        """Send ``text`` (a heartbeat) to every subscriber once."""
        seen: set[Subscriber] = set()
        at = asyncio.get_running_loop().time()
        for subs in self._subscribers.values():
            for subscriber in subs - seen:
                seen.add(subscriber)
                subscriber.offer("heartbeat", text, at)

    async def close(self) -> None:
        for subs in list(self._subscribers.values()):
            for subscriber in list(subs):
                with contextlib.suppress(Exception):
                    self.unsubscribe(subscriber)
