"""``leitai export`` and ``copy`` (from a store, or from an export), and what verify and
replay share: a log's kind and a verdict's line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

from events.chain import Record, Verdict
from events.checkpoint import parse_body
from events.checkpoint_store import open_checkpoints
from events.credentials import open_credentials
from events.errors import LogFormatError
from events.merkle import MerkleTree
from events.ndjson import export_lines, read_export
from events.store import Head, Store, open_store
from server.batches import batched

SQLITE_MAGIC = b"SQLite format 3\x00"


def describe(verdict: Verdict) -> str:
    """One line saying whether a stream is intact, and its head or first break."""
    if verdict.ok:
        return (
            f"{verdict.stream}: intact, {verdict.head_seq} events, "
            f"head seq {verdict.head_seq}, head hash {verdict.head_hash}"
        )
    return (
        f"{verdict.stream}: BROKEN at seq {verdict.bad_seq}: {verdict.problem} "
        f"(intact up to seq {verdict.head_seq}, hash {verdict.head_hash})"
    )


def target_kind(target: str) -> str:
    """``store`` (a database or URL) or ``export`` (an NDJSON file); raises
    ``LogFormatError`` for anything else."""
    if "://" in target and not target.startswith("sqlite://"):
        return "store"
    path = Path(target.removeprefix("sqlite://"))
    if not path.is_file():
        raise LogFormatError(f"{path}: no such file")
    with path.open("rb") as file:
        start = file.read(len(SQLITE_MAGIC))
    if start == SQLITE_MAGIC:
        return "store"
    if not start:
        raise LogFormatError(f"{path}: empty file, neither a Leitai database nor an export")
    if start.lstrip()[:1] == b"{":
        return "export"
    raise LogFormatError(f"{path}: neither a Leitai database nor an NDJSON export")


async def export(target: str, stream: str, out: BinaryIO) -> int:
    """Write one stream's log as NDJSON to ``out``; the number of events."""
    store = await open_store(target, create=False)
    try:
        if stream not in await store.streams():
            raise LogFormatError(f"{target}: no stream {stream!r}")
        count = 0
        async for record in store.read_records(stream):
            out.writelines(export_lines([record]))
            count += 1
        out.flush()
        return count
    finally:
        await store.close()


COPY_CHUNK = 1000


class Copied(NamedTuple):
    """A stream as copied: the target's head, and the signed checkpoints it holds."""

    stream: str
    head: Head
    checkpoints: int


async def copy(source: str, target: str, stream: str | None = None) -> list[Copied]:
    """Copy streams (their token digests and signed checkpoints too) from one
    store to another, every seq and hash unchanged; a target holding a prefix
    is completed. From an NDJSON export (``restore``), the log alone."""
    if target_kind(source) == "export":
        return await restore(source, target, stream)
    src = await open_store(source, create=False)
    dst = await open_store(target)
    try:
        names = await src.streams()
        if stream is not None:
            if stream not in names:
                raise LogFormatError(f"{source}: no stream {stream!r}")
            names = [stream]
        heads = [(name, await _copy_stream(src, dst, name)) for name in names]
        counts = await _copy_checkpoints(source, target, dst, names)
    finally:
        await dst.close()
        await src.close()
    await _copy_credentials(source, target, names)
    return [Copied(name, head, counts[name]) for name, head in heads]


