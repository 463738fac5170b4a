"""States of a stream at earlier seqs, kept so the audit page's timeline scrubs fast.

``GET …/board?at=SEQ`` used to replay the log from its first event at every
request: a scrub through the timeline of a long log replayed it again and
again. A ``StateHistory`` replays forward from the nearest earlier state it
keeps instead. States are kept pickled: ``apply`` changes a state in place,
and a pickle cannot be changed, so every answer starts from a fresh copy. The
log only grows, so a state at a past seq never goes stale.
"""

from __future__ import annotations

import bisect
import pickle
from collections import OrderedDict

from events.store import Store
from projections.state import Competition, apply

SNAPSHOTS_PER_REPLAY = 16
"""At most this many states are kept from one replay, evenly spaced."""


class StateHistory:
    """States of one stream, pickled, within a budget of bytes.

    Kept: the state at every ``every``-th seq a replay passes (fewer on a long
    replay: at most ``SNAPSHOTS_PER_REPLAY`` of them) and the state last asked
    for; the least recently used go first when ``budget`` bytes are exceeded.
    """

    def __init__(
        self, store: Store, stream: str, *, every: int = 512, budget: int = 128 << 20
    ) -> None:
        self.store = store
        self.stream = stream
        self.every = every
        self.budget = budget
        self._kept: OrderedDict[int, bytes] = OrderedDict()
        self._seqs: list[int] = []
        """The seqs of ``_kept``, sorted."""
        self._bytes = 0
        self.replayed = 0
        """Events applied so far, over every answer (for tests and curiosity)."""

    async def state_at(self, seq: int) -> Competition:
        """A fresh state of the stream after its first ``seq`` events."""
        below = bisect.bisect_right(self._seqs, seq)
        start = self._seqs[below - 1] if below else 0
        if start:
            self._kept.move_to_end(start)
            state: Competition = pickle.loads(self._kept[start])
        else:
            state = Competition.empty(self.stream)
        if start == seq:
            return state
        step = self.every * max(1, -(-(seq - start) // (self.every * SNAPSHOTS_PER_REPLAY)))
        async for envelope in self.store.read(self.stream, start + 1, seq):
            state = apply(state, envelope)
            self.replayed += 1
            if envelope.seq % step == 0 and envelope.seq != seq:
                self._keep(envelope.seq, state)
        self._keep(seq, state)
        return state

    def _keep(self, seq: int, state: Competition) -> None:
        if seq in self._kept:
            self._kept.move_to_end(seq)
            return
        blob = pickle.dumps(state, pickle.HIGHEST_PROTOCOL)
        if len(blob) > self.budget // 4:
            return
        self._kept[seq] = blob
        bisect.insort(self._seqs, seq)
        self._bytes += len(blob)
        while self._bytes > self.budget:
            old, dropped = self._kept.popitem(last=False)
            self._seqs.remove(old)
            self._bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._kept)
