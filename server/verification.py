"""``leitai verify``: the chain, every published result, and the signed checkpoints.

In one pass over each stream: the hash chain is checked (``events.chain``),
each ``ResultRevealed`` and ``AwardsPublished`` is recomputed from the state
just before it (``projections.recheck``), and the Merkle tree is grown. Then,
given the server's public key, every checkpoint (kept in the database, or
given as files) must carry a good signature and state the root of the log's
first ``size`` events, and each must extend the one before (a consistency proof).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
from contextlib import aclosing
from dataclasses import dataclass, field
from pathlib import Path

from events.chain import ChainVerifier, Verdict
from events.checkpoint import Checkpoint, CheckpointError, VerifierKey, open_note
from events.errors import LogFormatError
from events.merkle import MerkleTree, consistent
from projections.recheck import PUBLISHED, Rechecker
from projections.state import Competition, apply
from server.batches import batched
from server.logtools import describe
from server.replay import LogSource, ProgressBar, log_source
from server.signing import read_public_key

CHUNK = 1024
"""Records checked at a time: one call of the chain's loop for each chunk."""


@dataclass
class StreamReport:
    """What verification found in one stream."""

    verdict: Verdict
    published: int = 0
    differences: list[tuple[int, str]] = field(default_factory=list)
    checkpoints: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.verdict.ok and not self.differences and not self.problems

    def lines(self) -> list[str]:
        stream = self.verdict.stream
        out = [describe(self.verdict)]
        if self.verdict.ok and self.published and not self.differences:
            out.append(
                f"{stream}: {self.published} published results recomputed from the log: all match"
            )
        out += [f"{stream}: RESULT DIFFERS at seq {seq}: {what}" for seq, what in self.differences]
        out += [f"{stream}: {line}" for line in self.checkpoints]
        out += [f"{stream}: {line}" for line in self.problems]
        return out


async def verify_stream(
    source: LogSource, stream: str, *, results: bool = True, progress: ProgressBar | None = None
) -> tuple[StreamReport, MerkleTree]:
    """Check ``stream``'s chain and recompute its published results; its tree
    (over the intact prefix) for the checkpoint checks."""
    checker = ChainVerifier(stream, deep=True)
    tree = MerkleTree()
    report = StreamReport(checker.verdict())
    state = Competition.empty(stream)
    rechecker = Rechecker()
    async with aclosing(source.records(stream)) as records:
        async for chunk in batched(records, CHUNK):
            # The deep check opens every body; the good ones are folded as opened.
            for record, envelope in zip(chunk, checker.open_all(chunk), strict=False):
                tree.append(bytes.fromhex(record.hash))
                if results:
                    if isinstance(envelope.data, PUBLISHED):
                        report.published += 1
                        report.differences += [
                            (record.seq, what) for what in rechecker.check(state, envelope.data)
                        ]
                    state = apply(state, envelope)
                    rechecker.folded(envelope.data)
            if checker.problem is not None:
                break
            if progress is not None:
                progress.update(checker.seq)
    report.verdict = checker.verdict()
    return report, tree


