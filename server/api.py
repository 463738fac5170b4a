"""The HTTP API: every route declared once, as an ``Endpoint``, from which both
the router and the OpenAPI document are made."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import msgspec
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response, StreamingResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from events.errors import StoreUnavailable
from events.ndjson import export_lines
from projections import commands as cmd
from projections.progress import ShowStage, show_stage
from projections.setup import JudgeView, SetupView, judge_view
from server import audit_api, setup_api
from server.auth import bearer, client_address, peer_address, require
from server.batches import batched
from server.bodies import read_body, receive_body
from server.errors import ApiError, error_response, store_unavailable_response
from server.exports import FORMATS
from server.exports.endpoints import results_export
from server.live import Executed, Live
from server.plain_numbers import check_plain_numbers
from server.state import AppState
from server.unique_names import check_unique_names
from server.view_api import get_view

Handler = Callable[[Request, AppState], Awaitable[Response]]
"""A route's handler: a request in, a response out (or an ``AsgiRoute``)."""


class Receipt(msgspec.Struct):
    """What an accepted command answers, once its events are durable."""

    seq: int
    hash: str
    at: str
    events: list[str]
    duplicate: bool = False


class CompetitionSummary(msgspec.Struct):
    id: str
    title: dict[str, str]
    seq: int
    stage: ShowStage = "not_started"
    """Where the round being run stands: nobody called yet, under way, or its
    results finalised (the index says which, beside the links)."""


class TokenIssued(msgspec.Struct):
    judge: str
    token: str
    link: str


class Revoked(msgspec.Struct):
    judge: str
    revoked: int


class Identity(msgspec.Struct):
    """Who a token speaks for in this competition (the actor of its commands)."""

    role: str
    id: str


class AsgiRoute:
    """A route's handler written as a plain ASGI app, where no ``Request`` or
    ``Response`` is worth its cost (starlette takes a bare function for a
    request-to-response endpoint, so the app is wrapped)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.__name__ = app.__name__

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class Endpoint:
    """One route: what it takes, what it answers, who may call it."""

    method: str
    path: str
    handler: Handler | AsgiRoute
    summary: str
    roles: tuple[str, ...] = ()
    body: type | None = None
    answer: type | None = None
    media_type: str = "application/json"
    idempotency_key: bool = False
    """Takes an ``Idempotency-Key`` header (``idempotency_key``): sent again with
    the same key, it answers the first one's receipt instead of doing it twice."""


_encoder = msgspec.json.Encoder()


def json_response(value: Any, status: int = 200) -> Response:
    return Response(_encoder.encode(value), status_code=status, media_type="application/json")


_NUMBERED = (cmd.SubmitScore, cmd.AmendScore, cmd.EnterPaperSheet, cmd.RecordPriorScore)
"""Commands carrying marks or a prior score (``server.plain_numbers``)."""


def decode_command(body: bytes, kind: type) -> Any:
    try:
        command: Any = msgspec.json.decode(body, type=kind)
        check_unique_names(body, command)
        if isinstance(command, _NUMBERED):
            check_plain_numbers(body)
        return command
    except msgspec.ValidationError as exc:
        raise ApiError(
            422, "invalid_command", f"Invalid command: {exc}", f"指令无效：{exc}"
        ) from None
    except msgspec.DecodeError as exc:
        raise ApiError(
            400, "invalid_json", f"The body is not JSON: {exc}", "请求内容不是合法的 JSON"
        ) from None


async def competition(request: Request, app: AppState) -> Live:
    return await app.registry.get(request.path_params["cid"])


async def caller(request: Request, app: AppState, live: Live) -> Any:
    return await identify(app, live, request.headers.get("authorization"), client_address(request))


async def identify(app: AppState, live: Live, authorization: str | None, address: str) -> Any:
    """The credential of the ``Authorization`` header (None without one)."""
    return await app.auth.identify(bearer(authorization), live.stream, address)


def receipt(executed: Executed) -> Receipt:
    envelopes, duplicate = executed
    last = envelopes[-1]
    return Receipt(
        seq=last.seq,
        hash=last.hash,
        at=last.at,
        events=[e.type for e in envelopes],
        duplicate=duplicate,
    )


# --- commands ----------------------------------------------------------------


def admin_command(kind: type) -> Handler:
    async def handle(request: Request, app: AppState) -> Response:
        live = await competition(request, app)
        actor = require(await caller(request, app, live), "admin")
        key = idempotency_key(request.headers.get("idempotency-key"))
        command = decode_command(await read_body(request, app.settings.max_body_bytes), kind)
        executed = await live.execute(
            command, actor, idempotency_key=None if key is None else f"admin:{actor.id}:{key}"
        )
        return json_response(receipt(executed))

    return handle


