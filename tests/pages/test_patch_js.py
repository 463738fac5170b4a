"""The pages' JSON Patch (static/js/patch.js) gives, from every patch the
server computes (server/patches.py), the server's new view, and leaves the
view it started from as it was (pages may still hold it)."""

from __future__ import annotations

import copy
import random
from typing import Any

import msgspec

from server.patches import diff
from tests.pages.conftest import Server

APPLY_ALL = """async (cases) => {
  const { applyPatch } = await import("/static/js/patch.js");
  return cases.map(([old, ops]) => {
    const before = JSON.stringify(old);
    const result = applyPatch(old, ops);
    return [result, JSON.stringify(old) === before];
  });
}"""


def document(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(7 if depth < 3 else 4)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.randrange(2, 1000)
    if kind == 3:
        return rng.choice(["", "a", "擂台", "a/b", "~0", "85.50"])
    if kind in (4, 5):
        return [document(rng, depth + 1) for _ in range(rng.randrange(6))]
    keys = ["a", "b", "a/b", "~c", "评分"]
    return {rng.choice(keys): document(rng, depth + 1) for _ in range(rng.randrange(5))}


def edit(rng: random.Random, doc: Any) -> Any:
    """``doc`` with a few changes deep inside, as between two publications."""
    new = copy.deepcopy(doc)
    for _ in range(rng.randrange(1, 4)):
        parent, key, node = None, None, new
        while isinstance(node, (list, dict)) and node and (parent is None or rng.random() < 0.7):
            parent = node
            key = rng.randrange(len(node)) if isinstance(node, list) else rng.choice(list(node))
            node = node[key]
        assert parent is not None  # the root is a dict of three members
        if isinstance(parent, list) and rng.random() < 0.4:
            del parent[key]
        elif isinstance(parent, list) and rng.random() < 0.5:
            parent.insert(key, document(rng, 2))
        else:
            parent[key] = document(rng, 2)
    return new


def test_the_pages_apply_the_servers_patches_exactly(server: Server, browser: Any) -> None:
    rng = random.Random(2026)
    pairs = []
    for _ in range(400):
        old = {"seq": rng.randrange(2, 99), "data": document(rng), "rows": document(rng)}
        pairs.append((old, edit(rng, old)))
    cases = [(old, msgspec.to_builtins(diff(old, new))) for old, new in pairs]
    page = browser.new_page()
    page.goto(f"{server.url}/static/js/patch.js")
    results = page.evaluate(APPLY_ALL, cases)
    assert len(results) == len(pairs)
    for (old, new), (_, ops), (result, untouched) in zip(pairs, cases, results, strict=True):
        assert msgspec.json.encode(result) == msgspec.json.encode(new), (old, ops)
        assert untouched, (old, ops)
    assert sum(1 for _, ops in cases if ops and ops[0]["path"]) > 300  # real patches
    page.close()
