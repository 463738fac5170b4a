"""The Merkle tree against RFC 6962 §2.1 written out here as the RFC states it.

The reference is the RFC's recursive definitions (MTH, PATH, PROOF/SUBPROOF)
over slices of the leaf list, memoised per slice so that every proof of every
tree size from 1 to 300 stays cheap; it shares no code with ``events.merkle``.
"""

from __future__ import annotations

import hashlib
from functools import cache

from events.merkle import MerkleTree, consistent, leaf_hash, root_from_inclusion_proof

SIZES = 300
EVENT_HASHES = [hashlib.sha256(f"event {i}".encode()).digest() for i in range(SIZES)]


@cache
def mth(lo: int, hi: int) -> bytes:
    """MTH(D[lo:hi])."""
    if hi - lo == 1:
        return hashlib.sha256(b"\x00" + EVENT_HASHES[lo]).digest()
    k = 1
    while k * 2 < hi - lo:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(lo, lo + k) + mth(lo + k, hi)).digest()


def path(m: int, lo: int, hi: int) -> list[bytes]:
    """PATH(m, D[lo:hi])."""
    n = hi - lo
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return [*path(m, lo, lo + k), mth(lo + k, hi)]
    return [*path(m - k, lo + k, hi), mth(lo, lo + k)]


def subproof(m: int, lo: int, hi: int, whole: bool) -> list[bytes]:
    """SUBPROOF(m, D[lo:hi], b)."""
    n = hi - lo
    if m == n:
        return [] if whole else [mth(lo, hi)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*subproof(m, lo, lo + k, whole), mth(lo + k, hi)]
    return [*subproof(m - k, lo + k, hi, False), mth(lo, lo + k)]


def grown() -> MerkleTree:
    tree = MerkleTree()
    tree.extend(EVENT_HASHES)
    return tree


def test_roots_and_leaves_of_every_size_match_the_rfc() -> None:
    tree = MerkleTree()
    for n in range(1, SIZES + 1):
        tree.append(EVENT_HASHES[n - 1])
        assert tree.root() == mth(0, n), n
    for n in range(1, SIZES + 1):  # earlier sizes stay answerable as the tree grows
        assert tree.root(n) == mth(0, n), n
        assert tree.leaf(n - 1) == leaf_hash(EVENT_HASHES[n - 1])


def test_inclusion_proofs_of_every_leaf_of_every_size() -> None:
    tree = grown()
    for n in range(1, SIZES + 1):
        root = mth(0, n)
        for m in range(n):
            proof = tree.inclusion_proof(m, n)
            assert proof == path(m, 0, n), (m, n)
            assert root_from_inclusion_proof(m, n, leaf_hash(EVENT_HASHES[m]), proof) == root


def test_consistency_proofs_of_every_pair_of_sizes() -> None:
    tree = grown()
    for n in range(1, SIZES + 1):
        for m in range(1, n + 1):
            proof = tree.consistency_proof(m, n)
            assert proof == subproof(m, 0, n, True), (m, n)
            assert consistent(m, n, mth(0, m), mth(0, n), proof), (m, n)


def _flipped(proof: list[bytes], index: int) -> list[bytes]:
    changed = list(proof)
    changed[index] = bytes([changed[index][0] ^ 1]) + changed[index][1:]
    return changed


def test_altered_inclusion_proofs_are_refused() -> None:
    tree = grown()
    for n in range(2, SIZES + 1, 7):
        root = mth(0, n)
        for m in range(0, n, 5):
            proof = path(m, 0, n)
            leaf = leaf_hash(EVENT_HASHES[m])
            for i in range(len(proof)):
                assert root_from_inclusion_proof(m, n, leaf, _flipped(proof, i)) != root
            other = leaf_hash(EVENT_HASHES[(m + 1) % n])
            assert root_from_inclusion_proof(m, n, other, proof) != root
            assert root_from_inclusion_proof((m + 1) % n, n, leaf, proof) != root
            assert root_from_inclusion_proof(m, n, leaf, [*proof, root]) is None
        assert root_from_inclusion_proof(n, n, leaf_hash(EVENT_HASHES[0]), []) is None
    assert tree.inclusion_proof(0, 1) == []


def test_altered_consistency_proofs_and_forked_roots_are_refused() -> None:
    forked = hashlib.sha256(b"another history").digest()
    for n in range(2, SIZES + 1, 7):
        for m in range(1, n, 3):
            proof = subproof(m, 0, n, True)
            old, new = mth(0, m), mth(0, n)
            for i in range(len(proof)):
                assert not consistent(m, n, old, new, _flipped(proof, i)), (m, n, i)
            assert not consistent(m, n, forked, new, proof)
            assert not consistent(m, n, old, forked, proof)
            assert not consistent(m, n, old, new, proof[:-1])
            assert not consistent(m, n, old, new, [*proof, new])
    assert consistent(5, 5, mth(0, 5), mth(0, 5), [])
    assert not consistent(5, 5, mth(0, 5), forked, [])
    assert not consistent(0, 5, mth(0, 5), mth(0, 5), [])
