"""The competitions this server hosts, each loaded on first use."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from events.errors import LogFormatError
from events.store import Store
from projections.errors import ProjectionError
from server.errors import ApiError
from server.live import AfterCommit, AfterFollow, Live

log = logging.getLogger(__name__)
AfterLoad = Callable[[str, int], Awaitable[None]]
"""Called with a stream and the seq it was loaded at (``Transparency.loaded``)."""


class Registry:
    """Every competition (stream) of the store, as ``Live`` objects."""

    def __init__(
        self,
        store: Store,
        after_commit: AfterCommit | None = None,
        after_follow: AfterFollow | None = None,
        after_load: AfterLoad | None = None,
    ) -> None:
        self.store = store
        self.after_commit = after_commit
        self.after_follow = after_follow
        self.after_load = after_load
        self._live: dict[str, Live] = {}
        self._loading: dict[str, asyncio.Task[Live]] = {}

    async def get(self, stream: str) -> Live:
        live = self._live.get(stream)
        if live is not None:
            return live
        # Registered before any await, so concurrent first requests share one load.
        task = self._loading.get(stream)
        if task is None:
            task = self._loading[stream] = asyncio.create_task(self._load(stream))
        return await asyncio.shield(task)

    async def _load(self, stream: str) -> Live:
        try:
            if (await self.store.head(stream)).seq == 0:
                raise ApiError(
                    404,
                    "unknown_competition",
                    f"No competition {stream!r} here.",
                    f"此处没有赛事 {stream!r}",
                )
            try:
                live = await Live.load(self.store, stream)
            except (ProjectionError, LogFormatError) as exc:
                log.error("%s: the log cannot be read: %s", stream, exc)
                raise ApiError(
                    503,
                    "log_broken",
                    f"The log of competition {stream!r} cannot be read ({exc}): "
                    "check it with leitai verify.",
                    f"赛事 {stream!r} 的日志无法读取（{exc}）：请用 leitai verify 检查",
                ) from None
            self._live[stream] = live
            live.after_commit = self.after_commit
            live.after_follow = self.after_follow
            if self.after_load is not None:
                await self.after_load(stream, live.state.seq)
            return live
        finally:
            del self._loading[stream]

    def loaded(self) -> list[Live]:
        return list(self._live.values())

    async def close(self) -> None:
        for live in self._live.values():
            await live.close()
        self._live.clear()
