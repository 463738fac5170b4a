"""The competition definition file: one TOML file → the events that create a competition.

``load_definition`` reads the file (and the CSV or XLSX files it names),
checks everything a competition needs before its first event exists, and
returns the ordered events. It appends nothing and holds no secret, so a
mistake costs nothing: ``DefinitionError`` says in one line which file, which
field (or spreadsheet row and column), what was found and what was expected,
in English and in Chinese (``server.mistake``).
docs/competition-file.md is the reference of the format.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated, TypeVar

import msgspec
from msgspec import Meta

from events.catalog import (
    AnyEvent,
    CompetitionCreated,
    Component,
    ContestantRegistered,
    Decimals,
    GroupDefined,
    Id,
    JudgeRegistered,
    Label,
    Language,
    PanelAssigned,
    PriorScoreRecorded,
    Rounding,
    RoundOpened,
    RoundPlan,
    RulesSet,
    ScoresheetDefined,
)
from projections.commands import PlainName
from projections.decide import PRIOR_PLACES, places_of
from projections.spelling import spelling_key, visible, written_apart
from projections.standings import least_valid
from projections.state import organisation_key
from server import limits
from server.explain import Segment, dotted, explain, render
from server.mistake import Bilingual, Mistake, cannot_read
from server.roster import Location, Place, RosterError, SheetRef, read_roster
from server.toml_errors import toml_problem


class DefinitionError(Mistake):
    """A competition file that cannot create a competition; ``str`` is one line."""


class JudgeEntry(msgspec.Struct, frozen=True):
    """A judge the server issues a token for."""

    id: str
    name: str
    panel: str


class Definition(msgspec.Struct, frozen=True):
    """A checked competition: its stream id and the events that create it, in order."""

    stream: str
    events: list[AnyEvent]
    judges: list[JudgeEntry]

    def stand_asides(self) -> list[tuple[JudgeRegistered, ContestantRegistered]]:
        """Each judge whose panel scores a contestant of their own organisation
        (the same after ``organisation_key``), with that contestant: the pairs
        that recuse themselves, for the organisers to check before the show."""
        groups = {e.panel: e.groups for e in self.events if isinstance(e, PanelAssigned)}
        judges = [e for e in self.events if isinstance(e, JudgeRegistered)]
        return [
            (judge, contestant)
            for contestant in self.events
            if isinstance(contestant, ContestantRegistered)
            for judge in judges
            if contestant.group in groups.get(judge.panel, ())
            and organisation_key(judge.organisation) == organisation_key(contestant.organisation)
        ]

    def missing_priors(self) -> list[tuple[Component, list[ContestantRegistered]]]:
        """Each prior source of the composite (an expert review …) with the
        contestants the file gives no score of it: their results stay incomplete
        until one is recorded, for the organisers to see before the show."""
        rules = next((e for e in reversed(self.events) if isinstance(e, RulesSet)), None)
        recorded = {
            (e.contestant, e.source) for e in self.events if isinstance(e, PriorScoreRecorded)
        }
        contestants = [e for e in self.events if isinstance(e, ContestantRegistered)]
        found = []
        for component in rules.composite if rules is not None else ():
            if component.source == "live":
                continue
            lacking = [c for c in contestants if (c.contestant, component.source) not in recorded]
            found.append((component, lacking))
        return found


# --- the shape of the file ---------------------------------------------------


class GroupIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: Id
    name: Label


class RoundIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: Id
    name: Label


class PanelIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: Id
    groups: Annotated[list[Id], Meta(min_length=1)]


class ContestantIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: Id
    name: PlainName
    organisation: PlainName
    group: Id
    round: Id | None = None
    prior: dict[Id, Decimal] = {}


class JudgeIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: Id
    name: PlainName
    organisation: PlainName
    panel: Id
    shadow: bool = False


DEFAULT_ROUND = RoundIn(id="final", name=Label(zh_cn="决赛", en="Final"))


class CompetitionFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: Id
    title: Label
    groups: Annotated[list[GroupIn], Meta(min_length=1)]
    panels: Annotated[list[PanelIn], Meta(min_length=1)]
    scoresheet: ScoresheetDefined
    contestants: list[ContestantIn] | SheetRef | str
    judges: list[JudgeIn] | SheetRef | str
    languages: Annotated[tuple[Language, ...], Meta(min_length=1)] = ("zh-CN", "en")
    decimals: Decimals = 2
    rounding: Rounding = "half_up"
    rounds: Annotated[tuple[RoundIn, ...], Meta(min_length=1)] = (DEFAULT_ROUND,)
    rules: RulesSet = RulesSet()


# --- entry points ------------------------------------------------------------


def load_definition(path: Path) -> Definition:
    """The competition defined by the TOML file at ``path``; named files are
    read relative to its directory."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DefinitionError(str(path), None, cannot_read(exc)) from None
    except UnicodeDecodeError as exc:
        raise DefinitionError(
            str(path),
            None,
            Bilingual(
                f"not UTF-8 text (byte {exc.start})", f"不是 UTF-8 文本（第 {exc.start} 字节）"
            ),
        ) from None
    return _load(text, path.parent, str(path), confine=False)


