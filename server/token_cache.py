"""The credentials store's answers about tokens, kept a while.

Every request carries a token, and asking the store each time would put a
query on every request's path. An answer is trusted for ``lifetime`` seconds
(a token revoked by another process is refused within that time). Two things
keep the store off a request's path even then:

- **refresh ahead**: an answer past half its lifetime is still served, and
  looked up again in the background, so a token in steady use never expires
  under a request;
- **batches**: digests wanted meanwhile are looked up together, one query at
  a time. 200 judges who start scoring together have answers that expire
  together; looked up one by one, through the one SQLite reader thread, they
  held up every score for ~0.1 s each time. The p99 of 2,000 scores a second
  (docs/performance.md, submit): 21-23 ms with answers kept 600 s; a median
  of 107 ms (26-197) with the old 2 s expiry; 34 ms (17-98) with this cache.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from enum import Enum
from typing import Final, Literal

from events.credentials import Credential, Credentials


class _Unknown(Enum):
    UNKNOWN = "unknown"


UNKNOWN: Final = _Unknown.UNKNOWN
"""What ``TokenCache.known`` answers for a digest it has no live answer about."""

Answer = asyncio.Future[Credential | None]
"""One waiting request's answer."""

MAX_ANSWERS = 10_000
"""Answers kept at most; past it they are dropped all at once (a flood of
made-up tokens must not grow the cache without bound)."""


class TokenCache:
    """Answers by token digest (``Credential``, or None for a token refused)."""

    def __init__(
        self,
        credentials: Credentials,
        lifetime: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._credentials = credentials
        self._lifetime = lifetime
        self._clock = clock
        self._answers: dict[str, tuple[float, Credential | None]] = {}
        """Digest → (when the store was asked, its answer)."""
        self._waiting: dict[str, list[Answer]] = {}
        """Digests a request waits for, with each request's own future."""
        self._ahead: set[str] = set()
        """Digests to look up again before their answers expire."""
        self._asked: set[str] = set()
        """Digests looked up ahead and not answered yet (asked once only)."""
        self._lookups: asyncio.Task[None] | None = None
        self._generation = 0
        """Bumped by ``forget``: answers to queries asked before it are not kept."""
        self._vouched: set[str] = set()
        """Digests the store once answered with a credential, kept past their
        answers' lifetime and ``forget`` (``vouched``)."""

    def known(self, digest: str) -> Credential | Literal[_Unknown.UNKNOWN] | None:
        """The live answer about ``digest``, or ``UNKNOWN``; an answer past half
        its lifetime is looked up again meanwhile."""
        answer = self._answers.get(digest)
        if answer is None:
            return UNKNOWN
        asked, credential = answer
        age = self._clock() - asked
        if age >= self._lifetime:
            return UNKNOWN
        if 2 * age >= self._lifetime and digest not in self._asked:
            self._asked.add(digest)
            self._ahead.add(digest)
            self._start()
        return credential

    def vouched(self, digest: str) -> bool:
        """Whether ``digest`` was a good token when last asked, however long
        ago: not a guess, so worth asking the store about again even from an
        address blocked for guessing (it may have been revoked since: the store
        says so)."""
        return digest in self._vouched

    async def fetch(self, digest: str) -> Credential | None:
        """The store's answer about ``digest``, asked with the others waiting."""
        future: Answer = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(digest, []).append(future)
        self._start()
        return await future

    def forget(self) -> None:
        """Drop every answer, and those of queries in flight (after a revocation)."""
        self._answers.clear()
        self._generation += 1

    def _start(self) -> None:
        if self._lookups is None:
            self._lookups = asyncio.get_running_loop().create_task(self._look_up())

    async def _look_up(self) -> None:
        """Look up what is wanted, a batch at a time, until nothing is."""
        try:
            while self._waiting or self._ahead:
                waiting, self._waiting = self._waiting, {}
                digests = [*waiting, *(self._ahead - waiting.keys())]
                ahead, self._ahead = self._ahead, set()
                generation, asked = self._generation, self._clock()
                try:
                    found = await self._credentials.lookup(digests)
                except Exception as exc:  # each waiting request gets the store's error
                    for future in _pending(waiting):
                        future.set_exception(exc)
                    continue
                except asyncio.CancelledError:  # shutting down
                    for future in _pending(waiting):
                        future.cancel()
                    raise
                finally:
                    self._asked -= ahead
                if generation == self._generation:
                    if len(self._answers) + len(digests) > MAX_ANSWERS:
                        self._answers.clear()
                    for digest in digests:
                        self._answers[digest] = (asked, found.get(digest))
                if len(self._vouched) + len(found) > MAX_ANSWERS:
                    self._vouched.clear()
                self._vouched.update(found)
                for digest, futures in waiting.items():
                    for future in futures:
                        if not future.done():
                            future.set_result(found.get(digest))
        finally:
            self._lookups = None


def _pending(waiting: dict[str, list[Answer]]) -> list[Answer]:
    """The waiting requests' futures, but those cancelled meanwhile."""
    return [future for futures in waiting.values() for future in futures if not future.done()]
