"""Fan-out of views to WebSocket subscribers.

Each view change is encoded and framed once, and the same bytes go to every
subscriber of that view (``server.frames``: straight to each connection's
transport, where the server offers it). Views are whole states tagged with
their seq, so a socket never needs an older one: one that cannot take a
message now (its buffer is full: a slow reader, a phone on bad Wi-Fi) keeps
only the latest of each view, and gets it when its buffer drains. Memory
stays bounded, nobody waits for the slowest reader, and a socket that falls
behind catches up at once.

A message may come with a patch from the view's previous message
(``server.patches``). A subscriber that asked for patches is sent the patch
when the previous message is the last it was sent of that view, and the
whole view otherwise (its first, or after it fell behind): the patch is
framed once too, and the chain is one link long, so nothing accumulates.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
from collections.abc import Callable, Coroutine, Hashable
from typing import Any, Protocol

from server.frames import FrameSink, Written, text_frame

ViewKey = Hashable
Send = Callable[[str], Coroutine[Any, Any, None]]
HEARTBEAT: ViewKey = "heartbeat"
CURRENT = '{{"type":"current","view":"{view}","seq":{seq}}}'
"""The answer to a subscriber that holds the view's last message already."""


class Message:
    """A message's text, framed for the wire the first time a socket needs it
    and gzipped the first time a page fetches it over HTTP
    (``server.view_api``); for a view, its seq and data as decoded JSON (what
    the next one's patch is computed from), and a patch from ``base``, the
    view's previous message."""

    __slots__ = ("_frame", "_gzipped", "base", "doc", "patch", "seq", "text")

    def __init__(self, text: str, seq: int | None = None, doc: Any = None) -> None:
        self.text = text
        self.seq = seq
        self.doc = doc
        self.base: Message | None = None
        self.patch: Message | None = None
        self._frame: bytes | None = None
        self._gzipped: asyncio.Future[bytes] | None = None

    @property
    def frame(self) -> bytes:
        if self._frame is None:
            self._frame = text_frame(self.text.encode())
        return self._frame

    async def gzipped(self) -> bytes:
        """The text gzipped, once for every page asking (off the event loop:
        a board of 10,000 contestants is tens of MB)."""
        if self._gzipped is None:
            data = self.text.encode()
            self._gzipped = asyncio.ensure_future(
                asyncio.to_thread(gzip.compress, data, 6, mtime=0)
            )
        return await asyncio.shield(self._gzipped)


class Outlet(Protocol):
    """Where a subscriber's messages go."""

    on_writable: Callable[[], None] | None

    def write(self, message: Message) -> Written: ...


class FrameOutlet:
    """Framed bytes written to the connection's transport (``server.frames``)."""

    __slots__ = ("_sink",)

    def __init__(self, sink: FrameSink) -> None:
        self._sink = sink

    @property
    def on_writable(self) -> Callable[[], None] | None:
        return self._sink.on_writable

    @on_writable.setter
    def on_writable(self, callback: Callable[[], None] | None) -> None:
        self._sink.on_writable = callback

    def write(self, message: Message) -> Written:
        return self._sink.write(message.frame)


class SendOutlet:
    """ASGI sends, one at a time, for servers that offer no frame sink."""

    __slots__ = ("_send", "_sending", "closed", "on_writable")

    def __init__(self, send: Send) -> None:
        self._send = send
        self._sending: asyncio.Task[None] | None = None
        self.closed = False
        self.on_writable: Callable[[], None] | None = None

    def write(self, message: Message) -> Written:
        if self.closed:
            return Written.CLOSED
        if self._sending is not None:
            return Written.BUSY
        self._sending = asyncio.get_running_loop().create_task(self._send(message.text))
        self._sending.add_done_callback(self._sent)
        return Written.SENT

    def _sent(self, task: asyncio.Task[None]) -> None:
        self._sending = None
        if task.cancelled() or task.exception() is not None:
            self.closed = True
        if self.on_writable is not None:
            self.on_writable()

    def cancel(self) -> None:
        self.closed = True
        if self._sending is not None:
            self._sending.cancel()


WHOLE = Message("")
"""What ``Subscriber.keys`` holds for a view whose patches it does not take."""


