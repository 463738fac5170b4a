"""Signed checkpoints: the note's bytes, its signature, the key file and what is refused."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from events.checkpoint import Checkpoint, CheckpointError, VerifierKey, open_note
from server.signing import Signer, load_or_create, read_key, read_public_key

ROOT_HASH = hashlib.sha256(b"root").digest()


def test_a_note_is_the_c2sp_checkpoint_with_an_ed25519_signature_line(tmp_path: Path) -> None:
    signer, made = load_or_create(tmp_path / "leitai.db.key")
    assert made
    note = signer.sign(Checkpoint("final-2026", 42, ROOT_HASH))
    body, signatures = note.split("\n\n")
    assert body.split("\n") == [
        "leitai/final-2026",
        "42",
        base64.b64encode(ROOT_HASH).decode(),
    ]
    [line] = signatures.splitlines()
    dash, name, encoded = line.split(" ")
    assert (dash, name) == ("\u2014", "leitai")
    raw = base64.b64decode(encoded)
    public = signer.key.public_key
    assert raw[:4] == hashlib.sha256(b"leitai\n\x01" + public).digest()[:4]
    # Checked with the signature library directly, not through events.checkpoint:
    Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], (body + "\n").encode())
    name, key_id, key = str(signer.key).split("+", 2)
    assert (name, key_id) == ("leitai", raw[:4].hex())
    assert base64.b64decode(key) == b"\x01" + public
    assert open_note(note, signer.key) == Checkpoint("final-2026", 42, ROOT_HASH)


def test_the_key_file_is_private_made_once_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "leitai.db.key"
    signer, made = load_or_create(path)
    again, made_again = load_or_create(path)
    assert made and not made_again
    assert again.key == signer.key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_key(path).key == signer.key
    assert [p.name for p in tmp_path.iterdir()] == ["leitai.db.key"]  # no temporary left
    assert read_public_key(str(signer.key)) == signer.key
    key_file = tmp_path / "public.txt"
    key_file.write_text(f"{signer.key}\n")
    assert read_public_key(str(key_file)) == signer.key


def test_a_broken_key_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "leitai.db.key"
    path.write_text("-----BEGIN PRIVATE KEY-----\n")
    with pytest.raises(CheckpointError, match="not a Leitai signing key file"):
        load_or_create(path)


def test_forged_and_foreign_checkpoints_are_refused_saying_why(tmp_path: Path) -> None:
    signer, _ = load_or_create(tmp_path / "a.key")
    other = Signer("leitai", Ed25519PrivateKey.generate())
    note = signer.sign(Checkpoint("t", 10, ROOT_HASH))
    body, signatures = note.split("\n\n")
    forged_root = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    forged = body.rsplit("\n", 1)[0] + f"\n{forged_root}\n\n{signatures}"
    bigger = note.replace("\n10\n", "\n11\n")
    cases = {
        "forged root": (forged, signer.key, "does not verify (forged or altered)"),
        "forged size": (bigger, signer.key, "size 11: the signature of key leitai+"),
        "another key": (note, other.key, "has no signature by key leitai+"),
        "unsigned": (body + "\n", signer.key, "no blank line before the signatures"),
        "not a checkpoint": (
            "hello\n1\nAA==\n\n\u2014 leitai AAAA\n",
            signer.key,
            "origin 'hello'",
        ),
        "two lines": ("leitai/t\n1\n\n\u2014 leitai AAAA\n", signer.key, "a size and a root hash"),
    }
    for case, (text, key, words) in cases.items():
        with pytest.raises(CheckpointError) as caught:
            open_note(text, key)
        assert words in str(caught.value), (case, str(caught.value))


def test_a_public_key_that_is_not_one_is_named() -> None:
    good = Signer("leitai", Ed25519PrivateKey.generate()).key
    name, key_id, key = str(good).split("+", 2)
    for text, words in (
        ("leitai", "expected <name>+<key id>+<base64 key>"),
        (f"{name}+{key_id}+!!!", "not base64"),
        (f"{name}+00000000+{key}", "does not match the key"),
        (f"{name}+{key_id}+" + base64.b64encode(os.urandom(33)).decode(), "not an Ed25519 key"),
    ):
        with pytest.raises(CheckpointError, match=re.escape(words)):
            VerifierKey.parse(text)
