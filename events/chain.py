"""Verification of a stream's hash chain, from stored bytes or an NDJSON export."""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, Iterable
from contextlib import aclosing
from dataclasses import dataclass
from hashlib import sha256
from typing import NamedTuple

from events.envelope import GENESIS, Envelope, canonical, canonical_body, open_envelope
from events.errors import LogFormatError


class Record(NamedTuple):
    """One stored event as bytes: what the chain is verified over."""

    seq: int
    body: bytes
    hash: str


@dataclass(frozen=True)
class Verdict:
    """The outcome of verifying one stream: its head, or where it first breaks."""

    stream: str
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


class ChainVerifier:
    """Checks records of one stream in order; the first break is final.

    A record is good when its seq follows the previous one, its body names
    the previous hash as ``prev`` and its own seq and stream, and
    ``sha256(prev || body)`` equals its stored hash. With ``deep`` the body
    must also decode to a known event and be in canonical form. ``after``
    (seq, hash) starts the check past a head already trusted.
    """

    def __init__(
        self, stream: str, *, deep: bool = False, after: tuple[int, str] = (0, GENESIS)
    ) -> None:
        self.stream = stream
        self.deep = deep
        self.seq, self.hash = after
        self._prev_raw = bytes.fromhex(self.hash)
        self._stream_tail = ',"stream":' + canonical(stream).decode() + ',"type":'
        # What follows the seq in the last good body, up to its end, and where
        # that link starts counted from the end: bodies of one type share both.
        self._tail = self._stream_tail
        self._at = slice(0, 0)
        self.bad_seq: int | None = None
        self.problem: str | None = None

    def feed(self, seq: int, body: bytes, hash_: str) -> bool:
        """Check the next record; False (and ``problem`` set) at the first break."""
        return self.feed_all(((seq, body, hash_),))

    def feed_all(self, records: Iterable[tuple[int, bytes, str]]) -> bool:
        """Check the next records in order; False (and ``problem`` set) at the first break."""
        return self._check(records, None)

    def open_all(self, records: Iterable[tuple[int, bytes, str]]) -> list[Envelope]:
        """As ``feed_all`` for a ``deep`` verifier, which opens every body to
        check it: the envelopes of the records that passed, in order (all of
        them unless ``problem`` is set), so that a caller folding them need
        not decode them again."""
        if not self.deep:
            raise ValueError("only a deep verifier opens the records it checks")
        opened: list[Envelope] = []
        self._check(records, opened)
        return opened

    def _check(
        self, records: Iterable[tuple[int, bytes, str]], opened: list[Envelope] | None
    ) -> bool:
        """``feed_all``, keeping each good record's envelope in ``opened`` if given.

        Every check lives here, in one loop over local variables, because a
        verifier spends its time in this loop: every operation per record
        costs a sizeable share of the hashing. The link (``"prev":"…","seq":…,
        "stream":"…","type":`` and the rest of the body) is compared by one
        slice of the body's end against the bytes expected; only when that
        fails (a new type, one more digit in seq, or a broken link) is the
        link searched for.
        """
        if self.problem is not None:
            return False
        deep = self.deep
        tail, at = self._tail, self._at
        last_seq, last_hash, last_raw = self.seq, self.hash, self._prev_raw
        problem: tuple[int, str] | None = None
        for seq, body, hash_ in records:
            if body[at] != f'"prev":"{last_hash}","seq":{seq}{tail}'.encode() or (
                seq != last_seq + 1
            ):
                if seq != last_seq + 1:
                    expected = last_seq + 1
                    what = "missing" if seq > expected else "repeated or out of order"
                    problem = (expected if seq > expected else seq, f"seq {expected} is {what}")
                    break
                relinked = self._relink(body, last_hash, seq)
                if relinked is None:
                    problem = (seq, "its prev, seq or stream field does not continue the chain")
                    break
                tail, at = relinked
            digest = sha256(last_raw + body).digest()
            if digest.hex() != hash_:
                problem = (
                    seq,
                    f"hash mismatch (stored {hash_[:16]}…, computed "
                    f"{digest.hex()[:16]}…): the event was altered",
                )
                break
            if deep:
                envelope = open_canonical(body, hash_)
                if isinstance(envelope, str):
                    problem = (seq, envelope)
                    break
                if opened is not None:
                    opened.append(envelope)
            last_seq = seq
            last_hash = hash_
            last_raw = digest
        self.seq, self.hash, self._prev_raw = last_seq, last_hash, last_raw
        self._tail, self._at = tail, at
        if problem is not None:
            return self._fail(*problem)
        return True

    def _relink(self, body: bytes, prev: str, seq: int) -> tuple[str, slice] | None:
        """Where ``body`` links to ``prev`` at ``seq``: the tail (the stream's
        and what follows up to the end) and the slice the link ends ``body``
        with; None if it does not link.

        The envelope's members are exactly those of docs/log-format.md, keys
        sorted: ``prev``, ``seq``, ``stream``, ``type`` and ``v`` end every
        body, after ``data``. So the link must be followed by the type and
        the version and nothing else; the same bytes anywhere else (inside
        ``data``) are not the envelope's.
        """
        link = f'"prev":"{prev}","seq":{seq}{self._stream_tail}'.encode()
        start = body.rfind(link)
        if start < 0:
            return None
        rest = body[start + len(link) :]
        if _TYPE_AND_VERSION.fullmatch(rest) is None:
            return None
        return self._stream_tail + rest.decode(), slice(start - len(body), None)

    def _fail(self, seq: int, problem: str) -> bool:
        self.bad_seq = seq
        self.problem = problem
        return False

    def verdict(self) -> Verdict:
        return Verdict(self.stream, self.seq, self.hash, self.bad_seq, self.problem)


_TYPE_AND_VERSION = re.compile(rb'"[^"\\\x00-\x1f\x80-\xff]*","v":(?:0|[1-9][0-9]*)}')
"""What ends a body after its link: ``"<type>","v":<version>}``."""


def open_canonical(body: bytes, hash_: str) -> Envelope | str:
    """The envelope stored as ``body`` (with ``hash_``) if it is a known event
    in exactly the bytes Leitai writes for it; else why not.

    One typed decoding pass (``open_envelope``), then the envelope encoded
    again must give ``body`` back byte for byte (``canonical_body``): that
    refuses unknown members, members spelled out at their default, other
    forms of a number or a string, other key orders and white space alike."""
    try:
        envelope = open_envelope(body, hash_)
    except LogFormatError as exc:
        return str(exc)
    if canonical_body(envelope) != body:
        return "the event is not in canonical form"
    return envelope


def verify_records(stream: str, records: Iterable[Record], *, deep: bool = False) -> Verdict:
    """Verify one stream's records, given in seq order."""
    checker = ChainVerifier(stream, deep=deep)
    checker.feed_all(records)
    return checker.verdict()


async def averify_records(
    stream: str, records: AsyncGenerator[Record, None], *, deep: bool = False
) -> Verdict:
    """Verify one stream's records streamed from a store; closes ``records``."""
    checker = ChainVerifier(stream, deep=deep)
    async with aclosing(records):
        async for record in records:
            if not checker.feed(*record):
                break
    return checker.verdict()


def continuation_problem(
    stream: str, after: tuple[int, str], records: Iterable[Record]
) -> str | None:
    """Why ``records`` do not continue the stream past ``after`` as stored, or None.

    Stores check this before writing copied records verbatim (``leitai copy``).
    """
    checker = ChainVerifier(stream, deep=True, after=after)
    if checker.feed_all(records):
        return None
    return f"{stream}: seq {checker.bad_seq}: {checker.problem}"
