"""The judge's page proves its receipts against the signed checkpoint, in the browser.

A judge scores on the phone; the organiser closes and reveals through the API
(which signs a checkpoint); the page fetches the checkpoint, the inclusion proof
and the public key and verifies the leaf, the proof and the Ed25519 signature
with WebCrypto. The saved proof file is accepted by ``leitai verify-receipt``.
A proof or checkpoint altered on its way to the page is refused, saying where.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from playwright.sync_api import ConsoleMessage, Page, Response, Route, expect

from server.signing import Signer
from tests.pages.conftest import OUTPUT, PHONE, ROOT, Server
from tests.pages.test_languages import catalogue, check

CONTESTANT = "101"  # scored by panel C (J7, J8, J9)


def send_sheet(phone: Page) -> None:
    expect(phone.get_by_test_id("review")).to_be_visible()
    for key, value in {"content": "92.5", "delivery": "88", "presence": "90"}.items():
        phone.get_by_test_id(f"mark-{key}").fill(value)
    phone.get_by_test_id("review").click()
    phone.get_by_test_id("send").click()


def the_others_score(server: Server, contestant: str) -> None:
    """J8 and J9 score ``contestant`` through the API."""
    for judge, mark in (("J8", "85"), ("J9", "95")):
        server.call(
            "POST",
            f"/api/competitions/{server.cid}/scores",
            {
                "contestant": contestant,
                "points": {"content": mark, "delivery": mark, "presence": mark},
                "submission_id": f"receipt-{judge}-{contestant}",
            },
            server.judges[judge],
        )


def reveal_with_the_others(server: Server, contestant: str) -> None:
    """J8 and J9 score ``contestant``; the organiser closes and reveals."""
    the_others_score(server, contestant)
    server.admin_post("close", {"contestant": contestant})
    server.admin_post("reveal", {"contestant": contestant})


def score_and_reveal(server: Server, phone: Page) -> None:
    server.admin_post("stage", {"contestant": CONTESTANT})
    send_sheet(phone)
    expect(phone.get_by_test_id("receipt")).to_be_visible()
    reveal_with_the_others(server, CONTESTANT)


def verify_receipt(path: Path, key: str) -> subprocess.CompletedProcess[str]:
    command = ["verify-receipt", "--receipt", str(path), "--proof", str(path)]
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *command, "--public-key", key],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def save_proof(phone: Page, tmp_path: Path) -> Path:
    with phone.expect_download() as download:
        phone.get_by_test_id("proof-save").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    return path


def test_judge_page_verifies_its_receipt(server: Server, browser: Any, tmp_path: Path) -> None:
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(server.page("judge", server.judges["J7"], lang="zh-CN"))
    score_and_reveal(server, phone)
    checkpoint = server.text(f"/api/competitions/{server.cid}/checkpoint", server.admin)
    size = int(checkpoint.splitlines()[1])
    status = phone.get_by_test_id("proof-status")
    expect(status).to_have_text("您的评分已收录于公布结果：已验证", timeout=10000)
    expect(phone.get_by_test_id("proof-size")).to_have_text(
        f"已对照签名检查点核对（共 {size} 条记录）"
    )
    phone.screenshot(
        path=str(OUTPUT / "screens" / "judge-receipt-verified-zh-CN.png"), full_page=True
    )
    check(phone, "zh-CN", catalogue())

    # the saved file is what `leitai verify-receipt` takes, and needs nothing else
    path = save_proof(phone, tmp_path)
    saved = json.loads(path.read_text())
    receipt_seq = int(phone.get_by_test_id("proof").get_attribute("data-seq") or 0)
    assert saved["seq"] == receipt_seq and saved["size"] == size
    assert saved["checkpoint"] == checkpoint
    key = server.call("GET", "/api/public-key")["key"]
    assert saved["public_key"] == key
    done = verify_receipt(path, key)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"verified: event seq {receipt_seq} "), done.stdout
    # and so does the independent verifier of docs/, as its --proof
    receipt = f"{saved['seq']}:{saved['hash']}"
    arguments = ["--receipt", receipt, "--proof", str(path), "--public-key", key]
    independent = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "verifier.py"), *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    assert independent.returncode == 0, independent.stdout + independent.stderr

    # after a reload the kept proof is checked again, with no network asked
    asked: list[str] = []
    phone.on("request", lambda request: asked.append(request.url))
    phone.reload()
    expect(status).to_have_text("您的评分已收录于公布结果：已验证")
    assert not [url for url in asked if "/proof/" in url]


def failures(page: Page) -> list[str]:
    """Every request of ``page`` from now on that fails or answers an error, and every
    error it logs: what a reviewer sees in the browser's console."""
    seen: list[str] = []

    def answered(response: Response) -> None:
        if response.status >= 400:
            seen.append(f"{response.status} {response.url}")

    def logged(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.append(f"console: {message.text}")

    page.on("response", answered)
    page.on("requestfailed", lambda request: seen.append(f"failed: {request.url}"))
    page.on("console", logged)
    page.on("pageerror", lambda error: seen.append(f"page error: {error}"))
    return seen


def test_sending_sheets_logs_no_failed_request(server: Server, browser: Any) -> None:
    """A reviewer saw a 404 in the console after each sheet: the page asked for the
    signed checkpoint before any reveal had signed one. It asks for nothing that fails
    now, before the first checkpoint or after one, and still verifies its receipts."""
    phone = browser.new_context(**PHONE).new_page()
    seen = failures(phone)
    phone.goto(server.page("judge", server.judges["J7"], lang="zh-CN"))
    server.admin_post("stage", {"contestant": CONTESTANT})
    checkpoint = "/api/competitions/" + server.cid + "/checkpoint"
    with phone.expect_response(lambda r: checkpoint in r.url):  # none signed yet
        send_sheet(phone)
    status = phone.get_by_test_id("proof-status")
    expect(status).to_have_text("等待成绩公布后签署的检查点")
    reveal_with_the_others(server, CONTESTANT)
    verified = "您的评分已收录于公布结果：已验证"
    expect(status).to_have_text(verified, timeout=10000)

    # the next sheet is after the checkpoint signed then: it waits for the next one
    server.admin_post("stage", {"contestant": "102"})
    with phone.expect_response(lambda r: checkpoint in r.url):
        send_sheet(phone)
    expect(status).to_have_text([verified, "等待成绩公布后签署的检查点"])
    reveal_with_the_others(server, "102")
    expect(status).to_have_text([verified, verified], timeout=10000)
    assert seen == []


def test_other_judges_scores_do_not_send_every_phone_asking_for_a_checkpoint(
    server: Server, browser: Any
) -> None:
    """A checkpoint is signed at a reveal. The page asked for one at every update of
    the progress, that is at every other judge's score: 80 phones with a receipt
    waiting asked again each time. The page's clock stands still here, so only what a
    progress update sets off is counted, not the retries' timers."""
    phone = browser.new_context(**PHONE).new_page()
    phone.clock.install()
    asked: list[str] = []
    frames: list[str] = []
    phone.on("request", lambda r: asked.append(r.url) if "/checkpoint" in r.url else None)
    phone.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    phone.goto(server.page("judge", server.judges["J7"], lang="en"))
    server.admin_post("stage", {"contestant": CONTESTANT})
    send_sheet(phone)
    expect(phone.get_by_test_id("proof-status")).to_be_visible()
    before = len(asked)
    the_others_score(server, CONTESTANT)
    closed = server.admin_post("close", {"contestant": CONTESTANT})["seq"]
    phone.wait_for_timeout(100)  # real time: the page's clock is still
    for _ in range(100):  # the phone has the progress of every score and the close
        if any(f'"seq":{closed}' in f for f in frames):
            break
        phone.wait_for_timeout(50)
    phone.evaluate("() => new Promise((done) => queueMicrotask(done))")
    assert any(f'"seq":{closed}' in f for f in frames)
    assert asked[before:] == []
    server.admin_post("reveal", {"contestant": CONTESTANT})  # this one may have signed
    for _ in range(100):
        if len(asked) > before:
            break
        phone.wait_for_timeout(50)
    assert len(asked) > before


def flip(text: str) -> str:
    """``text`` with its first hexadecimal digit changed."""
    return ("1" if text[0] == "0" else "0") + text[1:]


@pytest.mark.parametrize("tampered", ["proof", "checkpoint"])
def test_tampered_proof_is_refused(
    server: Server, browser: Any, tmp_path: Path, tampered: str
) -> None:
    phone = browser.new_context(**PHONE).new_page()

    def alter_proof(route: Route) -> None:
        answer = route.fetch()
        body = answer.json()
        body["proof"][0] = flip(body["proof"][0])
        route.fulfill(response=answer, json=body)

    def alter_checkpoint(route: Route) -> None:
        answer = route.fetch()
        body = answer.json()
        if body["checkpoint"] is None:  # none signed yet (before the reveal)
            route.fulfill(response=answer)
            return
        origin, size, root, *rest = body["checkpoint"].split("\n")
        raw = bytearray(base64.b64decode(root))
        raw[0] ^= 1
        root = base64.b64encode(bytes(raw)).decode()
        body["checkpoint"] = "\n".join([origin, size, root, *rest])
        route.fulfill(response=answer, json=body)

    if tampered == "proof":
        phone.route("**/proof/inclusion?*", alter_proof)
    else:
        phone.route("**/checkpoint.json", alter_checkpoint)
    phone.goto(server.page("judge", server.judges["J7"], lang="en"))
    score_and_reveal(server, phone)
    expect(phone.get_by_test_id("proof-status")).to_have_text("Not verified", timeout=10000)
    seq = phone.get_by_test_id("proof").get_attribute("data-seq")
    size = int(
        server.text(f"/api/competitions/{server.cid}/checkpoint", server.admin).split("\n")[1]
    )
    reason = phone.get_by_test_id("proof-reason")
    key = server.call("GET", "/api/public-key")["key"]
    if tampered == "proof":
        expect(reason).to_have_text(
            f"The inclusion proof of record {seq} does not lead to the signed root of the "
            f"checkpoint of {size} records: the score is not in the published results, "
            "or the proof was altered"
        )
    else:
        expect(reason).to_have_text(
            f"The checkpoint's signature does not verify with the server's key {key}: "
            "the checkpoint was altered or forged"
        )
    phone.screenshot(
        path=str(OUTPUT / "screens" / f"judge-receipt-tampered-{tampered}-en.png"), full_page=True
    )
    # the altered file is refused by the command line too
    done = verify_receipt(save_proof(phone, tmp_path), key)
    assert done.returncode == 1, done.stdout + done.stderr
    expected = "NOT IN THE LOG" if tampered == "proof" else "checkpoint refused"
    assert expected in done.stdout, done.stdout


def test_a_server_key_other_than_the_one_first_seen_is_warned_of(
    server: Server, browser: Any
) -> None:
    """The page pinned the key it first saw (here: another server's, as if this
    one had been replaced since); it warns, in both languages, and checks the
    receipt against the pinned key only, so it is not shown as verified."""
    first_seen = str(Signer("leitai-before", Ed25519PrivateKey.generate()).key)
    served = server.call("GET", "/api/public-key")["key"]
    assert first_seen != served
    pin = f"leitai.proofs.{server.cid}.{server.judges['J7'][:12]}.public-key"
    context = browser.new_context(**PHONE)
    context.add_init_script(
        f"if (!localStorage.getItem({json.dumps(pin)}))"
        f" localStorage.setItem({json.dumps(pin)}, {json.dumps(first_seen)});"
    )
    phone = context.new_page()
    phone.goto(server.page("judge", server.judges["J7"], lang="en"))
    score_and_reveal(server, phone)
    warning = phone.get_by_test_id("key-changed")
    expect(warning).to_contain_text("Warning: the server now presents another signing key")
    expect(warning).to_contain_text(key_name(served))
    expect(warning).to_contain_text(key_name(first_seen))
    expect(phone.get_by_test_id("proof-status")).to_have_text("Not verified", timeout=10000)
    expect(phone.get_by_test_id("proof-reason")).to_contain_text("leitai-before")
    assert phone.evaluate(f"localStorage.getItem({json.dumps(pin)})") == first_seen

    phone.goto(server.page("judge", server.judges["J7"], lang="zh-CN"))
    expect(phone.get_by_test_id("key-changed")).to_contain_text(
        "警告：服务器现在出示的签名公钥", timeout=10000
    )
    expect(phone.get_by_test_id("proof-status")).to_have_text("验证未通过")
    phone.screenshot(path=str(OUTPUT / "screens" / "judge-key-changed-zh-CN.png"), full_page=True)
    check(phone, "zh-CN", catalogue())


def test_the_key_first_seen_is_pinned_and_no_warning_shown(server: Server, browser: Any) -> None:
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(server.page("judge", server.judges["J7"], lang="en"))
    score_and_reveal(server, phone)
    expect(phone.get_by_test_id("proof-status")).to_have_text(
        "Your score is in the published results: verified", timeout=10000
    )
    pin = f"leitai.proofs.{server.cid}.{server.judges['J7'][:12]}.public-key"
    served = server.call("GET", "/api/public-key")["key"]
    assert phone.evaluate(f"localStorage.getItem({json.dumps(pin)})") == served
    expect(phone.get_by_test_id("key-changed")).to_have_count(0)


def key_name(key: str) -> str:
    """``name+id`` of a ``name+id+base64`` key: the base64 may hold a ``+`` too."""
    return "+".join(key.split("+", 2)[:2])
