"""``GET /qr.svg?text=…``: a QR code, drawn here so that it works without internet.

Only links to this server are drawn (its public URL or the address the request
came in on), so the endpoint cannot be used to mint codes for other sites.
The judge's token rides in the link's fragment; the page asks for the code
with a ``fetch`` whose URL stays out of access logs (they are off anyway).
"""

from __future__ import annotations

import io

import segno
from starlette.requests import Request
from starlette.responses import Response

from server.errors import ApiError
from server.state import AppState

MAX_TEXT = 1024


def qr_svg(text: str) -> bytes:
    """``text`` as a black-on-white SVG QR code (error correction M, quiet zone 4)."""
    code = segno.make_qr(text, error="m")
    out = io.BytesIO()
    code.save(out, kind="svg", scale=1, border=4, light="#fff", xmldecl=False, omitsize=True)
    return out.getvalue()


def _allowed(text: str, request: Request, app: AppState) -> bool:
    here = f"{request.url.scheme}://{request.url.netloc}/"
    public = app.base_url().rstrip("/") + "/"
    return text.startswith(here) or text.startswith(public)


async def qr_endpoint(request: Request) -> Response:
    app: AppState = request.app.state.leitai
    text = request.query_params.get("text", "")
    if not text or len(text) > MAX_TEXT or not _allowed(text, request, app):
        raise ApiError(
            422,
            "invalid_qr_text",
            f"The text must be a link to this server of at most {MAX_TEXT} characters.",
            f"text 须为指向本服务器的链接，且不超过 {MAX_TEXT} 个字符",
        )
    return Response(
        qr_svg(text),
        media_type="image/svg+xml",
        headers={"Cache-Control": "private, max-age=3600"},
    )
