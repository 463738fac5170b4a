"""``leitai export-results``: the same exports, from a database without a server."""

from __future__ import annotations

from events.errors import LogFormatError
from events.store import open_store
from projections.state import Competition
from server.exports import FORMATS, Format
from server.exports.table import ResultsTables, parse_language, results_tables
from server.replay import replay_store


async def load(target: str, stream: str) -> Competition:
    """The competition's state at the head of its log in ``target``."""
    store = await open_store(target, create=False)
    try:
        if stream not in await store.streams():
            raise LogFormatError(f"{target}: no stream {stream!r}")
        return await replay_store(store, stream)
    finally:
        await store.close()


async def export_results(
    target: str, stream: str, kind: str, language: str | None, round_id: str | None
) -> tuple[Format, ResultsTables, bytes]:
    """The chosen format, the tables and the file's bytes."""
    state = await load(target, stream)
    chosen = FORMATS[kind]
    tables = results_tables(state, round_id, parse_language(language, state))
    return chosen, tables, chosen.write(tables)
