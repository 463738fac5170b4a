"""Signed checkpoints: a stream's tree size and Merkle root, in a signed note.

The format is the C2SP tlog-checkpoint note (https://c2sp.org/tlog-checkpoint)
signed as a C2SP signed note with Ed25519 (https://c2sp.org/signed-note)::

    leitai/<stream>
    <tree size>
    <base64 root hash>

    — <key name> <base64(4-byte key id || 64-byte signature)>

The signature covers the text above the blank line (its three lines, each
ending in a newline). The key id is the first 4 bytes of SHA-256(key name
|| 0x0A || 0x01 || 32-byte public key). A verifier key is written
``<name>+<key id, 8 hex digits>+<base64(0x01 || public key)>``.
docs/log-format.md is the normative text.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from events.errors import LogError

ORIGIN_PREFIX = "leitai/"
ED25519 = b"\x01"
SIGNATURE_DASH = "\u2014 "
_NAME = re.compile(r"^[^\s+]+$")
_SIZE = re.compile(r"^(0|[1-9][0-9]{0,18})$")


class CheckpointError(LogError):
    """A checkpoint, signature or key that is malformed or does not verify."""


class Checkpoint(NamedTuple):
    """A signed statement: the first ``size`` events of ``stream`` hash to ``root``."""

    stream: str
    size: int
    root: bytes

    @property
    def origin(self) -> str:
        return ORIGIN_PREFIX + self.stream

    def body(self) -> str:
        """The signed text: origin, size and root, one per line."""
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte id of an Ed25519 key named ``name``."""
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public_key).digest()[:4]


class VerifierKey(NamedTuple):
    """A named Ed25519 public key, as the server publishes it."""

    name: str
    public_key: bytes

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.public_key)

    def __str__(self) -> str:
        encoded = base64.b64encode(ED25519 + self.public_key).decode()
        return f"{self.name}+{self.id.hex()}+{encoded}"

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        """Read ``<name>+<id hex>+<base64 key>``; raises ``CheckpointError``."""
        parts = text.strip().split("+", 2)
        if len(parts) != 3 or not _NAME.match(parts[0]):
            raise CheckpointError(
                f"public key {text.strip()[:40]!r}: expected <name>+<key id>+<base64 key>"
            )
        name, hex_id, encoded = parts
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise CheckpointError(f"public key of {name!r}: the key is not base64") from None
        if len(raw) != 33 or raw[:1] != ED25519:
            raise CheckpointError(f"public key of {name!r}: not an Ed25519 key")
        key = cls(name, raw[1:])
        if key.id.hex() != hex_id.lower():
            raise CheckpointError(f"public key of {name!r}: key id {hex_id} does not match the key")
        return key

    def verifies(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


def signature_line(name: str, public_key: bytes, signature: bytes) -> str:
    """One signature line of a note, newline included."""
    encoded = base64.b64encode(key_id(name, public_key) + signature).decode()
    return f"{SIGNATURE_DASH}{name} {encoded}\n"


def parse_body(text: str) -> Checkpoint:
    """The checkpoint a note's signed text states; raises ``CheckpointError``."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise CheckpointError("a checkpoint has an origin, a size and a root hash, one per line")
    origin, size, root = lines[:3]
    if not origin.startswith(ORIGIN_PREFIX) or len(origin) == len(ORIGIN_PREFIX):
        raise CheckpointError(f"checkpoint origin {origin[:80]!r}: expected leitai/<stream>")
    if not _SIZE.match(size):
        raise CheckpointError(f"checkpoint tree size {size[:40]!r} is not a whole number")
    try:
        raw = base64.b64decode(root, validate=True)
    except binascii.Error:
        raw = b""
    if len(raw) != 32:
        raise CheckpointError(f"checkpoint root {root[:60]!r} is not a base64 SHA-256 hash")
    return Checkpoint(origin[len(ORIGIN_PREFIX) :], int(size), raw)


def signed_by(note: str) -> set[str]:
    """The keys whose signature lines a note carries, as ``<name>+<key id hex>``
    (not verified: for telling keys apart, never for trusting a note)."""
    found = set()
    for line in note.partition("\n\n")[2].splitlines():
        name, _, encoded = line.removeprefix(SIGNATURE_DASH).partition(" ")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            continue
        if line.startswith(SIGNATURE_DASH) and len(raw) >= 4:
            found.add(f"{name}+{raw[:4].hex()}")
    return found


def open_note(note: str, key: VerifierKey) -> Checkpoint:
    """The checkpoint of a signed note, once ``key``'s signature on it verifies.

    Raises ``CheckpointError`` saying what is wrong: the shape, no signature
    by this key, or a signature that does not verify (a forged or altered note).
    """
    body, sep, signatures = note.partition("\n\n")
    if not sep:
        raise CheckpointError("not a signed note: no blank line before the signatures")
    body += "\n"
    checkpoint = parse_body(body)
    found = False
    for line in signatures.splitlines():
        if not line:
            continue
        if not line.startswith(SIGNATURE_DASH):
            raise CheckpointError(f"signature line {line[:60]!r} does not start with '— '")
        name, _, encoded = line[len(SIGNATURE_DASH) :].partition(" ")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise CheckpointError(f"the signature of {name!r} is not base64") from None
        if name != key.name or raw[:4] != key.id:
            continue
        found = True
        if len(raw) != 68 or not key.verifies(body.encode(), raw[4:]):
            raise CheckpointError(
                f"checkpoint {checkpoint.origin} size {checkpoint.size}: the signature of "
                f"key {key.name}+{key.id.hex()} does not verify (forged or altered)"
            )
    if not found:
        raise CheckpointError(
            f"checkpoint {checkpoint.origin} size {checkpoint.size} has no signature by "
            f"key {key.name}+{key.id.hex()} (signed with another key?)"
        )
    return checkpoint
