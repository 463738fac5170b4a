"""An award tier ``by = "rank"`` without ``count`` takes everyone left (rules.md §10).

The product's own example is "17 % first, 78 % second, the rest third": the
file must let an organiser write "the rest" as such, not as a share computed
by hand (which half-up rounding can leave one short or one over).
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from events.catalog import AwardsPublished, RulesSet
from projections.commands import PublishAwards, WithdrawContestant
from server.definition import DefinitionError, load_definition_text
from tests.projections.log import Log, perform

ROOT = Path(__file__).resolve().parents[2]

REST = """\
[[rules.awards]]
key = "first"
name = { zh-CN = "一等奖", en = "First prize" }
by = "share"
share = 0.17

[[rules.awards]]
key = "second"
name = { zh-CN = "二等奖", en = "Second prize" }
by = "share"
share = 0.78

[[rules.awards]]
key = "third"
name = { zh-CN = "三等奖", en = "Third prize" }
by = "rank"
"""


def contest(contestants: int, awards: str = REST) -> str:
    """A one-group competition of ``contestants`` scored by one judge."""
    people = "".join(
        f'\n[[contestants]]\nid = "c{n:03d}"\nname = "Contestant {n}"\n'
        f'organisation = "Unit {n}"\ngroup = "all"\n'
        for n in range(1, contestants + 1)
    )
    return (
        'id = "rest"\ntitle = { zh-CN = "余者", en = "The rest" }\n\n'
        '[[groups]]\nid = "all"\nname = { en = "All" }\n\n'
        '[[panels]]\nid = "P"\ngroups = ["all"]\n\n'
        '[scoresheet]\n\n[[scoresheet.criteria]]\nkey = "score"\n'
        'label = { en = "Score" }\nmaximum = 100\n\n'
        '[rules]\naggregation = "mean"\n\n'
        f"{awards}{people}\n"
        '[[judges]]\nid = "J1"\nname = "Judge"\norganisation = "Jury"\npanel = "P"\n'
    )


def test_a_rank_tier_without_a_count_is_accepted_as_everyone_left(tmp_path: Path) -> None:
    definition = load_definition_text(contest(3), tmp_path, name="contest.toml")
    (rules,) = [e for e in definition.events if isinstance(e, RulesSet)]
    assert [(t.key, t.by, t.count, t.share) for t in rules.awards] == [
        ("first", "share", None, Decimal("0.17")),
        ("second", "share", None, Decimal("0.78")),
        ("third", "rank", None, None),
    ]


def test_the_rest_of_95_ranked_after_17_and_78_percent_is_5(tmp_path: Path) -> None:
    """100 entered, 5 withdrawn: 95 ranked; half-up 16.15 → 16, 74.1 → 74, the rest 5."""
    definition = load_definition_text(contest(100), tmp_path, name="contest.toml")
    log = Log(definition.stream)
    log.add(*definition.events)
    for n in range(1, 101):
        if n > 95:
            log.ok(WithdrawContestant(contestant=f"c{n:03d}", reason="ill"))
        else:  # all different: no tie moves a cut
            perform(log, f"c{n:03d}", {"J1": str(Decimal(100) - Decimal(n) / 2)}, reveal=True)
    (published,) = log.ok(PublishAwards(round="final"))
    assert isinstance(published, AwardsPublished)
    tiers = Counter(given.award for given in published.awards)
    assert tiers == {"first": 16, "second": 74, "third": 5}
    best = {given.contestant: given.award for given in published.awards}
    assert (best["c016"], best["c017"], best["c090"], best["c091"]) == (
        "first",
        "second",
        "second",
        "third",
    )


def test_no_tier_may_follow_the_one_that_takes_everyone_left(tmp_path: Path) -> None:
    after = (
        REST
        + '\n[[rules.awards]]\nkey = "merit"\nname = { en = "Merit" }\nby = "rank"\ncount = 1\n'
    )
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(contest(3, after), tmp_path, name="contest.toml")
    assert str(caught.value) == (
        "contest.toml: rules.awards[3]: nobody is left for it: rules.awards[2] "
        '(by = "rank" without count) takes everyone left'
    )


def test_a_count_of_0_is_still_refused(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(contest(3, REST + "count = 0\n"), tmp_path, name="contest.toml")
    assert str(caught.value) == (
        'contest.toml: rules.awards[2].count: expected a whole number >= 1 for by = "rank" '
        "(or no count: everyone left), found 0"
    )


def test_the_documented_example_is_this_one() -> None:
    doc = (ROOT / "docs" / "competition-file.md").read_text(encoding="utf-8")
    blocks = [part.split("```")[0] for part in doc.split("```toml\n")[1:]]
    (block,) = [b for b in blocks if "everyone left" in b]
    assert block == REST.replace(
        'by = "rank"\n', 'by = "rank"          # no count: everyone left\n'
    )


def test_leitai_init_creates_it_in_a_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "contest.toml"
    path.write_text(contest(5), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", "init", str(path), "--db", str(tmp_path / "t.db")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Created competition 'rest'" in done.stdout
