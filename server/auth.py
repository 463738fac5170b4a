"""Who is asking: bearer tokens checked against their stored digests."""

from __future__ import annotations

import time

from events.credentials import Credential, Credentials, token_hash
from events.envelope import Actor
from server.errors import ApiError

Role = str  # "admin", "judge", "auditor", or "public" without a token


class Authenticator:
    """Looks tokens up, trusting an answer for ``cache_seconds`` (revocation by
    another process is seen within that time; by this one, at once)."""

    def __init__(self, credentials: Credentials, cache_seconds: float) -> None:
        self.credentials = credentials
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, Credential | None]] = {}

    async def identify(self, token: str | None, stream: str) -> Credential | None:
        """The credential of ``token`` for ``stream``; None for no token.

        A token that is unknown, revoked or for another competition is refused.
        """
        if not token:
            return None
        digest = token_hash(token)
        now = time.monotonic()
        cached = self._cache.get(digest)
        if cached is not None and now - cached[0] < self._cache_seconds:
            credential = cached[1]
        else:
            credential = await self.credentials.lookup(token)
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[digest] = (now, credential)
        if credential is None or credential.stream != stream:
            raise ApiError(
                401,
                "invalid_token",
                "This link or token is not valid (revoked or mistyped).",
                "该链接或令牌无效（已作废或有误）",
            )
        return credential

    async def identify_anywhere(self, token: str | None) -> Credential | None:
        """The credential of ``token`` in whichever competition it belongs to."""
        if not token:
            return None
        credential = await self.credentials.lookup(token)
        if credential is None:
            raise ApiError(
                401,
                "invalid_token",
                "This link or token is not valid (revoked or mistyped).",
                "该链接或令牌无效（已作废或有误）",
            )
        return credential

    def forget(self) -> None:
        """Drop cached answers (after this process revoked a token)."""
        self._cache.clear()


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
            f"A {credential.role} token cannot do this.",
            "当前身份无权执行此操作",
        )
    return Actor(role=credential.role, id=credential.subject)
