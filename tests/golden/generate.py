"""Write tests/golden/v1.ndjson from ``examples.EXAMPLES`` with a fixed clock."""

from pathlib import Path

from events.envelope import GENESIS, encode_data, export_line, seal
from tests.golden.examples import EXAMPLES

GOLDEN = Path(__file__).with_name("v1.ndjson")
STREAM = "golden"


def golden_lines() -> list[bytes]:
    lines, prev = [], GENESIS
    for seq, (actor, event) in enumerate(EXAMPLES, start=1):
        at = f"2026-11-22T08:{seq // 60:02d}:{seq % 60:02d}.000000Z"
        body, hash_ = seal(
            stream=STREAM,
            seq=seq,
            at=at,
            actor=actor,
            event=event,
            data=encode_data(event),
            prev=prev,
        )
        lines.append(export_line(body, hash_) + b"\n")
        prev = hash_
    return lines


if __name__ == "__main__":
    GOLDEN.write_bytes(b"".join(golden_lines()))
    print(f"wrote {GOLDEN}")
