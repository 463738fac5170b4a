"""One route served ahead of starlette's middleware stack and router.

Every judge's every score is a ``POST /api/competitions/{cid}/scores``, the
one route whose cost sets how many judges a process serves. Through
starlette a request passes the exception middleware, the router's matching,
and the wrappers that make a ``Request`` and send a ``Response``; driven
in-process, a score took ~90 µs of CPU that way and ~65 µs with this
shortcut and the route's handler written as a plain ASGI app. ``Shortcut``
is a pure ASGI middleware: a request whose method and path match goes
straight to the handler, everything else on to the app.

The route stays in the router too, with the same handler, so the shortcut
changes no answer: a request it does not match (another method: 405; a
path under a ``root_path``) is routed as before. The handler answers its
own ``ApiError``s; anything else reaches starlette's outermost middleware,
which logs it and answers 500 as for every route.
"""

from __future__ import annotations

from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send


class Shortcut:
    """Sends ``method`` requests whose path matches ``path`` (a starlette
    route path, ``{name}`` parameters and all) straight to ``handler``."""

    def __init__(self, app: ASGIApp, method: str, path: str, handler: ASGIApp) -> None:
        self.app = app
        self.method = method
        self.regex, _, self.convertors = compile_path(path)
        self.handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == self.method:
            match = self.regex.match(scope["path"])
            if match is not None:
                scope["path_params"] = {
                    name: self.convertors[name].convert(value)
                    for name, value in match.groupdict().items()
                }
                await self.handler(scope, receive, send)
                return
        await self.app(scope, receive, send)
