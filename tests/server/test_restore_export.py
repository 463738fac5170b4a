"""``leitai copy EXPORT TARGET``: the NDJSON backup docs/deploy.md recommends is
restored to a store, every event checked on the way. A show-day review found it
could only be verified: `copy` and `export-results` answered "not a Leitai
database", and the show could not go on from it."""

from __future__ import annotations

from pathlib import Path

from events.catalog import ContestantCalled
from events.envelope import SYSTEM
from events.store import open_store
from tests.scaleout.test_copy import leitai, records
from tests.server.conftest import contest, make_competition


async def test_an_export_is_restored_event_for_event_and_says_tokens_are_issued_anew(
    tmp_path: Path,
) -> None:
    show, backup, restored = tmp_path / "show.db", tmp_path / "a.ndjson", tmp_path / "new.db"
    await make_competition(show, contest(stream="a"))
    assert leitai("export", str(show), "--stream", "a", "-o", str(backup)).returncode == 0

    done = leitai("copy", str(backup), str(restored))

    assert done.returncode == 0, done.stderr
    original = await records(str(show), "a")
    assert await records(str(restored), "a") == original
    assert f"a: copied, head seq {original[-1].seq}, head hash {original[-1].hash}" in done.stdout
    assert "leitai admin-token --db" in done.stdout and "--stream a --admin admin" in done.stdout
    verified = leitai("verify", str(restored))
    assert verified.returncode == 0 and f"head hash {original[-1].hash}" in verified.stdout
    issued = leitai("admin-token", "--db", str(restored), "--stream", "a", "--admin", "admin")
    assert issued.returncode == 0, issued.stderr


async def test_a_later_export_completes_a_restored_log_and_another_log_is_refused(
    tmp_path: Path,
) -> None:
    show, restored = tmp_path / "show.db", tmp_path / "new.db"
    await make_competition(show, contest(stream="a"))
    first = tmp_path / "first.ndjson"
    leitai("export", str(show), "--stream", "a", "-o", str(first))
    assert leitai("copy", str(first), str(restored)).returncode == 0
    store = await open_store(str(show))
    head = await store.head("a")
    await store.append(
        "a", [ContestantCalled(contestant="g1c1")], actor=SYSTEM, expected_seq=head.seq
    )
    await store.close()
    later = tmp_path / "later.ndjson"
    leitai("export", str(show), "--stream", "a", "-o", str(later))

    done = leitai("copy", str(later), str(restored))
    assert done.returncode == 0 and f"head seq {head.seq + 1}," in done.stdout
    assert await records(str(restored), "a") == await records(str(show), "a")

    other, other_export = tmp_path / "other.db", tmp_path / "other.ndjson"
    await make_competition(other, contest(stream="a", contestants_per_group=3))
    leitai("export", str(other), "--stream", "a", "-o", str(other_export))
    refused = leitai("copy", str(other_export), str(restored))
    assert refused.returncode == 2 and "refusing to copy onto a different log" in refused.stderr


async def test_an_export_edited_by_hand_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    show, backup, restored = tmp_path / "show.db", tmp_path / "a.ndjson", tmp_path / "new.db"
    await make_competition(show, contest(stream="a"))
    leitai("export", str(show), "--stream", "a", "-o", str(backup))
    lines = backup.read_bytes().splitlines(keepends=True)
    lines[3] = lines[3].replace(b'"seq":4', b'"seq":4,"extra":1', 1)
    backup.write_bytes(b"".join(lines))
    refused = leitai("copy", str(backup), str(restored))
    assert refused.returncode == 2 and "seq 4" in refused.stderr, refused.stderr
    assert await records(str(restored), "a") == []


async def test_an_export_onto_a_longer_different_log_is_refused(tmp_path: Path) -> None:
    """A review restored a backup onto the wrong database, one whose log was longer:
    no record reached the target's head to be compared, and it said "copied"."""
    short, long_, backup = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "a.ndjson"
    await make_competition(short, contest(stream="s"))
    await make_competition(long_, contest(stream="s", contestants_per_group=3))
    leitai("export", str(short), "--stream", "s", "-o", str(backup))
    assert len(await records(str(short), "s")) < len(await records(str(long_), "s"))
    refused = leitai("copy", str(backup), str(long_))
    assert refused.returncode == 2 and "refusing to copy onto a different log" in refused.stderr
    same = tmp_path / "same.ndjson"  # the same log, shorter: nothing to do, and said so
    leitai("export", str(long_), "--stream", "s", "-o", str(same))
    lines = same.read_bytes().splitlines(keepends=True)
    same.write_bytes(b"".join(lines[:5]))
    assert leitai("copy", str(same), str(long_)).returncode == 0