async def restore(source: str, target: str, stream: str | None = None) -> list[Copied]:
    """Write the streams of the NDJSON export ``source`` (or only ``stream``) to
    the store ``target``, each event checked as it is written (its hash from
    its canonical bytes, its link to the one before); a target holding a
    prefix is completed, one holding a different log refused. An export holds
    no token and no signed checkpoint: tokens are issued anew on the target,
    and a host with the signing key signs the checkpoints when it loads the log."""
    dst = await open_store(target)
    heads: dict[str, Head] = {}
    last: dict[str, Record] = {}
    """Each stream's last record in the export, to check against a longer target."""
    pending: list[Record] = []
    current = ""

    async def write() -> None:
        if pending:
            heads[current] = await dst.import_records(
                current, pending, expected_seq=heads[current].seq
            )
            pending.clear()

    try:
        for name, record in _exported(source):
            if stream is not None and name != stream:
                continue
            if name != current:
                await write()
                current = name
                if name not in heads:
                    heads[name] = await dst.head(name)
            last[name] = record
            head = heads[name]
            if record.seq <= head.seq and not pending:
                if record.seq == head.seq and record.hash != head.hash:
                    raise LogFormatError(
                        f"{name}: the target's seq {head.seq} is not the export's; "
                        "refusing to copy onto a different log"
                    )
                continue
            pending.append(record)
            if len(pending) >= COPY_CHUNK:
                await write()
        await write()
        for name, record in last.items():  # a target longer than the export: the same log?
            if record.seq < heads[name].seq:
                held = [r.hash async for r in dst.read_records(name, record.seq, record.seq)]
                if held != [record.hash]:
                    raise LogFormatError(
                        f"{name}: the target's seq {record.seq} is not the export's; "
                        "refusing to copy onto a different log"
                    )
    finally:
        await dst.close()
    if stream is not None and stream not in heads:
        raise LogFormatError(f"{source}: no stream {stream!r}")
    return [Copied(name, head, 0) for name, head in heads.items()]


def _exported(source: str) -> Iterator[tuple[str, Record]]:
    with Path(source.removeprefix("sqlite://")).open("rb") as file:
        yield from read_export(file)


async def _copy_stream(src: Store, dst: Store, stream: str) -> Head:
    head = await dst.head(stream)
    if head.seq:
        same = [r.hash async for r in src.read_records(stream, head.seq, head.seq)] == [head.hash]
        if not same:
            raise LogFormatError(
                f"{stream}: the target's seq {head.seq} is not the source's; "
                "refusing to copy onto a different log"
            )
    async for batch in batched(src.read_records(stream, head.seq + 1), COPY_CHUNK):
        head = await dst.import_records(stream, batch, expected_seq=head.seq)
    return head


async def _copy_checkpoints(
    source: str, target: str, dst: Store, streams: list[str]
) -> dict[str, int]:
    """Copy each stream's signed checkpoints, once each matches the target's log.

    A note is signed over the log, not the database, so it stays valid on the
    copy; it is checked against the copied log anyway (the root of its first
    ``size`` events), since a note that did not match would fail ``leitai
    verify`` on the target as on the source: better refused here, naming it.
    The key is not needed (nor copied: it is a file, docs/deploy.md)."""
    src_notes = await open_checkpoints(source, create=False)
    dst_notes = await open_checkpoints(target)
    counts: dict[str, int] = {}
    try:
        for stream in streams:
            notes = await src_notes.notes(stream)
            if notes:
                tree = MerkleTree()
                async for record in dst.read_records(stream):
                    tree.append(bytes.fromhex(record.hash))
                for note in notes:
                    _check_note(stream, note, tree)
                for note in notes:
                    checkpoint = parse_body(note.partition("\n\n")[0] + "\n")
                    await dst_notes.add(stream, checkpoint.size, note)
            counts[stream] = len(await dst_notes.notes(stream))
    finally:
        await dst_notes.close()
        await src_notes.close()
    return counts


def _check_note(stream: str, note: str, tree: MerkleTree) -> None:
    checkpoint = parse_body(note.partition("\n\n")[0] + "\n")
    if checkpoint.stream != stream or checkpoint.size > tree.size:
        raise LogFormatError(
            f"{stream}: the checkpoint of {checkpoint.origin} at size {checkpoint.size} is not "
            f"over this log of {tree.size} events; refusing to copy it"
        )
    if checkpoint.root != tree.root(checkpoint.size):
        raise LogFormatError(
            f"{stream}: the checkpoint at size {checkpoint.size} does not match the log's "
            "Merkle root; refusing to copy it (leitai verify --public-key says more)"
        )


async def _copy_credentials(source: str, target: str, streams: list[str]) -> None:
    src = await open_credentials(source)
    dst = await open_credentials(target)
    try:
        for stream in streams:
            for credential in await src.of_stream(stream):
                await dst.restore(credential)
    finally:
        await dst.close()
        await src.close()
