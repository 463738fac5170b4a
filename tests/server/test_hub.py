"""The hub: one framing per message, and only the latest view for a socket that is full."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from websockets.frames import Frame, Opcode

from server.frames import Written
from server.hub import Hub, Message, SendOutlet, Subscriber


class FakeSocket:
    """An outlet that is full while ``full`` is set, recording what it took."""

    def __init__(self) -> None:
        self.full = False
        self.closed = False
        self.taken: list[str] = []
        self.frames: set[int] = set()
        self.on_writable: Callable[[], None] | None = None

    def write(self, message: Message) -> Written:
        if self.closed:
            return Written.CLOSED
        if self.full:
            return Written.BUSY
        self.taken.append(message.text)
        self.frames.add(id(message.frame))
        return Written.SENT

    def drain(self) -> None:
        self.full = False
        assert self.on_writable is not None
        self.on_writable()


def test_a_message_is_framed_once_as_a_text_frame() -> None:
    message = Message('{"seq":1,"text":"擂台"}')
    assert message.frame is message.frame
    assert message.frame == Frame(Opcode.TEXT, message.text.encode()).serialize(mask=False)


async def test_every_subscriber_gets_the_same_frame() -> None:
    hub, sockets = Hub(), [FakeSocket() for _ in range(3)]
    for sock in sockets:
        hub.subscribe(Subscriber(sock), "board", '{"seq":1}')
    hub.publish("board", '{"seq":2}')
    hub.publish("board", '{"seq":2}')  # unchanged: not sent again
    assert all(s.taken == ['{"seq":1}', '{"seq":2}'] for s in sockets)
    assert len(set().union(*(s.frames for s in sockets))) == 2


async def test_a_full_socket_gets_only_the_latest_of_each_view_in_order() -> None:
    hub, slow, quick = Hub(), FakeSocket(), FakeSocket()
    subscriber = Subscriber(slow)
    hub.subscribe(subscriber, "board", "b1")
    hub.subscribe(subscriber, "progress", "p1")
    hub.subscribe(Subscriber(quick), "board", "b1")
    slow.full = True
    for n in range(2, 50):
        hub.publish("progress", f"p{n}")
        hub.publish("board", f"b{n}")
    assert quick.taken == [f"b{n}" for n in range(1, 50)]
    slow.drain()
    assert slow.taken == ["b1", "p1", "p49", "b49"]


async def test_a_closed_socket_is_dropped_and_never_written_again() -> None:
    hub, sock = Hub(), FakeSocket()
    subscriber = Subscriber(sock)
    hub.subscribe(subscriber, "board", "b1")
    sock.closed = True
    hub.publish("board", "b2")
    assert subscriber.closed
    sock.closed = False
    hub.publish("board", "b3")
    assert sock.taken == ["b1"]


async def test_asgi_sends_go_one_at_a_time_and_skip_to_the_latest() -> None:
    sent: list[str] = []
    release = asyncio.Event()

    async def send(text: str) -> None:
        await release.wait()
        sent.append(text)

    hub = Hub()
    hub.subscribe(Subscriber(SendOutlet(send)), "board", "b1")
    for n in range(2, 10):
        hub.publish("board", f"b{n}")
    release.set()
    for _ in range(10):
        await asyncio.sleep(0)
    assert sent == ["b1", "b9"]


async def test_a_subscriber_taking_patches_gets_each_change_as_a_patch_of_what_it_has() -> None:
    hub, patched, whole = Hub(), FakeSocket(), FakeSocket()
    hub.subscribe(Subscriber(patched), "board", "b1", patches=True)
    hub.subscribe(Subscriber(whole), "board", "b1")
    hub.publish("board", "b2")  # no patch offered: whole
    for n in range(3, 6):
        hub.publish("board", f"b{n}", f"patch b{n - 1}→b{n}")
    assert patched.taken == ["b1", "b2", "patch b2→b3", "patch b3→b4", "patch b4→b5"]
    assert whole.taken == ["b1", "b2", "b3", "b4", "b5"]


async def test_a_socket_that_fell_behind_gets_the_view_whole_then_patches_again() -> None:
    hub, sock = Hub(), FakeSocket()
    subscriber = Subscriber(sock)
    hub.subscribe(subscriber, "board", "b1", patches=True)
    sock.full = True
    hub.publish("board", "b2", "patch b1→b2")
    hub.publish("board", "b3", "patch b2→b3")  # its base, b2, never reached the socket
    sock.drain()
    hub.publish("board", "b4", "patch b3→b4")
    assert sock.taken == ["b1", "b3", "patch b3→b4"]


async def test_subscribing_again_sends_the_view_whole() -> None:
    """A page that asks again (it saw a gap) must get what it can start from."""
    hub, sock = Hub(), FakeSocket()
    subscriber = Subscriber(sock)
    hub.subscribe(subscriber, "board", "b1", patches=True)
    hub.publish("board", "b2", "patch b1→b2")
    hub.subscribe(subscriber, "board", "b2", patches=True)
    hub.publish("board", "b3", "patch b2→b3")
    assert sock.taken == ["b1", "patch b1→b2", "b2", "patch b2→b3"]


async def test_only_the_newest_message_keeps_its_base() -> None:
    hub = Hub()
    hub.subscribe(Subscriber(FakeSocket()), "board", "b1", patches=True)
    first = Message("b2", 2, {"n": 2})
    hub.publish("board", first, "patch b1→b2")
    assert first.base is not None and first.patch is not None
    hub.publish("board", "b3", "patch b2→b3")
    assert first.base is None and first.patch is None and first.doc is None


async def test_the_hub_knows_whether_any_subscriber_of_a_view_takes_patches() -> None:
    hub, first, second = Hub(), Subscriber(FakeSocket()), Subscriber(FakeSocket())
    hub.subscribe(first, "board", "b1")
    assert not hub.takes_patches("board")
    hub.subscribe(second, "board", "b1", patches=True)
    hub.subscribe(second, "board", "b1", patches=True)  # again: still one
    hub.subscribe(first, "progress", "p1", patches=True)
    assert hub.takes_patches("board") and hub.takes_patches("progress")
    hub.subscribe(second, "board", "b1")  # asks again for whole views only
    assert not hub.takes_patches("board")
    hub.unsubscribe(first)
    assert not hub.takes_patches("progress")


async def test_a_full_socket_takes_what_waited_in_the_order_it_was_last_published() -> None:
    """The board waiting since an earlier publication goes after the progress
    of the latest one, as that publication sent them: a screen judges a
    board's reveal by the progress it holds."""
    hub, slow = Hub(), FakeSocket()
    subscriber = Subscriber(slow)
    hub.subscribe(subscriber, "board", "b1")
    hub.subscribe(subscriber, "progress", "p1")
    slow.full = True
    hub.publish("board", "b2")
    hub.publish("progress", "p3")
    hub.publish("board", "b3")
    slow.drain()
    assert slow.taken == ["b1", "p1", "p3", "b3"]