IDEMPOTENCY_KEY = r"[A-Za-z0-9_-]{8,64}"
"""What an ``Idempotency-Key`` header may hold (the OpenAPI document says so too)."""
_KEY = re.compile(IDEMPOTENCY_KEY)


def idempotency_key(header: str | None) -> str | None:
    """An organiser's command sent again with the same ``Idempotency-Key``
    (its answer lost on the venue's Wi-Fi) answers what the first did, as a
    duplicate, instead of being done twice or refused as already done."""
    if header is None:
        return None
    if _KEY.fullmatch(header) is None:
        raise ApiError(
            400,
            "invalid_idempotency_key",
            "Idempotency-Key must be 8-64 letters, digits, '-' or '_'.",
            "Idempotency-Key 须为 8 至 64 个字母、数字、“-”或“_”",
        )
    return header


async def submit_score(scope: Scope, receive: Receive, send: Send) -> None:
    """A judge's score. A plain ASGI app, served ahead of the router
    (``server.shortcut``): no ``Request`` or ``Response`` is made on the way."""
    app: AppState = scope["app"].state.leitai
    headers = Headers(scope=scope)
    try:
        live = await app.registry.get(scope["path_params"]["cid"])
        credential = await identify(app, live, headers.get("authorization"), peer_address(scope))
        actor = require(credential, "judge")
        body = await receive_body(
            receive, headers.get("content-length"), app.settings.max_body_bytes
        )
        command = decode_command(body, cmd.SubmitScore)
        key = f"score:{actor.id}:{command.submission_id}"
        content = _encoder.encode(receipt(await live.execute(command, actor, idempotency_key=key)))
    except ApiError as error:
        await error_response(HTTPConnection(scope), error)(scope, receive, send)
        return
    except StoreUnavailable as exc:  # as the app's handler does for every other route
        await store_unavailable_response(HTTPConnection(scope), exc)(scope, receive, send)
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(content)),
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})


# --- reads -------------------------------------------------------------------


async def list_competitions(request: Request, app: AppState) -> Response:
    out = []
    for stream in await app.registry.store.streams():
        try:
            live = await app.registry.get(stream)
        except ApiError as error:  # one broken log (logged) hides only its competition
            if error.code == "log_broken":
                continue
            raise
        title = live.state.title
        out.append(
            CompetitionSummary(
                stream,
                {"zh-CN": title.zh_cn, "en": title.en},
                live.state.seq,
                show_stage(live.state),
            )
        )
    return json_response(out)


async def get_board(request: Request, app: AppState) -> Response:
    if "at" in request.query_params:
        return await audit_api.board_at(request, app)
    live = await competition(request, app)
    credential = await caller(request, app, live)
    full = credential is not None and credential.role in ("admin", "auditor")
    return json_response(live.view("board_full" if full else "board"))


async def get_progress(request: Request, app: AppState) -> Response:
    live = await competition(request, app)
    return json_response(live.view("progress"))


async def get_setup(request: Request, app: AppState) -> Response:
    live = await competition(request, app)
    return json_response(live.view("setup"))


async def get_me(request: Request, app: AppState) -> Response:
    live = await competition(request, app)
    actor = require(await caller(request, app, live), "judge")
    return json_response(_judge_view(live, actor.id))


async def get_me_anywhere(request: Request, app: AppState) -> Response:
    """The judge's view in whichever competition the token belongs to, so a bare
    ``/judge#token=…`` link finds its competition."""
    token = bearer(request.headers.get("authorization"))
    credential = await app.auth.identify_anywhere(token, client_address(request))
    actor = require(credential, "judge")
    assert credential is not None
    return json_response(_judge_view(await app.registry.get(credential.stream), actor.id))


def _judge_view(live: Live, judge: str) -> JudgeView:
    view = judge_view(live.state, judge)
    if view is None:
        raise ApiError(404, "unknown_judge", f"No judge {judge!r}.", f"没有评委 {judge!r}")
    return view


async def get_whoami(request: Request, app: AppState) -> Response:
    live = await competition(request, app)
    actor = require(await caller(request, app, live), "admin", "auditor", "judge")
    return json_response(Identity(actor.role, actor.id))


async def get_audit(request: Request, app: AppState) -> Response:
    live = await competition(request, app)
    require(await caller(request, app, live), "admin", "auditor")
    return json_response(live.view("audit"))


