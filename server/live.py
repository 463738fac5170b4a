"""One competition, live: its state, its commands and its subscribers.

``execute`` is the whole flow of a command: decide, append durably, apply
what was committed, publish the views that changed. Commands are pipelined:
each is decided, under the lock, against ``ahead``, the state including the
commands already decided but not yet durable; its events are applied to
``ahead`` at once and handed to the store with ``expected_seq`` = that
state's seq, and the lock is released before the fsync. Consecutive appends
therefore meet in the store's queue and commit in one transaction (the store
checks each ``expected_seq`` in turn), instead of one fsync per command.

``state`` holds only what is durable: appends are applied to it in seq order
as the store confirms them, and only then is a caller answered and a view
published, so nobody sees an event the log may not keep. If an append fails
(a conflict with another process, the store unavailable), ``ahead`` is wrong
from there on, and so is every append decided on it: they share a store
``Pipeline``, which the failure breaks, so the store refuses them all even
where another writer's events make their ``expected_seq`` look right. No
command is decided until every append in flight has been answered, ``state``
has caught up with the store and ``ahead`` is rebuilt from it, with a new
pipeline; callers whose append was refused (so appended nothing) are decided
again, the others get the error.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Sequence
from decimal import Decimal
from typing import Any, Literal, NamedTuple

import msgspec

from events.catalog import AnyEvent
from events.envelope import Actor, Envelope
from events.errors import ConflictError, StoreUnavailable
from events.group_commit import Pipeline
from events.store import Store
from projections.audit import audit
from projections.board import board
from projections.decide import Rejection, decide
from projections.progress import progress
from projections.setup import setup
from projections.state import Competition, apply
from server.basis import basis
from server.errors import ApiError, store_unavailable
from server.hub import Hub, Message, Subscriber
from server.patches import diff
from server.presence import Presence
from server.replay import collector_paused, replay_store

log = logging.getLogger("leitai.live")
DUPLICATE = "duplicate_submission"
PENDING_HASH = "pending"
"""The hash of an event in ``ahead`` that the store has not sealed yet."""


class Executed(NamedTuple):
    """What a command committed (or, for a repeat, what it committed first)."""

    envelopes: list[Envelope]
    duplicate: bool = False


MAX_DECIDE_ATTEMPTS = 5
STORE_WAIT_SECONDS = 5.0
"""How long a command waits for the log to be caught up after a failed
append before it is answered 503 ``store_unavailable`` (with the store out
of reach that takes until it is back)."""
PUBLISH_INTERVAL = 1 / 60
"""Seconds between two publications of the views at the least: a screen's
refresh (60 a second); a view sent sooner would never be drawn."""

REST_AFTER_PUBLISHING = 0.5
"""After a publication, the loop gets at least this share of the time it
took before the next one: under a stream of commits fan-out uses at most two
thirds of the process, and judges are answered in the rest. (At 1 in place
of 0.5, half and half, a score took longer to reach 1,000 screens: p50 20-23
against 17-21 ms, p99 47-58 against 35-52 ms, in quick runs with a 20 ms floor.)"""

PATCHED_VIEW_BYTES = 1_000_000
"""Views larger than this go whole, never as patches: a patch needs the last
view decoded, and decoding costs ~24 ms a MB here (the full board of 10,000
contestants, 28.8 MB, took 0.7 s, more than drawing it). A real contest's
views are tens to hundreds of KB."""

# The views a subscriber can ask for, and how each is computed from the state,
# in the order a publication sends them: who is on stage before the board, for
# a screen plays a board's reveal only for the contestant on stage.
VIEWS: dict[str, Callable[[Competition], Any]] = {
    "setup": setup,
    "progress": progress,
    "board": lambda state: board(state, public=True),
    "board_full": lambda state: board(state, public=False),
    "audit": audit,
}
PRESENCE = "presence"
"""The admins' view of which judges have a page open (``server.presence``)."""
ViewKey = Hashable
AfterCommit = Callable[[str, Sequence[Envelope]], Awaitable[None]]
AfterFollow = Callable[[str, Sequence[Envelope]], None]


class _ViewData(msgspec.Struct):
    data: Any


_decode_view = msgspec.json.Decoder(_ViewData).decode


