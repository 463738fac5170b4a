#!/usr/bin/env python3
"""An independent verifier of Leitai logs, written from docs/log-format.md alone.

Python standard library only; it imports nothing of Leitai. It checks an
NDJSON export: each stream's hash chain, its Merkle tree, and (given the
server's public key) signed checkpoints against that tree::

    python3 verifier.py LOG.ndjson [--public-key KEY] [--checkpoint FILE ...]

or, for a judge's receipt (no log needed), with the proof from the server::

    python3 verifier.py --receipt SEQ:HASH --proof PROOF.json --public-key KEY

KEY is ``name+keyid+base64key`` or a file holding it. It prints one line per
stream and per checkpoint and exits 0 if everything holds, 1 if anything does
not, 2 if the input cannot be read. It does not recompute results: that needs
the scoring rules of docs/rules.md, which a fuller verifier would add.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import sys

ZERO_HASH = "0" * 64
ENVELOPE_MEMBERS = {"actor", "at", "data", "prev", "seq", "stream", "type", "v"}
"""An envelope's members, its hash aside (docs/log-format.md, "The envelope")."""


# --- canonical bytes and the chain (docs/log-format.md, "Canonical bytes") --------


class NotCanonical(ValueError):
    pass


def _reject_float(text: str) -> object:
    raise NotCanonical(f"the number {text} is not an integer")


