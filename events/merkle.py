"""A stream's Merkle tree in the RFC 6962 style: roots, inclusion and consistency proofs.

The leaf of event ``seq`` is its 32-byte hash (``bytes.fromhex(envelope.hash)``),
at index ``seq - 1``; the event hash already commits to the event's canonical
bytes. ``leaf = SHA-256(0x00 || event hash)``, ``node = SHA-256(0x01 || left ||
right)``, the tree over n leaves splits at the largest power of two below n
(RFC 9162 §2.1). docs/log-format.md is the normative text.

``MerkleTree`` keeps every complete subtree's hash, level by level, in one
``bytearray`` per level (2n hashes, 64 bytes an event), so a root or a proof
of any size up to the current one costs O(log² n) hashes at worst and no reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from hashlib import sha256

HASH_SIZE = 32


def leaf_hash(event_hash: bytes) -> bytes:
    """The leaf hash of an event whose (raw, 32-byte) hash is ``event_hash``."""
    return sha256(b"\x00" + event_hash).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than ``size`` (``size`` ≥ 2)."""
    return 1 << ((size - 1).bit_length() - 1)


class MerkleTree:
    """The tree over a stream's leaves, grown one leaf at a time."""

    def __init__(self) -> None:
        self._levels: list[bytearray] = [bytearray()]
        self.size = 0

    def append(self, event_hash: bytes) -> None:
        """Add the next event's leaf, and every subtree it completes."""
        hashed = leaf_hash(event_hash)
        levels = self._levels
        self.size += 1
        level = 0
        count = self.size
        while True:
            levels[level] += hashed
            if count & 1:
                return
            row = levels[level]
            hashed = node_hash(bytes(row[-2 * HASH_SIZE : -HASH_SIZE]), hashed)
            count >>= 1
            level += 1
            if level == len(levels):
                levels.append(bytearray())

    def extend(self, event_hashes: Iterable[bytes]) -> None:
        for event_hash in event_hashes:
            self.append(event_hash)

    def _check(self, size: int) -> None:
        if not 0 < size <= self.size:
            raise ValueError(f"tree size {size} is not within 1…{self.size}")

    def _subtree(self, start: int, size: int) -> bytes:
        """The hash of the subtree over leaves ``start`` … ``start + size - 1``;
        ``start`` is a multiple of the largest power of two not above ``size``."""
        if size & (size - 1) == 0:
            level = size.bit_length() - 1
            index = (start >> level) * HASH_SIZE
            return bytes(self._levels[level][index : index + HASH_SIZE])
        k = _split(size)
        return node_hash(self._subtree(start, k), self._subtree(start + k, size - k))

    def root(self, size: int | None = None) -> bytes:
        """The root over the first ``size`` leaves (default: all)."""
        size = self.size if size is None else size
        self._check(size)
        return self._subtree(0, size)

    def leaf(self, index: int) -> bytes:
        """The leaf hash at ``index`` (0-based)."""
        self._check(index + 1)
        return bytes(self._levels[0][index * HASH_SIZE : (index + 1) * HASH_SIZE])

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """The audit path of leaf ``index`` in the tree of ``size`` leaves (RFC 9162 §2.1.3.1)."""
        self._check(size)
        if not 0 <= index < size:
            raise ValueError(f"leaf index {index} is not within 0…{size - 1}")
        path: list[bytes] = []
        start = 0
        while size > 1:
            k = _split(size)
            if index < k:
                path.append(self._subtree(start + k, size - k))
                size = k
            else:
                path.append(self._subtree(start, k))
                start, index, size = start + k, index - k, size - k
        path.reverse()
        return path

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        """The proof that the tree of ``old`` leaves is a prefix of the one of
        ``new`` leaves (RFC 9162 §2.1.4.1)."""
        self._check(new)
        if not 0 < old <= new:
            raise ValueError(f"old size {old} is not within 1…{new}")
        path: list[bytes] = []
        start, m, n, complete = 0, old, new, True
        while m != n:
            k = _split(n)
            if m <= k:
                path.append(self._subtree(start + k, n - k))
                n = k
            else:
                path.append(self._subtree(start, k))
                start, m, n, complete = start + k, m - k, n - k, False
        if not complete:
            path.append(self._subtree(start, m))
        path.reverse()
        return path


def root_from_inclusion_proof(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes]
) -> bytes | None:
    """The root that ``proof`` gives for ``leaf`` at ``index`` in a tree of
    ``size`` leaves, or None if the proof has the wrong shape (RFC 9162 §2.1.3.2)."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def consistent(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows the tree (``old``, ``old_root``) is a prefix of
    the tree (``new``, ``new_root``) (RFC 9162 §2.1.4.2)."""
    if not 0 < old <= new:
        return False
    if old == new:
        return not proof and old_root == new_root
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    if not path:
        return False
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0
