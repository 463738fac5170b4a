"""The envelope around every event, its canonical bytes and its hash.

The canonical bytes of an envelope are its JSON encoding without ``hash``:
keys sorted, no white space, UTF-8, integers only (decimals are strings).
``hash = sha256(bytes.fromhex(prev) || canonical bytes)``, hex; the first
event's ``prev`` is 64 zeros. docs/log-format.md is the normative text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

import msgspec

from events.catalog import EVENT_TYPES, AnyEvent, Event, Id
from events.decoding import REMEMBERED, Twin, checked_decoder, twin_of
from events.errors import LogFormatError

GENESIS = "0" * 64
"""``prev`` of the first event of every stream."""

Role = Literal["admin", "judge", "auditor", "system"]


class Actor(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Who caused an event: a role and the id of the person (or ``system``)."""

    role: Role
    id: Id


SYSTEM = Actor(role="system", id="leitai")


class Envelope(msgspec.Struct, frozen=True, gc=False):
    """One committed event with its place in the stream and its hash (outside
    the cyclic GC, as events are: it refers to values only)."""

    stream: str
    seq: int
    at: str
    actor: Actor
    type: str
    v: int
    data: AnyEvent
    prev: str
    hash: str


class Body(msgspec.Struct, frozen=True):
    """An envelope without its hash, ``data`` kept as raw canonical JSON."""

    actor: Actor
    at: str
    data: msgspec.Raw
    prev: str
    seq: int
    stream: str
    type: str
    v: int


class Exported(msgspec.Struct, frozen=True):
    """An envelope as one line of an NDJSON export: the body plus its hash."""

    actor: Actor
    at: str
    data: msgspec.Raw
    hash: str
    prev: str
    seq: int
    stream: str
    type: str
    v: int


