"""The faster decoder of stored events gives its event type's own verdicts:
the same event for valid data, the same error for invalid data."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events.catalog import EVENT_TYPES, ScoreAmended, ScoreSubmitted
from events.decoding import CheckedDecoder, checked_decoder
from events.envelope import SYSTEM, Actor, encode_data, open_envelope, seal
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
points = st.one_of(
    st.sampled_from(['"12.5"', '"44"', "12.5", '"x"', "null", '"1E+2"']),
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
    try:
        return "ok", decode(data)  # type: ignore[operator]
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
