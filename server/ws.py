"""``/ws/competitions/{cid}``: views pushed as they change.

Client → server: ``{"type": "subscribe", "view": "board", "since": 12, "token": "…"}``
(``token`` only for views that need one). Server → client: ``{"type": "view",
"view", "seq", "data"}`` with the whole view at ``seq`` — first at once (the
snapshot), then at every change; ``{"type": "heartbeat", "seq"}`` every few
seconds; ``{"type": "error", "error": {"code", "message"}}``. A client that
reconnects subscribes again with its last seq and gets the current view.
"""

from __future__ import annotations

import asyncio
import contextlib

import msgspec
from starlette.websockets import WebSocket, WebSocketDisconnect

from server.auth import require
from server.errors import ApiError, error_body
from server.hub import Subscriber
from server.live import Live
from server.state import AppState

MAX_MESSAGE_BYTES = 4096
VIEW_ROLES = {
    "board": (),
    "progress": (),
    "setup": (),
    "board_full": ("admin", "auditor"),
    "audit": ("admin", "auditor"),
}


class Subscribe(msgspec.Struct, forbid_unknown_fields=True, tag="subscribe", tag_field="type"):
    view: str
    since: int = 0
    token: str | None = None


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
    subscriber = Subscriber(websocket.send_text)
    sender = asyncio.create_task(subscriber.run())
    try:
        while True:
            receiving = asyncio.create_task(websocket.receive_text())
            done, _ = await asyncio.wait({receiving, sender}, return_when=asyncio.FIRST_COMPLETED)
            if sender in done:
                receiving.cancel()
                break
            text = receiving.result()
            try:
                await _subscribe(app, live, subscriber, text)
            except ApiError as error:
                await _send_error(websocket, error)
    except (WebSocketDisconnect, RuntimeError, KeyError):
        pass
    finally:
        live.hub.unsubscribe(subscriber)
        sender.cancel()
        with contextlib.suppress(BaseException):
            await sender


async def _subscribe(app: AppState, live: Live, subscriber: Subscriber, text: str) -> None:
    if len(text) > MAX_MESSAGE_BYTES:
        raise ApiError(400, "message_too_large", "The message is too large.", "消息过大")
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
        require(await app.auth.identify(request.token, live.stream), *roles)
    live.hub.subscribe(subscriber, request.view, live.view_message(request.view))


async def _send_error(websocket: WebSocket, error: ApiError) -> None:
    await websocket.send_text(
        msgspec.json.encode({"type": "error", **error_body(error, False)}).decode()
    )
