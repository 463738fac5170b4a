"""Errors of the event log.

::

    LogError                     root of every error this package raises
    ├── ConflictError            append's expected_seq is not the stream's head
    │   └── PipelineBroken       an earlier append of the same pipeline failed
    ├── StoreUnavailable         the database cannot be written or reached now (disk full,
    │                            read-only, connection lost); the append did not happen,
    │                            unless the connection dropped during COMMIT: a retry with
    │                            the same idempotency key is safe either way
    ├── StoreClosed              the store was closed
    └── LogFormatError           bytes that are not a Leitai log (not a database, a
                                 truncated export, an unknown event type or version)
"""

from __future__ import annotations


class LogError(Exception):
    """Root of the event log's errors."""


class ConflictError(LogError):
    """The stream moved on: ``expected_seq`` is not its head."""

    def __init__(self, stream: str, expected_seq: int, head_seq: int) -> None:
        super().__init__(
            f"stream {stream!r} is at seq {head_seq}, not at the expected seq {expected_seq}"
        )
        self.stream = stream
        self.expected_seq = expected_seq
        self.head_seq = head_seq


class PipelineBroken(ConflictError):
    """An earlier append of the same pipeline failed, so this one, decided on
    a state that included it, is refused whatever its ``expected_seq``."""

    def __init__(self, stream: str, expected_seq: int) -> None:
        LogError.__init__(
            self,
            f"stream {stream!r}: an earlier append of this pipeline failed; "
            f"not appending after seq {expected_seq}",
        )
        self.stream = stream
        self.expected_seq = expected_seq
        self.head_seq = -1


class StoreUnavailable(LogError):
    """The store cannot take writes now; retry with the same idempotency key."""


class StoreClosed(LogError):
    """The store is closed."""


class LogFormatError(LogError):
    """Input that is not a well-formed Leitai log."""