class _Flight:
    """A decided command whose append the store has not answered yet, and the
    callers waiting for its outcome (``None``: it appended nothing, decide
    again): the one that decided it, and any repeating its submission."""

    __slots__ = ("appended", "first", "key", "last", "waiting")

    def __init__(
        self, first: int, last: int, appended: asyncio.Future[list[Envelope]], key: str | None
    ) -> None:
        self.first = first
        self.last = last
        self.key = key
        self.appended = appended
        """The store's outcome of the append."""
        self.waiting: list[asyncio.Future[Executed | None]] = []

    def outcome(self) -> asyncio.Future[Executed | None]:
        """A future of the outcome for one caller, while the flight is in
        ``Live._flights`` (it is settled as it leaves): a caller that goes away
        cancels its own and no one else's (``asyncio.shield`` did this at the
        cost of a second future and a callback more for every score)."""
        future: asyncio.Future[Executed | None] = asyncio.get_running_loop().create_future()
        self.waiting.append(future)
        return future

    def settle(self, executed: Executed | None) -> None:
        for future in self.waiting:
            if not future.done():
                future.set_result(executed)

    def fail(self, error: BaseException) -> None:
        for future in self.waiting:
            if not future.done():
                future.set_exception(error)


class Live:
    """The live state of one competition in this process."""

    after_commit: AfterCommit | None = None
    """Awaited with a command's envelopes once durable and applied (signs checkpoints)."""
    after_follow: AfterFollow | None = None
    """Called, never awaited, with other processes' envelopes once applied, in
    seq order (signs checkpoints at their reveals too, without holding up the follow)."""

    def __init__(self, store: Store, stream: str, state: Competition) -> None:
        self.store = store
        self.stream = stream
        self.state = state
        self.hub = Hub()
        self._ahead = _clone(state)
        self._pipeline = Pipeline()
        self._flights: deque[_Flight] = deque()
        self._resync: asyncio.Task[None] | None = None
        self._unreachable: Exception | None = None
        """Why the last attempt of a resynchronisation to read the log failed, until one succeeds."""
        self._lock = asyncio.Lock()
        self._encoder = msgspec.json.Encoder()
        self._follower: asyncio.Task[None] | None = None
        self._publishing: asyncio.Handle | None = None
        self._quiet_until = 0.0
        self.presence = Presence()
        self._unwatched: dict[str, Message] = {}
        """Per view no socket watches (so the hub holds no message of it), the
        message last made for a page fetching it."""
        self.writable = True
        """False from an append the store refused as unavailable (disk full, database
        down) until one succeeds again; heartbeats carry it so pages can say so."""

    @classmethod
    async def load(cls, store: Store, stream: str) -> Live:
        """Rebuild the state by replaying the stream, then follow new commits.

        The state and the copy decided on live as long as the process: the
        copy is made with the cyclic collector paused, as the fold is, and
        then everything is frozen out of its passes (``gc.freeze``), which
        would otherwise scan it all again and again, a pause of every request
        growing with the competition. At 1,000,000 events the collector took
        0.23 s of the copy and the first full board after it."""
        state = await replay_store(store, stream)
        with collector_paused():
            live = cls(store, stream, state)
        gc.freeze()
        live._follower = asyncio.get_running_loop().create_task(live._follow())
        return live

    async def close(self) -> None:
        if self._publishing is not None:
            self._publishing.cancel()
        for task in (self._follower, self._resync):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.hub.close()

    # --- commands -----------------------------------------------------------

    async def execute(
        self, command: Any, actor: Actor, *, idempotency_key: str | None = None
    ) -> Executed:
        """Decide, append durably, apply and publish; the committed envelopes,
        or for a repeated submission the envelope of the first one."""
        if idempotency_key is not None:
            idempotency_key = f"{idempotency_key}#{command_fingerprint(command)}"
        caught_up = False
        for _ in range(MAX_DECIDE_ATTEMPTS):
            resync: asyncio.Task[None] | None = None
            answer: asyncio.Future[Executed | None] | None = None
            first_seq: int | None = None
            refused: Rejection | None = None
            async with self._lock:
                if self._resync is not None:
                    resync = self._resync
                else:
                    decided_on = self._ahead.seq
                    outcome = decide(self._ahead, command, actor)
                    if isinstance(outcome, Rejection):
                        if outcome.code == DUPLICATE and outcome.seq is not None:
                            first_seq = outcome.seq
                        else:
                            refused = outcome
                    else:
                        answer = self._launch(outcome, actor, idempotency_key).outcome()
            if refused is not None:
                if not caught_up:
                    caught_up = True
                    if await self._caught_up_with_others(decided_on):
                        continue  # refused on a state behind the log: decide again
                if idempotency_key is None:
                    raise rejection_error(refused)
                repeated = await self._repeated(idempotency_key)
                if repeated is False:
                    continue  # the first went nowhere: decide again
                if repeated is None:
                    raise rejection_error(refused)
                return repeated
            if resync is not None:
                await self._await_resync(resync)
            elif first_seq is not None:
                if await self._durable(first_seq):
                    return Executed([await self.receipt_of(first_seq)], duplicate=True)
            else:
                assert answer is not None
                executed = await answer
                if executed is not None:
                    if self.after_commit is not None:
                        await self.after_commit(self.stream, executed.envelopes)
                    return executed
        raise ApiError(
            409,
            "conflict",
            "The competition changed too often to decide; try again.",
            "赛事状态变化过快，请重试",
        )

    async def _caught_up_with_others(self, decided_on: int) -> bool:
        """Whether the log holds more than the ``decided_on`` events a refusal
        was decided on (now applied, if another process committed them): then
        the command is decided again. A process follows the others' commits
        within milliseconds, but a command sent to it just after another
        process answered the one before falls in between: on two processes, a
        rehearsal had 23 of 100 reveals refused as not closed though the other
        process had answered the close, and 55 scores as not on stage. Asked
        only before refusing, so an accepted command costs nothing more."""
        head = await self.store.head(self.stream)
        if head.seq <= decided_on:
            return False
        async with self._lock:
            if head.seq > self.state.seq:
                await self._catch_up()
            self._level()  # appends in flight conflict instead, and resynchronise
        return True

    async def _repeated(self, key: str) -> Executed | Literal[False] | None:
        """For a command refused though it came with idempotency ``key``: what
        the command that first came with it did, if one did (a retry whose
        answer was lost: it is refused now because it was done then), as a
        duplicate; None if none did; False if it is still in flight and
        appended nothing."""
        for flight in self._flights:
            if flight.key == key:
                first = await flight.outcome()
                return False if first is None else Executed(first.envelopes, duplicate=True)
        earlier = await self.store.keyed(self.stream, key)
        return Executed(earlier, duplicate=True) if earlier else None

    def _launch(self, events: list[AnyEvent], actor: Actor, key: str | None) -> _Flight:
        """Apply ``events`` to ``ahead`` and hand them to the store, in order."""
        expected = self._ahead.seq
        ahead = self._ahead
        for event in events:
            ahead = apply(
                ahead,
                Envelope(
                    stream=self.stream,
                    seq=ahead.seq + 1,
                    at="",
                    actor=actor,
                    type=event.TYPE,
                    v=event.VERSION,
                    data=event,
                    prev=ahead.head_hash,
                    hash=PENDING_HASH,
                ),
            )
        self._ahead = ahead
        # Queued at once, so appends reach the store in seq order.
        try:
            appended = self.store.enqueue(
                self.stream,
                events,
                actor=actor,
                expected_seq=expected,
                idempotency_key=key,
                pipeline=self._pipeline,
            )
        except Exception as error:  # refused at the call (a closed store): fails as an append
            appended = asyncio.get_running_loop().create_future()
            appended.set_exception(error)
        flight = _Flight(expected + 1, ahead.seq, appended, key)
        self._flights.append(flight)
        appended.add_done_callback(self._landed)
        return flight

    def _landed(self, _: object) -> None:
        """Apply and answer the appends the store confirmed, oldest first; on
        the first that failed, stop and resynchronise."""
        flights = self._flights
        absorbed = False
        while flights and self._resync is None and flights[0].appended.done():
            flight = flights[0]
            appended = flight.appended
            error = None if appended.cancelled() else appended.exception()
            envelopes = None if appended.cancelled() or error else appended.result()
            if isinstance(error, StoreUnavailable):
                self._set_writable(False)
            if envelopes is None or envelopes[0].seq != flight.first:
                self._resync = asyncio.get_running_loop().create_task(self._resynchronise())
                return
            flights.popleft()
            self._set_writable(True)
            absorbed = self.absorb(envelopes, publish=False) or absorbed
            flight.settle(Executed(envelopes))
        if absorbed:  # after the answers: the judges hear back before the fan-out
            self._publish_soon()
        if not flights and self._resync is None and self._ahead.seq == self.state.seq:
            self._ahead.head_hash = self.state.head_hash  # nothing pending: level again

    async def _resynchronise(self) -> None:
        """After a failed append: wait for every append in flight, catch
        ``state`` up with the store, rebuild ``ahead`` and answer the callers.
        While the store is out of reach it tries again every second, without
        holding the lock between tries, so that commands meanwhile are answered
        503 at once (``_await_resync``), as are the callers of failed appends."""
        async with self._lock:
            flights = list(self._flights)
            await asyncio.wait([f.appended for f in flights])
        while True:
            async with self._lock:
                try:
                    await self._catch_up()
                except (StoreUnavailable, OSError) as exc:
                    unreachable: Exception = exc
                else:
                    for flight in flights:
                        self._flights.popleft()
                        _answer(flight)
                    self._ahead = _clone(self.state)
                    self._pipeline = Pipeline()  # decided on the caught-up state from here
                    self._resync = self._unreachable = None
                    return
            log.warning("%s: cannot read the log to resynchronise (%s)", self.stream, unreachable)
            self._unreachable = unreachable
            for flight in flights:  # a failed append waits no longer: its caller may send it again
                if flight.appended.cancelled() or flight.appended.exception():
                    flight.fail(store_unavailable(unreachable))
            await asyncio.sleep(1.0)

    async def _await_resync(self, resync: asyncio.Task[None]) -> None:
        """Wait for a resynchronisation, for at most ``STORE_WAIT_SECONDS``:
        with the store out of reach it lasts until the store is back, and a
        command not yet decided is answered 503 ``store_unavailable`` at once."""
        if self._unreachable is None:
            await asyncio.wait({resync}, timeout=STORE_WAIT_SECONDS)
        if not resync.done():
            raise store_unavailable(self._unreachable or TimeoutError("the store does not answer"))

    async def _durable(self, seq: int) -> bool:
        """Wait until ``seq`` is durable; False if its append failed (decide again)."""
        for flight in list(self._flights):
            if flight.first <= seq <= flight.last:
                try:
                    return await flight.outcome() is not None
                except ApiError:
                    return False
        if self._resync is not None:
            await self._await_resync(self._resync)
            return False
        return seq <= self.state.seq

    async def receipt_of(self, seq: int) -> Envelope:
        """The committed envelope at ``seq`` (the receipt of an earlier submission)."""
        async for envelope in self.store.read(self.stream, seq, seq):
            return envelope
        raise ApiError(
            404, "unknown_seq", f"No event {seq} in this competition.", f"不存在第 {seq} 号事件"
        )

    # --- state --------------------------------------------------------------

    def absorb(self, envelopes: Sequence[Envelope], publish: bool = True) -> bool:
        """Apply committed envelopes not yet applied, in order, then publish
        (unless the caller will); whether any was applied."""
        changed = False
        for envelope in envelopes:
            if envelope.seq <= self.state.seq:
                continue  # already applied (our own append, seen again by the follower)
            if envelope.seq != self.state.seq + 1:
                log.error("%s: gap before seq %d; catching up", self.stream, envelope.seq)
                break
            self.state = apply(self.state, envelope)
            changed = True
        if changed and publish:
            self._publish_soon()
        return changed

    async def _catch_up(self) -> None:
        before = self.state.seq
        batch = [e async for e in self.store.read(self.stream, before + 1)]
        self.absorb(batch)
        self._followed([e for e in batch if before < e.seq <= self.state.seq])

    def _followed(self, envelopes: Sequence[Envelope]) -> None:
        """Hand the envelopes applied from the log (not from our own appends'
        answers) to ``after_follow``. After a resynchronisation they may hold
        our own too, which ``after_commit`` also gets: signing twice at a size
        makes the same note, kept once."""
        if self.after_follow is not None and envelopes:
            self.after_follow(self.stream, envelopes)

    async def _follow(self) -> None:
        """Apply what other processes commit; ours arrive here too and are skipped."""
        while True:
            try:
                async for envelope in self.store.tail(
                    self.stream, self.state.seq + 1, position=lambda: self.state.seq + 1
                ):
                    if envelope.seq > self.state.seq:
                        async with self._lock:
                            if envelope.seq == self.state.seq + 1:
                                self._absorb_followed(envelope)
                            elif envelope.seq > self.state.seq + 1:
                                await self._catch_up()
                                self._level()
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s: following the log failed; retrying", self.stream)
                await asyncio.sleep(1.0)

    def _absorb_followed(self, envelope: Envelope) -> None:
        """Apply the next commit of another process. With nothing in flight
        ``ahead`` is level with ``state``, and the same event keeps it level:
        one event's work, where a copy of the whole state grew with the
        competition (191 µs an event at 100 contestants, 5.8 ms at 1,000), so
        that a process following busy others fell behind them."""
        level = not self._flights and self._resync is None and self._ahead.seq == self.state.seq
        if self.absorb([envelope]):
            if level:
                self._ahead = apply(self._ahead, envelope)
            self._followed((envelope,))
        self._level()

    def _level(self) -> None:
        """With nothing in flight, ``ahead`` is ``state``: bring it level after
        another process's commits (with appends in flight they conflict, and
        the resynchronisation rebuilds it)."""
        if not self._flights and self._resync is None and self._ahead.seq != self.state.seq:
            self._ahead = _clone(self.state)

    # --- views --------------------------------------------------------------

    def view(self, name: str) -> Any:
        return VIEWS[name](self.state)

    def view_message(self, name: str) -> str:
        """The message a subscriber of ``name`` receives, encoded once."""
        if name == PRESENCE:  # not a fold of the log: no basis to keep it by
            message = {"type": "view", "view": name, "seq": self.state.seq}
            return self._encoder.encode({**message, "data": self.presence.view()}).decode()
        return self._encoder.encode(
            {
                "type": "view",
                "view": name,
                "seq": self.state.seq,
                "basis": self.basis,
                "data": self.view(name),
            }
        ).decode()

    @property
    def basis(self) -> str:
        """What the views are computed from (``server.basis``)."""
        return basis(self.state.origin)

    def current_message(self, name: str) -> Message:
        """The message a new subscriber of view ``name`` is sent, or a page
        fetching it: the last published, else the view now (made once for
        every page asking at this seq)."""
        last = self.hub.last(name)
        if last is not None:
            self._unwatched.pop(name, None)
            return last
        if name == PRESENCE:  # changes without the log: made anew
            return Message(self.view_message(name), self.state.seq)
        made = self._unwatched.get(name)
        if made is None or made.seq != self.state.seq:
            made = self._unwatched[name] = Message(self.view_message(name), self.state.seq)
        return made

    def judge_joined(self, judge: str, subscriber: Subscriber) -> None:
        """``subscriber`` is ``judge``'s page: subscribe it to its own view and
        tell the organisers."""
        message = self._encoder.encode(
            {"type": "view", "view": "judge", "seq": self.state.seq, "data": {"judge": judge}}
        ).decode()
        self.hub.subscribe(subscriber, f"judge:{judge}", message)
        if self.presence.join(judge, subscriber, self.state.seq):
            self.hub.publish(PRESENCE, self.view_message(PRESENCE))

    def socket_closed(self, subscriber: Subscriber) -> None:
        self.hub.unsubscribe(subscriber)
        if self.presence.leave(subscriber, self.state.seq):
            self.hub.publish(PRESENCE, self.view_message(PRESENCE))

    def _publish_soon(self) -> None:
        """Publish once for everything absorbed meanwhile: the appends of one
        group commit land together, and go out as one message per view. Between
        two publications the loop gets at least as long as the last one took,
        times ``REST_AFTER_PUBLISHING``, so that answering the judges keeps a
        share of the process; and publications are at least
        ``PUBLISH_INTERVAL`` apart, so that no screen or phone is sent more
        views a second than it can show (views are whole states: a later one
        carries everything an earlier one would have). A change after a quiet
        spell goes out at once."""
        if self._publishing is not None:
            return
        loop = asyncio.get_running_loop()
        wait = self._quiet_until - loop.time()
        if wait > 0:
            self._publishing = loop.call_later(wait, self._publish_now)
        else:
            self._publishing = loop.call_soon(self._publish_now)

    def _publish_now(self) -> None:
        self._publishing = None
        loop = asyncio.get_running_loop()
        began = loop.time()
        self.publish()
        ended = loop.time()
        self._quiet_until = max(
            ended + REST_AFTER_PUBLISHING * (ended - began), began + PUBLISH_INTERVAL
        )

    def publish(self) -> None:
        """Send every watched view that changed to its subscribers, now, in
        the order of ``VIEWS`` (not the order they were first watched in)."""
        watched = set(self.hub.watched())
        for name in VIEWS:
            if name in watched:
                self._publish_view(name)

    def _publish_view(self, name: str) -> None:
        """Publish view ``name`` whole, with a patch from its last publication
        (``server.patches``) when a subscriber takes patches, the patch is under
        half the view's size and the view is not over ``PATCHED_VIEW_BYTES``
        (nothing is decoded or compared otherwise). At a score that is one
        judge's dot instead of the whole progress view: 0.27 KB instead of
        4.9 KB with 200 judges, to every screen and phone in the hall."""
        text = self.view_message(name)
        last = self.hub.last(name)
        if last is not None and last.text == text:
            return
        patching = len(text) <= PATCHED_VIEW_BYTES and self.hub.takes_patches(name)
        doc = _decode_view(text).data if patching else None
        patch = None
        if doc is not None and last is not None and last.doc is None:
            last.doc = _decode_view(last.text).data  # a first subscriber's, made whole
        if doc is not None and last is not None and last.doc is not None:
            ops = diff(last.doc, doc)
            if not ops or ops[0].path:  # not one replacing the whole view
                patch = self._encoder.encode(
                    {
                        "type": "patch",
                        "view": name,
                        "seq": self.state.seq,
                        "base": last.seq,
                        "ops": ops,
                    }
                ).decode()
                if 2 * len(patch) >= len(text):
                    patch = None
        self.hub.publish(name, Message(text, self.state.seq, doc), patch)

    def heartbeat_message(self) -> str:
        return self._encoder.encode(
            {"type": "heartbeat", "seq": self.state.seq, "writable": self.writable}
        ).decode()

    def heartbeat(self) -> None:
        self.hub.broadcast(self.heartbeat_message())

    def _set_writable(self, writable: bool) -> None:
        """Record whether the store takes appends; every page hears of a change at once."""
        if writable != self.writable:
            self.writable = writable
            log.warning(
                "%s: the log is %s", self.stream, "writable again" if writable else "not writable"
            )
            self.heartbeat()


