"""A contest of one judge scoring every group on a 100-point sheet, for the
screen's tests that need a roster of their own (long names, many winners):
``contest_file`` writes it, ``score_and_reveal`` runs its show."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from tests.pages.conftest import Server

OPEN = {"open": ("公开组", "Open")}
Award = tuple[str, str, str, str, object]
"""key, Chinese name, English name, ``by`` ("rank" or "share"), its count or share
(None: a rank tier for everyone left)."""


def contest_file(
    path: Path,
    cid: str,
    roster: Iterable[tuple[str, str, str, str]],
    awards: Sequence[Award],
    groups: dict[str, tuple[str, str]] = OPEN,
) -> Path:
    """The competition file at ``path``: ``roster`` of (id, name, organisation, group)."""
    lines = [
        f'id = "{cid}"',
        'title = { zh-CN = "江苏省能源系统青年理论宣讲大赛", en = "Jiangsu Energy Youth Speech Contest" }',
        'languages = ["zh-CN", "en"]',
    ]
    for group, (zh, en) in groups.items():
        lines += ["", "[[groups]]", f'id = "{group}"', f'name = {{ zh-CN = "{zh}", en = "{en}" }}']
    lines += [
        "",
        "[[panels]]",
        'id = "A"',
        f"groups = {list(groups)}".replace("'", '"'),
        "",
        "[scoresheet]",
        "places = 1",
        "[[scoresheet.criteria]]",
        'key = "score"',
        'label = { zh-CN = "得分", en = "Score" }',
        "maximum = 100",
        "",
        "[rules]",
        'aggregation = "mean"',
        "trim = 0",
        "quorum = 1",
    ]
    for key, zh, en, by, amount in awards:
        lines += [
            "",
            "[[rules.awards]]",
            f'key = "{key}"',
            f'name = {{ zh-CN = "{zh}", en = "{en}" }}',
            f'by = "{by}"',
        ]
        if amount is not None:  # a rank tier without a count: everyone left
            lines.append(f"{'count' if by == 'rank' else 'share'} = {amount}")
    lines += [
        "",
        "[[judges]]",
        'id = "J1"',
        'name = "马建国"',
        'organisation = "省评审委员会"',
        'panel = "A"',
    ]
    for contestant, name, organisation, group in roster:
        lines += [
            "",
            "[[contestants]]",
            f'id = "{contestant}"',
            f'name = "{name}"',
            f'organisation = "{organisation}"',
            f'group = "{group}"',
        ]
    path.write_text("\n".join(lines) + "\n")
    return path


def score_and_reveal(server: Server, marks: Iterable[tuple[str, str]], tag: str) -> None:
    """Call each contestant, take J1's mark, close and reveal, in order."""
    for contestant, score in marks:
        server.admin_post("stage", {"contestant": contestant})
        server.call(
            "POST",
            f"/api/competitions/{server.cid}/scores",
            {
                "contestant": contestant,
                "points": {"score": score},
                "submission_id": f"{tag}-{contestant}",
            },
            server.judges["J1"],
        )
        server.admin_post("close", {"contestant": contestant})
        server.admin_post("reveal", {"contestant": contestant})
