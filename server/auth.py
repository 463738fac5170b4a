"""Who is asking: bearer tokens checked against their stored digests.

Comparison in constant time: a token is never compared with a stored secret.
It is hashed (SHA-256) and the digest is looked up (in the cache,
``server.token_cache``, then in the credentials table's index). How long a
lookup takes depends only on the digest of what the client sent (and on the
other lookups of the moment), and the client cannot choose digest bytes
without breaking SHA-256's preimage resistance, so timing tells it nothing
about any stored token: it cannot learn a valid token's prefix one byte at a
time, as it could against ``==`` on the tokens themselves.

Guessing is slowed down and then refused per client address
(``server.ratelimit.BadTokens``); the address is the peer's, or behind a
proxy the one uvicorn takes from ``X-Forwarded-For`` (trusted from
127.0.0.1 only). A token the store ever answered as good is not refused
when its address is blocked (it is looked up, so a revoked one is still
refused): judges behind one venue NAT keep working while one stale link is
refused, however long ago they last sent a score.
"""

from __future__ import annotations

import asyncio

from starlette.requests import HTTPConnection
from starlette.types import Scope

from events.credentials import Credential, Credentials, token_hash
from events.envelope import Actor
from server.errors import ApiError
from server.ratelimit import BadTokens
from server.token_cache import UNKNOWN, TokenCache

Role = str  # "admin", "judge", "auditor", or "public" without a token


class Authenticator:
    """Looks tokens up, trusting an answer for ``cache_seconds`` (revocation by
    another process is seen within that time; by this one, at once)."""

    def __init__(
        self, credentials: Credentials, cache_seconds: float, bad_tokens: BadTokens
    ) -> None:
        self.bad_tokens = bad_tokens
        self._tokens = TokenCache(credentials, cache_seconds)

    async def identify(
        self, token: str | None, stream: str, address: str = ""
    ) -> Credential | None:
        """The credential of ``token`` for ``stream``; None for no token.

        A token that is unknown, revoked or for another competition is refused
        (and counted against the client ``address``; callers that cannot tell
        it share the count of ``""``).
        """
        credential = await self._lookup(token, address)
        if credential is not None and credential.stream != stream:
            await self._refuse(address)
        return credential

    async def identify_anywhere(self, token: str | None, address: str = "") -> Credential | None:
        """The credential of ``token`` in whichever competition it belongs to."""
        return await self._lookup(token, address)

    async def _lookup(self, token: str | None, address: str) -> Credential | None:
        if not token:
            return None
        digest = token_hash(token)
        credential = self._tokens.known(digest)
        if credential is UNKNOWN:
            if not self._tokens.vouched(digest):
                self.bad_tokens.check(address)
            credential = await self._tokens.fetch(digest)
        if credential is None:
            await self._refuse(address)
        return credential

    async def _refuse(self, address: str) -> None:
        delay = self.bad_tokens.failed(address)
        if delay:
            await asyncio.sleep(delay)  # answer late: guessing gets slow
        raise ApiError(
            401,
            "invalid_token",
            "This link or token is not valid (revoked or mistyped).",
            "该链接或令牌无效（已作废或有误）",
        )

    def forget(self) -> None:
        """Drop cached answers (after this process revoked a token)."""
        self._tokens.forget()


def client_address(conn: HTTPConnection) -> str:
    """The client's address, the key of its bad-token count."""
    return peer_address(conn.scope)


def peer_address(scope: Scope) -> str:
    """``client_address`` of an ASGI scope."""
    client = scope.get("client")
    return client[0] if client else ""


def bearer(header: str | None) -> str | None:
    if header and header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


def require(credential: Credential | None, *roles: str) -> Actor:
    """The actor of ``credential`` if it holds one of ``roles``, else 401/403."""
    if credential is None:
        raise ApiError(
            401,
            "token_required",
            "This needs a token (Authorization: Bearer …).",
            "此操作需要令牌",
        )
    if credential.role not in roles:
        raise ApiError(
            403,
            "forbidden",
            f"An {credential.role} token cannot do this."
            if credential.role[:1] in "aeiou"
            else f"A {credential.role} token cannot do this.",
            "当前身份无权执行此操作",
        )
    return Actor(role=credential.role, id=credential.subject)
