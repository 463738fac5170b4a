"""HTTP handlers of the audit trail: the board at any seq, checkpoints, proofs, the key.

The routes are declared in ``server.api.ENDPOINTS``. Proofs need a token of
the competition (a judge's will do): their hashes are of single events, and a
score event is small enough that its hash should not be public.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from events.checkpoint import Checkpoint
from events.merkle import MerkleTree
from projections.board import board
from server.auth import bearer, client_address, require
from server.errors import ApiError
from server.live import Live
from server.state import AppState
from server.timeline import StateHistory
from server.transparency import SizeError, Transparency

_encoder = msgspec.json.Encoder()
_histories: WeakKeyDictionary[Live, StateHistory] = WeakKeyDictionary()
"""Each competition's earlier states, for ``board_at``; gone with its ``Live``."""


class PublicKey(msgspec.Struct):
    """The key checkpoints are signed with, as ``leitai verify --public-key`` takes it."""

    name: str
    key: str
    algorithm: str = "ed25519"


class LatestCheckpoint(msgspec.Struct):
    """The latest signed checkpoint of a stream, or none yet: for clients that
    poll until one covers their receipt, without a 404 before the first reveal."""

    stream: str
    size: int
    """The events the checkpoint covers (0 before the first): a receipt of seq N is
    in it once N <= size."""
    checkpoint: str | None
    """The signed note, as ``GET …/checkpoint`` serves it; None before the first."""


class InclusionProof(msgspec.Struct):
    """Event ``seq`` (its ``hash``) is leaf ``seq - 1`` of the tree of ``size`` events."""

    stream: str
    seq: int
    hash: str
    size: int
    proof: list[str]
    checkpoint: str | None = None
    """The signed checkpoint of ``size``, when the latest one was asked for."""


class ConsistencyProof(msgspec.Struct):
    """The tree of ``old`` events is a prefix of the tree of ``new`` events."""

    stream: str
    old: int
    new: int
    proof: list[str]


def _json(value: Any) -> Response:
    return Response(_encoder.encode(value), media_type="application/json")


async def _live(request: Request, app: AppState, *roles: str) -> Live:
    live = await app.registry.get(request.path_params["cid"])
    token = bearer(request.headers.get("authorization"))
    require(await app.auth.identify(token, live.stream, client_address(request)), *roles)
    return live


def _whole(request: Request, name: str) -> int:
    raw = request.query_params.get(name)
    if raw is None or not raw.isdigit():
        raise ApiError(
            422,
            "invalid_query",
            f"The query's {name} must be a whole number, got {raw!r}.",
            f"{name} 须为整数",
        )
    return int(raw)


def _beyond(stream: str, holds: int, asked: int) -> ApiError:
    return ApiError(
        404,
        "beyond_log",
        f"The log of {stream!r} holds {holds} events, not {asked}.",
        "超出日志范围",
    )


async def public_key(request: Request, app: AppState) -> Response:
    signer = app.transparency.signer
    if signer is None:
        raise ApiError(
            503,
            "no_signing_key",
            "This server has no signing key (LEITAI_KEY_FILE), so it cannot say which key "
            "signs the checkpoints; ask a server that has it (docs/deploy.md).",
            "本服务器没有签名密钥（LEITAI_KEY_FILE），无法提供签署检查点的公钥；"
            "请向持有密钥的服务器获取（见 docs/deploy.md）",
        )
    return _json(PublicKey(signer.key.name, str(signer.key)))


async def _latest(transparency: Transparency, stream: str) -> tuple[str, Checkpoint]:
    latest = await transparency.latest(stream)
    if latest is None:
        raise ApiError(
            404,
            "no_checkpoint",
            "No checkpoint is signed yet: one is signed at every reveal.",
            "尚无签名检查点：每次公布成绩时签署",
        )
    return latest


async def get_checkpoint(request: Request, app: AppState) -> Response:
    live = await app.registry.get(request.path_params["cid"])
    note, _ = await _latest(app.transparency, live.stream)
    return Response(note, media_type="text/plain; charset=utf-8")


async def latest_checkpoint(request: Request, app: AppState) -> Response:
    live = await app.registry.get(request.path_params["cid"])
    latest = await app.transparency.latest(live.stream)
    if latest is None:
        return _json(LatestCheckpoint(live.stream, 0, None))
    note, checkpoint = latest
    return _json(LatestCheckpoint(live.stream, checkpoint.size, note))


async def _tree(transparency: Transparency, stream: str, size: int) -> MerkleTree:
    try:
        return await transparency.tree(stream, size)
    except SizeError as exc:
        raise _beyond(stream, exc.holds, size) from None


async def inclusion_proof(request: Request, app: AppState) -> Response:
    transparency = app.transparency
    live = await _live(request, app, "judge", "admin", "auditor")
    seq = _whole(request, "seq")
    note: str | None = None
    if "size" in request.query_params:
        size = _whole(request, "size")
    else:
        note, checkpoint = await _latest(transparency, live.stream)
        size = checkpoint.size
    if not 1 <= seq <= size:
        raise ApiError(
            422,
            "invalid_query",
            f"The query's seq must be within 1…size ({size}), got {seq}.",
            f"seq 须在 1…{size} 之内",
        )
    tree = await _tree(transparency, live.stream, size)
    event = await live.receipt_of(seq)
    proof = [h.hex() for h in tree.inclusion_proof(seq - 1, size)]
    return _json(InclusionProof(live.stream, seq, event.hash, size, proof, note))


async def consistency_proof(request: Request, app: AppState) -> Response:
    transparency = app.transparency
    live = await _live(request, app, "judge", "admin", "auditor")
    old = _whole(request, "from")
    if "to" in request.query_params:
        new = _whole(request, "to")
    else:
        new = (await _latest(transparency, live.stream))[1].size
    if not 1 <= old <= new:
        raise ApiError(
            422,
            "invalid_query",
            f"The query's from must be within 1…to ({new}), got {old}.",
            f"from 须在 1…{new} 之内",
        )
    tree = await _tree(transparency, live.stream, new)
    proof = [h.hex() for h in tree.consistency_proof(old, new)]
    return _json(ConsistencyProof(live.stream, old, new, proof))


async def board_at(request: Request, app: AppState) -> Response:
    """The full board as it stood at ``?at=SEQ``, replayed from the store
    from the nearest earlier state kept (``server.timeline``)."""
    live = await _live(request, app, "admin", "auditor")
    seq = _whole(request, "at")
    if seq > live.state.seq:
        raise _beyond(live.stream, live.state.seq, seq)
    history = _histories.get(live)
    if history is None:
        history = _histories[live] = StateHistory(live.store, live.stream)
    state = await history.state_at(seq)
    return _json(board(state, public=False))
