"""The export endpoints on a real server, and ``leitai export-results``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import openpyxl

from tests.conftest import leitai
from tests.exports.read import HEADING_ROW, table
from tests.server.conftest import Server, contest, make_competition
from tests.server.test_api import admin, score


async def run_one(client: httpx.AsyncClient, server: Server) -> None:
    """g1c1 scored 80, 85 and 90 by panel B, then closed: aggregate 85 (trimmed)."""
    assert (await admin(client, server, "stage", contestant="g1c1")).status_code == 200
    for judge, content in (("B1", "50"), ("B2", "55"), ("B3", "60")):
        answer = await score(client, server, judge, "g1c1", content, "30")
        assert answer.status_code == 200, answer.text
    assert (await admin(client, server, "close", contestant="g1c1")).status_code == 200


async def test_admin_downloads_the_workbook_of_the_round(
    server: Server, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    await run_one(client, server)
    answer = await client.get(
        server.api("/results.xlsx"), params={"lang": "zh-CN"}, headers=server.bearer(server.admin)
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'attachment; filename="t-r1-results-zh-CN.xlsx"' in answer.headers["content-disposition"]
    path = tmp_path / "results.xlsx"
    path.write_bytes(answer.content)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["总排名", "g1组", "g1组 评委评分", "g2组", "g2组 评委评分", "评委"]
    first = table(book["总排名"])[0]
    assert first["编号"].value == "g1c1" and first["名次"].value == 1
    assert first["评委得分"].value == 85 and first["评委得分"].number_format == "0.00"
    marks = table(book["g1组 评委评分"])[0]  # each judge's marks are on the group's marks
    assert marks["B1"].font.strike and not marks["B2"].font.strike
    board = (await client.get(server.api("/board"), headers=server.bearer(server.admin))).json()
    assert book["总排名"]["B4"].value == board["seq"]
    assert book["总排名"]["A1"].value == "测试赛 · 初赛 · 总排名"
    assert book["评委"].cell(HEADING_ROW, 1).value == "评委"


async def test_auditor_gets_csv_and_html_in_english(
    server: Server, client: httpx.AsyncClient
) -> None:
    await run_one(client, server)
    auditor = server.bearer(server.auditor)
    answer = await client.get(server.api("/results.csv?lang=en&round=r1"), headers=auditor)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert (rows[0]["ID"], rows[0]["Group"], rows[0]["Aggregate"]) == ("g1c1", "g1", "85.00")
    assert len(rows) == 4
    page = await client.get(server.api("/results.html?lang=en"), headers=auditor)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-disposition"].startswith("inline;")
    log = (await client.get(server.api("/log"), headers=auditor)).text.splitlines()
    head_hash = log[-1].split('"hash":"')[1][:64]
    assert head_hash in page.text
    for i in (1, 2):
        assert f"选手 g1-{i}" in page.text and f"选手 g2-{i}" in page.text


async def test_refusals_say_why_with_a_code(server: Server, client: httpx.AsyncClient) -> None:
    admin_token = server.bearer(server.admin)
    cases = [
        ("/results.xlsx?lang=fr", admin_token, 422, "invalid_language"),
        ("/results.csv?round=r9", admin_token, 404, "unknown_round"),
        ("/results.html", {}, 401, "token_required"),
        ("/results.xlsx", server.bearer(server.judges["A1"]), 403, "forbidden"),
    ]
    for path, headers, status, code in cases:
        answer = await client.get(server.api(path), headers=headers)
        assert answer.status_code == status, (path, answer.text)
        assert answer.json()["error"]["code"] == code
    answer = await client.get(server.api("/results.xlsx?lang=fr"), headers=admin_token)
    assert "zh-CN, en" in answer.json()["error"]["message"]
    document = (await client.get(f"{server.url}/api/openapi.json")).json()
    for extension in ("xlsx", "csv", "html"):
        assert "get" in document["paths"][f"/api/competitions/{{cid}}/results.{extension}"]


async def test_the_cli_writes_the_same_exports(tmp_path: Path) -> None:
    db = tmp_path / "leitai.db"
    await make_competition(db, contest())
    out = tmp_path / "results.csv"
    code, _, stderr = await leitai(
        "export-results",
        str(db),
        "--stream",
        "t",
        "--format",
        "csv",
        "--lang",
        "en",
        "-o",
        str(out),
    )
    assert code == 0, stderr
    assert "log head seq" in stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["ID"] for r in rows] == ["g1c1", "g1c2", "g2c1", "g2c2"]
    assert {r["Status"] for r in rows} == {"Pending"}
    code, stdout, _ = await leitai("export-results", str(db), "--stream", "t", "--format", "html")
    assert code == 0 and '<html lang="zh-CN">' in stdout  # the competition's first language
    code, _, stderr = await leitai("export-results", str(db), "--stream", "nope")
    assert code == 2 and "no stream 'nope'" in stderr
    code, _, stderr = await leitai("export-results", str(db), "--stream", "t", "--round", "r9")
    assert code == 2 and "has no round 'r9'" in stderr
