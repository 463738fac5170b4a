"""The server's Ed25519 signing key: one file beside the database, never in the log.

The file holds one line in the signed-note signer format,
``PRIVATE+KEY+<name>+<key id>+<base64(0x01 || 32-byte seed)>``, mode 0600.
For SQLite it is ``<database>.key`` unless the ``key_file`` setting
(``LEITAI_KEY_FILE``) names another; for PostgreSQL that setting must name it. Exports and backups of the log never contain it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from events.checkpoint import ED25519, Checkpoint, CheckpointError, VerifierKey, signature_line

KEY_NAME = "leitai"
PREFIX = "PRIVATE+KEY+"


def key_path(store_url: str, key_file: str = "") -> Path | None:
    """Where the signing key of the store at ``store_url`` lives: ``key_file``,
    else beside a SQLite database; None for PostgreSQL without ``key_file``."""
    if key_file:
        return Path(key_file)
    if store_url.startswith(("postgresql://", "postgres://")):
        return None
    return Path(store_url.removeprefix("sqlite://") + ".key")


class Signer:
    """Signs checkpoints with the server's key."""

    def __init__(self, name: str, private: Ed25519PrivateKey) -> None:
        self.name = name
        self._private = private
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key = VerifierKey(name, public)

    def sign(self, checkpoint: Checkpoint) -> str:
        """The checkpoint as a signed note."""
        body = checkpoint.body()
        signature = self._private.sign(body.encode())
        return body + "\n" + signature_line(self.name, self.key.public_key, signature)

    def private_line(self) -> str:
        seed = self._private.private_bytes_raw()
        encoded = base64.b64encode(ED25519 + seed).decode()
        return f"{PREFIX}{self.name}+{self.key.id.hex()}+{encoded}\n"


def read_key(path: Path) -> Signer:
    """The signer in the key file at ``path``; raises ``CheckpointError``."""
    text = path.read_text().strip()
    parts = text.removeprefix(PREFIX).split("+", 2)
    if not text.startswith(PREFIX) or len(parts) != 3:
        raise CheckpointError(f"{path}: not a Leitai signing key file")
    name, hex_id, encoded = parts
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raw = b""
    if len(raw) != 33 or raw[:1] != ED25519:
        raise CheckpointError(f"{path}: not an Ed25519 signing key")
    signer = Signer(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
    if signer.key.id.hex() != hex_id:
        raise CheckpointError(f"{path}: the key id does not match the key")
    return signer


def load_or_create(path: Path) -> tuple[Signer, bool]:
    """The key at ``path``, made first (mode 0600) if missing; and whether it was made.

    The new key is written to a private temporary file and linked into place,
    so two processes starting at once agree on one key and none reads half a file.
    """
    if path.exists():
        return read_key(path), False
    signer = Signer(KEY_NAME, Ed25519PrivateKey.generate())
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as file:
            file.write(signer.private_line())
            file.flush()
            os.fsync(file.fileno())
        os.link(temporary, path)
    except FileExistsError:
        return read_key(path), False
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return signer, True


def read_public_key(text_or_path: str) -> VerifierKey:
    """A verifier key given inline (``name+id+key``) or as a file holding one."""
    try:
        text = Path(text_or_path).read_text()
    except OSError:
        text = text_or_path
    return VerifierKey.parse(text)
