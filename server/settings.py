"""The server's settings: one object, from ``LEITAI_*`` environment variables and CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

HELP = {
    "host": "address to bind; 127.0.0.1 keeps the server private to this machine",
    "port": "TCP port; 0 picks a free one",
    "store": "the event store: sqlite:///path/to/leitai.db, a file path, or postgresql://…",
    "workers": "server processes (each follows the log and serves its own sockets)",
    "public_url": "the URL people reach the server at, for printed links and QR codes",
    "max_body_bytes": "largest request body accepted",
    "heartbeat_seconds": "interval of WebSocket heartbeats; a page is stale after 3 missed",
    "token_cache_seconds": (
        "how long a checked token is trusted (a token in use is looked up again,"
        " in the background, from half of it on)"
    ),
    "bad_tokens_before_delay": "invalid tokens from one client address (within a minute) "
    "before each further refusal is answered late (0.05 s, doubling up to 2 s)",
    "bad_tokens_before_block": "invalid tokens from one client address (within a minute) "
    "before it is refused outright (429 too_many_attempts, with Retry-After)",
    "bad_token_block_seconds": "how long a client address stays refused after too many "
    "invalid tokens",
    "ws_max_message_bytes": "largest message a WebSocket client may send; a larger one closes "
    "the socket (code 1009)",
    "ws_messages_per_second": "messages per second a WebSocket client may send (after a burst "
    "of 20); a flood closes the socket (code 1008)",
    "key_file": "the Ed25519 key checkpoints are signed with (made if missing); default "
    "<database>.key beside a SQLite store; a PostgreSQL store signs only if this is set, "
    "to the same file on every host (docs/deploy.md)",
    "new_key": "1: sign with this host's key (made if missing) even though the store's "
    "checkpoints are signed by another; only to replace a key lost for good, once "
    "(docs/deploy.md). Without it a host refuses to start rather than sign with a second key",
}


@dataclass(frozen=True)
class Settings:
    """Every setting, with its safe default; ``HELP`` documents each one."""

    host: str = "127.0.0.1"
    port: int = 8000
    store: str = "leitai.db"
    workers: int = 1
    public_url: str = ""
    max_body_bytes: int = 64 * 1024
    heartbeat_seconds: float = 5.0
    token_cache_seconds: float = 2.0
    bad_tokens_before_delay: int = 10
    bad_tokens_before_block: int = 30
    bad_token_block_seconds: float = 60.0
    ws_max_message_bytes: int = 4096
    ws_messages_per_second: float = 5.0
    key_file: str = ""
    new_key: bool = False

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, overridden by ``LEITAI_<NAME>`` variables, overridden by ``overrides``."""
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = os.environ.get(f"LEITAI_{f.name.upper()}")
            if raw is not None:
                kind = type(getattr(cls, f.name))
                values[f.name] = _flag(raw) if kind is bool else kind(raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def base_url(self, port: int | None = None) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{port or self.port}"


def _flag(raw: str) -> bool:
    """A yes/no setting: 1, true, yes or on (any case) is yes; anything else, no."""
    return raw.strip().lower() in ("1", "true", "yes", "on")
