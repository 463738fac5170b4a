"""examples/contest.toml loads into the events that create its competition."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import msgspec

from events.catalog import (
    Advancement,
    AwardTier,
    CompetitionCreated,
    Component,
    ContestantRegistered,
    Criterion,
    GroupDefined,
    JudgeRegistered,
    Label,
    PanelAssigned,
    PriorScoreRecorded,
    RoundOpened,
    RulesSet,
    ScoresheetDefined,
    TieBreak,
)
from events.envelope import encode_data
from server.definition import (
    CompetitionFile,
    ContestantIn,
    GroupIn,
    JudgeEntry,
    JudgeIn,
    PanelIn,
    RoundIn,
    load_definition,
    load_definition_text,
)
from server.roster import ALIASES, SheetRef

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_example_gives_its_events_in_order() -> None:
    definition = load_definition(EXAMPLES / "contest.toml")
    assert definition.stream == "jiangcheng-speech-2025"
    kinds = [type(event).__name__ for event in definition.events]
    assert kinds[0] == "CompetitionCreated"
    assert kinds[1:6] == ["GroupDefined"] * 3 + ["RoundOpened", "ContestantRegistered"]
    assert Counter(kinds) == {
        "CompetitionCreated": 1,
        "GroupDefined": 3,
        "RoundOpened": 1,
        "ContestantRegistered": 12,
        "JudgeRegistered": 9,
        "PanelAssigned": 3,
        "ScoresheetDefined": 1,
        "RulesSet": 1,
        "PriorScoreRecorded": 12,
    }
    assert kinds[-13:-12] == ["RulesSet"]


def test_the_example_values() -> None:
    events = load_definition(EXAMPLES / "contest.toml").events
    created = events[0]
    assert isinstance(created, CompetitionCreated)
    assert created.title.en == "Jiangcheng 2nd Youth Speech Contest"
    assert (created.decimals, created.rounding) == (2, "half_up")
    assert [(r.round, r.name.zh_cn) for r in created.rounds] == [
        ("prelim", "初赛"),
        ("final", "决赛"),
    ]
    assert events[4] == RoundOpened(round="prelim", name=created.rounds[0].name)
    registered = [e for e in events if isinstance(e, ContestantRegistered)]
    assert registered[0] == ContestantRegistered(
        contestant="101",
        name="李思远",
        organisation="市发展和改革委员会",
        group="agency",
        round="prelim",
    )
    panels = {e.panel: e.groups for e in events if isinstance(e, PanelAssigned)}
    assert panels == {"A": ("enterprise",), "B": ("school",), "C": ("agency",)}
    sheet = next(e for e in events if isinstance(e, ScoresheetDefined))
    assert [(c.key, c.maximum, c.weight) for c in sheet.criteria] == [
        ("content", Decimal(100), Decimal("0.5")),
        ("delivery", Decimal(100), Decimal("0.3")),
        ("presence", Decimal(100), Decimal("0.2")),
    ]
    rules = next(e for e in events if isinstance(e, RulesSet))
    assert (rules.aggregation, rules.trim, rules.quorum) == ("trimmed_mean", 1, 3)
    weights = {c.source: c.weight for c in rules.composite}
    assert weights == {"expert": Decimal("0.4"), "live": Decimal("0.6")}
    assert all(type(w) is Decimal for w in weights.values())
    assert [(a.key, a.count) for a in rules.awards] == [("first", 1), ("second", 2), ("third", 3)]
    assert rules.advancement is not None and rules.advancement.count == 2
    prior = [e for e in events if isinstance(e, PriorScoreRecorded)]
    assert prior[0] == PriorScoreRecorded(contestant="101", source="expert", value=Decimal("86.5"))
    assert str(prior[-1].value) == "86"


def test_judges_are_listed_for_their_tokens_and_no_secret_is_in_the_events() -> None:
    definition = load_definition(EXAMPLES / "contest.toml")
    assert definition.judges[0] == JudgeEntry(id="J1", name="马建国", panel="A")
    registered = [e.judge for e in definition.events if isinstance(e, JudgeRegistered)]
    assert [j.id for j in definition.judges] == registered
    data = b"".join(encode_data(event) for event in definition.events)
    assert b"token" not in data and b"secret" not in data


def test_the_events_encode_canonically_and_decode_back() -> None:
    for event in load_definition(EXAMPLES / "contest.toml").events:
        assert msgspec.json.decode(encode_data(event), type=type(event)) == event


def test_the_csv_variant_gives_the_same_events() -> None:
    inline = load_definition(EXAMPLES / "contest.toml")
    assert load_definition(EXAMPLES / "contest-csv.toml") == inline


def test_the_text_form_reads_named_files_from_the_base_directory() -> None:
    text = (EXAMPLES / "contest-csv.toml").read_text(encoding="utf-8")
    assert load_definition_text(text, EXAMPLES) == load_definition(EXAMPLES / "contest.toml")


def test_defaults_fill_what_a_small_file_leaves_out(tmp_path: Path) -> None:
    path = tmp_path / "small.toml"
    path.write_text(
        """
