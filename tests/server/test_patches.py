"""``server.patches``: the JSON Patch from one view to the next, checked by
applying it as RFC 6902 says a client must."""

from __future__ import annotations

import copy
from typing import Any

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from server.patches import MAX_SPLICE, diff


def apply_patch(document: Any, ops: list[dict[str, Any]]) -> Any:
    """RFC 6902's add, remove and replace, on a copy of ``document``."""
    document = copy.deepcopy(document)
    for op in ops:
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in op["path"].split("/")[1:]]
        if not tokens:
            document = op["value"]
            continue
        parent = document
        for token in tokens[:-1]:
            parent = parent[int(token)] if isinstance(parent, list) else parent[token]
        last = tokens[-1]
        if isinstance(parent, list):
            index = int(last)
            assert 0 <= index <= len(parent) - (op["op"] != "add"), (op, parent)
            if op["op"] == "remove":
                del parent[index]
            elif op["op"] == "add":
                parent.insert(index, op["value"])
            else:
                parent[index] = op["value"]
        else:
            assert op["op"] == "add" or last in parent, (op, parent)
            if op["op"] == "remove":
                del parent[last]
            else:
                parent[last] = op["value"]
    return document


def ops_of(old: Any, new: Any) -> list[dict[str, Any]]:
    """The patch as a client receives it: encoded, then decoded."""
    ops = diff(old, new)
    result: list[dict[str, Any]] = msgspec.json.decode(msgspec.json.encode(ops))
    return result


def progress_doc(scored: set[int]) -> dict[str, Any]:
    judges = range(1, 8)
    return {
        "seq": 100 + len(scored),
        "on_stage": {
            "contestant": "c1",
            "expected": [
                {"judge": f"J{j}", "scored": True} if j in scored else {"judge": f"J{j}"}
                for j in judges
            ],
            "scored": len(scored),
            "missing": [f"J{j}" for j in judges if j not in scored],
        },
    }


def test_a_judge_scoring_is_their_dot_the_count_and_the_missing_list() -> None:
    old, new = progress_doc({1, 2}), progress_doc({1, 2, 5})
    assert ops_of(old, new) == [
        {"op": "replace", "path": "/seq", "value": 103},
        {"op": "add", "path": "/on_stage/expected/4/scored", "value": True},
        {"op": "replace", "path": "/on_stage/scored", "value": 3},
        {"op": "remove", "path": "/on_stage/missing/2"},
    ]
    assert apply_patch(old, ops_of(old, new)) == new


def test_a_list_changed_in_many_places_is_replaced_whole() -> None:
    old = {"rows": list(range(10, 20))}
    new = {"rows": list(range(10, 20 + MAX_SPLICE + 1))}
    assert ops_of(old, new) == [{"op": "replace", "path": "/rows", "value": new["rows"]}]
    shorter = {"rows": [10, 11, 15, 16, 17, 18, 19]}
    assert ops_of(old, shorter) == [{"op": "remove", "path": "/rows/2"}] * 3


def test_keys_are_escaped_as_json_pointers() -> None:
    old = {"a/b": {"~c": 1}, "gone": None}
    new = {"a/b": {"~c": 2}, "new": "新"}
    ops = ops_of(old, new)
    assert {"op": "replace", "path": "/a~1b/~0c", "value": 2} in ops
    assert apply_patch(old, ops) == new


def test_unchanged_is_no_operation_and_a_different_kind_is_a_whole_replacement() -> None:
    doc = progress_doc({3})
    assert diff(doc, copy.deepcopy(doc)) == []
    assert ops_of(doc, [doc]) == [{"op": "replace", "path": "", "value": [doc]}]


def test_a_decimal_string_that_keeps_its_value_but_not_its_digits_is_replaced() -> None:
    """A view holds decimals as strings, so "85.50" after "85.5" is a change."""
    assert ops_of({"final": "85.5"}, {"final": "85.50"}) == [
        {"op": "replace", "path": "/final", "value": "85.50"}
    ]


# Views hold no floats, and no member that can be a boolean in one view and
# an integer in the next; so neither do these documents (0 and 1 are left out).
leaves = st.one_of(st.none(), st.booleans(), st.integers(min_value=2), st.text(max_size=4))
documents = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.dictionaries(st.text(alphabet="ab/~", max_size=3), children, max_size=5),
    ),
    max_leaves=30,
)


@st.composite
def edited(draw: st.DrawFn) -> tuple[Any, Any]:
    """A document and another made from it by a few edits deep inside, as a
    view changes between two publications; or two unrelated documents."""
    old = draw(documents)
    new = copy.deepcopy(old)
    for _ in range(draw(st.integers(0, 4))):
        parent, key = None, None
        node = new
        while isinstance(node, (list, dict)) and node and draw(st.booleans()):
            keys = list(range(len(node))) if isinstance(node, list) else list(node)
            parent, key = node, draw(st.sampled_from(keys))
            node = node[key]
        replacement = draw(documents)
        if parent is None:
            new = replacement
        elif isinstance(parent, list) and draw(st.booleans()):
            del parent[key]
        else:
            parent[key] = replacement
    if draw(st.integers(0, 9)) == 0:
        new = draw(documents)
    return old, new


@given(edited())
def test_applying_the_patch_gives_the_new_document_exactly(pair: tuple[Any, Any]) -> None:
    old, new = pair
    wire = ops_of(old, new)
    assert msgspec.json.encode(apply_patch(old, wire)) == msgspec.json.encode(new)


@st.composite
def reranked(draw: st.DrawFn) -> tuple[list[Any], list[Any], int]:
    """A board's rows, and the same after one row moved (a reveal) and a few
    rows' members changed (the ranks below it); how many rows changed."""
    size = draw(st.integers(2, 30))
    old = [
        {"contestant": f"c{i}", "rank": i, "judges": [draw(leaves) for _ in range(3)]}
        for i in range(size)
    ]
    new = copy.deepcopy(old)
    row = new.pop(draw(st.integers(0, size - 1)))
    new.insert(draw(st.integers(0, size - 1)), row)
    edits = draw(st.lists(st.integers(0, size - 1), max_size=4))
    for i in edits:
        new[i]["rank"] = -new[i]["rank"] - 1
    return old, new, len(set(edits))


@given(reranked())
def test_a_row_that_moved_is_removed_and_added_and_the_rest_patched_where_they_are(
    case: tuple[list[Any], list[Any], int],
) -> None:
    old, new, edited_rows = case
    wire = ops_of({"overall": old}, {"overall": new})
    assert msgspec.json.encode(apply_patch({"overall": old}, wire)) == msgspec.json.encode(
        {"overall": new}
    )
    # not every row between its old and new place replaced by its neighbour
    assert len(wire) <= 2 + edited_rows, wire


def test_a_reveal_that_moves_one_row_up_is_two_operations_and_the_ranks() -> None:
    old = [{"contestant": c, "rank": r} for c, r in (("a", 1), ("b", 2), ("c", None))]
    new = [{"contestant": c, "rank": r} for c, r in (("c", 1), ("a", 2), ("b", 3))]
    assert ops_of({"rows": old}, {"rows": new}) == [
        {"op": "remove", "path": "/rows/2"},
        {"op": "add", "path": "/rows/0", "value": {"contestant": "c", "rank": 1}},
        {"op": "replace", "path": "/rows/1/rank", "value": 2},
        {"op": "replace", "path": "/rows/2/rank", "value": 3},
    ]