class Subscriber:
    """One socket: the views it watches, and the latest of each it has yet to take."""

    __slots__ = ("_outlet", "_pending", "closed", "keys")

    def __init__(self, outlet: Outlet) -> None:
        self._outlet = outlet
        self._pending: dict[ViewKey, Message] = {}
        self.keys: dict[ViewKey, Message | None] = {}
        """Per view: the last message written, for a view taken as patches
        (None before the first); ``WHOLE`` for one taken whole."""
        self.closed = False
        outlet.on_writable = self._flush

    def offer(self, key: ViewKey, message: Message) -> None:
        """Write ``message`` now, or keep it as ``key``'s latest until the socket drains."""
        if self.closed:
            return
        if self._pending:  # already waiting: only the latest, in the order last offered
            self._pending.pop(key, None)
            self._pending[key] = message
        else:
            self._write(key, message)

    def _write(self, key: ViewKey, message: Message) -> bool:
        sent = self.keys.get(key, WHOLE)
        patch = message.patch if sent is message.base and sent is not None else None
        written = self._outlet.write(patch or message)
        if written is Written.SENT:
            if sent is not WHOLE:
                self.keys[key] = message
            return True
        if written is Written.BUSY:
            self._pending[key] = message
        else:
            self.close()
        return False

    def _flush(self) -> None:
        while self._pending and not self.closed:
            key = next(iter(self._pending))
            if not self._write(key, self._pending.pop(key)):
                return

    def close(self) -> None:
        self.closed = True
        self._pending.clear()
        self._outlet.on_writable = None


class Hub:
    """Subscribers by view; the last message of each view, for newcomers."""

    def __init__(self) -> None:
        self._subscribers: dict[ViewKey, set[Subscriber]] = {}
        self._last: dict[ViewKey, Message] = {}
        self._patching: dict[ViewKey, int] = {}
        """Per view, how many of its subscribers take patches."""

    def watched(self) -> list[ViewKey]:
        return [key for key, subs in self._subscribers.items() if subs]

    def takes_patches(self, key: ViewKey) -> bool:
        """Whether any subscriber of ``key`` takes patches (else none need computing)."""
        return self._patching.get(key, 0) > 0

    def last(self, key: ViewKey) -> Message | None:
        """The message newcomers to ``key`` get, and the base of its next patch."""
        return self._last.get(key)

    def subscribe(
        self,
        subscriber: Subscriber,
        key: ViewKey,
        current: Message | str,
        patches: bool = False,
        held: int | None = None,
    ) -> None:
        """Add ``subscriber`` to ``key`` and send it the view whole; later
        changes come as patches if it takes them (``patches``). A subscriber
        taking patches that already holds the view at seq ``held`` (it
        subscribed before, on a socket now gone) is sent only ``current``
        (``CURRENT``) if that is the view's last message, the patch if it is
        the one before, else the view whole. ``current`` is the view now,
        sent when the hub has no message of it yet."""
        self._subscribers.setdefault(key, set()).add(subscriber)
        took = subscriber.keys.get(key, WHOLE) is not WHOLE
        subscriber.keys[key] = None if patches else WHOLE
        self._count_patching(key, patches - took)
        last = self._last.get(key)
        if last is None:
            last = self._last[key] = current if isinstance(current, Message) else Message(current)
        if patches and held is not None:
            if held == last.seq:
                subscriber.keys[key] = last
                subscriber.offer((CURRENT, key), Message(CURRENT.format(view=key, seq=held)))
                return
            if last.base is not None and held == last.base.seq and last.patch is not None:
                subscriber.keys[key] = last.base  # so that it is sent the patch
        subscriber.offer(key, last)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        for key, sent in subscriber.keys.items():
            if sent is not WHOLE:
                self._count_patching(key, -1)
            subs = self._subscribers.get(key)
            if subs is not None:
                subs.discard(subscriber)
                if not subs:
                    del self._subscribers[key]
                    self._last.pop(key, None)
        subscriber.keys.clear()
        subscriber.close()

    def _count_patching(self, key: ViewKey, change: int) -> None:
        count = self._patching.get(key, 0) + change
        if count:
            self._patching[key] = count
        else:
            self._patching.pop(key, None)

    def publish(self, key: ViewKey, message: Message | str, patch: str | None = None) -> None:
        """Send ``message`` to the view's subscribers unless it is what they
        have; ``patch`` turns the view's last message into it."""
        if isinstance(message, str):
            message = Message(message)
        last = self._last.get(key)
        if last is not None:
            if last.text == message.text:
                return
            if patch is not None:
                message.base, message.patch = last, Message(patch)
            last.base = last.patch = last.doc = None
        self._last[key] = message
        for subscriber in self._subscribers.get(key, ()):
            subscriber.offer(key, message)

    def broadcast(self, text: str) -> None:
        """Send ``text`` (a heartbeat) to every subscriber once."""
        message = Message(text)
        seen: set[Subscriber] = set()
        for subs in self._subscribers.values():
            for subscriber in subs - seen:
                seen.add(subscriber)
                subscriber.offer(HEARTBEAT, message)

    async def close(self) -> None:
        for subs in list(self._subscribers.values()):
            for subscriber in list(subs):
                with contextlib.suppress(Exception):
                    self.unsubscribe(subscriber)
