"""The pages and their files: gzipped where taken, revalidated at every load,
and nothing outside static/ reachable."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import httpx
import pytest
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException

from server.app import PAGES, static_dir
from server.assets import Assets
from tests.server.conftest import Server

RAW = {"Accept-Encoding": "identity"}
GZIP = {"Accept-Encoding": "gzip, deflate, br"}
STATIC = static_dir()


@pytest.fixture
def server(read_only_server: Server) -> Server:
    """One server for the module: its tests only read the pages and files it serves."""
    return read_only_server


FILES = sorted(str(path.relative_to(STATIC)) for path in STATIC.rglob("*") if path.is_file())


async def raw_get(
    url: str, headers: dict[str, str], method: str = "GET"
) -> tuple[httpx.Response, bytes]:
    """The answer and its body as sent (httpx would decode a gzipped one)."""
    async with httpx.AsyncClient() as client, client.stream(method, url, headers=headers) as answer:
        return answer, b"".join([chunk async for chunk in answer.aiter_raw()])


async def test_every_static_file_goes_gzipped_where_taken_and_whole_where_not(
    server: Server,
) -> None:
    squeezed = whole = 0
    for name in FILES:
        on_disk = (STATIC / name).read_bytes()
        zipped, zipped_body = await raw_get(f"{server.url}/static/{name}", GZIP)
        plain, plain_body = await raw_get(f"{server.url}/static/{name}", RAW)
        assert zipped.status_code == plain.status_code == 200, name
        assert plain_body == on_disk and "content-encoding" not in plain.headers, name
        if zipped.headers.get("content-encoding") == "gzip":
            assert gzip.decompress(zipped_body) == on_disk, name
        else:
            assert zipped_body == on_disk, name  # where gzip would not be smaller
        for answer in (zipped, plain):
            assert answer.headers["cache-control"] == "no-cache", name
            assert answer.headers["vary"] == "Accept-Encoding", name
            assert int(answer.headers["content-length"]) == len(
                zipped_body if answer is zipped else plain_body
            )
        assert zipped.headers["etag"] == plain.headers["etag"], name
        squeezed += len(zipped_body)
        whole += len(on_disk)
    assert squeezed < whole / 3, (squeezed, whole)  # scripts and styles compress ~4×


@pytest.mark.parametrize("page", ["", "judge", "admin", *[f"{name}/t" for name in PAGES]])
async def test_the_pages_go_gzipped_as_html(server: Server, page: str) -> None:
    answer, body = await raw_get(f"{server.url}/{page}", GZIP)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert answer.headers["content-encoding"] == "gzip"
    assert b"<!doctype html>" in gzip.decompress(body).lower()


async def test_a_reload_costs_a_304_and_a_head_no_body(server: Server) -> None:
    url = f"{server.url}/static/js/i18n.js"
    first, _ = await raw_get(url, GZIP)
    again, body = await raw_get(url, {**GZIP, "If-None-Match": first.headers["etag"]})
    assert (again.status_code, body, again.headers["etag"]) == (304, b"", first.headers["etag"])
    other, _ = await raw_get(url, {**GZIP, "If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200
    head, body = await raw_get(url, GZIP, method="HEAD")
    assert head.status_code == 200 and body == b""
    assert head.headers["content-length"] == first.headers["content-length"]


@pytest.mark.parametrize(
    "path",
    [
        "/static/%2e%2e/server/app.py",
        "/static/..%2fpyproject.toml",
        "/static/js/nothing.js",
        "/static/js",
        "/static/",
    ],
)
async def test_nothing_outside_static_nor_missing_is_served(server: Server, path: str) -> None:
    answer, body = await raw_get(f"{server.url}{path}", RAW)
    assert answer.status_code == 404, body
    assert json.loads(body)["error"]["code"] == "not_found"


def test_a_file_changed_on_disk_is_read_and_compressed_again(tmp_path: Path) -> None:
    script = tmp_path / "a.js"
    script.write_text("export const a = 1;\n" * 50)
    assets = Assets(tmp_path)
    gzipped = Headers({"accept-encoding": "gzip"})
    before = assets.response(gzipped, "a.js")
    script.write_text("export const b = 2;\n" * 60)
    os.utime(script, ns=(1, 1))  # a new time, whatever the clock's resolution
    after = assets.response(gzipped, "a.js")
    assert gzip.decompress(after.body) == script.read_bytes()
    assert after.headers["etag"] != before.headers["etag"]
    with pytest.raises(HTTPException):
        assets.response(gzipped, "../a.js")
    (tmp_path / ".hidden").write_text("secret")
    with pytest.raises(HTTPException):
        assets.response(gzipped, ".hidden")
