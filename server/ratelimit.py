"""Rate limits: bad tokens per client address, messages per WebSocket.

Both keep a few numbers per key and forget them on their own, so neither can
be made to grow without bound by a client that invents addresses or opens
sockets.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from server.errors import ApiError

MAX_ADDRESSES = 50_000  # more addresses than that at once: the oldest are forgotten


@dataclass
class _Failures:
    count: int
    first: float
    blocked_until: float = 0.0


@dataclass
class BadTokens:
    """Counts refused tokens per client address within ``window`` seconds.

    After ``slow_after`` failures each further refusal is answered late (the
    delay doubles, up to two seconds), and after ``block_after`` the address
    is refused outright for ``block_seconds`` with 429 ``too_many_attempts``.
    """

    slow_after: int
    block_after: int
    block_seconds: float
    window: float = 60.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    _by_address: dict[str, _Failures] = field(default_factory=dict, repr=False)

    def check(self, address: str) -> None:
        """Raise 429 if ``address`` is blocked now."""
        entry = self._by_address.get(address)
        if entry is None:
            return
        wait = entry.blocked_until - self.clock()
        if wait > 0:
            raise too_many_attempts(wait)

    def failed(self, address: str) -> float:
        """Count a refused token; the seconds to hold back the answer."""
        now = self.clock()
        entry = self._by_address.get(address)
        if entry is None or (now - entry.first > self.window and entry.blocked_until <= now):
            if len(self._by_address) >= MAX_ADDRESSES:
                self._forget(now)
            entry = self._by_address[address] = _Failures(0, now)
        entry.count += 1
        if entry.count >= self.block_after:
            entry.blocked_until = now + self.block_seconds
            entry.count, entry.first = 0, entry.blocked_until
        over = entry.count - self.slow_after
        return 0.0 if over < 0 else min(2.0, 0.05 * 2**over)

    def _forget(self, now: float) -> None:
        stale = [
            a
            for a, e in self._by_address.items()
            if now - e.first > self.window and e.blocked_until <= now
        ]
        for address in stale or list(self._by_address)[: MAX_ADDRESSES // 10]:
            del self._by_address[address]


def too_many_attempts(wait: float) -> ApiError:
    seconds = max(1, round(wait + 0.5))
    return ApiError(
        429,
        "too_many_attempts",
        f"Too many invalid tokens from this address; try again in {seconds} s.",
        f"来自此地址的无效令牌过多，请 {seconds} 秒后再试",
        headers={"Retry-After": str(seconds)},
    )


@dataclass
class MessageRate:
    """A token bucket: ``burst`` messages at once, then ``per_second``."""

    per_second: float
    burst: float
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    _tokens: float = field(default=-1.0, repr=False)
    _at: float = field(default=0.0, repr=False)

    def allow(self) -> bool:
        now = self.clock()
        if self._tokens < 0:
            self._tokens, self._at = self.burst, now
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.per_second)
        self._at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True
