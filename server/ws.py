"""``/ws/competitions/{cid}``: views pushed as they change.

Client → server: ``{"type": "subscribe", "view": "board", "since": 12, "token": "…",
"patches": true, "basis": "…"}`` (``token`` only for views that need one;
``since`` and ``basis`` only when the client holds the view already). ``judge``
(a judge's token) marks the judge's page as open for the organisers'
``presence`` view (admin). Server → client: ``{"type": "view", "view", "seq",
"basis", "data"}`` with the whole view at ``seq`` — first at once (the
snapshot), then at every change; ``basis`` names the log and the code it was
computed from (``server.basis``; presence, not a fold of the log, has none).
A client that subscribed with ``"patches": true`` may be sent a change as
``{"type": "patch", "view", "seq", "base", "ops"}`` instead: the JSON Patch
(RFC 6902) ``ops`` turn the view at ``base`` — always the last message of that
view sent on this socket — into the view at ``seq`` (``server.patches``); whole
views still come when a patch would not be smaller, and after the socket fell
behind. ``{"type": "heartbeat", "seq", "writable"}``
every few seconds, and at once when ``writable`` changes (False: the log
refuses appends, so what the page shows may be out of date; a subscriber gets
one at once while it is False); ``{"type": "error", "error": {"code", "message"}}``. A client that
reconnects subscribes again with its last seq and basis; if it takes patches
and the basis is the server's, it is sent ``{"type": "current", "view",
"seq"}`` when what it holds is the view's last message, the patch when it
holds the one before, and the whole view otherwise.

A client that sends a binary message (close code 1003), a message over
``ws_max_message_bytes`` (1009) or more than ``ws_messages_per_second`` after a
burst of 20 (1008) is disconnected, with the reason in the close frame.
"""

from __future__ import annotations

import asyncio
import contextlib

import msgspec
from starlette.types import Message as AsgiMessage
from starlette.websockets import WebSocket, WebSocketDisconnect

from server.auth import client_address, require
from server.errors import ApiError, error_body, prefers_chinese
from server.frames import sink_of
from server.hub import HEARTBEAT, FrameOutlet, Message, SendOutlet, Subscriber
from server.live import PRESENCE, Live
from server.ratelimit import MessageRate
from server.state import AppState

BURST = 20.0  # messages a client may send at once before the rate applies
VIEW_ROLES = {
    "board": (),
    "progress": (),
    "setup": (),
    "board_full": ("admin", "auditor"),
    "audit": ("admin", "auditor"),
    "judge": ("judge",),  # the judge's own page: counts as present while open
    "presence": ("admin",),
}


class Subscribe(msgspec.Struct, forbid_unknown_fields=True, tag="subscribe", tag_field="type"):
    view: str
    since: int = 0
    token: str | None = None
    patches: bool = False
    """Changes may come as patches of the last view sent (smaller, sooner)."""
    basis: str | None = None
    """The ``basis`` of the view the client holds at ``since``, if it holds one."""


_decoder = msgspec.json.Decoder(Subscribe)


async def endpoint(websocket: WebSocket) -> None:
    app: AppState = websocket.app.state.leitai
    await websocket.accept()
    try:
        live = await app.registry.get(websocket.path_params["cid"])
    except ApiError as error:
        await _send_error(websocket, error)
        await websocket.close(code=4404)
        return
    settings = app.settings
    rate = MessageRate(settings.ws_messages_per_second, BURST)
    sink = sink_of(websocket.scope)
    outlet = FrameOutlet(sink) if sink is not None else SendOutlet(websocket.send_text)
    subscriber = Subscriber(outlet)
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            refusal = _refusal(message, rate, settings.ws_max_message_bytes)
            if refusal is not None:
                await _close(websocket, *refusal)
                break
            try:
                await _subscribe(app, live, subscriber, message["text"], client_address(websocket))
            except ApiError as error:
                await _send_error(websocket, error)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        live.socket_closed(subscriber)
        if isinstance(outlet, SendOutlet):
            outlet.cancel()


def _refusal(message: AsgiMessage, rate: MessageRate, limit: int) -> tuple[int, str] | None:
    """The close code and reason for a message the socket must not send, if it is one."""
    text = message.get("text")
    if text is None:
        return 1003, "binary messages are not accepted: send JSON text"
    if len(text) > limit or len(text.encode()) > limit:
        return 1009, f"message too large: at most {limit} bytes"
    if not rate.allow():
        return 1008, f"too many messages: at most {rate.per_second:g} per second"
    return None


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    """Close with ``code`` and ``reason``, reading what the client had already
    sent meanwhile: a flood fills the socket's incoming queue, and the client's
    answer to the close frame waits behind it."""
    closing = asyncio.create_task(websocket.close(code, reason))
    with contextlib.suppress(Exception):
        async with asyncio.timeout(5):
            while not closing.done():
                if (await websocket.receive())["type"] == "websocket.disconnect":
                    break
    with contextlib.suppress(Exception):
        await closing


async def _subscribe(
    app: AppState, live: Live, subscriber: Subscriber, text: str, address: str
) -> None:
    try:
        request = _decoder.decode(text)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ApiError(
            400, "invalid_message", f"Invalid message: {exc}", f"消息无效：{exc}"
        ) from None
    roles = VIEW_ROLES.get(request.view)
    if roles is None:
        raise ApiError(
            400,
            "unknown_view",
            f"No view {request.view!r}; one of {sorted(VIEW_ROLES)}.",
            f"没有视图 {request.view!r}",
        )
    if roles:
        actor = require(await app.auth.identify(request.token, live.stream, address), *roles)
        if request.view == "judge":
            live.judge_joined(actor.id, subscriber)
            return
    held = request.since if request.basis is not None and request.basis == live.basis else None
    live.hub.subscribe(
        subscriber,
        request.view,
        live.current_message(request.view),
        patches=request.patches,
        held=held if request.view != PRESENCE else None,
    )
    if not live.writable:
        subscriber.offer(HEARTBEAT, Message(live.heartbeat_message()))


async def _send_error(websocket: WebSocket, error: ApiError) -> None:
    await websocket.send_text(
        msgspec.json.encode(
            {"type": "error", **error_body(error, prefers_chinese(websocket))}
        ).decode()
    )
