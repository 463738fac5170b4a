"""Which judges have a page open, in this process.

A judge's page subscribes to the ``judge`` view with its token; each such
socket counts as the judge being connected until it closes. The organiser's
``presence`` view (admin only) lists, per judge seen since this process
started: connected or not, how many sockets, and when the judge was last seen
(server UTC time and the log's seq then). Kept in memory only: it describes
connections, not the contest, so it is never written to the log, and with
several server processes each knows only its own sockets.
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec


class JudgePresence(msgspec.Struct, frozen=True):
    connected: bool
    sockets: int
    last_seen: str
    """Server UTC time (ISO 8601): now while connected, else when the last socket closed."""
    last_seen_seq: int


class Presence:
    def __init__(self) -> None:
        self._sockets: dict[str, set[object]] = {}
        self._judge_of: dict[object, str] = {}
        self._seen: dict[str, tuple[str, int]] = {}

    def join(self, judge: str, socket: object, seq: int) -> bool:
        """``socket`` shows ``judge``'s page; True if that changed anything."""
        sockets = self._sockets.setdefault(judge, set())
        if socket in sockets:
            return False
        sockets.add(socket)
        self._judge_of[socket] = judge
        self._seen[judge] = (_now(), seq)
        return True

    def leave(self, socket: object, seq: int) -> bool:
        """``socket`` closed; True if it was a judge's."""
        judge = self._judge_of.pop(socket, None)
        if judge is None:
            return False
        self._sockets[judge].discard(socket)
        self._seen[judge] = (_now(), seq)
        return True

    def view(self) -> dict[str, JudgePresence]:
        return {
            judge: JudgePresence(
                connected=bool(self._sockets.get(judge)),
                sockets=len(self._sockets.get(judge, ())),
                last_seen=at,
                last_seen_seq=seq,
            )
            for judge, (at, seq) in sorted(self._seen.items())
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
