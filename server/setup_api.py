"""Creating a competition from the organiser's console: the competition file uploaded as text.

``POST /api/competitions/check`` checks a file and says what it would create, or
the first mistake by field (or spreadsheet row) and problem; it appends nothing.
Like every message of the API, ``where`` and ``problem`` (and a refused
create's ``message``) are in Chinese when the request prefers it
(``Accept-Language: zh…``, ``server.errors``), else in English.
A sound file's answer also lists what is worth a look before the show: the
judges who stand aside for a contestant of their own organisation, and the prior
scores (an expert review) some contestants lack, as ``leitai check`` prints them.
``POST /api/competitions`` creates it and answers its links, tokens shown once.

Both need the server-wide setup token: a credential of the reserved stream ``""``
(no competition id is empty), issued by ``issue_setup_token``. An upload is one
file: it must hold its contestants and judges inline, since it cannot bring the
CSV or XLSX files a file on disk may name.
"""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from events.catalog import Label
from events.credentials import Credentials
from server.auth import bearer, client_address, require
from server.bodies import read_body
from server.definition import Definition, DefinitionError, load_definition_text
from server.errors import ApiError, prefers_chinese
from server.mistake import Bilingual
from server.setup import create_competition
from server.state import AppState

SETUP_STREAM = ""
"""The credentials' stream of server-wide tokens."""
UPLOAD_NAME = Bilingual("Competition file", "赛事文件")
"""How messages call the uploaded text."""

_encoder = msgspec.json.Encoder()


class StandAside(msgspec.Struct):
    """A judge whose panel scores a contestant of the judge's own organisation:
    the judge will not score that contestant (``Definition.stand_asides``)."""

    judge: str
    judge_name: str
    contestant: str
    contestant_name: str
    organisation: str


class PriorLacking(msgspec.Struct):
    contestant: str
    name: str


class MissingPrior(msgspec.Struct):
    """A prior score of the composite (an expert review …) that some contestants
    lack: their results stay incomplete until it is recorded."""

    source: str
    label: Label
    contestants: list[PriorLacking]


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
    stand_asides: list[StandAside] = []
    """Every judge–contestant pair of one organisation, in the file's order."""
    missing_priors: list[MissingPrior] = []
    """Each prior source some contestants lack (none listed when all have it)."""


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
            422,
            "invalid_definition",
            f"Not UTF-8 text (byte {exc.start}): save the file as UTF-8"
            " (in Notepad: Save as, Encoding UTF-8) and choose it again.",
            f"不是 UTF-8 文本（第 {exc.start} 字节）：请将文件另存为 UTF-8 编码"
            "（记事本：“另存为”，编码选“UTF-8”）后重新选择。",
        ) from None
    return load_definition_text(text, None, name=UPLOAD_NAME.en)  # an upload brings no files


def _located(error: DefinitionError, chinese: bool) -> tuple[str | None, str]:
    """(field or row, problem) in the language asked for; a file other than the
    upload (a roster it names) is named in front of the field."""
    where = error.where.pick(chinese) if error.where else None
    if error.source is not None and error.source != UPLOAD_NAME.en:
        where = ("：" if chinese else ": ").join(filter(None, [error.source, where]))
    return where, error.problem.pick(chinese)


async def check_competition(request: Request, app: AppState) -> Response:
    try:
        definition = await _definition(request, app)
    except DefinitionError as error:
        where, problem = _located(error, prefers_chinese(request))
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
                problem=_exists(definition.stream).pick(prefers_chinese(request))
                if exists
                else None,
                stand_asides=_stand_asides(definition),
                missing_priors=_missing_priors(definition),
            )
        ),
        media_type="application/json",
    )


async def create(request: Request, app: AppState) -> Response:
    try:
        definition = await _definition(request, app)
    except DefinitionError as error:
        raise ApiError(
            422,
            "invalid_definition",
            str(error),
            error.line(chinese=True, source=_upload_zh(error)),
        ) from None
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


def _stand_asides(definition: Definition) -> list[StandAside]:
    return [
        StandAside(j.judge, j.name, c.contestant, c.name, c.organisation)
        for j, c in definition.stand_asides()
    ]


def _missing_priors(definition: Definition) -> list[MissingPrior]:
    return [
        MissingPrior(
            component.source,
            component.label,
            [PriorLacking(c.contestant, c.name) for c in lacking],
        )
        for component, lacking in definition.missing_priors()
        if lacking
    ]


def _exists(stream: str) -> Bilingual:
    return Bilingual(f"a competition {stream!r} already exists", f"赛事 {stream!r} 已经存在")


def _upload_zh(error: DefinitionError) -> str | None:
    """The upload's name in Chinese (a roster file keeps its own name)."""
    return UPLOAD_NAME.zh if error.source == UPLOAD_NAME.en else None
