"""The real server of tests/server, for the export endpoints and the CLI."""

from tests.server.conftest import client, server

__all__ = ["client", "server"]
