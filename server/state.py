"""What the app holds while it runs, opened and closed in its lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from events.credentials import Credentials
from server.auth import Authenticator
from server.registry import Registry
from server.settings import Settings
from server.transparency import Transparency


@dataclass
class AppState:
    settings: Settings
    registry: Registry
    credentials: Credentials
    auth: Authenticator
    transparency: Transparency

    def base_url(self) -> str:
        return self.settings.base_url()

    def judge_link(self, stream: str, token: str) -> str:
        """The judge's page; the token rides in the fragment, never sent to a server log."""
        return f"{self.base_url()}/judge/{stream}#token={token}"