class _LooseActor(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    role: str
    id: str


class _LooseBody(msgspec.Struct, frozen=True):
    """``Body`` with its actor unchecked: actors repeat, so each distinct one
    is checked once by ``Actor``'s own decoder (``_actors``)."""

    actor: _LooseActor
    at: str
    data: msgspec.Raw
    prev: str
    seq: int
    stream: str
    type: str
    v: int


_encoder = msgspec.json.Encoder(order="sorted")
_body_decoder = msgspec.json.Decoder(Body)
_loose_body_decoder = msgspec.json.Decoder(_LooseBody)
_actor_decoder = msgspec.json.Decoder(Actor)
_actors: dict[_LooseActor, Actor] = {}
_data_decoders: dict[str, msgspec.json.Decoder[AnyEvent] | Any] = {
    name: checked_decoder(cls) for name, cls in EVENT_TYPES.items()
}


def canonical(value: object) -> bytes:
    """The canonical JSON bytes of ``value`` (sorted keys, compact, UTF-8)."""
    return _encoder.encode(value)


def utc_timestamp(moment: datetime) -> str:
    """``at`` as written in the log: UTC, microseconds, ``Z`` (always 27 chars)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_hash(prev: str, body: bytes) -> str:
    """The hash of an event whose canonical body is ``body``."""
    return hashlib.sha256(bytes.fromhex(prev) + body).hexdigest()


def encode_data(event: Event) -> bytes:
    """The canonical bytes of an event's ``data``."""
    return _encoder.encode(event)


def seal(
    *, stream: str, seq: int, at: str, actor: Actor, event: Event, data: bytes, prev: str
) -> tuple[bytes, str]:
    """The canonical body of a new envelope and its hash."""
    body = _encode_body(stream, seq, at, actor, event.TYPE, event.VERSION, data, prev)
    return body, chain_hash(prev, body)


def canonical_body(envelope: Envelope) -> bytes:
    """The canonical bytes of ``envelope`` without its hash: what ``seal``
    writes for it, and what its hash is computed over."""
    return _encode_body(
        envelope.stream,
        envelope.seq,
        envelope.at,
        envelope.actor,
        envelope.type,
        envelope.v,
        encode_data(envelope.data),
        envelope.prev,
    )


def _encode_body(
    stream: str, seq: int, at: str, actor: Actor, type_: str, v: int, data: bytes, prev: str
) -> bytes:
    return _encoder.encode(
        Body(
            actor=actor,
            at=at,
            data=msgspec.Raw(data),
            prev=prev,
            seq=seq,
            stream=stream,
            type=type_,
            v=v,
        )
    )


def decode_body(body: bytes) -> Body:
    """The body of a stored envelope; raises ``LogFormatError`` if malformed."""
    try:
        return _body_decoder.decode(body)
    except msgspec.ValidationError as exc:
        raise LogFormatError(f"malformed envelope: {exc}") from None
    except msgspec.DecodeError as exc:
        raise LogFormatError(f"envelope is not JSON: {exc}") from None


def _checked_actor(loose: _LooseActor) -> Actor | None:
    """The actor ``loose`` stands for, or None if ``Actor`` refuses it;
    checked once per distinct actor."""
    actor = _actors.get(loose)
    if actor is None:
        try:
            actor = _actor_decoder.decode(_encoder.encode(loose))
        except msgspec.ValidationError:
            return None
        if len(_actors) < REMEMBERED:
            _actors[loose] = actor
    return actor


def _loose_body(body: bytes) -> tuple[_LooseBody, Actor]:
    """As ``decode_body`` (same verdicts), the actor checked once per distinct actor."""
    try:
        head = _loose_body_decoder.decode(body)
    except (msgspec.ValidationError, msgspec.DecodeError):
        decode_body(body)  # raises the error the strict decoder gives
        raise AssertionError("the loose body decoder refused what Body accepts") from None
    actor = _checked_actor(head.actor)
    if actor is None:
        decode_body(body)
        raise AssertionError("an actor refused alone was accepted in a body") from None
    return head, actor


def decode_event(type_: str, v: int, data: bytes | msgspec.Raw) -> AnyEvent:
    """The typed event from an envelope's ``type``, ``v`` and raw ``data``."""
    decoder = _data_decoders.get(type_)
    if decoder is None:
        raise LogFormatError(f"unknown event type {type_!r}")
    cls = EVENT_TYPES[type_]
    if v != cls.VERSION:
        raise LogFormatError(f"{type_} version {v} is not known (this build reads {cls.VERSION})")
    try:
        event: AnyEvent = decoder.decode(data)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise LogFormatError(f"malformed {type_} data: {exc}") from None
    return event


class _Opener:
    """Opens the stored bodies of one event type in one decoding pass: the
    envelope and its data at once, the data as its twin (``events.decoding``).
    Whatever it does not accept as is, it leaves to ``_open_slowly``, which
    gives the verdict (the same envelope, or the error)."""

    __slots__ = ("_decoder", "_twin", "_version", "type")

    def __init__(self, type_: str, cls: type[Event]) -> None:
        twin = twin_of(cls)
        body = msgspec.defstruct(
            f"{cls.__name__}Body",
            [
                ("actor", _LooseActor),
                ("at", str),
                ("data", twin.loose if twin is not None else cls),
                ("prev", str),
                ("seq", int),
                ("stream", str),
                ("type", str),
                ("v", int),
            ],
            frozen=True,
            gc=False,
        )
        self._decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(body)
        self._twin: Twin[Any] | None = twin
        self.type = type_
        self._version = cls.VERSION

    def open(self, body: bytes, hash_: str) -> Envelope:
        try:
            head = self._decoder.decode(body)
        except (msgspec.ValidationError, msgspec.DecodeError):
            return _open_slowly(body, hash_)
        if head.type != self.type or head.v != self._version:
            return _open_slowly(body, hash_)
        actor = _actors.get(head.actor) or _checked_actor(head.actor)
        event = head.data if self._twin is None else self._twin.complete(head.data)
        if actor is None or event is None:
            return _open_slowly(body, hash_)
        return Envelope(
            head.stream, head.seq, head.at, actor, head.type, head.v, event, head.prev, hash_
        )


_openers: dict[bytes, _Opener] = {
    f'{name}","v":{cls.VERSION}}}'.encode(): _Opener(name, cls) for name, cls in EVENT_TYPES.items()
}
"""By the end of a canonical body: its type and version."""
_openers_by_type = {opener.type: opener for opener in _openers.values()}
_TYPE_KEY = b',"type":"'


def open_envelope(body: bytes, hash_: str) -> Envelope:
    """The typed envelope of stored canonical ``body`` with its ``hash``;
    raises ``LogFormatError`` if malformed.

    Canonical bodies end with ``,"type":"…","v":N}`` (keys are sorted), so
    the type and version are read from there first and the body decoded in
    one pass as that type's envelope."""
    opener = _openers.get(body[body.rfind(_TYPE_KEY) + 9 :])
    return opener.open(body, hash_) if opener is not None else _open_slowly(body, hash_)


def stored_opener(type_: str) -> Callable[[bytes, str], Envelope]:
    """``open_envelope`` for stored rows whose ``type`` column is ``type_``:
    their bodies are decoded as that type's envelope at once (the body has the
    last word: a type it does not bear is decoded the slow way). Looked up
    once per type, not per row: a replay opens a million rows."""
    opener = _openers_by_type.get(type_)
    return opener.open if opener is not None else _open_slowly


def _open_slowly(body: bytes, hash_: str) -> Envelope:
    """``open_envelope`` in three passes (the body, the actor, the data): the
    reference, and the verdict on anything the one-pass decoder refused."""
    head, actor = _loose_body(body)
    return Envelope(
        head.stream,
        head.seq,
        head.at,
        actor,
        head.type,
        head.v,
        decode_event(head.type, head.v, head.data),
        head.prev,
        hash_,
    )


def export_line(body: bytes, hash_: str) -> bytes:
    """One NDJSON line (without the newline) for a stored envelope."""
    b = decode_body(body)
    return _encoder.encode(
        Exported(
            actor=b.actor,
            at=b.at,
            data=b.data,
            hash=hash_,
            prev=b.prev,
            seq=b.seq,
            stream=b.stream,
            type=b.type,
            v=b.v,
        )
    )
