"""``GET /api/competitions/{cid}/views/{view}``: a view as the socket sends it,
for a page's first load.

Over the socket a view goes as it is, uncompressed: its frame is written once
for every socket (``server.hub``), so it cannot be compressed per
connection. The public board of 100 contestants with 20 judges a panel is
561 KB once every result is revealed, and a hall of phones scanning the
screen's QR code at once would each pull that over the venue's Wi-Fi. Here
the same message goes gzipped (27 KB there), compressed once per publication
for every page asking, with an ETag so that a reload costs a 304. The page
then subscribes with the message's ``seq`` and ``basis`` and is sent only
what changed since (``server.ws``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from server.auth import bearer, client_address, require
from server.errors import ApiError
from server.live import VIEWS
from server.negotiation import holds, takes_gzip
from server.state import AppState
from server.ws import VIEW_ROLES


async def get_view(request: Request, app: AppState) -> Response:
    """The view ``{view}`` as its socket message, gzipped where the client takes it."""
    live = await app.registry.get(request.path_params["cid"])
    name = request.path_params["view"]
    if name not in VIEWS:
        raise ApiError(
            404,
            "unknown_view",
            f"No view {name!r}; one of {sorted(VIEWS)}.",
            f"没有视图 {name!r}，可选：{'、'.join(sorted(VIEWS))}",
        )
    if VIEW_ROLES[name]:
        token = bearer(request.headers.get("authorization"))
        credential = await app.auth.identify(token, live.stream, client_address(request))
        require(credential, *VIEW_ROLES[name])
    message = live.current_message(name)
    etag = f'"{message.seq}-{live.basis}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    if holds(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    if takes_gzip(request.headers.get("accept-encoding", "")):
        headers["Content-Encoding"] = "gzip"
        body = await message.gzipped()
    else:
        body = message.text.encode()
    return Response(body, media_type="application/json", headers=headers)
