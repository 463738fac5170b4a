"""``create_app(settings)``: the Starlette application."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from events.credentials import open_credentials
from events.errors import LogError, StoreUnavailable
from events.store import open_store
from server import ws
from server.api import ENDPOINTS, SCORES, AsgiRoute, Handler, submit_score
from server.assets import Assets
from server.auth import Authenticator
from server.errors import ApiError, error_response, store_unavailable_response
from server.openapi import openapi_document
from server.qr import qr_endpoint
from server.ratelimit import BadTokens
from server.registry import Registry
from server.settings import Settings
from server.shortcut import Shortcut
from server.state import AppState
from server.transparency import Transparency

log = logging.getLogger("leitai.server")
PAGES = ("screen", "judge", "admin", "live", "audit")


def static_dir() -> Path:
    """The pages: inside the installed package, or beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "static", here.parent / "static"):
        if candidate.is_dir():
            return candidate
    raise RuntimeError("the static/ pages are missing from this installation")


def _route(handler: Handler) -> Route:
    async def endpoint(request: Request) -> Response:
        return await handler(request, request.app.state.leitai)

    endpoint.__name__ = handler.__name__
    return endpoint  # type: ignore[return-value]


def _served(assets: Assets, relative: str | None = None) -> Route:
    """An endpoint answering the file ``relative`` of ``assets`` (None: the
    request's ``path`` parameter), for GET and HEAD."""

    async def endpoint(request: Request) -> Response:
        return assets.response(
            request.headers,
            relative if relative is not None else request.path_params["path"],
            head=request.method == "HEAD",
        )

    return endpoint  # type: ignore[return-value]


async def _openapi(request: Request) -> Response:
    return JSONResponse(openapi_document())


async def _health(request: Request) -> Response:
    return JSONResponse({"ok": True})


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(request, exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return error_response(request, ApiError(exc.status_code, code, str(exc.detail)))


async def _store_unavailable(request: Request, exc: Exception) -> Response:
    return store_unavailable_response(request, exc)


async def _log_error(request: Request, exc: Exception) -> Response:
    status = 503 if isinstance(exc, LogError) else 500
    log.exception("request %s %s failed", request.method, request.url.path)
    return error_response(
        request,
        ApiError(
            status,
            "internal_error",
            "Something went wrong on the server; it was logged.",
            "服务器出错，已记录",
        ),
    )


def create_app(settings: Settings) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = await open_store(settings.store)
        credentials = await open_credentials(settings.store)
        transparency = await Transparency.open(
            store, settings.store, settings.key_file, new_key=settings.new_key
        )
        state = AppState(
            settings=settings,
            registry=Registry(
                store,
                transparency.committed if transparency.signer else None,
                transparency.followed if transparency.signer else None,
                transparency.loaded if transparency.signer else None,
            ),
            credentials=credentials,
            auth=Authenticator(
                credentials,
                settings.token_cache_seconds,
                BadTokens(
                    settings.bad_tokens_before_delay,
                    settings.bad_tokens_before_block,
                    settings.bad_token_block_seconds,
                ),
            ),
            transparency=transparency,
        )
        app.state.leitai = state
        beat = asyncio.create_task(_heartbeats(state))
        try:
            yield
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
            await state.registry.close()
            await transparency.close()
            await credentials.close()
            await store.close()

    assets = Assets(static_dir())
    routes: list[BaseRoute] = [
        Route(
            e.path,
            e.handler if isinstance(e.handler, AsgiRoute) else _route(e.handler),
            methods=[e.method],
        )
        for e in ENDPOINTS
    ]
    routes += [
        Route("/api/openapi.json", _openapi),
        Route("/healthz", _health),
        Route("/qr.svg", qr_endpoint),
        # the judge page's service worker, at the root so it may control /judge/…
        Route("/judge-sw.js", _served(assets, "judge-sw.js")),
        WebSocketRoute("/ws/competitions/{cid}", ws.endpoint),
        Route("/", _served(assets, "index.html")),
        *[Route(f"/{name}/{{cid}}", _served(assets, f"{name}.html")) for name in PAGES],
        Route("/judge", _served(assets, "judge.html")),
        Route("/admin", _served(assets, "admin.html")),
        Route("/static/{path:path}", _served(assets)),
    ]
    return Starlette(
        middleware=[
            Middleware(Shortcut, method=SCORES.method, path=SCORES.path, handler=submit_score)
        ],
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            StoreUnavailable: _store_unavailable,
            Exception: _log_error,
        },
    )


async def _heartbeats(state: AppState) -> None:
    while True:
        await asyncio.sleep(state.settings.heartbeat_seconds)
        for live in state.registry.loaded():
            live.heartbeat()