id = "small"
title = { en = "Small" }
contestants = [
  { id = "c1", name = "Ann", organisation = "North", group = "all" },
]
judges = [{ id = "j1", name = "Bo", organisation = "South", panel = "p" }]
groups = [{ id = "all", name = { en = "Everyone" } }]
panels = [{ id = "p", groups = ["all"] }]
rules = { aggregation = "mean" }
[scoresheet]
criteria = [{ key = "score", label = { en = "Score" }, maximum = 100 }]
""",
        encoding="utf-8",
    )
    events = load_definition(path).events
    created = events[0]
    assert isinstance(created, CompetitionCreated)
    assert created.languages == ("zh-CN", "en") and created.decimals == 2
    assert [r.round for r in created.rounds] == ["final"]
    assert events[1] == GroupDefined(group="all", name=Label(en="Everyone"))
    rules = next(e for e in events if isinstance(e, RulesSet))
    assert rules.composite[0].source == "live" and rules.composite[0].weight == 1
    sheet = next(e for e in events if isinstance(e, ScoresheetDefined))
    assert sheet.places == 1 and sheet.criteria[0].weight == 1


def test_the_documented_example_is_the_example_file() -> None:
    doc = (EXAMPLES.parent / "docs" / "competition-file.md").read_text(encoding="utf-8")
    block = doc.split("```toml\n")[-1].split("```")[0]
    assert block == (EXAMPLES / "contest.toml").read_text(encoding="utf-8")


def test_every_field_of_the_format_is_documented() -> None:
    doc = (EXAMPLES.parent / "docs" / "competition-file.md").read_text(encoding="utf-8")
    formats: list[type[msgspec.Struct]] = [
        CompetitionFile,
        GroupIn,
        RoundIn,
        PanelIn,
        ContestantIn,
        JudgeIn,
        SheetRef,
    ]
    formats += [ScoresheetDefined, Criterion, RulesSet, Component, TieBreak, AwardTier, Advancement]
    for kind in formats:
        for field in msgspec.structs.fields(kind):
            assert f"| `{field.encode_name}` |" in doc, f"{kind.__name__}.{field.encode_name}"
    for name, aliases in ALIASES.items():
        assert all(alias in doc for alias in aliases), name


def leitai(*args: str) -> str:
    """What ``leitai ARGS`` prints."""
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        cwd=EXAMPLES.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout


def init(definition: Path, db: Path) -> str:
    """What ``leitai init`` prints for ``definition``, creating it in ``db``."""
    return leitai("init", str(definition), "--db", str(db))


def test_init_lists_the_judges_who_stand_aside_for_their_own_organisation(
    tmp_path: Path,
) -> None:
    """Recusal by organisation is automatic and was silent: ``init`` now lists each
    judge and contestant it pairs (names compared as the server compares them), for
    the organisers to check before the show."""
    text = (EXAMPLES / "contest.toml").read_text(encoding="utf-8")
    text = text.replace('aggregation = "trimmed_mean"', 'aggregation = "mean"').replace(
        "quorum = 3", "quorum = 1"
    )
    # 304 (school, scored by panel B) is from J5's organisation, with a stray space
    last = 'organisation = "江城职业技术学院"\ngroup = "school"\nprior = { expert = 86 }'
    assert last in text
    text = text.replace(last, last.replace("江城职业技术学院", " 城投水务集团"))
    path = tmp_path / "contest.toml"
    path.write_text(text, encoding="utf-8")
    pairs = [(j.judge, c.contestant) for j, c in load_definition(path).stand_asides()]
    printed = init(path, tmp_path / "t.db")
    assert pairs == [("J5", "304")]
    assert "Judges standing aside for their own organisation (1):" in printed
    assert "  J5 宋文斌 - 304 何欣然 ( 城投水务集团)" in printed


def test_init_lists_the_contestants_lacking_a_prior_score_the_rules_need(
    tmp_path: Path,
) -> None:
    """A contestant without the expert review of the composite has an incomplete
    result until it is recorded; ``init`` listed stand-asides but said nothing of
    these, which the rehearsal found only at the reveals."""
    text = (EXAMPLES / "contest.toml").read_text(encoding="utf-8")
    for prior in ("prior = { expert = 86.5 }\n", "prior = { expert = 91 }\n"):
        assert prior in text
        text = text.replace(prior, "")
    path = tmp_path / "contest.toml"
    path.write_text(text, encoding="utf-8")
    missing = [
        (component.source, [c.contestant for c in lacking])
        for component, lacking in load_definition(path).missing_priors()
    ]
    printed = init(path, tmp_path / "t.db")
    assert missing == [("expert", ["101", "102"])]
    assert (
        "Contestants without a prior score the rules need (2): each result stays "
        "incomplete until the score is recorded (the console's card “Prior scores not recorded”):"
    ) in printed
    assert (
        "  101 李思远 - Expert review (expert)\n  102 王雨桐 - Expert review (expert)\n" in printed
    )

    whole = tmp_path / "whole.toml"
    whole.write_text((EXAMPLES / "contest.toml").read_text(encoding="utf-8"), encoding="utf-8")
    printed = init(whole, tmp_path / "w.db")
    assert "Every contestant has the prior scores the rules need (Expert review)." in printed


def test_printed_links_say_when_they_name_the_default_address(tmp_path: Path) -> None:
    """A rehearsal handed out links to port 8000 while the server ran on another."""
    printed = init(EXAMPLES / "contest.toml", tmp_path / "a.db")
    assert "(for a server at http://127.0.0.1:8000: give --public-url" in printed
    given = leitai(
        "setup-token", "--db", str(tmp_path / "a.db"), "--public-url", "https://scores.example.org"
    )
    assert "give --public-url" not in given
    assert "  https://scores.example.org/admin#token=" in given
