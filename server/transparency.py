"""The transparency log as served: Merkle trees, signed checkpoints, proofs.

One ``Transparency`` per server process. It keeps each stream's tree in
memory, caught up from the store on demand (so it holds whatever this or any
other process committed), signs a checkpoint after every reveal, awards
publication, awards step and finalisation this process commits
(``SIGNED_AFTER``), and keeps the notes in the checkpoint store.

A process without the key (a PostgreSQL host not given ``LEITAI_KEY_FILE``)
signs nothing but still serves the notes others signed and proofs against
them: a note carries its own signature, and a proof is computed from the log.
Its public key it cannot serve: Ed25519 gives no way to recover a key from a
signature, and a key read from the database would be vouched for only by the
database, which is what the checkpoints are there to check.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from events.catalog import AwardsPublished, AwardsStepShown, ResultRevealed, ResultsFinalised
from events.checkpoint import Checkpoint, parse_body
from events.checkpoint_store import CheckpointStore, open_checkpoints
from events.envelope import Envelope
from events.errors import LogError
from events.merkle import MerkleTree
from events.store import Store
from server.signing import Signer, key_path, load_or_create

log = logging.getLogger("leitai.transparency")
SIGNED_AFTER = (ResultRevealed, AwardsPublished, ResultsFinalised, AwardsStepShown)
"""A checkpoint is signed after each event of these types: each shows the hall
a result or makes it final. ``ResultsFinalised`` is the step that turns the
provisional results into the results; without a checkpoint after it a
verifier proves only the provisional ones. The awards ceremony's steps
(``AwardsStepShown``) may come after finalising and are what the hall sees of
the awards; nothing after them would otherwise sign the log up to them, and
they are a handful a round."""


NO_KEY_WARNING = (
    "No signing key: the store is PostgreSQL and no key file is set (LEITAI_KEY_FILE). "
    "This process signs no checkpoint (a reveal or finalisation committed here stays "
    "unsigned until another host signs a later one) and cannot serve the public key, so "
    "judges' pages served from here cannot verify their receipts. Give every host the "
    "same key file: see docs/deploy.md."
)


class SizeError(ValueError):
    """A tree size or leaf the log does not (yet) hold: it ``holds`` fewer events."""

    def __init__(self, stream: str, holds: int, asked: int) -> None:
        super().__init__(f"the log of {stream!r} holds {holds} events, not {asked}")
        self.holds = holds


@dataclass
class _Tree:
    tree: MerkleTree
    lock: asyncio.Lock
    warming: asyncio.Task[MerkleTree] | None = None
    """Reading the log into the tree in the background, after a (re)start."""


class Transparency:
    """Trees, the signer and the stored checkpoints of one store."""

    def __init__(self, store: Store, checkpoints: CheckpointStore, signer: Signer | None) -> None:
        self.store = store
        self.checkpoints = checkpoints
        self.signer = signer
        """None: this process has no key; it signs nothing and serves what others signed."""
        self._trees: dict[str, _Tree] = {}

    @classmethod
    async def open(cls, store: Store, store_url: str, key_file: str = "") -> Transparency:
        """Load the server's key (made on first start) and open the checkpoints;
        without a signer, and a warning, for a PostgreSQL store without a key file."""
        path = key_path(store_url, key_file)
        signer: Signer | None = None
        if path is None:
            log.warning(NO_KEY_WARNING)
        else:
            signer, made = load_or_create(path)
            if made:
                log.warning("created the signing key %s (public key %s)", path, signer.key)
        return cls(store, await open_checkpoints(store_url), signer)

    async def close(self) -> None:
        for entry in self._trees.values():
            if entry.warming is not None:
                entry.warming.cancel()
                with contextlib.suppress(asyncio.CancelledError, LogError):
                    await entry.warming
        await self.checkpoints.close()

    def _entry(self, stream: str) -> _Tree:
        entry = self._trees.get(stream)
        if entry is None:
            entry = self._trees[stream] = _Tree(MerkleTree(), asyncio.Lock())
        return entry

    async def tree(self, stream: str, size: int) -> MerkleTree:
        """``stream``'s tree holding at least ``size`` leaves, caught up from the
        store if need be; raises ``SizeError`` if the log is shorter."""
        entry = self._entry(stream)
        if entry.tree.size < size:
            async with entry.lock:
                tree = entry.tree
                if tree.size < size:
                    async for record in self.store.read_records(stream, tree.size + 1):
                        tree.append(bytes.fromhex(record.hash))
        if entry.tree.size < size:
            raise SizeError(stream, entry.tree.size, size)
        return entry.tree

    async def sign(self, stream: str, size: int) -> str:
        """Sign and keep the checkpoint of ``stream`` at ``size`` events."""
        if self.signer is None:
            raise LookupError("this process has no signing key")
        tree = await self.tree(stream, size)
        note = self.signer.sign(Checkpoint(stream, size, tree.root(size)))
        await self.checkpoints.add(stream, size, note)
        return note

    async def committed(self, stream: str, envelopes: Sequence[Envelope]) -> None:
        """Called after a command's events are applied: grow the tree, and sign
        after a published result.

        The tree takes the envelopes directly when it is level with them; after
        a start (or another process's commits) it is read from the store in the
        background, so the next reveal finds it ready. The events are durable
        already, so a failure here is logged, never raised.
        """
        entry = self._entry(stream)
        if entry.tree.size + 1 == envelopes[0].seq and not entry.lock.locked():
            entry.tree.extend(bytes.fromhex(e.hash) for e in envelopes)
        elif entry.tree.size < envelopes[-1].seq and entry.warming is None:
            entry.warming = asyncio.get_running_loop().create_task(
                self.tree(stream, envelopes[-1].seq)
            )
            entry.warming.add_done_callback(lambda task: _warmed(stream, entry, task))
        if self.signer is None or not any(isinstance(e.data, SIGNED_AFTER) for e in envelopes):
            return
        try:
            await self.sign(stream, envelopes[-1].seq)
        except Exception:
            log.exception("%s: could not sign the checkpoint at seq %d", stream, envelopes[-1].seq)

    async def latest(self, stream: str) -> tuple[str, Checkpoint] | None:
        """The latest stored note and what it states."""
        note = await self.checkpoints.latest(stream)
        if note is None:
            return None
        return note, parse_body(note.partition("\n\n")[0] + "\n")


def _warmed(stream: str, entry: _Tree, task: asyncio.Task[MerkleTree]) -> None:
    entry.warming = None
    if not task.cancelled() and (error := task.exception()) is not None:
        log.warning("%s: the Merkle tree could not be read from the log: %s", stream, error)
