"""Text typed into spreadsheet cells, compared as its reader sees it.

A cell often carries a space, a line break (Alt+Enter), an ideographic or
no-break space, or a zero-width character where its reader sees none:
``姓　名`` is the header 姓名 to the organiser who typed it.

Organisations: the rules compare them after NFKC, case folding and trimming
(``projections.state.organisation_key``): a judge never scores a contestant
of their own. That comparison is part of every log's replay and cannot
change; but "江城轨道交通 集团" is then another organisation than
"江城轨道交通集团", and the judge scores their own. A competition file with
two such names is refused, naming both, for the organisers to write alike
(or apart) before anything is appended.
"""

from __future__ import annotations

import unicodedata

from projections.state import organisation_key

_INVISIBLE = {"Zs", "Zl", "Zp", "Cc", "Cf"}
"""Spaces of every kind, line and paragraph separators, control and format
characters (zero-width spaces and joiners, the byte-order mark)."""


def spelling_key(name: str) -> str:
    """``name`` as the rules compare it, less every space and invisible character."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(c for c in folded if unicodedata.category(c) not in _INVISIBLE)


def visible(name: str) -> str:
    """``name`` with each character one cannot see (but a plain space) written as
    ``[U+XXXX]``, so that a message shows how two names differ."""
    return "".join(
        f"[U+{ord(c):04X}]" if c != " " and unicodedata.category(c) in _INVISIBLE else c
        for c in name
    )


def written_apart(name: str, other: str) -> bool:
    """Two organisations the rules take for two (``organisation_key``) though
    they differ only by spaces or invisible characters: one mistyped."""
    return spelling_key(name) == spelling_key(other) and organisation_key(name) != organisation_key(
        other
    )
