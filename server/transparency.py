"""The transparency log as served: Merkle trees, signed checkpoints, proofs.

One ``Transparency`` per server process. It keeps each stream's tree in
memory, caught up from the store on demand (so it holds whatever this or any
other process committed), signs a checkpoint at every reveal, awards
publication, awards step and finalisation (``SIGNED_AFTER``), and keeps the
notes in the checkpoint store. A process with the key signs these whoever
committed them: its own commits before the command is answered
(``committed``), the others' as it follows the log (``followed``), in a task
of their own so that following never waits for a signature. Ed25519
signatures are deterministic and the store keeps one note per size, so
every host with the key signs the same notes, at sizes given by the log alone.

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
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from events.catalog import AwardsPublished, AwardsStepShown, ResultRevealed, ResultsFinalised
from events.checkpoint import Checkpoint, CheckpointError, parse_body, signed_by
from events.checkpoint_store import CheckpointStore, open_checkpoints
from events.envelope import Envelope
from events.errors import LogError
from events.merkle import MerkleTree
from events.store import Store
from server.signing import Signer, key_path, load_or_create, read_key

log = logging.getLogger("leitai.transparency")
SIGNED_AFTER = (ResultRevealed, AwardsPublished, ResultsFinalised, AwardsStepShown)
"""A checkpoint is signed at the seq of each event of these types (its size
counts the event): each shows the hall
a result or makes it final. ``ResultsFinalised`` is the step that turns the
provisional results into the results; without a checkpoint after it a
verifier proves only the provisional ones. The awards ceremony's steps
(``AwardsStepShown``) may come after finalising and are what the hall sees of
the awards; nothing after them would otherwise sign the log up to them, and
they are a handful a round."""


NO_KEY_WARNING = (
    "No signing key: the store is PostgreSQL and no key file is set (LEITAI_KEY_FILE). "
    "This process signs no checkpoint (a host with the key signs what is committed here "
    "as it follows the log; with none, a reveal stays unsigned) and cannot serve the "
    "public key, so "
    "judges' pages served from here cannot verify their receipts. Give every host the "
    "same key file: see docs/deploy.md."
)


class KeyRefused(CheckpointError):
    """This host's key (or a key it would make) signed none of the store's checkpoints."""


NEW_KEY_ADVICE = (
    "Only if that key is lost for good, start one host once with LEITAI_NEW_KEY=1 to sign "
    "with this one from now on, and publish its public key."
)


async def signer_for(
    path: Path, checkpoints: CheckpointStore, *, new_key: bool = False
) -> tuple[Signer, bool]:
    """The key at ``path``, made if missing (and whether it was), unless the latest checkpoint of no
    stream in the store carries its signature while some do: then another key
    signs this store (another host's, or one lost), a second one would make
    judges' pages reject the checkpoints as "no signature by the server's
    key", and ``KeyRefused`` says which key to copy (nothing is made).
    ``new_key`` (``LEITAI_NEW_KEY``) replaces a key lost for good, with a warning.

    Refusing to start is the safe side: it happens when a host is deployed,
    before the show, where a host signing with its own key would be found by
    the judges in the middle of it, as what looks like a forged checkpoint."""
    found: set[str] = set()
    for stream in await checkpoints.streams():
        note = await checkpoints.latest(stream)
        found |= signed_by(note) if note is not None else set()
    signers = ", ".join(sorted(found))
    if found and not new_key:
        signer = _existing(path)
        if signer is None:
            raise KeyRefused(
                f"the key file {path} does not exist, and the store's checkpoints are signed "
                f"by key {signers}: refusing to make a second key, whose checkpoints judges' "
                f"pages would reject. Copy that key's file to {path} (docs/deploy.md, "
                f'"The signing key"). {NEW_KEY_ADVICE}'
            )
        if _ref(signer) not in found:
            raise KeyRefused(
                f"the key in {path} is {_ref(signer)}, but the store's checkpoints are signed "
                f"by key {signers}: refusing to sign with a second key, whose checkpoints "
                "judges' pages would reject. Give this host the same key file as the others "
                f'(docs/deploy.md, "The signing key"). {NEW_KEY_ADVICE}'
            )
        return signer, False
    signer, made = load_or_create(path)
    if found and _ref(signer) not in found:
        log.warning(
            "LEITAI_NEW_KEY: signing with the key %s in place of %s, which signed the "
            "store's checkpoints; publish the new public key %s, then unset LEITAI_NEW_KEY",
            _ref(signer),
            signers,
            signer.key,
        )
    return signer, made


async def check_key(store_url: str, key_file: str = "", *, new_key: bool = False) -> None:
    """What ``Transparency.open`` checks of the key, before a server binds its port:
    a refusal is then one line on standard error, not a failed startup."""
    path = key_path(store_url, key_file)
    if path is None:
        return
    checkpoints = await open_checkpoints(store_url)
    try:
        await signer_for(path, checkpoints, new_key=new_key)
    finally:
        await checkpoints.close()


def _existing(path: Path) -> Signer | None:
    """The key at ``path``, or None if there is no file."""
    try:
        return read_key(path)
    except FileNotFoundError:
        return None


def _ref(signer: Signer) -> str:
    return f"{signer.key.name}+{signer.key.id.hex()}"


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
    followed: deque[Envelope] = field(default_factory=deque)
    """Other processes' commits this one applied, not yet taken into the tree."""
    taking: asyncio.Task[None] | None = None
    """Taking ``followed`` into the tree and signing where due, oldest first."""
    queued: int = 0
    """The last seq put in ``followed``."""
    taken: int = 0
    """The last seq taken from ``followed`` (and signed, if due)."""
    waiting: list[tuple[int, asyncio.Future[None]]] = field(default_factory=list)
    """Readers waiting until ``taken`` reaches a seq (``settled``)."""


class Transparency:
    """Trees, the signer and the stored checkpoints of one store."""

    def __init__(self, store: Store, checkpoints: CheckpointStore, signer: Signer | None) -> None:
        self.store = store
        self.checkpoints = checkpoints
        self.signer = signer
        """None: this process has no key; it signs nothing and serves what others signed."""
        self._trees: dict[str, _Tree] = {}

    @classmethod
    async def open(
        cls, store: Store, store_url: str, key_file: str = "", *, new_key: bool = False
    ) -> Transparency:
        """Load the server's key (made on first start) and open the checkpoints;
        without a signer, and a warning, for a PostgreSQL store without a key file.
        Raises ``KeyRefused`` rather than sign beside another key's checkpoints
        (``signer_for``)."""
        path = key_path(store_url, key_file)
        checkpoints = await open_checkpoints(store_url)
        signer: Signer | None = None
        try:
            if path is None:
                log.warning(NO_KEY_WARNING)
            else:
                signer, made = await signer_for(path, checkpoints, new_key=new_key)
                if made:
                    log.warning("created the signing key %s (public key %s)", path, signer.key)
        except BaseException:
            await checkpoints.close()
            raise
        return cls(store, checkpoints, signer)

    async def close(self) -> None:
        for entry in self._trees.values():
            for task in (entry.taking, entry.warming):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, LogError):
                        await task
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
        """Called after a command's events are applied (consecutive seqs): grow
        the tree, and sign at each published result.

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
        if self.signer is None:
            return
        for envelope in envelopes:
            if not isinstance(envelope.data, SIGNED_AFTER):
                continue
            try:
                await self.sign(stream, envelope.seq)
            except Exception:
                log.exception("%s: could not sign the checkpoint at seq %d", stream, envelope.seq)

    async def loaded(self, stream: str, seq: int) -> None:
        """Called when a process has loaded ``stream`` up to ``seq``: sign at
        each event due a checkpoint committed since the latest one, which no
        process signed (its process stopped between the commit and the
        signature, or no host with the key was running). They go to the
        stream's task of followed events, so loading waits for no signature
        and ``settled`` (the checkpoint served) waits for them."""
        try:
            latest = await self.latest(stream)
            signed = 0 if latest is None else latest[1].size
            missed = [
                envelope
                async for envelope in self.store.read(stream, signed + 1, seq)
                if isinstance(envelope.data, SIGNED_AFTER)
            ]
        except Exception:  # the log is durable: a failure here is logged, never raised
            log.exception("%s: could not look for results committed unsigned", stream)
            return
        if missed:
            log.warning(
                "%s: signing %d checkpoints committed since the last one signed (seq %d)",
                stream,
                len(missed),
                signed,
            )
            self.followed(stream, missed)

    def followed(self, stream: str, envelopes: Sequence[Envelope]) -> None:
        """Called, without waiting, with the events of other processes this one
        applied, in seq order: they are taken into the tree and signed where
        due as our own are, by a task of the stream's, so that following the
        log never waits for the store of checkpoints."""
        if not envelopes:
            return
        entry = self._entry(stream)
        entry.followed.extend(envelopes)
        entry.queued = max(entry.queued, envelopes[-1].seq)
        if entry.taking is None:
            entry.taking = asyncio.get_running_loop().create_task(self._take(stream, entry))

    async def _take(self, stream: str, entry: _Tree) -> None:
        try:
            while entry.followed:
                # each run of consecutive seqs at once (our own commits come
                # between the others' and are taken by ``committed``)
                run = [entry.followed.popleft()]
                while entry.followed and entry.followed[0].seq == run[-1].seq + 1:
                    run.append(entry.followed.popleft())
                await self.committed(stream, run)
                entry.taken = run[-1].seq
                _wake(entry, entry.taken)
        finally:
            entry.taking = None
            _wake(entry, entry.queued)  # stopped (closing, or a bug): nobody waits for it

    async def settled(self, stream: str) -> None:
        """Wait until the other processes' commits applied so far are taken
        (and signed, where due): what this process shows, its checkpoints
        cover, as they would if it had committed it."""
        entry = self._trees.get(stream)
        if entry is None or entry.taking is None or entry.taken >= entry.queued:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry.waiting.append((entry.queued, future))
        await future

    async def latest(self, stream: str) -> tuple[str, Checkpoint] | None:
        """The latest stored note and what it states (once what this process
        applied of others' commits is signed: ``settled``)."""
        await self.settled(stream)
        note = await self.checkpoints.latest(stream)
        if note is None:
            return None
        return note, parse_body(note.partition("\n\n")[0] + "\n")


def _warmed(stream: str, entry: _Tree, task: asyncio.Task[MerkleTree]) -> None:
    entry.warming = None
    if not task.cancelled() and (error := task.exception()) is not None:
        log.warning("%s: the Merkle tree could not be read from the log: %s", stream, error)


def _wake(entry: _Tree, taken: int) -> None:
    """Settle the readers waiting for seqs up to ``taken``."""
    still = []
    for seq, future in entry.waiting:
        if seq > taken:
            still.append((seq, future))
        elif not future.done():
            future.set_result(None)
    entry.waiting = still
