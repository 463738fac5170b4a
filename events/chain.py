"""Verification of a stream's hash chain, from stored bytes or an NDJSON export."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable
from contextlib import aclosing
from dataclasses import dataclass
from hashlib import sha256
from typing import NamedTuple

import msgspec

from events.envelope import GENESIS, canonical, decode_event
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
        self._tail = b',"stream":' + canonical(stream) + b',"type":'
        self._after_link = 0
        self.bad_seq: int | None = None
        self.problem: str | None = None

    def feed(self, seq: int, body: bytes, hash_: str) -> bool:
        """Check the next record; False (and ``problem`` set) at the first break."""
        return self.feed_all(((seq, body, hash_),))

    def feed_all(self, records: Iterable[tuple[int, bytes, str]]) -> bool:
        """Check the next records in order; False (and ``problem`` set) at the first break.

        Every check lives here, in one loop over local variables, because a
        verifier spends its time in this loop: attribute lookups and a method
        call per record would cost as much as the hashing.
        """
        if self.problem is not None:
            return False
        deep = self.deep
        tail = self._tail
        last_seq, last_hash, last_raw = self.seq, self.hash, self._prev_raw
        # Where the link ended, counted from the end of the body, last time;
        # bodies of one type share it, so most links are found without a search.
        after = self._after_link
        problem: tuple[int, str] | None = None
        for seq, body, hash_ in records:
            if seq != last_seq + 1:
                expected = last_seq + 1
                what = "missing" if seq > expected else "repeated or out of order"
                problem = (expected if seq > expected else seq, f"seq {expected} is {what}")
                break
            # Keys are sorted, so these fields always stand together in this
            # order, and a JSON string cannot hold an unescaped quote: no false match.
            link = b'"prev":"%s","seq":%d%s' % (last_hash.encode(), seq, tail)
            if not body.endswith(link, 0, len(body) - after):
                at = body.find(link)
                if at < 0:
                    problem = (seq, "its prev, seq or stream field does not continue the chain")
                    break
                after = len(body) - at - len(link)
            digest = sha256(last_raw + body).digest()
            if digest.hex() != hash_:
                problem = (
                    seq,
                    f"hash mismatch (stored {hash_[:16]}…, computed "
                    f"{digest.hex()[:16]}…): the event was altered",
                )
                break
            if deep and (deep_problem := _deep_problem(body)) is not None:
                problem = (seq, deep_problem)
                break
            last_seq, last_hash, last_raw = seq, hash_, digest
        self.seq, self.hash, self._prev_raw = last_seq, last_hash, last_raw
        self._after_link = after
        if problem is not None:
            return self._fail(*problem)
        return True

    def _fail(self, seq: int, problem: str) -> bool:
        self.bad_seq = seq
        self.problem = problem
        return False

    def verdict(self) -> Verdict:
        return Verdict(self.stream, self.seq, self.hash, self.bad_seq, self.problem)


class _DeepBody(msgspec.Struct):
    type: str
    v: int
    data: msgspec.Raw


_deep_decoder = msgspec.json.Decoder(_DeepBody)


def _deep_problem(body: bytes) -> str | None:
    """Why ``body`` is not a canonical, known event, or None."""
    try:
        head = _deep_decoder.decode(body)
        event = decode_event(head.type, head.v, head.data)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        return f"malformed envelope: {exc}"
    except LogFormatError as exc:
        return str(exc)
    if canonical(event) != bytes(head.data) or canonical(msgspec.json.decode(body)) != body:
        return "the event is not in canonical form"
    return None


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