def command_fingerprint(command: Any) -> str:
    """What a command asks, as part of its idempotency key: only the same
    command sent again is a retry answered with the first one's receipt. A
    key (a judge's submission id, an ``Idempotency-Key``) that comes again
    with another command is that command, decided on its own: a different
    sheet under a used submission id is refused ``submission_id_reused``,
    not acknowledged as the first sheet and dropped. The same command
    written otherwise ("8.50" for "8.5", its members in another order) is the
    same command, as ``decide`` takes it."""
    asked = msgspec.to_builtins(command, builtin_types=(Decimal,), order="deterministic")
    return hashlib.sha256(_FINGERPRINTED.encode(_normalised(asked))).hexdigest()[:32]


_FINGERPRINTED = msgspec.json.Encoder(decimal_format="string", order="deterministic")


def _normalised(value: Any) -> Any:
    """``value`` (builtins) with every decimal written one way: no trailing zeros."""
    if isinstance(value, Decimal):
        return value.normalize() if value.is_finite() else value
    if isinstance(value, dict):
        return {key: _normalised(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normalised(item) for item in value]
    return value


def _answer(flight: _Flight) -> None:
    """Answer a flight after a resynchronisation. Appends after a failed one
    were refused by the store (the pipeline broke), so each either committed
    as decided, or appended nothing and is decided again."""
    appended = flight.appended
    error = appended.exception() if not appended.cancelled() else asyncio.CancelledError()
    if error is None:
        envelopes = appended.result()
        flight.settle(Executed(envelopes, duplicate=envelopes[-1].seq < flight.first))
    elif isinstance(error, ConflictError):
        flight.settle(None)  # it appended nothing: decide again
    elif isinstance(error, StoreUnavailable):
        flight.fail(store_unavailable(error))
    else:
        flight.fail(error)


def _clone(state: Competition) -> Competition:
    """A copy of ``state`` to decide on (``apply`` changes a state in place)."""
    return state.copy()


def rejection_error(rejection: Rejection) -> ApiError:
    return ApiError(rejection.status, rejection.code, rejection.message_en, rejection.message_zh)
