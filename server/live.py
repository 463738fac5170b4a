"""One competition, live: its state, its commands and its subscribers.

``execute`` is the whole flow of a command: decide against the current state,
append after that state's seq, apply what was committed, publish the views
that changed. Commands of one competition run one at a time in a process;
across processes the store's ``expected_seq`` check catches a stale decision,
and the command is decided again on the caught-up state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Hashable, Sequence
from typing import Any, NamedTuple

import msgspec

from events.envelope import Actor, Envelope
from events.errors import ConflictError, StoreUnavailable
from events.store import Store
from projections.audit import audit
from projections.board import board
from projections.decide import Rejection, decide
from projections.progress import progress
from projections.setup import setup
from projections.state import Competition, apply
from server.errors import ApiError
from server.hub import Hub

log = logging.getLogger("leitai.live")
DUPLICATE = "duplicate_submission"


class Executed(NamedTuple):
    """What a command committed (or, for a repeat, what it committed first)."""

    envelopes: list[Envelope]
    duplicate: bool = False


MAX_DECIDE_ATTEMPTS = 5

# The views a subscriber can ask for, and how each is computed from the state.
VIEWS: dict[str, Callable[[Competition], Any]] = {
    "board": lambda state: board(state, public=True),
    "board_full": lambda state: board(state, public=False),
    "progress": progress,
    "audit": audit,
    "setup": setup,
}
ViewKey = Hashable


class Live:
    """The live state of one competition in this process."""

    def __init__(self, store: Store, stream: str, state: Competition) -> None:
        self.store = store
        self.stream = stream
        self.state = state
        self.hub = Hub()
        self._lock = asyncio.Lock()
        self._encoder = msgspec.json.Encoder()
        self._follower: asyncio.Task[None] | None = None

    @classmethod
    async def load(cls, store: Store, stream: str) -> Live:
        """Rebuild the state by replaying the stream, then follow new commits."""
        state = Competition.empty(stream)
        async for envelope in store.read(stream):
            state = apply(state, envelope)
        live = cls(store, stream, state)
        live._follower = asyncio.get_running_loop().create_task(live._follow())
        return live

    async def close(self) -> None:
        if self._follower is not None:
            self._follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._follower
        await self.hub.close()

    # --- commands -----------------------------------------------------------

    async def execute(
        self, command: Any, actor: Actor, *, idempotency_key: str | None = None
    ) -> Executed:
        """Decide, append durably, apply and publish; the committed envelopes,
        or for a repeated submission the envelope of the first one."""
        async with self._lock:
            for _ in range(MAX_DECIDE_ATTEMPTS):
                outcome = decide(self.state, command, actor)
                if isinstance(outcome, Rejection):
                    if outcome.code == DUPLICATE and outcome.seq is not None:
                        return Executed([await self.receipt_of(outcome.seq)], duplicate=True)
                    raise rejection_error(outcome)
                before = self.state.seq
                try:
                    envelopes = await self.store.append(
                        self.stream,
                        outcome,
                        actor=actor,
                        expected_seq=self.state.seq,
                        idempotency_key=idempotency_key,
                    )
                except ConflictError:
                    await self._catch_up()  # another process appended: decide again
                    continue
                except StoreUnavailable as exc:
                    raise ApiError(
                        503,
                        "store_unavailable",
                        f"The log cannot be written now: {exc}",
                        "日志暂时无法写入，请稍后重试",
                    ) from None
                self.absorb(envelopes)
                # Another process may have committed the same idempotency key
                # first: the store then hands back that append's envelopes.
                return Executed(envelopes, duplicate=envelopes[-1].seq <= before)
        raise ApiError(
            409,
            "conflict",
            "The competition changed too often to decide; try again.",
            "赛事状态变化过快，请重试",
        )

    async def receipt_of(self, seq: int) -> Envelope:
        """The committed envelope at ``seq`` (the receipt of an earlier submission)."""
        async for envelope in self.store.read(self.stream, seq, seq):
            return envelope
        raise ApiError(
            404, "unknown_seq", f"No event {seq} in this competition.", f"不存在第 {seq} 号事件"
        )

    # --- state --------------------------------------------------------------

    def absorb(self, envelopes: Sequence[Envelope]) -> None:
        """Apply committed envelopes not yet applied, in order, then publish."""
        changed = False
        for envelope in envelopes:
            if envelope.seq <= self.state.seq:
                continue  # already applied (our own append, seen again by the follower)
            if envelope.seq != self.state.seq + 1:
                log.error("%s: gap before seq %d; catching up", self.stream, envelope.seq)
                return
            self.state = apply(self.state, envelope)
            changed = True
        if changed:
            self.publish()

    async def _catch_up(self) -> None:
        batch = [e async for e in self.store.read(self.stream, self.state.seq + 1)]
        self.absorb(batch)

    async def _follow(self) -> None:
        """Apply what other processes commit; ours arrive here too and are skipped."""
        while True:
            try:
                async for envelope in self.store.tail(self.stream, self.state.seq + 1):
                    if envelope.seq > self.state.seq:
                        async with self._lock:
                            if envelope.seq == self.state.seq + 1:
                                self.absorb([envelope])
                            elif envelope.seq > self.state.seq + 1:
                                await self._catch_up()
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s: following the log failed; retrying", self.stream)
                await asyncio.sleep(1.0)

    # --- views --------------------------------------------------------------

    def view(self, name: str) -> Any:
        return VIEWS[name](self.state)

    def view_message(self, name: str) -> str:
        """The message a subscriber of ``name`` receives, encoded once."""
        return self._encoder.encode(
            {"type": "view", "view": name, "seq": self.state.seq, "data": self.view(name)}
        ).decode()

    def publish(self) -> None:
        for key in self.hub.watched():
            if isinstance(key, str) and key in VIEWS:
                self.hub.publish(key, self.view_message(key))

    def heartbeat(self) -> None:
        self.hub.broadcast(
            self._encoder.encode({"type": "heartbeat", "seq": self.state.seq}).decode()
        )


def rejection_error(rejection: Rejection) -> ApiError:
    return ApiError(rejection.status, rejection.code, rejection.message_en, rejection.message_zh)
