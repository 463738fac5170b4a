"""The event log: every event type, the envelope and hash chain, and the stores."""

from events.catalog import EVENT_TYPES, AnyEvent, Event, Label
from events.chain import Record, Verdict, averify_records, verify_records
from events.envelope import GENESIS, SYSTEM, Actor, Envelope
from events.errors import ConflictError, LogError, LogFormatError, StoreClosed, StoreUnavailable
from events.store import Head, Store, open_store

__all__ = [
    "EVENT_TYPES",
    "GENESIS",
    "SYSTEM",
    "Actor",
    "AnyEvent",
    "ConflictError",
    "Envelope",
    "Event",
    "Head",
    "Label",
    "LogError",
    "LogFormatError",
    "Record",
    "Store",
    "StoreClosed",
    "StoreUnavailable",
    "Verdict",
    "averify_records",
    "open_store",
    "verify_records",
]
