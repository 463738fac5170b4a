"""The faster decoder of stored events gives its event type's own verdicts:
the same event for valid data, the same error for invalid data."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from events.catalog import EVENT_TYPES, ScoreAmended, ScoreSubmitted
from events.decoding import REFUSED, CheckedDecoder, checked_decoder, twin_of
from events.envelope import (
    SYSTEM,
    Actor,
    _open_slowly,
    _openers,
    encode_data,
    open_envelope,
    seal,
    stored_opener,
)
from events.errors import LogFormatError

# Strings near the patterns' edges: valid ids, bad first characters, a
# trailing newline (re's ``$`` accepts it), too long, non-ASCII, empty.
ids = st.one_of(
    st.sampled_from(["J1", "c999", "a", "A-b_c.d", "x" * 64, "x" * 65, "-J1", "J1\n", "裁判", ""]),
    st.text(alphabet="Jc1_.-\n é", max_size=70),
)
keys = st.one_of(
    st.sampled_from(["content", "delivery", "a", "Content", "1a", "a" * 32, "a" * 33, "a\n"]),
    st.text(alphabet="abz09_A\n", max_size=35),
)
submission_ids = st.one_of(
    st.sampled_from(["sheet-00000001", "short", "s" * 64, "s" * 65, "sheet 0001"]),
    st.text(alphabet="sh-_0 \n", min_size=6, max_size=66),
)
# Equal values written differently must stay different ("12.50" is not
# "12.5"), as must -0 and 0; and what Decimal() accepts besides (spaces,
# underscores, NaN) is accepted or refused as msgspec does.
points = st.one_of(
    st.sampled_from(['"12.5"', '"44"', "12.5", '"x"', "null", '"1E+2"', '"12.50"', '"100"']),
    st.sampled_from(['"-0"', '"0"', '"0.0"', '" 1.5"', '"1_0"', '"NaN"', '"-Infinity"', '""']),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(lambda d: f'"{d}"'),
)


@st.composite
def score_data(draw: st.DrawFn) -> bytes:
    fields = {
        "judge": msgspec.json.encode(draw(ids)).decode(),
        "contestant": msgspec.json.encode(draw(ids)).decode(),
        "points": "{"
        + ",".join(
            f"{msgspec.json.encode(k).decode()}:{v}"
            for k, v in draw(st.dictionaries(keys, points, max_size=4)).items()
        )
        + "}",
        "submission_id": msgspec.json.encode(draw(submission_ids)).decode(),
        "abstain": draw(st.sampled_from(["true", "false", "1", '"no"'])),
        "on_behalf": draw(
            st.one_of(st.just("null"), ids.map(lambda i: msgspec.json.encode(i).decode()))
        ),
        "extra": "1",
    }
    present = draw(st.lists(st.sampled_from(sorted(fields)), unique=True, min_size=3))
    if draw(st.booleans()):
        present = [f for f in present if f != "extra"]
    return ("{" + ",".join(f'"{name}":{fields[name]}' for name in present) + "}").encode()


def verdict(decode: object, data: bytes) -> tuple[str, object]:
    """The event as JSON (decimals as written, so "12.50" is not "12.5"), or the error."""
    try:
        return "ok", msgspec.json.encode(decode(data))  # type: ignore[operator]
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        return type(exc).__name__, str(exc)


@pytest.mark.parametrize("cls", [ScoreSubmitted, ScoreAmended])
@settings(max_examples=200)
@given(data=score_data())
def test_same_verdict_as_the_strict_decoder(cls: type[msgspec.Struct], data: bytes) -> None:
    checked = checked_decoder(cls)
    assert isinstance(checked, CheckedDecoder)
    strict = msgspec.json.Decoder(cls)
    # Twice: the second time the checks answer from the values they remember.
    for _ in range(2):
        assert verdict(checked.decode, data) == verdict(strict.decode, data)


def test_a_mark_written_again_is_the_same_decimal() -> None:
    """A million sheets share a few hundred marks' objects."""
    checked = checked_decoder(ScoreSubmitted)
    sheets = [
        checked.decode(
            b'{"judge":"J1","contestant":"c1","points":{"content":"%s"},"submission_id":"sheet-%04d"}'
            % (mark, n)
        )
        for n, mark in enumerate([b"12.50", b"12.50", b"12.5"])
    ]
    first, again, shorter = (sheet.points["content"] for sheet in sheets)
    assert first is again
    assert str(first) == "12.50" and str(shorter) == "12.5"


def test_score_events_and_most_types_are_checked_faster() -> None:
    checked = {
        name
        for name, cls in EVENT_TYPES.items()
        if isinstance(checked_decoder(cls), CheckedDecoder)
    }
    assert {"score_submitted", "score_amended", "contestant_called"} <= checked


def test_an_envelope_with_a_bad_actor_is_refused_as_before() -> None:
    event = ScoreSubmitted(judge="J1", contestant="c1", points={}, submission_id="sheet-0001")
    good, hash_ = seal(
        stream="s", seq=1, at="t", actor=SYSTEM, event=event, data=encode_data(event), prev="0" * 64
    )
    assert open_envelope(good, hash_).actor == SYSTEM
    for actor in (Actor(role="judge", id="-bad"), Actor(role="nobody", id="J1")):  # type: ignore[arg-type]
        bad, hash_ = seal(
            stream="s",
            seq=1,
            at="t",
            actor=actor,
            event=event,
            data=encode_data(event),
            prev="0" * 64,
        )
        with pytest.raises(LogFormatError, match=r"malformed envelope: .*\$\.actor"):
            open_envelope(bad, hash_)


