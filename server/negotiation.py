"""What a request asks of a response's form: gzip, or nothing new (a 304)."""

from __future__ import annotations

_REFUSED = {"q=0", "q=0.0", "q=0.00", "q=0.000"}


def takes_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` value accepts gzip (``gzip;q=0`` refuses it)."""
    for item in accept_encoding.lower().split(","):
        coding, *params = (part.strip().replace(" ", "") for part in item.split(";"))
        if coding in ("gzip", "*"):
            return not _REFUSED.intersection(params)
    return False


def holds(if_none_match: str, etag: str) -> bool:
    """Whether an ``If-None-Match`` value names ``etag`` (weak comparison, as
    RFC 9110 has it for If-None-Match): the client holds that representation."""
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))
