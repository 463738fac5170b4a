"""Every limit answers with a clear 4xx and a code, naming the limit, and
appends nothing: body size, field lengths, a competition's size."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from server import limits
from server.definition import DefinitionError, definition_from_data
from server.settings import HELP, Settings
from tests.server.conftest import Server, contest


async def seq_of(http: httpx.AsyncClient, server: Server) -> int:
    seq: int = (await http.get(server.api("/progress"))).json()["seq"]
    return seq


async def test_body_over_the_limit_is_413(venue: Server) -> None:
    limit = Settings().max_body_bytes
    async with httpx.AsyncClient(timeout=30) as http:
        before = await seq_of(http, venue)
        big = b'{"contestant": "g1c1", "x": "' + b"a" * limit + b'"}'

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
            for start in range(0, len(big), 4096):
                yield big[start : start + 4096]

        for content in (big, chunks()):
            answer = await http.post(
                venue.api("/stage"), content=content, headers=Server.bearer(venue.admin)
            )
            assert answer.status_code == 413
            assert answer.json()["error"]["code"] == "body_too_large"
            assert str(limit) in answer.json()["error"]["message"]
        assert await seq_of(http, venue) == before


async def test_a_judge_s_streamed_body_over_the_limit_is_413(venue: Server) -> None:
    """The judges' route reads its body below starlette's request object: a
    body without Content-Length is counted as it comes, refused in the
    judge's language, and appends nothing."""
    limit = Settings().max_body_bytes
    big = b'{"contestant": "g1c1", "x": "' + b"a" * limit + b'"}'

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 4096):
            yield big[start : start + 4096]

    async with httpx.AsyncClient(timeout=30) as http:
        before = await seq_of(http, venue)
        answer = await http.post(
            venue.api("/scores"),
            content=chunks(),
            headers={**Server.bearer(venue.judges["B1"]), "Accept-Language": "zh-CN"},
        )
        assert answer.status_code == 413
        error = answer.json()["error"]
        assert error["code"] == "body_too_large"
        assert error["message"] == f"请求内容超过 {limit} 字节上限"
        assert await seq_of(http, venue) == before


def sheets() -> Iterator[tuple[str, dict[str, Any], str]]:
    """Bodies over a field's limit, and the field the error must name."""
    ok = {"contestant": "g1c1", "points": {"content": "1"}, "submission_id": uuid.uuid4().hex}
    yield "/scores", {**ok, "contestant": "c" * 65}, "$.contestant"
    yield "/scores", {**ok, "submission_id": "s" * 65}, "$.submission_id"
    yield "/scores", {**ok, "submission_id": "short"}, "$.submission_id"
    many = {f"k{i}": "1" for i in range(limits.MAX_CRITERIA + 1)}
    yield "/scores", {**ok, "points": many}, "$.points"
    yield "/scores", {**ok, "points": {"K" * 40: "1"}}, "$.points"
    yield "/withdraw", {"contestant": "g1c1", "reason": "r" * 1001}, "$.reason"
    yield "/withdraw", {"contestant": "g1c1", "reason": ""}, "$.reason"
    yield "/draw", {"round": "r1", "seed": "s" * 129}, "$.seed"
    yield "/stage", {"contestant": "g1c1", "colour": "red"}, "colour"


@pytest.mark.parametrize(("path", "body", "field"), list(sheets()))
async def test_field_over_its_limit_is_422_naming_it(
    venue: Server, path: str, body: dict[str, Any], field: str
) -> None:
    token = venue.judges["B1"] if path == "/scores" else venue.admin
    async with httpx.AsyncClient(timeout=30) as http:
        before = await seq_of(http, venue)
        answer = await http.post(venue.api(path), json=body, headers=Server.bearer(token))
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert error["code"] == "invalid_command"
        assert field in error["message"]
        assert await seq_of(http, venue) == before


@pytest.mark.parametrize(
    ("value", "code"),
    [
        # not a plain decimal: refused before decide (server.plain_numbers)
        ("NaN", "invalid_number"),
        ("-Infinity", "invalid_number"),
        ("1e999999999", "invalid_number"),
        ("-0.5", "invalid_number"),
        ("60.5", "points_out_of_range"),
        ("1.00001", "too_many_decimals"),
    ],
)
async def test_odd_numbers_are_refused_with_what_was_wrong(
    venue: Server, value: str, code: str
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        stage = await http.post(
            venue.api("/stage"), json={"contestant": "g1c1"}, headers=Server.bearer(venue.admin)
        )
        assert stage.status_code == 200
        answer = await http.post(
            venue.api("/scores"),
            json={
                "contestant": "g1c1",
                "points": {"content": value, "delivery": "1"},
                "submission_id": uuid.uuid4().hex,
            },
            headers=Server.bearer(venue.judges["B1"]),
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["code"] == code
        assert "content" in answer.json()["error"]["message"]


@pytest.mark.parametrize(
    ("change", "where", "limit"),
    [
        (
            lambda d: d["scoresheet"].update(
                criteria=[
                    {"key": f"k{i}", "label": {"en": f"K{i}"}, "maximum": Decimal(1)}
                    for i in range(limits.MAX_CRITERIA + 1)
                ]
            ),
            "scoresheet.criteria",
            limits.MAX_CRITERIA,
        ),
        (
            lambda d: d.update(
                contestants=[
                    {"id": f"c{i}", "name": "n", "organisation": "o", "group": "g1"}
                    for i in range(limits.MAX_CONTESTANTS + 1)
                ]
            ),
            "contestants",
            limits.MAX_CONTESTANTS,
        ),
        (
            lambda d: d.update(
                judges=[
                    {"id": f"j{i}", "name": "n", "organisation": "o", "panel": "A"}
                    for i in range(limits.MAX_JUDGES + 1)
                ]
            ),
            "judges",
            limits.MAX_JUDGES,
        ),
        (
            lambda d: d["title"].update(en="t" * (limits.MAX_LABEL_CHARS + 1)),
            "title",
            limits.MAX_LABEL_CHARS,
        ),
    ],
)
def test_a_competition_over_a_size_limit_is_refused_at_set_up(
    change: Any, where: str, limit: int
) -> None:
    data = contest()
    change(data)
    with pytest.raises(DefinitionError) as refused:
        definition_from_data(data, name="contest.toml")
    assert f"contest.toml: {where}: " in str(refused.value)
    assert f"at most {limit}" in str(refused.value)


def test_the_largest_competition_allowed_is_accepted() -> None:
    data = contest()
    data["contestants"] = [
        {"id": f"c{i}", "name": "n", "organisation": "o", "group": "g1"}
        for i in range(limits.MAX_CONTESTANTS)
    ]
    assert len(definition_from_data(data, name="contest.toml").events) > limits.MAX_CONTESTANTS


def test_every_limit_setting_is_documented() -> None:
    for name in (
        "max_body_bytes",
        "ws_max_message_bytes",
        "ws_messages_per_second",
        "bad_tokens_before_delay",
        "bad_tokens_before_block",
        "bad_token_block_seconds",
    ):
        assert HELP[name] and getattr(Settings(), name) > 0
