"""Group commit, shared by the stores.

Appends queue up while the previous batch commits; the next batch takes every
append waiting (up to ``MAX_BATCH_EVENTS`` events) and hands them to the
backend's ``commit``, which decides each request's fate (an earlier append
with the same idempotency key, a conflict — ``Append.refused`` first, then
``expected_seq``, breaking the pipeline on a conflict — or new envelopes) in
one transaction. Each caller waits for its own outcome, so nobody returns before
its events are durable, and concurrent callers share one fsync.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from events.catalog import AnyEvent
from events.envelope import Actor, Envelope, encode_data
from events.errors import ConflictError, PipelineBroken, StoreClosed

MAX_BATCH_EVENTS = 2000


class Pipeline:
    """Ties together appends a caller makes without waiting for the ones before
    (each decided on a state including them). Once one of them fails, every
    later one is refused (``PipelineBroken``), even if its ``expected_seq``
    happens to match the head another writer left: it was decided on a state
    that never happened. A caller that has caught up starts a new pipeline."""

    __slots__ = ("broken",)

    def __init__(self) -> None:
        self.broken = False


@dataclass(slots=True)
class Append:
    """One caller's append, waiting for its batch."""

    stream: str
    items: list[tuple[AnyEvent, bytes]]
    actor: Actor
    expected_seq: int
    key: str | None
    future: asyncio.Future[list[Envelope]] = field(repr=False)
    pipeline: Pipeline | None = None

    def refused(self) -> PipelineBroken | None:
        """The refusal owed to this append if its pipeline is already broken."""
        if self.pipeline is not None and self.pipeline.broken:
            return PipelineBroken(self.stream, self.expected_seq)
        return None

    def conflicted(self) -> None:
        """Record that this append failed, breaking its pipeline."""
        if self.pipeline is not None:
            self.pipeline.broken = True


Outcome = list[Envelope] | ConflictError
"""What a batch decides for one append: its envelopes (new, or those of the
earlier append with the same key), or the conflict."""

Commit = Callable[[list[Append]], Awaitable[list[Outcome]]]


class GroupCommit:
    """The queue of appends and the task that commits them batch by batch.

    ``commit`` raises if the batch failed as a whole; ``failure`` turns that
    error into what the batch's callers get (e.g. ``StoreUnavailable``), and
    the loop goes on with the next batch. ``committed`` runs after each batch.
    """

    def __init__(
        self,
        commit: Commit,
        failure: Callable[[Exception], Exception],
        committed: Callable[[], None],
    ) -> None:
        self._commit = commit
        self._failure = failure
        self._committed = committed
        self._queue: deque[Append] = deque()
        self._waiting: asyncio.Future[None] | None = None
        """Set while the queue is empty: resolved by the next append (or close)."""
        self._closed = False
        self.committing = False
        """True from a batch's start until its callers are answered."""
        self._loop = asyncio.get_running_loop()
        self._task = self._loop.create_task(self._run())

    def enqueue(
        self,
        stream: str,
        events: Sequence[AnyEvent],
        *,
        actor: Actor,
        expected_seq: int,
        idempotency_key: str | None,
        pipeline: Pipeline | None = None,
    ) -> asyncio.Future[list[Envelope]]:
        """Queue an append now, in call order; its outcome once durable.

        What a store's ``append`` awaits. A caller that pipelines (the
        server, for every score) needs no task of its own to keep its appends
        in order: they are queued at the call (docs/performance.md, submit)."""
        if self._closed:
            raise StoreClosed("the store is closed")
        if not events:
            raise ValueError("append needs at least one event")
        if len(events) > MAX_BATCH_EVENTS:
            raise ValueError(f"append takes at most {MAX_BATCH_EVENTS} events at once")
        items = [(event, encode_data(event)) for event in events]
        future: asyncio.Future[list[Envelope]] = self._loop.create_future()
        # Queued at the call: appends are batched in call order, so a caller
        # may pipeline (expect the seq its previous append will reach).
        self._queue.append(
            Append(stream, items, actor, expected_seq, idempotency_key, future, pipeline)
        )
        self._wake()
        return future

    def _wake(self) -> None:
        if self._waiting is not None and not self._waiting.done():
            self._waiting.set_result(None)

    async def _run(self) -> None:
        """Commit what is queued, a batch at a time; once closed, what is left."""
        queue = self._queue
        while queue or not self._closed:
            if not queue:
                self._waiting = self._loop.create_future()
                await self._waiting
                continue
            batch = [queue.popleft()]
            size = len(batch[0].items)
            while queue and size < MAX_BATCH_EVENTS:
                batch.append(queue.popleft())
                size += len(batch[-1].items)
            await self._settle(batch)

    async def _settle(self, batch: list[Append]) -> None:
        self.committing = True
        try:
            outcomes = await self._commit(batch)
        except Exception as exc:
            error = self._failure(exc)
            for request in batch:
                request.conflicted()  # nothing of the batch was appended
                if not request.future.done():
                    request.future.set_exception(error)
            return
        else:
            for request, outcome in zip(batch, outcomes, strict=True):
                if request.future.done():  # the caller was cancelled
                    continue
                if isinstance(outcome, ConflictError):
                    request.future.set_exception(outcome)
                else:
                    request.future.set_result(outcome)
            self._committed()
        finally:
            self.committing = False

    async def close(self) -> None:
        """Commit what is queued, then stop."""
        if not self._closed:
            self._closed = True
            self._wake()
        await self._task


class QueuedAppends:
    """``append`` and ``enqueue`` of a store whose appends go through its
    ``GroupCommit`` (``_group``); the store says whether it is open."""

    _group: GroupCommit

    def _check_open(self) -> None:
        raise NotImplementedError

    def enqueue(
        self,
        stream: str,
        events: Sequence[AnyEvent],
        *,
        actor: Actor,
        expected_seq: int,
        idempotency_key: str | None = None,
        pipeline: Pipeline | None = None,
    ) -> asyncio.Future[list[Envelope]]:
        self._check_open()
        return self._group.enqueue(
            stream,
            events,
            actor=actor,
            expected_seq=expected_seq,
            idempotency_key=idempotency_key,
            pipeline=pipeline,
        )

    async def append(
        self,
        stream: str,
        events: Sequence[AnyEvent],
        *,
        actor: Actor,
        expected_seq: int,
        idempotency_key: str | None = None,
        pipeline: Pipeline | None = None,
    ) -> list[Envelope]:
        return await self.enqueue(
            stream,
            events,
            actor=actor,
            expected_seq=expected_seq,
            idempotency_key=idempotency_key,
            pipeline=pipeline,
        )
