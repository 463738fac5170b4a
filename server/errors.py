"""One error shape for the HTTP API and the WebSocket: ``{"error": {"code", "message"}}``.

``code`` is machine-readable snake_case; ``message`` is for people, in
Chinese when the request prefers it (``Accept-Language: zh…``), else English.
"""

from __future__ import annotations

import logging

import msgspec
from starlette.requests import HTTPConnection
from starlette.responses import Response


class ApiError(Exception):
    """A handled failure of a request: becomes a 4xx (or 503) with the error shape."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        message_zh: str = "",
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.message_zh = message_zh or message
        self.headers = headers or {}
        """Extra response headers (``Retry-After`` of a 429)."""


def prefers_chinese(conn: HTTPConnection) -> bool:
    return conn.headers.get("accept-language", "").lower().startswith("zh")


def error_body(error: ApiError, chinese: bool) -> dict[str, dict[str, str]]:
    return {
        "error": {"code": error.code, "message": error.message_zh if chinese else error.message}
    }


def error_response(conn: HTTPConnection, error: ApiError) -> Response:
    return Response(
        msgspec.json.encode(error_body(error, prefers_chinese(conn))),
        status_code=error.status,
        headers=error.headers,
        media_type="application/json",
    )


def store_unavailable(error: Exception) -> ApiError:
    """A store (the log, the tokens) that cannot be read or written now: the
    request is answered at once rather than held until the store is back, and
    sending it again is safe (a judge's sheet carries its submission id)."""
    return ApiError(
        503,
        "store_unavailable",
        f"The log cannot be read or written now ({error}); send it again in a moment.",
        "日志暂时无法读写，请稍后重发",
        headers={"Retry-After": "1"},
    )


def store_unavailable_response(conn: HTTPConnection, error: Exception) -> Response:
    """``store_unavailable`` answered, with one line in the log: raised further,
    the outermost middleware would log a traceback and drop the keep-alive
    connection at every refused request."""
    method = conn.scope.get("method", "")
    logging.getLogger("leitai.server").warning("request %s %s: %s", method, conn.url.path, error)
    return error_response(conn, store_unavailable(error))
