"""How large a competition may be: the limits its definition is checked against.

Each is far above any real show and low enough that one view, one export and
one judge's form stay small. A definition over a limit is refused before its
first event exists, naming the field, what was found and the limit.
"""

from __future__ import annotations

from projections.commands import MAX_CRITERIA, MAX_JUDGES

MAX_CONTESTANTS = 20_000
"""Contestants in one competition (every round together): a province-wide
evaluation of 10,000 units must fit (the replay benchmark's size)."""
MAX_LABEL_CHARS = 200
"""Characters in each language of a label (title, group, round, criterion)."""

__all__ = ["MAX_CONTESTANTS", "MAX_CRITERIA", "MAX_JUDGES", "MAX_LABEL_CHARS"]
