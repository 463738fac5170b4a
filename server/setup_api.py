"""Creating a competition from the organiser's console: the competition file uploaded as text.

``POST /api/competitions/check`` checks a file and says what it would create, or
the first mistake by field (or spreadsheet row) and problem; it appends nothing.
``POST /api/competitions`` creates it and answers its links, tokens shown once.

Both need the server-wide setup token: a credential of the reserved stream ``""``
(no competition id is empty), issued by ``issue_setup_token``. An upload is one
file: it must hold its contestants and judges inline, since it cannot bring the
CSV or XLSX files a file on disk may name.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from events.credentials import Credentials
from server.auth import bearer, client_address, require
from server.bodies import read_body
from server.definition import Definition, DefinitionError, load_definition_text
from server.errors import ApiError
from server.setup import create_competition
from server.state import AppState

SETUP_STREAM = ""
"""The credentials' stream of server-wide tokens."""
UPLOAD_NAME = "competition file"
"""How messages call the uploaded text."""

_encoder = msgspec.json.Encoder()


class DefinitionCheck(msgspec.Struct):
    """A checked file: what it would create, or where its first mistake is."""

    ok: bool
    stream: str | None = None
    contestants: int = 0
    judges: int = 0
    events: int = 0
    where: str | None = None
    """The field (``contestants[3].group``) or row the problem is at."""
    problem: str | None = None


class CompetitionCreated(msgspec.Struct):
    stream: str
    seq: int
    admin: str
    auditor: str
    judges: dict[str, str]
    """Each judge's link (the token in its fragment); shown once."""


async def issue_setup_token(credentials: Credentials) -> str:
    """A new server-wide setup token (for ``leitai`` to print once)."""
    return await credentials.issue(SETUP_STREAM, "admin", "setup")


async def _definition(request: Request, app: AppState) -> Definition:
    token = bearer(request.headers.get("authorization"))
    require(await app.auth.identify(token, SETUP_STREAM, client_address(request)), "admin")
    body = await read_body(request, app.settings.max_body_bytes)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(
            422, "invalid_definition", f"Not UTF-8 text (byte {exc.start}).", "不是 UTF-8 文本"
        ) from None
    # files the text names are looked for in an empty directory: an upload brings none
    with tempfile.TemporaryDirectory() as empty:
        return load_definition_text(text, Path(empty), name=UPLOAD_NAME)


def _located(error: DefinitionError) -> tuple[str | None, str]:
    """``competition file: judges[2].panel: unknown panel …`` → (field, problem)."""
    text = str(error).removeprefix(f"{UPLOAD_NAME}: ")
    where, separator, problem = text.partition(": ")
    if not separator or where.startswith("not "):  # "not valid TOML: …" names no field
        return None, text
    return where, problem


async def check_competition(request: Request, app: AppState) -> Response:
    try:
        definition = await _definition(request, app)
    except DefinitionError as error:
        where, problem = _located(error)
        return Response(
            _encoder.encode(DefinitionCheck(ok=False, where=where, problem=problem)),
            media_type="application/json",
        )
    exists = (await app.registry.store.head(definition.stream)).seq != 0
    return Response(
        _encoder.encode(
            DefinitionCheck(
                ok=not exists,
                stream=definition.stream,
                contestants=sum(1 for e in definition.events if e.TYPE == "contestant_registered"),
                judges=len(definition.judges),
                events=len(definition.events),
                where="id" if exists else None,
                problem=f"a competition {definition.stream!r} already exists" if exists else None,
            )
        ),
        media_type="application/json",
    )


async def create(request: Request, app: AppState) -> Response:
    try:
        definition = await _definition(request, app)
    except DefinitionError as error:
        raise ApiError(422, "invalid_definition", str(error), str(error)) from None
    created = await create_competition(app.registry.store, app.credentials, definition)
    base = app.base_url()
    return Response(
        _encoder.encode(
            CompetitionCreated(
                stream=created.stream,
                seq=created.head_seq,
                admin=f"{base}/admin/{created.stream}#token={created.admin_token}",
                auditor=f"{base}/audit/{created.stream}#token={created.auditor_token}",
                judges={
                    j: app.judge_link(created.stream, t) for j, t in created.judge_tokens.items()
                },
            )
        ),
        media_type="application/json",
    )