def canonical(value: object) -> bytes:
    """JSON with sorted members, no white space, UTF-8, only the required escapes."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value).encode()
    if isinstance(value, int):
        return str(value).encode()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).encode()
    if isinstance(value, list):
        return b"[" + b",".join(canonical(v) for v in value) + b"]"
    if isinstance(value, dict):
        members = sorted(value.items())
        return b"{" + b",".join(canonical(k) + b":" + canonical(v) for k, v in members) + b"}"
    raise NotCanonical(f"a value of type {type(value).__name__}")


# Inside data, a member equal to its default is left out of the canonical bytes
# (docs/log-format.md, rule 6, whose table this is): path -> default. A path
# names members with "."; "[]" is each item of an array, "{}" each value of a map.
DEFAULTS: dict[str, dict[str, object]] = {
    "awards_published": {"final": True},
    "competition_created": {
        "decimals": 2,
        "rounding": "half_up",
        "rounds": [],
        "rounds[].name.en": "",
        "rounds[].name.zh-CN": "",
        "title.en": "",
        "title.zh-CN": "",
    },
    "group_defined": {"name.en": "", "name.zh-CN": ""},
    "judge_recused": {"contestant": None, "round": None},
    "judge_registered": {"shadow": False},
    "paper_sheet_entered": {"abstain": False},
    "prior_score_recorded": {"round": None},
    "result_revealed": {"aggregate": None, "final": None, "rank": None},
    "round_opened": {"contestants": [], "name.en": "", "name.zh-CN": ""},
    "rules_set": {
        "advancement": None,
        "advancement.scope": "group",
        "aggregation": "trimmed_mean",
        "awards": [],
        "awards[].count": None,
        "awards[].eliminates": False,
        "awards[].from_bottom": False,
        "awards[].name.en": "",
        "awards[].name.zh-CN": "",
        "awards[].scope": "overall",
        "awards[].share": None,
        "composite[].label.en": "",
        "composite[].label.zh-CN": "",
        "compose_from": "exact",
        "normalise": False,
        "quorum": 1,
        "tie_breaks[].source": None,
        "trim": 1,
    },
    "running_order_drawn": {"method": "sha256-fisher-yates"},
    "score_amended": {"abstain": False},
    "score_submitted": {"abstain": False, "on_behalf": None},
    "scoresheet_defined": {"criteria[].label.en": "", "criteria[].label.zh-CN": "", "places": 1},
    "settings_changed": {
        "decimals": None,
        "languages": None,
        "rounding": None,
        "title": None,
        "title.en": "",
        "title.zh-CN": "",
    },
}


def _spelled_out_default(event_type: str, data: object) -> str | None:
    """The path of a member of ``data`` written though equal to its default, or None."""
    for path, default in DEFAULTS.get(event_type, {}).items():
        *steps, name = re.findall(r"\[\]|\{\}|[^.\[\]{}]+", path)
        places = [data]
        for step in steps:
            if step == "[]":
                places = [item for place in places if isinstance(place, list) for item in place]
            elif step == "{}":
                places = [v for place in places if isinstance(place, dict) for v in place.values()]
            else:
                places = [
                    place[step] for place in places if isinstance(place, dict) and step in place
                ]
        for place in places:
            if isinstance(place, dict) and name in place:
                value = place[name]
                if type(value) is type(default) and value == default:
                    return path
    return None


def check_chain(envelopes: list[dict]) -> tuple[int, str, str | None]:
    """(last good seq, its hash, the first problem or None) of one stream."""
    seq, prev = 0, ZERO_HASH
    stream = envelopes[0].get("stream")
    for envelope in envelopes:
        body = dict(envelope)
        given = body.pop("hash", None)
        if body.get("seq") != seq + 1:
            return seq, prev, f"seq {seq + 1} is missing or out of order"
        if body.get("stream") != stream or body.get("prev") != prev:
            return seq, prev, f"seq {seq + 1} does not continue the chain"
        if set(body) != ENVELOPE_MEMBERS:
            odd = sorted(set(body) ^ ENVELOPE_MEMBERS)
            return (
                seq,
                prev,
                f"seq {seq + 1} is not canonical: members {odd} are unknown or missing",
            )
        try:
            data = canonical(body)
        except NotCanonical as exc:
            return seq, prev, f"seq {seq + 1} is not canonical: {exc}"
        spelled_out = _spelled_out_default(str(body.get("type")), body.get("data"))
        if spelled_out is not None:
            return (
                seq,
                prev,
                (
                    f"seq {seq + 1} is not canonical: data member {spelled_out} is written, "
                    "though equal to its default"
                ),
            )
        computed = hashlib.sha256(bytes.fromhex(prev) + data).hexdigest()
        if computed != given:
            return seq, prev, f"bad hash at seq {seq + 1}"
        seq, prev = seq + 1, computed
    return seq, prev, None


# --- the Merkle tree (docs/log-format.md, "The Merkle tree") ------------------------


def merkle_root(event_hashes: list[str]) -> bytes:
    """RFC 6962: leaf = SHA-256(0x00 || event hash), node = SHA-256(0x01 || l || r)."""
    if not event_hashes:
        return hashlib.sha256(b"").digest()
    level = [hashlib.sha256(b"\x00" + bytes.fromhex(h)).digest() for h in event_hashes]
    # Complete subtrees left to right; an odd node at the end waits for the
    # right edge, which is what splitting at the largest power of two gives.
    stack: list[tuple[int, bytes]] = []
    for leaf in level:
        size, node = 1, leaf
        while stack and stack[-1][0] == size:
            _, left = stack.pop()
            node = hashlib.sha256(b"\x01" + left + node).digest()
            size *= 2
        stack.append((size, node))
    _, root = stack.pop()
    while stack:
        _, left = stack.pop()
        root = hashlib.sha256(b"\x01" + left + root).digest()
    return root


# --- Ed25519 verification (RFC 8032 §5.1.7), for the checkpoint signatures ----------

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _add(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % P
    bb = (y1 + x1) * (y2 + x2) % P
    cc = 2 * t1 * t2 * D % P
    dd = 2 * z1 * z2 % P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _multiply(scalar: int, point: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    result = (0, 1, 1, 0)
    while scalar:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


def _equal(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def _decompress(raw: bytes) -> tuple[int, int, int, int] | None:
    if len(raw) != 32:
        return None
    y = int.from_bytes(raw, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        if sign:
            return None
        x = 0
    else:
        x = pow(x2, (P + 3) // 8, P)
        if (x * x - x2) % P:
            x = x * SQRT_M1 % P
        if (x * x - x2) % P:
            return None
        if x & 1 != sign:
            x = P - x
    return (x, y, 1, x * y % P)


_BY = 4 * pow(5, P - 2, P) % P
BASE = _decompress(_BY.to_bytes(32, "little"))


def ed25519_verify(public: bytes, message: bytes, signature: bytes) -> bool:
    if len(signature) != 64 or BASE is None:
        return False
    a = _decompress(public)
    r = _decompress(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % L
    return _equal(_multiply(s, BASE), _add(r, _multiply(h, a)))


# --- checkpoints (docs/log-format.md, "Signed checkpoints") ---------------------------


def parse_key(text: str) -> tuple[str, bytes, bytes]:
    """(name, key id, public key) of ``name+keyid+base64(0x01 || key)``."""
    name, key_id, encoded = text.strip().split("+", 2)
    raw = base64.b64decode(encoded, validate=True)
    if raw[:1] != b"\x01" or len(raw) != 33:
        raise ValueError("not an Ed25519 key")
    computed = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if computed.hex() != key_id:
        raise ValueError("the key id does not match the key")
    return name, computed, raw[1:]


def check_note(note: str, key: tuple[str, bytes, bytes]) -> tuple[str, int, bytes]:
    """(stream, size, root) of a checkpoint whose signature by ``key`` verifies."""
    name, key_id, public = key
    body, _, signatures = note.partition("\n\n")
    body += "\n"
    lines = body.split("\n")
    if len(lines) < 4 or not lines[0].startswith("leitai/"):
        raise ValueError("not a Leitai checkpoint")
    stream, size, root = lines[0][len("leitai/") :], int(lines[1]), base64.b64decode(lines[2])
    for line in signatures.splitlines():
        if not line.startswith("\u2014 "):
            continue
        signer, _, encoded = line[2:].partition(" ")
        raw = base64.b64decode(encoded)
        if signer == name and raw[:4] == key_id:
            if ed25519_verify(public, body.encode(), raw[4:]):
                return stream, size, root
            raise ValueError("the signature does not verify")
    raise ValueError("no signature by this key")


# --- judges' receipts (docs/log-format.md, "Checking checkpoints and receipts") ------


def root_from_proof(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes | None:
    """The root an inclusion proof gives (RFC 9162 §2.1.3.2), or None."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn % 2 == 1 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn // 2, sn // 2
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn, sn = fn // 2, sn // 2
    return r if sn == 0 else None


