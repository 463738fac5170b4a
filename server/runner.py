"""Running the app under uvicorn, on a socket we bind so port 0 works."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import socket
import warnings
from collections.abc import Awaitable, Callable

import uvicorn
from uvicorn.supervisors import Multiprocess

from server.app import create_app
from server.settings import Settings

# uvicorn picks uvloop only for a loop it creates itself; ``leitai serve`` and
# ``demo`` run the server inside ``asyncio.run``, so the loop is chosen here,
# when the web stack loads (only the commands that serve import this module),
# and so is the collector's pace.
with contextlib.suppress(ImportError):
    import uvloop

    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())

GC_YOUNG_THRESHOLD = 10_000
"""Allocations between two collections of the cyclic GC's youngest generation
in a serving process (CPython's default: 700). Each request allocates
hundreds of tracked objects (coroutines, futures, dicts) that reference
counting frees anyway; at 700 the collector ran every few requests and took
about a tenth of the main thread under 200 judges' scores (``bench submit``
closed loops, alternated: ~5,300 → ~5,900 req/s). The older generations are
collected every other young collection (thresholds 1, 1; CPython's 10, 10),
so a full collection comes no later than before, counted in allocations:
a dropped socket's cycles reach the old generation, and with CPython's
ratios 3,000 phones that left held 30 MB
(tests/hardening/test_websocket_abuse.py)."""
gc.set_threshold(GC_YOUNG_THRESHOLD, 1, 1)


def bind(settings: Settings) -> socket.socket:
    """A listening socket on the settings' host and port (0: a free port)."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((settings.host, settings.port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


# The WebSocket implementation: "leitai" is uvicorn's sans-I/O one with a
# frame sink (``server.frames``: each view framed once, written to every
# transport); uvicorn's own ("websockets", "websockets-sansio", "wsproto")
# work too, through plain ASGI sends. ``LEITAI_WS`` picks one, for
# ``python -m bench fanout``, which compares them.
WS = "leitai"
WS_PROTOCOLS = {"leitai": "server.frames:FrameSockets"}
warnings.filterwarnings(
    "ignore", message="The `websockets` implementation is deprecated", module="uvicorn"
)


def uvicorn_config(settings: Settings, app: object) -> uvicorn.Config:
    return uvicorn.Config(
        app,  # type: ignore[arg-type]
        lifespan="on",
        log_level=os.environ.get("LEITAI_LOG_LEVEL", "warning"),
        access_log=False,  # judge tokens never reach URLs, but keep logs lean anyway
        ws=WS_PROTOCOLS.get(ws := os.environ.get("LEITAI_WS", WS), ws),
        ws_per_message_deflate=False,  # broadcast bytes once; deflate per socket costs more
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
        # Frames past this are refused (1009) before they are read whole; the
        # app refuses messages past ws_max_message_bytes itself, with a reason.
        ws_max_size=max(64 * 1024, settings.ws_max_message_bytes),
        timeout_graceful_shutdown=3,
    )


def app_from_env() -> object:
    """Factory for worker processes: settings come from ``LEITAI_*`` variables."""
    return create_app(Settings.from_env())


async def serve(
    settings: Settings,
    sock: socket.socket,
    on_started: Callable[[], Awaitable[None]] | None = None,
    app: object | None = None,
) -> None:
    """Serve in this process until interrupted; ``on_started`` runs once up."""
    server = uvicorn.Server(uvicorn_config(settings, app or create_app(settings)))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            await task  # startup failed: raise its error
            return
        await asyncio.sleep(0.02)
    if on_started is not None:
        await on_started()
    await task


def serve_workers(settings: Settings, sock: socket.socket) -> None:
    """Several worker processes on one socket; each follows the log."""
    for field, value in (("STORE", settings.store), ("PUBLIC_URL", settings.base_url())):
        os.environ[f"LEITAI_{field}"] = str(value)
    config = uvicorn_config(settings, "server.runner:app_from_env")
    config.factory = True
    config.workers = settings.workers
    Multiprocess(config, sockets=[sock]).run()
