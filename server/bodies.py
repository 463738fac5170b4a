"""Request bodies read with a limit: refused as they arrive, never held whole first."""

from __future__ import annotations

from starlette.requests import ClientDisconnect, Request
from starlette.types import Receive

from server.errors import ApiError


async def read_body(request: Request, limit: int) -> bytes:
    return await receive_body(request.receive, request.headers.get("content-length"), limit)


async def receive_body(receive: Receive, declared: str | None, limit: int) -> bytes:
    """The body of an ASGI request, from its messages; ``declared``: its
    Content-Length header, refused at once if over ``limit``."""
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        "body_too_large",
        f"The request body is larger than {limit} bytes.",
        f"请求内容超过 {limit} 字节上限",
    )
