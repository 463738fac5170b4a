"""WebSocket frames written once for every socket, below ASGI.

Through ASGI, each of a view's subscribers costs a ``send`` coroutine that
frames the same text again; for a board pushed to 5,000 sockets that is most
of the time to the last one. ``FrameSockets`` is uvicorn's sans-I/O WebSocket
protocol with one addition: it offers, under the ASGI scope extension
``leitai.frames``, a ``FrameSink`` that writes an already framed message
straight to the connection's transport, as ``websockets.broadcast()`` does on
that library's own server. The hub frames a view once and hands the same bytes
to every sink.

Frames written this way are whole server frames (unmasked, FIN set, no
compression: per-message deflate is off), and transport writes are
synchronous, so they interleave with the protocol's own frames (pings, close)
only at frame boundaries. A sink refuses a frame once the connection is
closing or its write buffer is above the high-water mark; the caller keeps
the latest and writes it when ``on_writable`` is called. Under another
server, or another protocol, the extension is absent and the app falls back
to plain ASGI sends.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame, Opcode

EXTENSION = "leitai.frames"


def text_frame(text: bytes) -> bytes:
    """``text`` (UTF-8) as one unmasked, final text frame."""
    return Frame(Opcode.TEXT, text).serialize(mask=False)


class Written(Enum):
    SENT = "sent"
    BUSY = "busy"  # the socket's buffer is full: try again at ``on_writable``
    CLOSED = "closed"


class FrameSink:
    """Writes framed messages to one connection; see the module's docstring."""

    __slots__ = ("_protocol", "on_writable")

    def __init__(self, protocol: FrameSockets) -> None:
        self._protocol = protocol
        self.on_writable: Callable[[], None] | None = None
        """Called when a full buffer has drained below the low-water mark."""

    def write(self, frame: bytes) -> Written:
        protocol = self._protocol
        if protocol.close_sent or protocol.disconnected or protocol.transport.is_closing():
            return Written.CLOSED
        if not protocol.writable.is_set():
            return Written.BUSY
        protocol.transport.write(frame)
        return Written.SENT


class FrameSockets(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O WebSocket protocol, offering a ``FrameSink``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sink = FrameSink(self)

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        if self.handshake_initiated and not self.handshake_complete:
            # The app's task starts on the next turn of the loop, after this.
            self.scope["extensions"][EXTENSION] = {"sink": self.sink}

    def resume_writing(self) -> None:
        super().resume_writing()
        if self.sink.on_writable is not None:
            self.sink.on_writable()


def sink_of(scope: Any) -> FrameSink | None:
    """The connection's ``FrameSink``, when the server offers one."""
    extension = (scope.get("extensions") or {}).get(EXTENSION)
    return None if extension is None else extension["sink"]