def load_definition_text(
    text: str, base_dir: Path | None, *, name: str = "competition file"
) -> Definition:
    """The competition defined by TOML ``text`` (an upload). Files it names are
    read from ``base_dir`` and must lie inside it; without one (an upload,
    which brings no files) it may name none. ``name`` is how messages call
    the text."""
    return _load(text.removeprefix("\ufeff"), base_dir, name, confine=True)


def definition_from_data(
    data: Mapping[str, object], *, name: str, base_dir: Path | None = None
) -> Definition:
    """The competition defined by ``data``, shaped as the parsed TOML file
    (how ``server.sample`` builds the demo). Without ``base_dir`` it may name
    no files."""
    return _Checker(data, name, base_dir, confine=True).definition()


def _load(text: str, base_dir: Path | None, name: str, *, confine: bool) -> Definition:
    try:
        data = tomllib.loads(text, parse_float=_decimal)
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(name, None, toml_problem(exc)) from None
    return _Checker(data, name, base_dir, confine=confine).definition()


def _decimal(text: str) -> Decimal:
    """A TOML float as an exact Decimal, in fixed-point form (``1e2`` → ``100``)."""
    value = Decimal(text)
    if value.is_finite() and value.as_tuple().exponent > 0:  # type: ignore[operator]
        return value.quantize(Decimal(1))
    return value


# --- checking --------------------------------------------------------------

_ID = Bilingual("id", "编号")
_GROUP = Bilingual("group", "组别")
_KEY = Bilingual("key", "键名")
_COMPOSITE_SOURCE = Bilingual("composite source", "综合成绩来源")

T = TypeVar("T")
R = TypeVar("R", ContestantIn, JudgeIn)
Contestants = list[tuple[ContestantIn, Place]]
Judges = list[tuple[JudgeIn, Place]]


