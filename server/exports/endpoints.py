"""``GET /api/competitions/{cid}/results.{xlsx,csv,html}?lang=&round=`` for
admins and auditors.

The tables are laid out on the event loop from the live state (which the
fold changes in place, so it is read only there); the file is then written
from those immutable tables in a worker thread, so a large workbook does
not stall the other requests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from server.auth import bearer, client_address, require
from server.exports import FORMATS
from server.exports.table import parse_language, results_tables
from server.state import AppState


def results_export(name: str) -> Callable[[Request, AppState], Awaitable[Response]]:
    """The handler of one format of ``FORMATS``."""
    chosen = FORMATS[name]

    async def handle(request: Request, app: AppState) -> Response:
        live = await app.registry.get(request.path_params["cid"])
        token = bearer(request.headers.get("authorization"))
        require(
            await app.auth.identify(token, live.stream, client_address(request)),
            "admin",
            "auditor",
        )
        query = request.query_params
        language = parse_language(query.get("lang"), live.state)
        tables = results_tables(live.state, query.get("round"), language)
        content = await asyncio.to_thread(chosen.write, tables)
        disposition = "inline" if chosen.inline else "attachment"
        return Response(
            content,
            media_type=chosen.media_type,
            headers={"Content-Disposition": f'{disposition}; filename="{chosen.filename(tables)}"'},
        )

    handle.__name__ = f"export_results_{name}"
    return handle
