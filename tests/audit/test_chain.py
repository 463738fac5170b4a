"""The chain verifier against the algorithm of docs/log-format.md, written here
from the page: parse each body, check seq, stream and prev, recompute the hash.

The verifier compares the end of each body with the link it expects and
searches only when that fails (a new type, one more digit in seq); these
tests change types and cross 9→10 and 99→100 under it, break each part of the
link, and feed the records in every split.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest

from events.catalog import AnyEvent, ContestantCalled, ScoreSubmitted, ScoringClosed, ScoringOpened
from events.chain import (
    ChainVerifier,
    Record,
    continuation_problem,
    open_canonical,
    verify_records,
)
from events.envelope import GENESIS, Actor, chain_hash, encode_data, open_envelope, seal

STREAM = "final-2026"
AT = "2026-11-22T09:30:00.000000Z"


def mixed_events(count: int) -> list[AnyEvent]:
    """Calls, openings, score sheets and closings in an uneven rhythm."""
    events: list[AnyEvent] = []
    contestant = 0
    while len(events) < count:
        contestant += 1
        c = f"c{contestant}"
        events += [ContestantCalled(contestant=c), ScoringOpened(contestant=c)]
        for j in range(contestant % 4 + 1):
            points = {"content": Decimal(f"{5 + j}.{contestant % 10}")}
            sid = f"sheet-{contestant:04d}-{j}"
            events.append(
                ScoreSubmitted(judge=f"J{j}", contestant=c, points=points, submission_id=sid)
            )
        events.append(ScoringClosed(contestant=c))
    return events[:count]


def sealed(events: list[AnyEvent], stream: str = STREAM) -> list[Record]:
    records: list[Record] = []
    prev = GENESIS
    for seq, event in enumerate(events, start=1):
        body, hash_ = seal(
            stream=stream,
            seq=seq,
            at=AT,
            actor=Actor(role="admin", id="admin"),
            event=event,
            data=encode_data(event),
            prev=prev,
        )
        records.append(Record(seq, body, hash_))
        prev = hash_
    return records


def reference(stream: str, records: list[Record]) -> tuple[int, int | None]:
    """(head seq, first bad seq or None), by the steps of docs/log-format.md."""
    expected_seq, expected_prev = 1, GENESIS
    for seq, body, hash_ in records:
        envelope = json.loads(body)
        if seq != expected_seq or envelope.get("seq") != expected_seq:
            return expected_seq - 1, min(seq, expected_seq)
        if envelope.get("stream") != stream or envelope.get("prev") != expected_prev:
            return expected_seq - 1, seq
        if hashlib.sha256(bytes.fromhex(expected_prev) + body).hexdigest() != hash_:
            return expected_seq - 1, seq
        expected_seq, expected_prev = seq + 1, hash_
    return expected_seq - 1, None


def resealed(records: list[Record], at: int, body: bytes) -> list[Record]:
    """``records`` with the body at index ``at`` replaced and its hash (and
    every later hash and prev) made good again: only the link is wrong."""
    out = records[:at]
    prev = out[-1].hash if out else GENESIS
    old_prev = records[at - 1].hash if at else GENESIS
    for record in records[at:]:
        new_body = (
            body if record.seq == at + 1 else record.body.replace(old_prev.encode(), prev.encode())
        )
        old_prev = record.hash
        new = Record(record.seq, new_body, chain_hash(prev, new_body))
        out.append(new)
        prev = new.hash
    return out


def verdict_of(records: list[Record]) -> tuple[int, int | None]:
    verdict = verify_records(STREAM, records)
    assert verdict.ok == (verdict.bad_seq is None)
    return verdict.head_seq, verdict.bad_seq


def test_a_good_log_of_mixed_types_verifies_past_9_and_99() -> None:
    records = sealed(mixed_events(230))
    assert len({json.loads(r.body)["type"] for r in records}) == 4
    verdict = verify_records(STREAM, records)
    assert (verdict.ok, verdict.head_seq, verdict.head_hash) == (True, 230, records[-1].hash)
    assert verify_records(STREAM, records, deep=True).ok


@pytest.mark.parametrize("split", [1, 2, 3, 7, 10, 64])
def test_feeding_in_pieces_gives_the_same_verdict(split: int) -> None:
    records = sealed(mixed_events(120))
    broken = resealed(records, 99, records[99].body.replace(b'"seq":100', b'"seq":101'))
    for log in (records, broken):
        checker = ChainVerifier(STREAM)
        for start in range(0, len(log), split):
            checker.feed_all(log[start : start + split])
        assert (checker.seq, checker.bad_seq) == verdict_of(log)


@pytest.mark.parametrize("at", [0, 1, 8, 9, 10, 11, 57, 98, 99, 100, 119])
def test_each_part_of_the_link_is_checked(at: int) -> None:
    records = sealed(mixed_events(120))
    body, seq = records[at].body, at + 1
    prev = records[at - 1].hash if at else GENESIS
    wrong_prev = body.replace(f'"prev":"{prev}"'.encode(), f'"prev":"{"f" * 64}"'.encode())
    wrong_seq = body.replace(f'"seq":{seq},'.encode(), f'"seq":{seq + 10},'.encode())
    wrong_stream = body.replace(b'"stream":"final-2026"', b'"stream":"final-2027"')
    for forged in (wrong_prev, wrong_seq, wrong_stream):
        assert forged != body
        log = resealed(records, at, forged)
        assert verdict_of(log) == reference(STREAM, log) == (at, seq)
        verdict = verify_records(STREAM, log)
        assert "does not continue the chain" in (verdict.problem or "")


def test_the_envelopes_own_link_counts_not_one_inside_data() -> None:
    """A body whose ``data`` holds the right link while its own ``prev`` is
    wrong: the last link in the body is the envelope's, and it is wrong."""
    records = sealed(mixed_events(12))
    prev, seq = records[4].hash, 6
    decoy = f'"prev":"{prev}","seq":{seq},"stream":"{STREAM}","type":1'
    body = (
        f'{{"actor":{{"id":"admin","role":"admin"}},"at":"{AT}","data":{{"x":{{{decoy}}}}},'
        f'"prev":"{"0" * 64}","seq":{seq},"stream":"{STREAM}","type":"contestant_called","v":1}}'
    ).encode()
    log = resealed(records, 5, body)
    assert verdict_of(log) == reference(STREAM, log) == (5, 6)


