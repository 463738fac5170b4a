"""The credentials kept beside the log, on every backend: tokens looked up by
digest, many in one query; revoked and unknown ones absent."""

from __future__ import annotations

from events.credentials import LOOKUP_CHUNK, open_credentials, token_hash
from events.store import open_store
from tests.conftest import Backend


async def test_tokens_are_looked_up_by_digest_many_at_once(backend: Backend) -> None:
    store = await open_store(backend.url)  # the log first, as the server opens them
    credentials = await open_credentials(backend.url)
    try:
        count = LOOKUP_CHUNK + 20  # more than one SQLite query's worth
        tokens = [await credentials.issue("c", "judge", f"J{i}") for i in range(count)]
        admin = await credentials.issue("c", "admin", "admin")
        assert await credentials.revoke("c", "judge", "J0") == 1
        digests = [token_hash(t) for t in [*tokens, admin]] + [token_hash("made up")]
        found = await credentials.lookup(digests)
        assert set(found) == set(digests[1:-1])  # J0 revoked, the made-up one unknown
        assert found[token_hash(admin)].role == "admin"
        assert all(found[token_hash(tokens[i])].subject == f"J{i}" for i in range(1, count))
        assert not any(c.revoked for c in found.values())
        assert await credentials.lookup([]) == {}
    finally:
        await credentials.close()
        await store.close()
