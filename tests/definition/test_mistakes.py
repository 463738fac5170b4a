"""Every kind of mistake in the file is one line naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.definition import DefinitionError, load_definition, load_definition_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TEXT = (EXAMPLES / "contest.toml").read_text(encoding="utf-8")
LAST = 'id = "304"\nname = "何欣然"\norganisation = "江城职业技术学院"\ngroup = "school"\nprior = { expert = 86 }'


def _edit(old: str, new: str) -> str:
    assert TEXT.count(old) >= 1, old
    return TEXT.replace(old, new, 1)


MISTAKES = [
    (
        _edit(LAST, LAST.replace('"school"', '"schol"')),
        'contest.toml: contestants[11].group: unknown group "schol"; '
        'expected one of: "agency", "enterprise", "school"',
    ),
    (_edit('id = "304"', "id = 304"), "contest.toml: contestants[11].id: expected text, found 304"),
    (
        _edit('id = "304"', 'id = "304"\ngrup = "school"'),
        "contest.toml: contestants[11].grup: unknown field; "
        "expected one of: id, name, organisation, group, round, prior",
    ),
    (
        _edit('organisation = "江城职业技术学院"\n', ""),
        "contest.toml: contestants[11].organisation: missing; this field is required",
    ),
    (
        _edit('id = "304"', 'id = "303"'),
        'contest.toml: contestants[11].id: contestant id "303" is already used by contestants[10]',
    ),
    (
        _edit('id = "J9"', 'id = "J1"'),
        'contest.toml: judges[8].id: judge id "J1" is already used by judges[0]',
    ),
    (
        _edit('panel = "C"\n', 'panel = "D"\n'),
        'contest.toml: judges[6].panel: unknown panel "D"; expected one of: "A", "B", "C"',
    ),
    (
        _edit('groups = ["agency"]', 'groups = ["agencies"]'),
        'contest.toml: panels[2].groups[0]: unknown group "agencies"; '
        'expected one of: "agency", "enterprise", "school"',
    ),
    (
        _edit('groups = ["agency"]', 'groups = ["enterprise"]'),
        'contest.toml: groups[0]: no panel scores group "agency"; add it to a panel\'s groups',
    ),
    (
        _edit("weight = 0.6", "weight = 0.5"),
        "contest.toml: rules.composite: the weights sum to 0.9 (expert 0.4 + live 0.5), not 1",
    ),
    (
        _edit('source = "live"', 'source = "onsite"'),
        'contest.toml: rules.composite: no component has source "live" (the judges)',
    ),
    (
        _edit("trim = 1", "trim = 2"),
        "contest.toml: groups[0]: trimmed_mean with trim = 2 needs 5 counted scores, "
        'but only 3 judges (not shadow) score group "agency"',
    ),
    (
        _edit(LAST, LAST.replace("江城职业技术学院", "市文学艺术界联合会")),
        "contest.toml: contestants[11].organisation: quorum = 3 needs 3 counted scores, "
        'but only 2 judges can score "304" (1 from "市文学艺术界联合会" must stand aside)',
    ),
    (  # the same organisation as the server compares them: a stray space, full-width letters
        _edit(LAST, LAST.replace("江城职业技术学院", " 市文学艺术界联合会")),
        "contest.toml: contestants[11].organisation: quorum = 3 needs 3 counted scores, "
        'but only 2 judges can score "304" (1 from " 市文学艺术界联合会" must stand aside)',
    ),
    (  # closest_pair needs two marks however low the quorum
        TEXT.replace(
            'aggregation = "trimmed_mean"\ntrim = 1\nquorum = 3',
            'aggregation = "closest_pair"\nquorum = 1',
        )
        .replace(
            'organisation = "市发展和改革委员会"\npanel = "A"',
            'organisation = "江城轨道交通集团"\npanel = "A"',
        )
        .replace(
            'organisation = "市教育局"\npanel = "A"',
            'organisation = "江城轨道交通集团"\npanel = "A"',
        ),
        "contest.toml: contestants[4].organisation: closest_pair needs 2 counted scores, "
        'but only 1 judges can score "201" (2 from "江城轨道交通集团" must stand aside)',
    ),
    (
        _edit("prior = { expert = 86 }", "prior = { review = 86 }"),
        'contest.toml: contestants[11].prior.review: "review" is not a prior source of '
        "rules.composite (expected one of: expert)",
    ),
    (
        _edit("prior = { expert = 86 }", "prior = { expert = 860 }"),
        "contest.toml: contestants[11].prior.expert: expected a number from 0 to 100 "
        "(the scale of the scoresheet), found 860",
    ),
    (
        _edit("prior = { expert = 86 }", 'prior = { expert = "high" }'),
        'contest.toml: contestants[11].prior.expert: expected a number, found "high"',
    ),
    (
        _edit('aggregation = "trimmed_mean"', 'aggregation = "average"'),
        'contest.toml: rules.aggregation: expected one of "mean", "trimmed_mean", "median", '
        '"closest_pair", found "average"',
    ),
    (
        _edit('kind = "component"\nsource = "expert"', 'kind = "component"\nsource = "self"'),
        'contest.toml: rules.tie_breaks[1].source: unknown composite source "self"; '
        'expected one of: "expert", "live"',
    ),
    (
        _edit('by = "rank"\ncount = 1', 'by = "share"\ncount = 1'),
        'contest.toml: rules.awards[0].share: missing; by = "share" needs a share (0.1 is 10%)',
    ),
    (
        _edit("maximum = 100\nweight = 0.5", "maximum = 99.95\nweight = 0.5"),
        "contest.toml: scoresheet.criteria[0].maximum: 99.95 cannot be entered with "
        "places = 1; expected a multiple of 0.1",
    ),
    (
        _edit('[[rounds]]\nid = "final"\nname = { zh-CN = "决赛", en = "Final" }\n', ""),
        "contest.toml: rules.advancement: there is only one round to advance from; "
        "add the next one to rounds",
    ),
    (
        _edit('name = { zh-CN = "学校组", en = "Schools" }', "name = {}"),
        'contest.toml: groups[2].name: empty; expected { zh-CN = "…", en = "…" } with at least one',
    ),
    (
        _edit('languages = ["zh-CN", "en"]', 'languages = ["zh-CN", "fr"]'),
        'contest.toml: languages[1]: expected one of "zh-CN", "en", found "fr"',
    ),
    (
        _edit("weight = 0.6", "weight = nan"),
        "contest.toml: rules.composite[1].weight: expected a number more than 0, found NaN",
    ),
    (
        _edit('id = "304"', 'id = "304" ='),
        "contest.toml: not valid TOML: Expected newline or end of document after a statement "
        "(at line 189, column 12)",
    ),
]


@pytest.mark.parametrize(("text", "message"), MISTAKES, ids=[m[:60] for _, m in MISTAKES])
def test_each_mistake_is_one_line_naming_the_field(text: str, message: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(text, EXAMPLES, name="contest.toml")
    assert str(caught.value) == message


def test_a_key_after_a_table_header_is_named_where_toml_puts_it() -> None:
    text = TEXT + '\ntitle2 = "x"\n'
    with pytest.raises(
        DefinitionError, match=r"^contest\.toml: judges\[8\]\.title2: unknown field"
    ):
        load_definition_text(text, EXAMPLES, name="contest.toml")


def test_an_upload_may_not_name_files_outside_its_directory(tmp_path: Path) -> None:
    text = TEXT[: TEXT.index("[[contestants]]")].replace(
        'rounding = "half_up"\n',
        'rounding = "half_up"\ncontestants = "../examples/contestants.csv"\njudges = "judges.csv"\n',
    )
    upload = tmp_path / "upload"
    upload.mkdir()
    with pytest.raises(
        DefinitionError,
        match=r'^contest\.toml: contestants\.file: "\.\./examples/contestants\.csv" is outside',
    ):
        load_definition_text(text, upload, name="contest.toml")


def test_a_missing_file_names_itself(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match=r"absent\.toml: cannot read: No such file"):
        load_definition(tmp_path / "absent.toml")
