"""Serve Leitai with the two read endpoints the pages need and the server lacks so far.

``GET /api/competitions/{cid}/setup`` (public) and ``GET /api/competitions/{cid}/me``
(judge token) are specified in docs/pages.md and asked of the server's owner.
Until ``server/api.py`` has them, the page tests run the real app from
``create_app`` with these two routes added, as a reference of the contract;
once the server answers them itself, nothing is added and this file goes.

Run as ``python -m tests.pages.setup_endpoints --db PATH`` (prints the same
first line as ``leitai serve``).
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from projections.state import Competition
from server import runner
from server.api import caller, competition, json_response
from server.app import create_app
from server.auth import require
from server.settings import Settings


def _label(value: Any) -> dict[str, str]:
    return {"zh-CN": value.zh_cn, "en": value.en}


def setup_view(state: Competition) -> dict[str, Any]:
    current = state.round()
    return {
        "stream": state.stream,
        "seq": state.seq,
        "title": _label(state.title),
        "languages": list(state.languages),
        "decimals": state.decimals,
        "places": state.scoresheet.places,
        "criteria": [
            {
                "key": c.key,
                "label": _label(c.label),
                "maximum": str(c.maximum),
                "weight": str(c.weight),
            }
            for c in state.scoresheet.criteria
        ],
        "groups": [{"group": g, "name": _label(n)} for g, n in state.groups.items()],
        "current_round": current.id if current is not None else None,
        "rounds": [
            {
                "round": r.id,
                "name": _label(r.name),
                "opened": r.opened,
                "closed": r.closed,
                "seed": r.seed,
                "order": list(r.order),
                "members": list(r.members),
            }
            for r in state.rounds.values()
        ],
        "contestants": [
            {
                "contestant": c.id,
                "name": c.name,
                "organisation": c.organisation,
                "group": c.group,
                "round": c.round,
                "withdrawn": c.withdrawn is not None,
                "disqualified": c.disqualified is not None,
            }
            for c in state.contestants.values()
        ],
        "judges": [
            {"judge": j.id, "name": j.name, "panel": j.panel, "shadow": j.shadow}
            for j in state.judges.values()
        ],
    }


async def get_setup(request: Request) -> Response:
    live = await competition(request, request.app.state.leitai)
    return json_response(setup_view(live.state))


async def get_me(request: Request) -> Response:
    app = request.app.state.leitai
    live = await competition(request, app)
    actor = require(await caller(request, app, live), "judge")
    state = live.state
    judge = state.judges[actor.id]
    sheets = []
    for round_ in state.rounds.values():
        for contestant, entry in round_.entries.items():
            mark = entry.marks.get(judge.id)
            if mark is not None:
                sheets.append(
                    {
                        "contestant": contestant,
                        "round": round_.id,
                        "seq": mark.seq,
                        "submission_id": mark.submission_id,
                        "kind": mark.kind,
                        "points": {k: str(v) for k, v in mark.points.items()},
                    }
                )
    expected = [
        c.id for c in state.contestants.values() if state.judge_expected(judge, c) and not c.out
    ]
    return json_response(
        {
            "judge": judge.id,
            "name": judge.name,
            "panel": judge.panel,
            "shadow": judge.shadow,
            "expected": expected,
            "sheets": sheets,
        }
    )


def app_with_setup(settings: Settings) -> Any:
    app = create_app(settings)
    paths = {getattr(r, "path", None) for r in app.routes}
    extra = [
        ("/api/competitions/{cid}/setup", get_setup),
        ("/api/competitions/{cid}/me", get_me),
    ]
    for index, (path, handler) in enumerate(p for p in extra if p[0] not in paths):
        app.router.routes.insert(index, Route(path, handler, methods=["GET"]))
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    settings = Settings.from_env(store=args.db, port=args.port)
    sock = runner.bind(settings)
    print(
        f"Leitai is serving {settings.store} at {settings.base_url(sock.getsockname()[1])}/",
        flush=True,
    )
    asyncio.run(runner.serve(settings, sock, app=app_with_setup(settings)))


if __name__ == "__main__":
    main()
