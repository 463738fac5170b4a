"""What a view was computed from, so that a page reconnecting keeps the one it holds.

A view is a pure function of the log up to its seq and of the code that folds
and encodes it. A page holding the view at seq S, computed from log L by code
C, holds what the server would send it now for S under L and C, so on
subscribing again it need not be sent the view again: on venue Wi-Fi that
drops, every phone would otherwise pull the whole board (hundreds of KB) at
every reconnection. A view message names its ``basis``, (L, C): the hash of
the log's first event (a log made again under the same id has another) and a
digest of the code (the projections' source and msgspec's version), so that
neither a new log nor a server upgraded mid-show is mistaken for the same.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import msgspec

import projections

_SERVER = Path(__file__).parent
_VIEW_CODE = ("live.py", "patches.py", "basis.py")
"""Beside the projections, the server's modules that shape a view message."""


@functools.cache
def code_digest() -> str:
    """A digest of the code views are computed and encoded by (read once)."""
    digest = hashlib.sha256(msgspec.__version__.encode())
    sources = sorted(Path(projections.__file__).parent.glob("*.py"))
    for source in [*sources, *(_SERVER / name for name in _VIEW_CODE)]:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def basis(origin: str) -> str:
    """The basis of views of the log whose first event hashed to ``origin``."""
    return f"{origin[:16]}.{code_digest()}"