# --- the one-pass opener of stored envelopes -----------------------------------


def golden_bodies() -> list[tuple[bytes, str]]:
    from events.ndjson import read_export
    from tests.test_log_format import GOLDEN

    return [(r.body, r.hash) for _, r in read_export(GOLDEN.read_bytes().splitlines())]


def opened(body: bytes, hash_: str, open_: object) -> tuple[str, object]:
    try:
        return "ok", open_(body, hash_)  # type: ignore[operator]
    except LogFormatError as exc:
        return "LogFormatError", str(exc)


def test_every_golden_event_opens_in_one_pass_as_in_three(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bodies = golden_bodies()
    assert {b[b.rfind(b'"type":"') :] for b, _ in bodies} <= {
        f'"type":"{name}","v":{cls.VERSION}}}'.encode() for name, cls in EVENT_TYPES.items()
    }
    for body, hash_ in bodies:
        assert opened(body, hash_, open_envelope) == opened(body, hash_, _open_slowly)
        # A stored row's type column is a hint only: the body has the last word.
        for hint in (type_of(body), "score_submitted", "no_such_type"):
            assert opened(body, hash_, lambda b, h, t=hint: stored_opener(t)(b, h)) == opened(
                body, hash_, _open_slowly
            )
    # …and the one pass is what opened them (no detour through the reference).
    with monkeypatch.context() as patched:
        patched.setattr("events.envelope._open_slowly", detour)
        for body, hash_ in bodies:
            assert _openers[body[body.rfind(b'"type":"') + 8 :]].open(body, hash_) is not None


def detour(body: bytes, hash_: str) -> None:
    raise AssertionError("opened the slow way")


def type_of(body: bytes) -> str:
    return str(msgspec.json.decode(body)["type"])


# Whole bodies: a score sheet's data (valid or not) in an envelope whose
# members may be missing, mistyped, reordered or contradict the tail read first.
good_ids = st.sampled_from(["J1", "c999", "A-b_c.d", "x" * 64])


@st.composite
def good_score_data(draw: st.DrawFn) -> bytes:
    return encode_data(
        ScoreSubmitted(
            judge=draw(good_ids),
            contestant=draw(good_ids),
            points=draw(
                st.dictionaries(
                    st.sampled_from(["content", "delivery", "a"]),
                    st.decimals(allow_nan=False, allow_infinity=False, places=2),
                    max_size=3,
                )
            ),
            submission_id=draw(st.sampled_from(["sheet-00000001", "s" * 64, "abc_DEF-123"])),
            abstain=draw(st.booleans()),
            on_behalf=draw(st.one_of(st.none(), good_ids)),
        )
    )


tails = st.sampled_from(
    [
        '"type":"score_submitted","v":1',
        '"type":"score_submitted","v":1',
        '"type":"score_submitted","v":1',
        '"type":"score_submitted","v":2',
        '"type":"score_amended","v":1',
        '"type":"no_such_type","v":1',
        '"v":1,"type":"score_submitted"',
        '"type":"score_submitted","v":"1"',
        '"type":"score_submitted"',
    ]
)
actors = st.sampled_from(
    [
        '{"id":"J1","role":"judge"}',
        '{"id":"J1","role":"judge"}',
        '{"id":"admin","role":"admin"}',
        '{"id":"-J1","role":"judge"}',
        '{"id":"J1","role":"nobody"}',
        '{"id":"J1"}',
        '{"id":"J1","role":"judge","x":1}',
        '"J1"',
    ]
)


@settings(max_examples=300)
@given(
    data=st.one_of(good_score_data(), score_data()),
    tail=tails,
    actor=actors,
    seq=st.sampled_from(["7", "7", '"7"', "-1", "7.0"]),
)
def test_one_pass_gives_the_three_pass_verdict(
    data: bytes, tail: str, actor: str, seq: str
) -> None:
    body = (
        f'{{"actor":{actor},"at":"2026-11-22T08:00:01.000000Z","data":{data.decode()},'
        f'"prev":"{"0" * 64}","seq":{seq},"stream":"s",{tail}}}'
    ).encode()
    # Twice: the second time the checks answer from the values they remember.
    for _ in range(2):
        assert opened(body, "h", open_envelope) == opened(body, "h", _open_slowly)
    event(opened(body, "h", _open_slowly)[0])


def test_ids_are_remembered_to_a_bound_and_submission_ids_not_at_all() -> None:
    from events.decoding import REMEMBERED, _StrCheck

    twin = twin_of(ScoreSubmitted)
    assert twin is not None
    judge, submission_id = twin.checks["judge"], twin.checks["submission_id"]
    assert isinstance(judge, _StrCheck) and isinstance(submission_id, _StrCheck)
    first = "".join(["J", "1"])  # not the interned literal
    assert judge(first) is first and judge("J1") is first  # the first instance answers
    for n in range(REMEMBERED + 100):
        assert judge(f"J{n}") == f"J{n}"
        assert submission_id(f"sheet-{n:08d}") == f"sheet-{n:08d}"
    assert len(judge.passed) == REMEMBERED  # the first ones met, no more
    assert not submission_id.passed  # a sheet's id never comes back: never remembered
    assert submission_id("sheet 0001") is REFUSED
    assert judge("-J1") is REFUSED
