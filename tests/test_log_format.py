"""The canonical encoding, the hash chain and the golden log, checked against
docs/log-format.md by an independent verifier written from that page alone."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import msgspec
import msgspec.inspect as mi
from hypothesis import given
from hypothesis import strategies as st

from events import EVENT_TYPES, catalog
from events.envelope import canonical, open_envelope
from events.ndjson import read_export
from tests.golden.examples import EXAMPLES
from tests.golden.generate import GOLDEN, golden_lines


def doc_verify(lines: list[bytes]) -> tuple[int, str] | str:
    """docs/log-format.md, "Verifying a stream", with json and hashlib only.

    Returns the head (seq, hash), or a message naming the first bad seq.
    """
    expected_seq, expected_prev, stream = 1, "0" * 64, None
    for line in lines:
        envelope = json.loads(line)
        given_hash = envelope.pop("hash")
        stream = stream or envelope["stream"]
        if envelope["seq"] != expected_seq:
            return f"bad seq {expected_seq}"
        if envelope["stream"] != stream or envelope["prev"] != expected_prev:
            return f"bad link at {expected_seq}"
        if set(envelope) != {"actor", "at", "data", "prev", "seq", "stream", "type", "v"}:
            return f"bad members at {expected_seq}"
        body = json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(bytes.fromhex(expected_prev) + body.encode()).hexdigest()
        if digest != given_hash:
            return f"bad hash at {expected_seq}"
        expected_seq, expected_prev = expected_seq + 1, given_hash
    return expected_seq - 1, expected_prev


def leitai(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args], capture_output=True, text=True, timeout=60
    )


# --- canonical bytes ---------------------------------------------------------

text = st.text(st.characters(codec="utf-8"), max_size=40)


@given(zh=text, en=text, reason=text.filter(bool))
def test_canonical_bytes_are_the_documented_json(zh: str, en: str, reason: str) -> None:
    event = catalog.ScoreAmended(
        judge="j1",
        contestant="c1",
        points={"b": Decimal("1.50"), "a": Decimal("0")},
        reason=reason,
    )
    label = catalog.Label(zh_cn=zh, en=en)
    for value in (event, label):
        as_json = json.dumps(
            msgspec.to_builtins(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        assert canonical(value) == as_json.encode()


def test_decimals_are_strings_as_recorded() -> None:
    event = catalog.PriorScoreRecorded(contestant="c1", source="expert", value=Decimal("88.50"))
    assert canonical(event) == b'{"contestant":"c1","source":"expert","value":"88.50"}'


# --- the golden log ----------------------------------------------------------


def test_golden_log_is_still_written_the_same_way() -> None:
    """Events of version 1 must keep their exact bytes: their hashes cover them."""
    written = GOLDEN.read_bytes().splitlines(keepends=True)
    assert golden_lines()[: len(written)] == written


def test_golden_log_holds_every_event_type_and_decodes() -> None:
    lines = GOLDEN.read_bytes().splitlines()
    types = {json.loads(line)["type"] for line in lines}
    missing = set(EVENT_TYPES) - types
    assert not missing, f"add examples of {missing} to tests/golden/examples.py and regenerate"
    for (_, event), (_, record) in zip(EXAMPLES, read_export(lines), strict=True):
        assert open_envelope(record.body, record.hash).data == event


def test_independent_verifier_agrees_on_the_golden_log() -> None:
    lines = GOLDEN.read_bytes().splitlines()
    seq, head = doc_verify(lines)  # type: ignore[misc]
    # One example of each event type is not a competition that was run, so
    # its revealed figures are not what the rules give: check the chain only.
    result = leitai("verify", "--chain-only", str(GOLDEN))
    assert result.returncode == 0, result.stderr
    assert f"head seq {seq}, head hash {head}" in result.stdout


def test_tampering_is_named_by_both_verifiers(tmp_path: Path) -> None:
    lines = GOLDEN.read_bytes().splitlines()
    lines[9] = lines[9].replace(b'"88.50"', b'"98.50"')
    assert doc_verify(lines) == "bad hash at 10"
    tampered = tmp_path / "tampered.ndjson"
    tampered.write_bytes(b"\n".join(lines) + b"\n")
    result = leitai("verify", str(tampered))
    assert result.returncode == 1
    assert "BROKEN at seq 10: hash mismatch" in result.stdout


def test_reordered_and_missing_events_are_named(tmp_path: Path) -> None:
    lines = GOLDEN.read_bytes().splitlines()
    swapped = [*lines[:4], lines[5], lines[4], *lines[6:]]
    dropped = [*lines[:6], *lines[7:]]
    for name, content, expected in (
        ("swapped", swapped, "BROKEN at seq 5"),
        ("dropped", dropped, "BROKEN at seq 7: seq 7 is missing"),
    ):
        path = tmp_path / f"{name}.ndjson"
        path.write_bytes(b"\n".join(content) + b"\n")
        result = leitai("verify", str(path))
        assert result.returncode == 1 and expected in result.stdout, result.stdout


def test_non_canonical_numbers_are_refused(tmp_path: Path) -> None:
    """A float where a decimal string belongs would hash differently elsewhere."""
    lines = GOLDEN.read_bytes().splitlines()
    path = tmp_path / "float.ndjson"
    path.write_bytes(b"\n".join([*lines[:9], lines[9].replace(b'"88.50"', b"88.5")]) + b"\n")
    result = leitai("verify", str(path))
    assert result.returncode == 1 and "BROKEN at seq 10" in result.stdout


def test_bad_inputs_get_one_line_and_no_traceback(tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.ndjson"
    truncated.write_bytes(GOLDEN.read_bytes()[:-40])
    empty = tmp_path / "empty.db"
    empty.touch()
    not_ours = tmp_path / "notes.txt"
    not_ours.write_text("hello\n")
    other_sqlite = tmp_path / "other.db"
    subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sqlite3; sqlite3.connect({str(other_sqlite)!r}).execute('create table t(x)')",
        ],
        check=True,
    )
    for path, words in (
        (truncated, "truncated"),
        (empty, "empty file"),
        (not_ours, "neither a Leitai database nor an NDJSON export"),
        (other_sqlite, "not a Leitai database"),
        (tmp_path / "missing.db", "no such file"),
    ):
        result = leitai("verify", str(path))
        assert result.returncode == 2, (path, result)
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def omitted_defaults() -> dict[str, dict[str, object]]:
    """Per event type, the members left out of the canonical bytes when equal to
    their default (docs/log-format.md, rule 6): path -> default as JSON. Paths
    name members with ``.``; ``[]`` is each item of an array, ``{}`` each value
    of a map. Only defaults that are null, booleans, integers, strings or empty
    arrays and maps count: msgspec writes a decimal or non-empty default even
    when equal (``"weight":"1"``), and so must every verifier."""

    def kept(default: object) -> bool:
        if isinstance(default, tuple | list | dict | frozenset):
            return len(default) == 0
        return default is None or isinstance(default, bool | int | str)

    def walk(t: object, path: str, out: dict[str, object]) -> None:
        if isinstance(t, mi.StructType):
            for f in t.fields:
                here = f"{path}.{f.encode_name}" if path else f.encode_name
                default = f.default
                if default is msgspec.NODEFAULT and f.default_factory is not msgspec.NODEFAULT:
                    default = f.default_factory()
                if default is not msgspec.NODEFAULT and kept(default):
                    out[here] = msgspec.json.decode(msgspec.json.encode(default))
                walk(f.type, here, out)
        elif isinstance(t, mi.ListType | mi.VarTupleType | mi.SetType | mi.FrozenSetType):
            walk(t.item_type, path + "[]", out)
        elif isinstance(t, mi.DictType):
            walk(t.value_type, path + "{}", out)
        elif isinstance(t, mi.UnionType):
            for member in t.types:
                walk(member, path, out)
        elif isinstance(t, mi.Metadata):
            walk(t.type, path, out)

    table: dict[str, dict[str, object]] = {}
    for name, cls in EVENT_TYPES.items():
        found: dict[str, object] = {}
        walk(mi.type_info(cls), "", found)
        if found:
            table[name] = found
    return table


DOCS = Path(__file__).resolve().parent.parent / "docs"


def doc_verifier() -> ModuleType:
    """docs/verifier.py, loaded as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("doc_verifier", DOCS / "verifier.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_independent_verifier_knows_every_default_that_is_left_out() -> None:
    assert omitted_defaults() == doc_verifier().DEFAULTS, (
        "docs/verifier.py's DEFAULTS and the table in docs/log-format.md must list "
        "tests.test_log_format.omitted_defaults(): a member with a default was added"
    )
    rows: dict[str, str] = {}
    for line in (DOCS / "log-format.md").read_text().splitlines():
        if line.startswith("| `"):
            name = line.split("|")[1].strip()
            rows[name] = rows.get(name, "") + line
    for event_type, paths in omitted_defaults().items():
        row = rows.get(f"`{event_type}`", "")
        for path, default in paths.items():
            cell = f"`{path}`: `{json.dumps(default, ensure_ascii=False)}`"
            assert cell in row, f"docs/log-format.md, rule 6's table: {event_type} lacks {cell}"


def test_a_member_spelled_out_at_its_default_is_refused_by_both_verifiers(tmp_path: Path) -> None:
    """The docs say such a member is left out, so bytes holding it are not
    canonical: both verifiers refuse the event, though its hash is good."""
    lines = GOLDEN.read_bytes().splitlines()
    at = next(i for i, line in enumerate(lines) if b'"type":"score_submitted"' in line)
    envelope = json.loads(lines[at])
    assert "abstain" not in envelope["data"]
    envelope["data"]["abstain"] = False
    del envelope["hash"]
    body = canonical(envelope)
    envelope["hash"] = hashlib.sha256(bytes.fromhex(envelope["prev"]) + body).hexdigest()
    path = tmp_path / "spelled-out.ndjson"
    path.write_bytes(b"\n".join([*lines[:at], canonical(envelope)]) + b"\n")
    seq = at + 1
    result = leitai("verify", "--chain-only", str(path))
    assert result.returncode == 1 and f"BROKEN at seq {seq}" in result.stdout, result.stdout
    assert "canonical" in result.stdout
    independent = subprocess.run(
        [sys.executable, str(DOCS / "verifier.py"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert independent.returncode == 1, independent.stdout + independent.stderr
    assert f"seq {seq} is not canonical: data member abstain" in independent.stdout