def test_reordered_missing_repeated_and_altered_events_agree_with_the_reference() -> None:
    records = sealed(mixed_events(40))
    altered = list(records)
    altered[20] = Record(21, records[20].body.replace(b'"c', b'"d', 1), records[20].hash)
    cases = {
        "swapped": [*records[:10], records[11], records[10], *records[12:]],
        "missing": records[:10] + records[11:],
        "repeated": [*records[:10], records[9], *records[10:]],
        "truncated": records[:25],
        "altered": altered,
        "another stream": sealed(mixed_events(40), stream="final-2027"),
    }
    for name, log in cases.items():
        assert verdict_of(log) == reference(STREAM, log), name


def test_a_continuation_is_checked_from_the_head_given() -> None:
    records = sealed(mixed_events(30))
    head = (records[19].seq, records[19].hash)
    assert continuation_problem(STREAM, head, records[20:]) is None
    problem = continuation_problem(STREAM, (19, records[18].hash), records[20:])
    assert problem is not None and "seq 20 is missing" in problem
    wrong = continuation_problem(STREAM, (20, records[18].hash), records[20:])
    assert wrong is not None and "does not continue the chain" in wrong


def _respelled(body: bytes, change: str) -> bytes:
    """``body`` with the same content written otherwise."""
    value = json.loads(body)
    if change == "an unknown member":
        value["note"] = "x"
    elif change == "a default spelled out":
        value["data"]["abstain"] = False
    elif change == "a number for a decimal string":
        value["data"]["points"]["content"] = float(value["data"]["points"]["content"])
    elif change == "an actor's unknown member":
        value["actor"]["name"] = "x"
    if change == "keys out of order":
        return json.dumps(dict(reversed(value.items())), separators=(",", ":")).encode()
    if change == "white space":
        return json.dumps(value, sort_keys=True).encode()
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@pytest.mark.parametrize(
    "change",
    [
        "an unknown member",
        "a default spelled out",
        "a number for a decimal string",
        "an actor's unknown member",
        "keys out of order",
        "white space",
    ],
)
def test_a_deep_verifier_refuses_an_event_not_written_canonically(change: str) -> None:
    """Resealed (its hash good), an event written otherwise than Leitai writes
    it is refused: by the deep check where the link is intact (the shallow
    check lets it through), by the link where the change moves it."""
    records = sealed(mixed_events(12))
    at = next(i for i, r in enumerate(records) if b'"score_submitted"' in r.body)
    original = records[at]
    assert open_canonical(original.body, original.hash) == open_envelope(
        original.body, original.hash
    )
    body = _respelled(original.body, change)
    assert body != original.body
    problem = open_canonical(body, original.hash)
    assert isinstance(problem, str), change
    log = resealed(records, at, body)
    verdict = verify_records(STREAM, log, deep=True)
    assert (verdict.head_seq, verdict.bad_seq) == (at, at + 1), change
    if change in ("keys out of order", "white space"):
        assert verdict.problem == "its prev, seq or stream field does not continue the chain"
    else:
        assert verdict.problem == problem
        assert verify_records(STREAM, log).ok


def test_open_all_gives_the_envelopes_of_the_records_that_pass() -> None:
    records = sealed(mixed_events(40))
    checker = ChainVerifier(STREAM, deep=True)
    first = checker.open_all(records[:25])
    assert first == [open_envelope(r.body, r.hash) for r in records[:25]]
    broken = resealed(records, 30, records[30].body.replace(b'"c', b'"d', 1))
    rest = checker.open_all(broken[25:])
    assert rest == [open_envelope(r.body, r.hash) for r in broken[25:30]]
    assert (checker.seq, checker.bad_seq) == (30, 31)
    assert checker.open_all(records[40:]) == []
    with pytest.raises(ValueError, match="deep"):
        ChainVerifier(STREAM).open_all(records)