class _Checker:
    """Checks one file; every method raises ``DefinitionError`` on the first mistake."""

    def __init__(
        self, data: Mapping[str, object], name: str, base_dir: Path | None, *, confine: bool
    ) -> None:
        self.data = data
        self.name = name
        self.base_dir = base_dir
        self.confine = confine

    def fail(self, path: list[Segment] | str, en: str | Bilingual, zh: str = "") -> DefinitionError:
        where = path if isinstance(path, str) else dotted(path)
        problem = en if isinstance(en, Bilingual) else Bilingual(en, zh)
        return DefinitionError(self.name, Bilingual.same(where), problem)

    def definition(self) -> Definition:
        try:
            doc = msgspec.convert(self.data, CompetitionFile)
        except msgspec.ValidationError as exc:
            path, problem = explain(exc, self.data, CompetitionFile)
            raise self.fail(path, problem) from None
        contestants = self.roster("contestants", doc.contestants, ContestantIn, doc)
        judges = self.roster("judges", doc.judges, JudgeIn, doc)
        self.check_sizes(doc, contestants, judges)
        self.check_settings(doc)
        self.check_scoresheet(doc.scoresheet)
        self.check_rules(doc)
        self.check_panels(doc)
        self.check_contestants(doc, contestants)
        self.check_judges(doc, judges)
        self.check_organisations(contestants, judges)
        self.check_scores_possible(doc, contestants, judges)
        return _events(doc, contestants, judges)

    # --- the people ---------------------------------------------------

    def roster(
        self, key: str, value: list[R] | SheetRef | str, kind: type[R], doc: CompetitionFile
    ) -> list[tuple[R, Place]]:
        if isinstance(value, list):
            return [
                (record, Place.inline(self.name, f"{key}[{index}]"))
                for index, record in enumerate(value)
            ]
        ref = SheetRef(file=value) if isinstance(value, str) else value
        sources = {
            component.source: component.label
            for component in doc.rules.composite
            if component.source != "live"
        }
        try:
            return read_roster(
                ref,
                kind=kind,
                base_dir=self.base_dir,
                confine=self.confine,
                prior_sources=sources if kind is ContestantIn else {},
                where=(self.name, key),
                groups={g.id: g.name for g in doc.groups},
            )
        except RosterError as exc:
            raise DefinitionError(exc.source, exc.where, exc.problem) from None

    def check_sizes(self, doc: CompetitionFile, contestants: Contestants, judges: Judges) -> None:
        for key, count, most in (
            ("scoresheet.criteria", len(doc.scoresheet.criteria), limits.MAX_CRITERIA),
            ("contestants", len(contestants), limits.MAX_CONTESTANTS),
            ("judges", len(judges), limits.MAX_JUDGES),
        ):
            if count > most:
                raise self.fail(
                    key,
                    f"{count} entries; at most {most} are allowed",
                    f"共 {count} 项；至多 {most} 项",
                )

    # --- the settings -------------------------------------------------

    def check_settings(self, doc: CompetitionFile) -> None:
        self.unique(["languages"], doc.languages, lambda language: language)
        self.label(["title"], doc.title)
        self.unique(["groups"], doc.groups, lambda group: group.id)
        for index, group in enumerate(doc.groups):
            self.label(["groups", index, "name"], group.name)
        self.unique(["rounds"], doc.rounds, lambda round_: round_.id)
        for index, round_ in enumerate(doc.rounds):
            self.label(["rounds", index, "name"], round_.name)

    def check_scoresheet(self, sheet: ScoresheetDefined) -> None:
        if not sheet.criteria:
            raise self.fail(
                "scoresheet.criteria",
                "empty; expected at least one criterion",
                "是空的；至少要有一个评分项",
            )
        self.unique(["scoresheet", "criteria"], sheet.criteria, lambda c: c.key, what=_KEY)
        step = Decimal(1).scaleb(-sheet.places)
        for index, criterion in enumerate(sheet.criteria):
            path: list[Segment] = ["scoresheet", "criteria", index]
            self.label([*path, "label"], criterion.label)
            self.positive([*path, "maximum"], criterion.maximum)
            self.positive([*path, "weight"], criterion.weight)
            if criterion.maximum % step:
                raise self.fail(
                    [*path, "maximum"],
                    f"{criterion.maximum} cannot be entered with places = {sheet.places}; "
                    f"expected a multiple of {step}",
                    f"places = {sheet.places} 时无法录入 {criterion.maximum}；应为 {step} 的倍数",
                )

    def check_rules(self, doc: CompetitionFile) -> None:
        rules = doc.rules
        composite = rules.composite
        if not composite:
            raise self.fail(
                "rules.composite",
                'empty; expected at least { source = "live" }',
                '是空的；至少要有 { source = "live" }',
            )
        self.unique(
            ["rules", "composite"], composite, lambda c: c.source, what=Bilingual("source", "来源")
        )
        for index, component in enumerate(composite):
            self.positive(["rules", "composite", index, "weight"], component.weight)
        if all(component.source != "live" for component in composite):
            raise self.fail(
                "rules.composite",
                'no component has source "live" (the judges)',
                '没有 source = "live"（现场评委打分）的组成部分',
            )
        total = sum((component.weight for component in composite), Decimal(0))
        if total != 1:
            terms = " + ".join(f"{c.source} {c.weight}" for c in composite)
            terms_zh = " + ".join(f'"{c.source}" {c.weight}' for c in composite)
            raise self.fail(
                "rules.composite",
                f"the weights sum to {total} ({terms}), not 1",
                f"权重之和为 {total}（{terms_zh}），应为 1",
            )
        sources = {component.source for component in composite}
        for index, tie_break in enumerate(rules.tie_breaks):
            path: list[Segment] = ["rules", "tie_breaks", index]
            if tie_break.kind == "component":
                if tie_break.source is None:
                    raise self.fail(
                        [*path, "source"],
                        'missing; "component" needs a source',
                        '缺少此项；"component" 需要指定 source',
                    )
                self.known([*path, "source"], tie_break.source, sources, _COMPOSITE_SOURCE)
            elif tie_break.source is not None:
                raise self.fail(
                    [*path, "source"],
                    f'only "component" takes a source, not "{tie_break.kind}"',
                    f'只有 "component" 可以指定 source，"{tie_break.kind}" 不可以',
                )
            if tie_break.kind == "shared" and index != len(rules.tie_breaks) - 1:
                raise self.fail(
                    [*path, "kind"],
                    '"shared" ends the chain; nothing may follow it',
                    '"shared" 必须是最后一项，后面不能再有其他规则',
                )
        self.check_awards(rules)
        if rules.advancement is not None:
            if rules.advancement.count < 1:
                raise self.fail(
                    "rules.advancement.count",
                    f"expected a whole number >= 1, found {rules.advancement.count}",
                    f"应为不小于 1 的整数，实际为 {rules.advancement.count}",
                )
            if len(doc.rounds) < 2:
                raise self.fail(
                    "rules.advancement",
                    "there is only one round to advance from; add the next one to rounds",
                    "只有一轮，无法晋级；请在 rounds 中加上下一轮",
                )

    def check_awards(self, rules: RulesSet) -> None:
        self.unique(["rules", "awards"], rules.awards, lambda tier: tier.key, what=_KEY)
        shares: Counter[str] = Counter()
        # a tier by = "rank" without a count takes everyone not yet awarded
        # (rules.md §10) in every field: a tier after it would get nobody
        everyone_left: int | None = None
        for index, tier in enumerate(rules.awards):
            path: list[Segment] = ["rules", "awards", index]
            self.label([*path, "name"], tier.name)
            if everyone_left is not None:
                raise self.fail(
                    path,
                    f"nobody is left for it: rules.awards[{everyone_left}] "
                    '(by = "rank" without count) takes everyone left',
                    f"已无人可评此奖：rules.awards[{everyone_left}]"
                    '（by = "rank" 且未写 count）已包括其余所有选手',
                )
            if tier.by == "rank":
                if tier.count is None:
                    everyone_left = index
                elif tier.count < 1:
                    found = render(tier.count)
                    raise self.fail(
                        [*path, "count"],
                        'expected a whole number >= 1 for by = "rank" '
                        f"(or no count: everyone left), found {found.en}",
                        f'by = "rank" 时应为不小于 1 的整数（不写 count 即其余所有选手），'
                        f"实际为 {found.zh}",
                    )
                if tier.share is not None:
                    raise self.fail(
                        [*path, "share"],
                        'by = "rank" takes a count, not a share',
                        'by = "rank" 时应写 count，不能写 share',
                    )
            else:
                if tier.share is None:
                    raise self.fail(
                        [*path, "share"],
                        'missing; by = "share" needs a share (0.1 is 10%)',
                        '缺少此项；by = "share" 时需要 share（0.1 即 10%）',
                    )
                self.number([*path, "share"], tier.share, above=Decimal(0), most=Decimal(1))
                if tier.count is not None:
                    raise self.fail(
                        [*path, "count"],
                        'by = "share" takes a share, not a count',
                        'by = "share" 时应写 share，不能写 count',
                    )
                shares[tier.scope] += tier.share  # type: ignore[assignment]
        for scope, total in shares.items():
            if total > 1:
                raise self.fail(
                    "rules.awards",
                    f'the shares of the "{scope}" awards sum to {total}, more than 1',
                    f'"{scope}" 范围内各奖项的 share 之和为 {total}，超过了 1',
                )

    # --- who scores whom ----------------------------------------------

    def check_panels(self, doc: CompetitionFile) -> None:
        self.unique(["panels"], doc.panels, lambda panel: panel.id)
        groups = {group.id for group in doc.groups}
        for index, panel in enumerate(doc.panels):
            self.unique(["panels", index, "groups"], panel.groups, lambda group: group, what=_GROUP)
            for position, listed in enumerate(panel.groups):
                self.known(["panels", index, "groups", position], listed, groups, _GROUP)
        scored = {group for panel in doc.panels for group in panel.groups}
        for index, defined in enumerate(doc.groups):
            if defined.id not in scored:
                raise self.fail(
                    ["groups", index],
                    f'no panel scores group "{defined.id}"; add it to a panel\'s groups',
                    f'没有评委组给组别 "{defined.id}" 评分；请把它加进某个评委组的 groups',
                )

    def check_contestants(self, doc: CompetitionFile, contestants: Contestants) -> None:
        groups = {group.id for group in doc.groups}
        rounds = {round_.id for round_ in doc.rounds}
        sources = {c.source for c in doc.rules.composite if c.source != "live"}
        scale = sum((c.weight * c.maximum for c in doc.scoresheet.criteria), Decimal(0))
        seen: dict[str, Place] = {}
        for record, place in contestants:
            self.first(seen, record.id, place, Bilingual("contestant", "选手"))
            self.known_at(place.at("group"), record.group, groups, _GROUP)
            if record.round is not None:
                self.known_at(place.at("round"), record.round, rounds, Bilingual("round", "轮次"))
            for source, value in record.prior.items():
                where = place.at(f"prior.{source}")
                if source not in sources:
                    hint = ", ".join(sorted(sources)) or 'none: "live" is the only component'
                    hint_zh = (
                        "、".join(f'"{s}"' for s in sorted(sources))
                        or '无："live" 是唯一的组成部分'
                    )
                    raise DefinitionError(
                        *where,
                        Bilingual(
                            f'"{source}" is not a prior source of rules.composite '
                            f"(expected one of: {hint})",
                            f'"{source}" 不是 rules.composite 中的前期成绩来源（应为：{hint_zh}）',
                        ),
                    )
                if not value.is_finite() or not 0 <= value <= scale:
                    top = f"{scale.normalize():f}"
                    raise DefinitionError(
                        *where,
                        Bilingual(
                            f"expected a number from 0 to {top} "
                            f"(the scale of the scoresheet), found {value}",
                            f"应为 0 到 {top}（评分表的满分）之间的数，实际为 {value}",
                        ),
                    )
                if places_of(value) > PRIOR_PLACES:  # as the API counts them: 85.50000 is 85.5
                    raise DefinitionError(
                        *where,
                        Bilingual(
                            f"expected at most {PRIOR_PLACES} decimal places, found {value}:"
                            " a spreadsheet's formula keeps every place whatever its cell"
                            " shows; round it there (=ROUND(…, 2)) or give the cell a"
                            " format of fixed places (0.00)",
                            f"最多 {PRIOR_PLACES} 位小数，实际为 {value}：表格中的公式结果保留全部小数位，"
                            "与单元格显示无关；请在表格中取整（=ROUND(…, 2)）或将单元格格式设为固定小数位（0.00）",
                        ),
                    )

    def check_judges(self, doc: CompetitionFile, judges: Judges) -> None:
        panels = {panel.id for panel in doc.panels}
        seen: dict[str, Place] = {}
        for record, place in judges:
            self.first(seen, record.id, place, Bilingual("judge", "评委"))
            self.known_at(place.at("panel"), record.panel, panels, Bilingual("panel", "评委组"))
        staffed = {record.panel for record, _ in judges}
        for index, panel in enumerate(doc.panels):
            if panel.id not in staffed:
                raise self.fail(
                    ["panels", index],
                    f'no judge sits on panel "{panel.id}"',
                    f'评委组 "{panel.id}" 没有评委',
                )

    def check_organisations(self, contestants: Contestants, judges: Judges) -> None:
        """No two organisations written alike but for spaces or invisible
        characters (``projections.spelling``)."""
        seen: dict[str, tuple[str, Place]] = {}
        records: list[tuple[ContestantIn | JudgeIn, Place]] = [*contestants, *judges]
        for record, place in records:
            name = record.organisation
            first, where = seen.setdefault(spelling_key(name), (name, place))
            if not written_apart(name, first):
                continue
            raise DefinitionError(
                *place.at("organisation"),
                Bilingual(
                    f'"{visible(name)}" differs from "{visible(first)}" ({where.where.en}) only by'
                    " spaces or characters one cannot see: write them alike if they are one"
                    " organisation (a judge never scores their own), or tell them apart by more"
                    " if not",
                    f"“{visible(name)}”与“{visible(first)}”（{where.where.zh}）仅差空格或不可见字符："
                    "如为同一单位请写成一样（评委不为本单位选手评分），如非同一单位请以其他文字区分",
                ),
            )

    def check_scores_possible(
        self, doc: CompetitionFile, contestants: Contestants, judges: Judges
    ) -> None:
        """Every contestant can get enough counted scores for the aggregation
        and the quorum, after judges of the same organisation stand aside."""
        rules = doc.rules
        need = least_valid(rules)
        if need == rules.quorum:
            rule = Bilingual.same(f"quorum = {rules.quorum}")
        elif rules.aggregation == "trimmed_mean":
            rule = Bilingual(
                f"trimmed_mean with trim = {rules.trim}", f"trimmed_mean 且 trim = {rules.trim} 时"
            )
        else:
            rule = Bilingual(rules.aggregation, f"{rules.aggregation} 时")
        counted = [judge for judge, _ in judges if not judge.shadow]
        by_group = {
            group.id: [
                j for j in counted for p in doc.panels if p.id == j.panel and group.id in p.groups
            ]
            for group in doc.groups
        }
        for index, group in enumerate(doc.groups):
            size = len(by_group[group.id])
            if rules.aggregation == "closest_pair" and size != 3:
                raise self.fail(
                    "rules.aggregation",
                    f'closest_pair needs a panel of 3, but {size} counted judges score group "{group.id}"',
                    f'closest_pair 需要 3 位评委，但给组别 "{group.id}" 计分的评委有 {size} 位',
                )
            if size < need:
                raise self.fail(
                    ["groups", index],
                    f"{rule.en} needs {need} counted scores, but only {size} judges "
                    f'(not shadow) score group "{group.id}"',
                    f"{rule.zh}需要 {need} 个计入的分数，但给组别 "
                    f'"{group.id}" 评分的（非见习）评委只有 {size} 位',
                )
        for record, place in contestants:
            own = organisation_key(record.organisation)
            able = [j for j in by_group[record.group] if organisation_key(j.organisation) != own]
            if len(able) < need:
                recused = len(by_group[record.group]) - len(able)
                raise DefinitionError(
                    *place.at("organisation"),
                    Bilingual(
                        f"{rule.en} needs {need} counted scores, "
                        f'but only {len(able)} judges can score "{record.id}" ({recused} from '
                        f'"{record.organisation}" must stand aside)',
                        f'{rule.zh}需要 {need} 个计入的分数，但能给 "{record.id}" 评分的评委'
                        f'只有 {len(able)} 位（{recused} 位来自 "{record.organisation}"，须回避）',
                    ),
                )

    # --- small checks ---------------------------------------------------

    def unique(
        self,
        path: list[Segment],
        items: Iterable[T],
        key: Callable[[T], str],
        what: Bilingual = _ID,
    ) -> None:
        seen: set[str] = set()
        for index, item in enumerate(items):
            value = key(item)
            if value in seen:
                raise self.fail(
                    [*path, index],
                    f'{what.en} "{value}" appears twice',
                    f'{what.zh} "{value}" 出现了两次',
                )
            seen.add(value)

    def first(self, seen: dict[str, Place], id_: str, place: Place, what: Bilingual) -> None:
        if id_ in seen:
            earlier = seen[id_].describe()
            raise DefinitionError(
                *place.at("id"),
                Bilingual(
                    f'{what.en} id "{id_}" is already used by {earlier.en}',
                    f'{what.zh}编号 "{id_}" 已被 {earlier.zh} 使用',
                ),
            )
        seen[id_] = place

    def known(self, path: list[Segment], value: str, known: set[str], what: Bilingual) -> None:
        self.known_at((self.name, Bilingual.same(dotted(path))), value, known, what)

    @staticmethod
    def known_at(where: Location, value: str, known: set[str], what: Bilingual) -> None:
        if value not in known:
            options = [f'"{k}"' for k in sorted(known)]
            raise DefinitionError(
                *where,
                Bilingual(
                    f'unknown {what.en} "{value}"; expected one of: {", ".join(options)}',
                    f'没有{what.zh} "{value}"；应为 {"、".join(options)} 之一',
                ),
            )

    def label(self, path: list[Segment], label: Label) -> None:
        if not (label.zh_cn.strip() or label.en.strip()):
            raise self.fail(
                path,
                'empty; expected { zh-CN = "…", en = "…" } with at least one',
                '是空的；应为 { zh-CN = "…", en = "…" }，至少填写一种语言',
            )
        longest = max(len(label.zh_cn), len(label.en))
        if longest > limits.MAX_LABEL_CHARS:
            raise self.fail(
                path,
                f"{longest} characters long; at most {limits.MAX_LABEL_CHARS} are allowed",
                f"长 {longest} 个字符；至多 {limits.MAX_LABEL_CHARS} 个字符",
            )

    def positive(self, path: list[Segment], value: Decimal) -> None:
        self.number(path, value, above=Decimal(0))

    def number(
        self, path: list[Segment], value: Decimal, *, above: Decimal, most: Decimal | None = None
    ) -> None:
        if not value.is_finite() or value <= above or (most is not None and value > most):
            bound = f"more than {above}" + (f" and at most {most}" if most is not None else "")
            bound_zh = f"大于 {above}" + (f" 且不大于 {most}" if most is not None else "")
            raise self.fail(
                path,
                f"expected a number {bound}, found {value}",
                f"应为{bound_zh} 的数，实际为 {value}",
            )