def check_checkpoints(
    report: StreamReport, tree: MerkleTree, notes: list[tuple[str, str]], key: VerifierKey
) -> None:
    """Check each (where, note) against ``key`` and the log's tree; findings go to ``report``."""
    good: list[tuple[Checkpoint, str]] = []
    for where, note in notes:
        try:
            checkpoint = open_note(note, key)
        except CheckpointError as exc:
            report.problems.append(f"CHECKPOINT REFUSED ({where}): {exc}")
            continue
        good.append((checkpoint, where))
    intact = report.verdict.head_seq
    matches = [0]
    for checkpoint, where in sorted(good, key=lambda item: item[0].size):
        size = checkpoint.size
        if size > intact:
            what = (
                f"the log holds only {intact} events: events {intact + 1}…{size} are missing "
                "(a truncated log)"
                if report.verdict.ok
                else f"the chain breaks at seq {report.verdict.bad_seq}, before it ends"
            )
            report.problems.append(f"CHECKPOINT of size {size} ({where}) NOT MET: {what}")
        elif size > 0 and tree.root(size) != checkpoint.root:
            report.problems.append(
                f"CHECKPOINT of size {size} ({where}) NOT MET: the log's first {size} events do "
                f"not hash to the signed root: history was rewritten between seq "
                f"{matches[-1] + 1} and seq {size}"
            )
        else:
            matches.append(size)
            report.checkpoints.append(
                f"checkpoint of size {size} ({where}): signature good, matches the log"
            )
    ordered = sorted((c for c, _ in good if 0 < c.size <= intact), key=lambda c: c.size)
    for old, new in itertools.pairwise(ordered):
        proof = tree.consistency_proof(old.size, new.size)
        if not consistent(old.size, new.size, old.root, new.root, proof):
            report.problems.append(
                f"CONSISTENCY FAILS between the checkpoints of size {old.size} and {new.size}: "
                f"the log signed at size {new.size} does not extend the one signed at size "
                f"{old.size}"
            )


def _read_notes(paths: list[str]) -> list[tuple[str, str]]:
    return [(path, Path(path).read_text()) for path in paths]


def _origin(note: str) -> str:
    return note.split("\n", 1)[0].removeprefix("leitai/")


async def verify(
    target: str,
    stream: str | None = None,
    *,
    results: bool = True,
    key: VerifierKey | None = None,
    checkpoint_files: list[str] | None = None,
) -> list[StreamReport]:
    """Verify every stream (or one) of a database or an export."""
    given = _read_notes(checkpoint_files or [])
    reports: list[StreamReport] = []
    async with log_source(target) as source:
        streams = await source.streams()
        if stream is not None and stream not in streams:
            raise LogFormatError(f"{target}: no stream {stream!r}")
        for name in [stream] if stream is not None else streams:
            bar = await ProgressBar.of(source, name)
            try:
                report, tree = await verify_stream(source, name, results=results, progress=bar)
            finally:
                bar.close()
            stored = [("stored", note) for note in await source.notes(name)]
            mine = [(where, note) for where, note in given if _origin(note) == name]
            if key is not None and not (stored or mine):
                report.checkpoints.append(
                    "no signed checkpoint to check the key against: the log may have been"
                    " rewritten whole (give --checkpoint FILE, kept from the show)"
                )
            elif key is not None:
                check_checkpoints(report, tree, stored + mine, key)
            elif stored or mine:
                report.checkpoints.append(
                    f"{len(stored) + len(mine)} signed checkpoints not checked (give --public-key)"
                )
            reports.append(report)
        for where, note in given:
            if _origin(note) not in streams:
                raise LogFormatError(f"{where}: a checkpoint of {_origin(note)!r}, not in {target}")
    return reports


def run(args: argparse.Namespace) -> int:
    """``leitai verify``."""
    key = read_public_key(args.public_key) if args.public_key else None
    reports = asyncio.run(
        verify(
            args.path,
            args.stream,
            results=not args.chain_only,
            key=key,
            checkpoint_files=args.checkpoint,
        )
    )
    for report in reports:
        for line in report.lines():
            print(line)
    if not reports:
        print(f"{args.path}: no streams")
    sys.stdout.flush()
    return 0 if all(r.ok for r in reports) else 1


def add_options(verify_parser: argparse.ArgumentParser) -> None:
    """The options ``leitai verify`` takes beyond the path and the stream."""
    verify_parser.add_argument(
        "--public-key",
        metavar="KEY",
        help="the server's key (name+id+base64, or a file holding it, as GET /api/public-key "
        "gives): check every checkpoint's signature and that the log matches it",
    )
    verify_parser.add_argument(
        "--checkpoint",
        action="append",
        default=[],
        metavar="FILE",
        help="a signed checkpoint kept from earlier (repeatable): the log must still match it",
    )
    verify_parser.add_argument(
        "--chain-only",
        action="store_true",
        help="check the hash chain only; do not recompute the published results",
    )
    verify_parser.set_defaults(run=run)