def check_receipt(receipt: str, proof: dict, note: str, key: tuple[str, bytes, bytes]) -> bool:
    """Print whether the receipt ``SEQ:HASH`` is in the checkpointed log."""
    seq_text, _, event_hash = receipt.partition(":")
    seq = int(seq_text)
    try:
        stream, size, root = check_note(note, key)
    except (ValueError, binascii.Error) as exc:
        print(f"receipt {seq}: CHECKPOINT REFUSED: {exc}")
        return False
    hashes = [bytes.fromhex(h) for h in proof["proof"]]
    leaf = hashlib.sha256(b"\x00" + bytes.fromhex(event_hash)).digest()
    if proof.get("size", size) != size or root_from_proof(seq - 1, size, leaf, hashes) != root:
        print(f"receipt {seq}: NOT IN THE LOG leitai/{stream} at size {size}")
        return False
    print(f"receipt {seq}: in the log leitai/{stream} at size {size}")
    return True


# --- the command ---------------------------------------------------------------------


USAGE = """usage: verifier.py LOG.ndjson [--public-key KEY] [--checkpoint FILE ...]
       verifier.py --receipt SEQ:HASH --proof PROOF.json --public-key KEY [--checkpoint FILE]"""


def main(argv: list[str]) -> int:
    args, key_text, paths, receipt, proof_path = [], None, [], None, None
    items = iter(argv)
    for arg in items:
        if arg == "--public-key":
            key_text = next(items, "")
        elif arg == "--checkpoint":
            paths.append(next(items, ""))
        elif arg == "--receipt":
            receipt = next(items, "")
        elif arg == "--proof":
            proof_path = next(items, "")
        else:
            args.append(arg)
    if receipt is not None:
        if args or proof_path is None or key_text is None or len(paths) > 1:
            print(USAGE, file=sys.stderr)
            return 2
        try:
            key = parse_key(_read_or_inline(key_text))
            with open(proof_path) as file:
                proof = json.load(file)
            note = _read_or_inline(paths[0]) if paths else proof["checkpoint"]
            ok = check_receipt(receipt, proof, note, key)
        except (OSError, ValueError, KeyError, TypeError, binascii.Error) as exc:
            print(f"verifier: cannot read the input: {exc}", file=sys.stderr)
            return 2
        return 0 if ok else 1
    if len(args) != 1 or (paths and key_text is None):
        print(USAGE, file=sys.stderr)
        return 2
    streams: dict[str, list[dict]] = {}
    try:
        with open(args[0], "rb") as file:
            for line in file:
                if line.strip():
                    envelope = json.loads(line, parse_float=_reject_float)
                    streams.setdefault(envelope["stream"], []).append(envelope)
        key = parse_key(_read_or_inline(key_text)) if key_text is not None else None
        notes = []
        for path in paths:
            with open(path) as file:
                notes.append((path, file.read()))
    except (OSError, ValueError, KeyError, TypeError, binascii.Error) as exc:
        print(f"verifier: cannot read the input: {exc}", file=sys.stderr)
        return 2
    good = True
    heads = {}
    for stream, envelopes in streams.items():
        seq, head, problem = check_chain(envelopes)
        heads[stream] = [e["hash"] for e in envelopes[:seq]]
        if problem is None:
            print(f"{stream}: intact, head seq {seq}, head hash {head}")
        else:
            good = False
            print(f"{stream}: BROKEN: {problem} (intact up to seq {seq})")
    for path, note in notes:
        try:
            stream, size, root = check_note(note, key)
        except (ValueError, binascii.Error) as exc:
            good = False
            print(f"{path}: CHECKPOINT REFUSED: {exc}")
            continue
        hashes = heads.get(stream, [])
        if size > len(hashes):
            good = False
            print(f"{path}: CHECKPOINT NOT MET: size {size}, the intact log holds {len(hashes)}")
        elif merkle_root(hashes[:size]) != root:
            good = False
            print(f"{path}: CHECKPOINT NOT MET: the first {size} events have another root")
        else:
            print(f"{path}: checkpoint of {stream} at size {size} matches")
    return 0 if good else 1


def _read_or_inline(text: str) -> str:
    """The content of the file ``text`` names, or ``text`` itself."""
    try:
        with open(text) as file:
            return file.read()
    except OSError:
        return text


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