# --- the events ------------------------------------------------------------


def _events(doc: CompetitionFile, contestants: Contestants, judges: Judges) -> Definition:
    first = doc.rounds[0]
    events: list[AnyEvent] = [
        CompetitionCreated(
            title=doc.title,
            languages=doc.languages,
            decimals=doc.decimals,
            rounding=doc.rounding,
            rounds=tuple(RoundPlan(round=r.id, name=r.name) for r in doc.rounds),
        )
    ]
    events += [GroupDefined(group=group.id, name=group.name) for group in doc.groups]
    events.append(RoundOpened(round=first.id, name=first.name))
    entrants = [record for record, _ in contestants]
    events += [
        ContestantRegistered(
            contestant=c.id,
            name=c.name,
            organisation=c.organisation,
            group=c.group,
            round=c.round or first.id,
        )
        for c in entrants
    ]
    panel = [record for record, _ in judges]
    events += [
        JudgeRegistered(
            judge=j.id, name=j.name, organisation=j.organisation, panel=j.panel, shadow=j.shadow
        )
        for j in panel
    ]
    events += [PanelAssigned(panel=p.id, groups=tuple(p.groups)) for p in doc.panels]
    events += [doc.scoresheet, doc.rules]
    order = [c.source for c in doc.rules.composite]
    events += [
        PriorScoreRecorded(contestant=c.id, source=source, value=c.prior[source])
        for c in entrants
        for source in order
        if source in c.prior
    ]
    return Definition(
        stream=doc.id,
        events=events,
        judges=[JudgeEntry(id=j.id, name=j.name, panel=j.panel) for j in panel],
    )