async def get_log(request: Request, app: AppState) -> Response:
    live = await competition(request, app)
    require(await caller(request, app, live), "admin", "auditor")
    raw = request.query_params.get("from_seq", "1")
    if not raw.isdigit() or int(raw) < 1:
        raise ApiError(
            422,
            "invalid_query",
            "The query's from_seq must be a whole number ≥ 1.",
            "from_seq 须为不小于 1 的整数",
        )
    upto = live.state.seq  # a consistent snapshot: what was committed when asked

    async def lines() -> AsyncIterator[bytes]:
        async for batch in batched(live.store.read_records(live.stream, int(raw), upto), 500):
            yield b"".join(export_lines(batch))

    return StreamingResponse(lines(), media_type="application/x-ndjson")


# --- tokens ------------------------------------------------------------------


async def reissue_judge_token(request: Request, app: AppState) -> Response:
    live = await competition(request, app)
    require(await caller(request, app, live), "admin")
    judge = _known_judge(live, request.path_params["judge"])
    await app.credentials.revoke(live.stream, "judge", judge)
    token = await app.credentials.issue(live.stream, "judge", judge)
    app.auth.forget()
    return json_response(TokenIssued(judge, token, app.judge_link(live.stream, token)))


def _known_judge(live: Live, judge: str) -> str:
    """``judge``, a judge of the competition (else 404: a typo must not look done)."""
    if judge not in live.state.judges:
        raise ApiError(404, "unknown_judge", f"No judge {judge!r}.", f"没有评委 {judge!r}")
    return judge


async def revoke_judge_token(request: Request, app: AppState) -> Response:
    live = await competition(request, app)
    require(await caller(request, app, live), "admin")
    judge = _known_judge(live, request.path_params["judge"])
    revoked = await app.credentials.revoke(live.stream, "judge", judge)
    app.auth.forget()
    return json_response(Revoked(judge, revoked))


C = "/api/competitions/{cid}"

SCORES = Endpoint(
    "POST",
    f"{C}/scores",
    AsgiRoute(submit_score),
    "A judge's score; answers once durable with the receipt (seq, hash)",
    roles=("judge",),
    body=cmd.SubmitScore,
    answer=Receipt,
)
"""The judges' scores: served ahead of the router (``server.shortcut``)."""

ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET",
        "/api/competitions",
        list_competitions,
        "The competitions hosted here",
        answer=list[CompetitionSummary],
    ),
    Endpoint(
        "GET",
        f"{C}/board",
        get_board,
        "The board: public form without a token, full form for admin and auditor; "
        "?at=SEQ (admin, auditor): the full board as it stood at that seq",
    ),
    Endpoint("GET", f"{C}/progress", get_progress, "Who is on stage and which judges have scored"),
    Endpoint(
        "GET",
        f"{C}/views/{{view}}",
        get_view,
        "A view as the WebSocket sends it (type, view, seq, basis, data), gzipped where "
        "accepted, with an ETag: a page's first load, before it subscribes with seq and basis; "
        "board_full and audit need an admin or auditor token",
    ),
    Endpoint(
        "GET",
        f"{C}/setup",
        get_setup,
        "The competition as set up: criteria, groups, rounds, contestants, judges",
        answer=SetupView,
    ),
    Endpoint(
        "GET",
        f"{C}/me",
        get_me,
        "A judge's own view: who they score, what they gave",
        roles=("judge",),
        answer=JudgeView,
    ),
    Endpoint(
        "GET",
        "/api/me",
        get_me_anywhere,
        "The judge's own view in the competition their token belongs to",
        roles=("judge",),
        answer=JudgeView,
    ),
    Endpoint(
        "GET",
        f"{C}/whoami",
        get_whoami,
        "Who the token speaks for: its role and the actor id its commands are logged under",
        roles=("admin", "auditor", "judge"),
        answer=Identity,
    ),
    Endpoint(
        "GET",
        f"{C}/audit",
        get_audit,
        "Every judge's sheet, corrections, severity",
        roles=("admin", "auditor"),
    ),
    Endpoint(
        "GET",
        f"{C}/log",
        get_log,
        "The log from ?from_seq=, one envelope per line",
        roles=("admin", "auditor"),
        media_type="application/x-ndjson",
    ),
    SCORES,
    Endpoint(
        "POST",
        f"{C}/judges/{{judge}}/token",
        reissue_judge_token,
        "Revoke a judge's link and issue a new one",
        roles=("admin",),
        answer=TokenIssued,
    ),
    Endpoint(
        "DELETE",
        f"{C}/judges/{{judge}}/token",
        revoke_judge_token,
        "Revoke a judge's link",
        roles=("admin",),
        answer=Revoked,
    ),
]

