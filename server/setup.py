"""Creating a competition in a store from its definition, with its tokens."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from events.catalog import AnyEvent, Id
from events.credentials import Credentials
from events.envelope import Actor
from events.store import Store
from server.definition import Definition
from server.errors import ApiError

CHUNK = 1000  # events per append when creating a large competition
SETUP_ACTOR = Actor(role="admin", id="setup")


@dataclass(frozen=True)
class Created:
    """A new competition's head and the tokens to hand out (shown once)."""

    stream: str
    head_seq: int
    admin_token: str
    auditor_token: str
    judge_tokens: dict[str, str]


async def create_competition(
    store: Store, credentials: Credentials, definition: Definition
) -> Created:
    """Append the definition's events to a new stream and issue its tokens."""
    stream = definition.stream
    if (await store.head(stream)).seq != 0:
        raise ApiError(
            409,
            "competition_exists",
            f"A competition {stream!r} already exists in this store.",
            f"赛事 {stream!r} 已存在",
        )
    seq = 0
    events: list[AnyEvent] = list(definition.events)
    for start in range(0, len(events), CHUNK):
        committed = await store.append(
            stream, events[start : start + CHUNK], actor=SETUP_ACTOR, expected_seq=seq
        )
        seq = committed[-1].seq
    return Created(
        stream=stream,
        head_seq=seq,
        admin_token=await credentials.issue(stream, "admin", "admin"),
        auditor_token=await credentials.issue(stream, "auditor", "auditor"),
        judge_tokens={
            judge.id: await credentials.issue(stream, "judge", judge.id)
            for judge in definition.judges
        },
    )


async def issue_admin_token(store: Store, credentials: Credentials, stream: str, admin: str) -> str:
    """A new admin token for ``stream`` whose commands are logged as ``admin``.

    Each organiser gets an id of their own, so that a paper sheet one of them
    keyed in is confirmed by another. Only the token's digest is kept, beside
    the log; another token for the same id is the same person (a lost link)."""
    try:
        msgspec.convert(admin, Id)
    except msgspec.ValidationError:
        raise ApiError(
            422,
            "invalid_admin",
            f"Admin id {admin!r}: expected letters, digits, '_', '.', '-' (at most 64)",
            f"管理员编号 {admin!r} 无效：只能使用字母、数字、'_'、'.'、'-'（最多 64 个）",
        ) from None
    if (await store.head(stream)).seq == 0:
        raise ApiError(
            404, "unknown_competition", f"No competition {stream!r}.", f"没有赛事 {stream!r}"
        )
    return await credentials.issue(stream, "admin", admin)
