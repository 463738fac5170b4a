"""``server.shortcut``: one route's requests go straight to its handler."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from server.shortcut import Shortcut


async def handler(scope: Scope, receive: Receive, send: Send) -> None:
    params = ",".join(f"{k}={v!r}" for k, v in sorted(scope["path_params"].items()))
    await PlainTextResponse(f"shortcut {params}")(scope, receive, send)


def app() -> Starlette:
    async def routed(request: object) -> PlainTextResponse:
        return PlainTextResponse("router")

    return Starlette(
        routes=[Route("/{path:path}", routed, methods=["GET", "POST"])],
        middleware=[
            Middleware(Shortcut, method="POST", path="/a/{cid}/n/{n:int}", handler=handler)
        ],
    )


async def test_only_the_route_s_method_and_path_take_the_shortcut() -> None:
    transport = httpx.ASGITransport(app=app())  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        taken = await client.post("/a/x1/n/42")
        assert taken.text == "shortcut cid='x1',n=42"  # converted as the router would
        for method, path in [
            ("GET", "/a/x1/n/42"),  # another method
            ("POST", "/a/x1/n/forty"),  # not an int
            ("POST", "/a/x/y/n/1"),  # a parameter never spans a slash
            ("POST", "/a/x1/n/42/more"),  # the whole path must match
        ]:
            answer = await client.request(method, path)
            assert answer.text == "router", (method, path)