ADMIN_COMMANDS: list[tuple[str, type, str]] = [
    ("stage", cmd.CallContestant, "Call a contestant on stage (and open scoring)"),
    ("open", cmd.OpenScoring, "Open scoring for a contestant"),
    ("close", cmd.CloseScoring, "Close scoring for a contestant"),
    ("reveal", cmd.Reveal, "Reveal a contestant's result"),
    ("amend", cmd.AmendScore, "Amend a judge's score after closing, with a reason"),
    (
        "paper-sheets",
        cmd.EnterPaperSheet,
        "Key in a judge's paper sheet; it counts once a different admin confirms it",
    ),
    (
        "paper-sheets/confirm",
        cmd.ConfirmPaperSheet,
        "Confirm a paper sheet another admin keyed in: it counts from now",
    ),
    ("paper-sheets/reject", cmd.RejectPaperSheet, "Reject a keyed-in paper sheet, with a reason"),
    ("recuse", cmd.RecuseJudge, "Recuse a judge, with a reason"),
    ("judges", cmd.RegisterJudge, "Add a judge to a panel during the show (a substitute)"),
    ("withdraw", cmd.WithdrawContestant, "Withdraw a contestant"),
    ("disqualify", cmd.DisqualifyContestant, "Disqualify a contestant"),
    ("draw", cmd.DrawOrder, "Draw the running order of a round from a seed"),
    ("advance", cmd.AdvanceRound, "Advance the best to the next round"),
    ("awards", cmd.PublishAwards, "Publish the awards of a round (provisional until finalised)"),
    ("finalise", cmd.FinaliseResults, "Finalise a round's results: no longer provisional"),
    ("awards/step", cmd.ShowAwardsStep, "Step the screens' awards presentation of a round"),
    ("prior-scores", cmd.RecordPriorScore, "Record a prior score (expert review …)"),
]
ENDPOINTS += [
    Endpoint(
        "POST",
        f"{C}/{name}",
        admin_command(kind),
        summary,
        roles=("admin",),
        body=kind,
        answer=Receipt,
        idempotency_key=True,
    )
    for name, kind, summary in ADMIN_COMMANDS
]
ENDPOINTS += [
    Endpoint(
        "GET",
        f"{C}/results.{name}",
        results_export(name),
        f"The results of a round as {name.upper()}: ?lang=zh-CN|en (default the "
        "competition's first language), ?round= (default the round being run)",
        roles=("admin", "auditor"),
        media_type=FORMATS[name].media_type.split(";")[0],
    )
    for name in FORMATS
]
ENDPOINTS += [
    Endpoint(
        "GET",
        "/api/public-key",
        audit_api.public_key,
        "The Ed25519 key checkpoints are signed with (for leitai verify --public-key)",
        answer=audit_api.PublicKey,
    ),
    Endpoint(
        "GET",
        f"{C}/checkpoint",
        audit_api.get_checkpoint,
        "The latest signed checkpoint (tree size and Merkle root), as a signed note",
        media_type="text/plain",
    ),
    Endpoint(
        "GET",
        f"{C}/checkpoint.json",
        audit_api.latest_checkpoint,
        "The latest signed checkpoint and the events it covers; before the first reveal "
        "size 0 and no checkpoint (200, not 404: for a client waiting for one)",
        answer=audit_api.LatestCheckpoint,
    ),
    Endpoint(
        "GET",
        f"{C}/proof/inclusion",
        audit_api.inclusion_proof,
        "Proof that event ?seq= is in the tree of ?size= events (default: the latest checkpoint)",
        roles=("judge", "admin", "auditor"),
        answer=audit_api.InclusionProof,
    ),
    Endpoint(
        "GET",
        f"{C}/proof/consistency",
        audit_api.consistency_proof,
        "Proof that the tree of ?from= events is a prefix of the tree of ?to= events",
        roles=("judge", "admin", "auditor"),
        answer=audit_api.ConsistencyProof,
    ),
]
ENDPOINTS += [
    Endpoint(
        "POST",
        "/api/competitions/check",
        setup_api.check_competition,
        "Check a competition file (TOML body): what it would create, or its first mistake",
        roles=("setup",),
        answer=setup_api.DefinitionCheck,
    ),
    Endpoint(
        "POST",
        "/api/competitions",
        setup_api.create,
        "Create a competition from a file (TOML body); its links, shown once",
        roles=("setup",),
        answer=setup_api.CompetitionCreated,
    ),
]
