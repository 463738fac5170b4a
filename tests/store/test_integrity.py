"""The database itself keeps the log append-only; a change made anyway is caught.

A raw driver connection stands for any client of the database other than
Leitai: the triggers must refuse it. An attacker who drops the triggers can
change a row, and then verification names the changed seq.
"""

from __future__ import annotations

import pytest

from events.catalog import ContestantCalled
from events.chain import averify_records
from events.envelope import SYSTEM, Envelope
from events.errors import LogFormatError
from events.store import Store, open_store
from tests.conftest import Backend, leitai


async def five_events(store: Store) -> list[Envelope]:
    events = [ContestantCalled(contestant=f"c{i}") for i in range(1, 6)]
    return await store.append("comp", events, actor=SYSTEM, expected_seq=0)


async def test_raw_update_and_delete_are_refused(backend: Backend, store: Store) -> None:
    appended = await five_events(store)
    statements = [
        f"UPDATE {backend.table} SET type = 'forged' WHERE stream = ? AND seq = ?",
        f"UPDATE {backend.table} SET body = ? WHERE stream = 'comp' AND seq = 3",
        f"DELETE FROM {backend.table} WHERE stream = ? AND seq = ?",
        f"DELETE FROM {backend.table}",
    ]
    arguments: list[tuple[object, ...]] = [("comp", 3), (b"{}",), ("comp", 5), ()]
    for sql, args in zip(statements, arguments, strict=True):
        with pytest.raises(backend.driver_errors, match="append-only"):
            await backend.raw(sql, *args)
    # a row below seq 1 would never be read, so verification could not see it
    for seq in (0, -5):
        with pytest.raises(backend.driver_errors, match="start at 1"):
            await backend.raw(
                f"INSERT INTO {backend.table} (stream, seq, at, type, body, hash)"
                f" SELECT stream, {seq}, at, type, body, hash FROM {backend.table}"
                " WHERE stream = 'comp' AND seq = 3"
            )
    assert [e async for e in store.read("comp")] == appended


async def test_a_changed_event_is_named_by_verification(backend: Backend, store: Store) -> None:
    await five_events(store)
    [record] = [r async for r in store.read_records("comp", 3, 3)]
    forged = record.body.replace(b'"contestant":"c3"', b'"contestant":"c9"')
    assert forged != record.body

    await backend.drop_triggers()
    await backend.raw(
        f"UPDATE {backend.table} SET body = ? WHERE stream = ? AND seq = ?", forged, "comp", 3
    )

    verdict = await averify_records("comp", store.read_records("comp"))
    assert (verdict.ok, verdict.bad_seq, verdict.head_seq) == (False, 3, 2)
    assert "altered" in (verdict.problem or "")
    code, stdout, stderr = await leitai("verify", backend.url)
    assert code == 1, stderr
    assert "comp: BROKEN at seq 3" in stdout


async def test_bad_locations_are_a_one_line_log_format_error(backend: Backend) -> None:
    for what, url in (await backend.bad_locations()).items():
        with pytest.raises(LogFormatError) as caught:
            await open_store(url, create=False)
        message = str(caught.value)
        assert message and "\n" not in message, (what, message)
