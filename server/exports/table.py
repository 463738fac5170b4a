"""The results of a round as plain tables, the same for every export format.

``results_tables`` reads the admin board (every scored result ranked,
provisional awards until the organiser finalises) and the audit of one round,
and lays them out as sheets of typed cells in one language: the overall
table with every judge's column (the CSV), the overall ranking without the
judges (the XLSX's overall sheet, and shorter still the printable page's),
one sheet per group with its panel's columns, and the judges' sheet. The
writers (``xlsx``, ``csv``, ``html``) only decide how a cell looks.

A judge of the panel with no total for a contestant says why in the cell
(``Score.reason``: abstained, stood aside, not scored) and in the "not
counted" column, like a total that does not count.

Shadow judges are left out of the results sheets (their marks never count
and are for the audit); they appear on the judges' sheet, marked as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from events.catalog import Component, Label
from projections.audit import AuditView, audit
from projections.board import BoardRow, BoardView, board
from projections.rules import NORMALISED_PLACES
from projections.state import Competition, Entry, Judge, Round
from server.errors import ApiError
from server.exports import headings as h
from server.exports.headings import ExportLanguage

LANGUAGES: tuple[ExportLanguage, ...] = ("zh-CN", "en")


NoTotal = Literal["same_organisation", "recused", "not_scored"]
"""Why a judge of the panel has no mark for a contestant: stood aside (the
rules' same-organisation recusal, or an admin's), or never scored by the
close. (An abstention is a mark, without a total.)"""


@dataclass(frozen=True, slots=True)
class Score:
    """A judge's cell in a results row. Not ``counted``: the total is shown
    struck through; no ``value``: the cell says ``reason`` in words
    (``headings.NO_TOTAL_SHORT``). ``reason`` is a key of ``headings.REASONS``."""

    value: Decimal | None
    counted: bool
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Uncounted:
    """One judge in the "not counted" cell."""

    heading: str
    """The judge's column heading (the name)."""
    label: str
    """The judge's short label (``Column.label``)."""
    reason: str
    """Why, in the export's language."""


@dataclass(frozen=True, slots=True)
class NotCounted:
    """The "not counted" cell: each judge of the row, in column order, whose
    total does not count or who has none, and why. Written ``name: reason``
    (the XLSX and CSV, whose columns are headed by names; a full-width colon
    in Chinese) or ``label reason``
    (the printed page, whose columns are headed by labels)."""

    judges: tuple[Uncounted, ...]

    def text(self, about: About, *, short: bool = False) -> str:
        colon = about.text(h.COLON)
        return about.text(h.SEPARATOR).join(
            f"{j.label} {j.reason}" if short else f"{j.heading}{colon}{j.reason}"
            for j in self.judges
        )


Cell = str | int | Decimal | Score | NotCounted | None
Kind = Literal["text", "integer", "number"]


@dataclass(frozen=True, slots=True)
class Column:
    heading: str
    kind: Kind
    places: int | None = None
    """Decimal places of a number column; None: the competition's (see ``About.places``)."""
    key: str = ""
    """What the column holds, the same in every language (``rank``, ``award``,
    ``judge``, …): the printable page styles cells by it."""
    label: str = ""
    """A judge's short label (the id, or ``#n`` when ids are long): the
    printed heading of a column too narrow for a name."""
    detail: str = ""
    """Who the label stands for, in the printed key under the table."""


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    """A line printed above the table (what struck-through means, …)."""
    key: str = ""
    """What the sheet is (``ranking``, ``results``, ``marks``, ``judges``): the
    printable page styles by it."""

    def project(self, keys: tuple[str, ...], key: str, note: str) -> Sheet:
        """The columns whose key is one of ``keys``, in the sheet's order."""
        kept = [i for i, column in enumerate(self.columns) if column.key in keys]
        return Sheet(
            self.name,
            tuple(self.columns[i] for i in kept),
            tuple(tuple(row[i] for i in kept) for row in self.rows),
            note,
            key,
        )


@dataclass(frozen=True, slots=True)
class About:
    """What the tables are of, in which language, and the log they commit to."""

    language: ExportLanguage
    stream: str
    round: str
    title: str
    round_name: str
    seq: int
    head_hash: str
    provisional: bool
    decimals: int
    issued: datetime
    """When the export was made (aware; printed in its own time zone)."""
    total_places: int
    """Places of every judge's total (``total_places``), so a column reads evenly."""

    def text(self, label: Label) -> str:
        return label.pick(self.language)

    def header(self) -> list[tuple[str, str, str | int]]:
        """The header block printed above the results: (key, label, value)."""
        standing = h.PROVISIONAL if self.provisional else h.FINAL_RESULTS
        return [
            ("competition", self.text(h.COMPETITION), self.title),
            ("round", self.text(h.ROUND), self.round_name),
            ("seq", self.text(h.HEAD_SEQ), self.seq),
            ("hash", self.text(h.HEAD_HASH), self.head_hash),
            ("issued", self.text(h.ISSUED), issued_text(self.issued)),
            (
                "provisional" if self.provisional else "final",
                self.text(h.STANDING),
                self.text(standing),
            ),
        ]

    def places(self, column: Column, value: Decimal) -> int:
        """Decimal places to show ``value`` with: the column's, else the
        competition's, or more when the value has more (a prior score such
        as 7.125), so that no digit is hidden; trailing zeros are not digits."""
        return max(self.decimals if column.places is None else column.places, _places(value))

    def number(self, column: Column, value: Decimal) -> str:
        """``value`` in fixed point with its places (exact: places never cut digits)."""
        return f"{value:.{self.places(column, value)}f}"


@dataclass(frozen=True, slots=True)
class ResultsTables:
    about: About
    overall: Sheet
    """Every member of the round, with a group column and every judge's
    column (the CSV: one table with every mark)."""
    standings: Sheet
    """``overall`` without the judges' columns (the XLSX's overall sheet:
    each judge's marks are on the sheet of the group, the panel's judges each)."""
    ranking: Sheet
    """The overall ranking a notice board needs (the printable page):
    ``standings`` without the ids and the aggregate, and a status only where
    a result is not ranked."""
    groups: tuple[Sheet, ...]
    judges: Sheet
    """Judges' severity and consistency, from the audit."""


RESULT_KEYS = (
    "rank",
    "id",
    "contestant",
    "organisation",
    "component",
    "final",
    "award",
    "status",
    "not-counted",
)
"""A group's results table: its standings, and which judges did not count."""
MARK_KEYS = ("rank", "id", "contestant", "judge", "aggregate")
"""A group's marks table: every judge's total, then the aggregate they make."""


def group_tables(about: About, group: Sheet) -> tuple[Sheet, Sheet]:
    """A group's sheet as a reader is given it, in two tables (one with
    every judge did not fit a page: a panel of 20 made 31 columns): its
    results (``RESULT_KEYS``, "not counted" naming each judge by the label
    of the marks table), then its marks (``MARK_KEYS``: one narrow column a
    judge, headed by the judge's label, with a key of the names)."""
    return (
        group.project(RESULT_KEYS, "results", about.text(h.RESULTS_NOTE)),
        group.project(MARK_KEYS, "marks", about.text(h.MARKS_NOTE)),
    )


def issued_text(moment: datetime) -> str:
    """``2026-05-16 21:04:09 UTC+08:00``: the same in both languages, and
    unambiguous on a notice board read far from the server."""
    offset = moment.strftime("%z") or "+0000"
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC{offset[:3]}:{offset[3:5]}"


def _places(value: Decimal) -> int:
    """Decimal places of ``value`` without its trailing zeros (8.50 has one)."""
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)  # finite: scores are never NaN or infinite
    return max(0, -exponent)


def total_places(state: Competition) -> int:
    """The most decimal places a judge's total can have (docs/rules.md §2, §5):
    Σ weight × points has the places of the marks plus the most places of a
    weight; a normalised total is rounded to ``NORMALISED_PLACES``. Never fewer
    than the competition's places, so the column reads like the aggregate's."""
    if state.rules.normalise:
        return max(state.decimals, NORMALISED_PLACES)
    weights = [_places(c.weight) for c in state.scoresheet.criteria]
    return max(state.decimals, state.scoresheet.places + max(weights, default=0))


def parse_language(raw: str | None, state: Competition) -> ExportLanguage:
    """``raw`` if it names a language of the exports; by default the competition's first."""
    if raw is None:
        return "en" if state.languages[:1] == ("en",) else "zh-CN"
    for language in LANGUAGES:
        if raw == language:
            return language
    raise ApiError(
        422,
        "invalid_language",
        f"The language (lang) must be one of {', '.join(LANGUAGES)}, not {raw!r}.",
        f"lang 须为 {'、'.join(LANGUAGES)} 之一，而不是 {raw!r}",
    )


def results_tables(
    state: Competition,
    round_id: str | None,
    language: ExportLanguage,
    issued: datetime | None = None,
) -> ResultsTables:
    """The tables of ``round_id`` (default: the round being run); 404 ``unknown_round``.

    ``issued`` is printed in the header; by default now, in the server's time zone."""
    round_ = state.round(round_id)
    if round_ is None:
        raise ApiError(
            404,
            "unknown_round",
            f"Competition {state.stream!r} has no round {round_id!r}."
            if round_id is not None
            else f"Competition {state.stream!r} has no round yet.",
            f"赛事 {state.stream!r} 没有轮次 {round_id!r}"
            if round_id is not None
            else f"赛事 {state.stream!r} 尚无轮次",
        )
    view = board(state, round_.id, public=False)
    about = About(
        language=language,
        stream=state.stream,
        round=round_.id,
        title=state.title.pick(language),
        round_name=round_.name.pick(language) or round_.id,
        seq=state.seq,
        head_hash=state.head_hash,
        provisional=not view.final,
        decimals=state.decimals,
        issued=issued if issued is not None else datetime.now().astimezone(),
        total_places=total_places(state),
    )
    components = _shown_components(state.rules.composite)
    overall = _results_sheet(
        about,
        about.text(h.OVERALL),
        state,
        round_,
        view,
        view.overall,
        components,
        with_group=True,
    )
    return ResultsTables(
        about=about,
        overall=overall,
        standings=_standings_sheet(about, overall),
        ranking=_ranking_sheet(about, view, components),
        groups=tuple(
            _results_sheet(
                about,
                group.name.pick(language) or group.group,
                state,
                round_,
                view,
                group.rows,
                components,
            )
            for group in view.groups
        ),
        judges=_judges_sheet(about, audit(state, round_.id)),
    )


def _shown_components(composite: Sequence[Component]) -> tuple[Component, ...]:
    """The composite's terms, unless it is the live aggregate alone (then each
    would repeat the aggregate column)."""
    if len(composite) == 1 and composite[0].source == "live" and composite[0].weight == 1:
        return ()
    return tuple(composite)


def _component_name(about: About, component: Component) -> str:
    name = component.label.pick(about.language)
    if name:
        return name
    return about.text(h.AGGREGATE) if component.source == "live" else component.source


def _component_column(about: About, component: Component) -> Column:
    return Column(
        f"{_component_name(about, component)} ×{component.weight}", "number", key="component"
    )


def _award_name(about: About, row: BoardRow) -> str | None:
    return row.award_name.pick(about.language) if row.award_name is not None else row.award


def _group_names(about: About, view: BoardView) -> dict[str, str]:
    """Group id → its name in the export's language (the id if it has none)."""
    return {g.group: g.name.pick(about.language) or g.group for g in view.groups}


def _ranking_sheet(about: About, view: BoardView, components: Sequence[Component]) -> Sheet:
    """Rank, contestant, organisation, group, the composite's terms, final and
    award; the status only where a result is not ranked (withdrawn, pending …),
    and its column only when there is one."""
    text = about.text
    group_names = _group_names(about, view)
    unranked = any(row.rank is None for row in view.overall)
    columns = (
        Column(text(h.RANK), "integer", key="rank"),
        Column(text(h.CONTESTANT), "text", key="contestant"),
        Column(text(h.ORGANISATION), "text", key="organisation"),
        Column(text(h.GROUP), "text", key="group"),
        *(_component_column(about, c) for c in components),
        Column(text(h.FINAL), "number", key="final"),
        Column(text(h.AWARD), "text", key="award"),
        *([Column(text(h.STATUS), "text", key="status")] if unranked else []),
    )
    rows: list[tuple[Cell, ...]] = []
    for row in view.overall:
        values = {c.source: c.value for c in row.components}
        rows.append(
            (
                row.rank,
                row.name,
                row.organisation,
                group_names.get(row.group, row.group),
                *(values.get(c.source) for c in components),
                row.final,
                _award_name(about, row),
                *([text(h.STATUSES[row.status]) if row.rank is None else ""] if unranked else []),
            )
        )
    return Sheet(text(h.OVERALL), columns, tuple(rows), text(h.RANKING_NOTE), "ranking")


_LABEL_WIDTH = 5
"""Judges' ids up to this long are their labels; longer ones get ``#n``."""


def _judge_columns(about: About, state: Competition, rows: Sequence[BoardRow]) -> dict[str, Column]:
    """Judge id → column, in registration order, for every non-shadow judge with a mark in
    ``rows`` or on a panel that scores a group of ``rows`` (so that a judge
    who stood aside for every contestant is listed too). Headed by the name,
    a name shared by two judges with the id added; labelled by the id, or by
    ``#n`` in that order where an id is too long to head a narrow column."""
    groups = {row.group for row in rows}
    names: dict[str, str] = {
        judge.id: judge.name
        for judge in state.judges.values()
        if not judge.shadow and groups & set(state.panels.get(judge.panel, ()))
    }
    for row in rows:
        for mark in row.judges:
            if not mark.shadow:
                names.setdefault(mark.judge, mark.name)
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    # in the order the judges were registered (the competition file's), not by id:
    # sorted as strings, J10 came between J1 and J2
    order = {judge: n for n, judge in enumerate(state.judges)}
    ids = sorted(names, key=lambda judge: (order.get(judge, len(order)), judge))
    by_id = all(len(judge) <= _LABEL_WIDTH for judge in ids)
    return {
        judge: Column(
            names[judge] if counts[names[judge]] == 1 else f"{names[judge]} ({judge})",
            "number",
            about.total_places,
            "judge",
            label=judge if by_id else f"#{n}",
            detail=names[judge] if by_id else f"{names[judge]} ({judge})",
        )
        for n, judge in enumerate(ids, start=1)
    }


def _no_total(
    state: Competition, round_id: str, judge: Judge | None, row: BoardRow, entry: Entry | None
) -> NoTotal | None:
    """Why ``judge`` has no mark for ``row``'s contestant in round ``round_id``:
    stood aside (known before the contestant performs), or not scored when
    scoring closed; None where the contestant is not the judge's to score,
    scoring has not closed yet, or it closed before the judge joined (``Competition.stands_aside``, as
    ``Competition.judge_expected`` asks)."""
    contestant = state.contestants.get(row.contestant)
    if judge is None or contestant is None:
        return None
    if contestant.group not in state.panels.get(judge.panel, ()):
        return None
    if (aside := state.stands_aside(judge, contestant, round_id)) is not None:
        return aside
    if entry is None or not entry.closed or judge.joined > entry.closed_seq:
        return None  # not closed yet, or closed before the judge (a substitute) joined
    return "not_scored"


def _results_sheet(
    about: About,
    name: str,
    state: Competition,
    round_: Round,
    view: BoardView,
    rows: Sequence[BoardRow],
    components: Sequence[Component],
    *,
    with_group: bool = False,
) -> Sheet:
    text = about.text
    judges = _judge_columns(about, state, rows)
    group_names = _group_names(about, view)
    columns = [
        Column(text(h.RANK), "integer", key="rank"),
        Column(text(h.CONTESTANT_ID), "text", key="id"),
        Column(text(h.CONTESTANT), "text", key="contestant"),
        Column(text(h.ORGANISATION), "text", key="organisation"),
        *([Column(text(h.GROUP), "text", key="group")] if with_group else []),
        *judges.values(),
        Column(text(h.AGGREGATE), "number", key="aggregate"),
        *(_component_column(about, c) for c in components),
        Column(text(h.FINAL), "number", key="final"),
        Column(text(h.AWARD), "text", key="award"),
        Column(text(h.STATUS), "text", key="status"),
        Column(text(h.NOT_COUNTED), "text", key="not-counted"),
    ]
    out: list[tuple[Cell, ...]] = []
    for row in rows:
        marks = {m.judge: m for m in row.judges if not m.shadow}
        entry = round_.entries.get(row.contestant)
        scores: list[Score | None] = []
        for judge in judges:
            mark = marks.get(judge)
            if mark is not None:
                scores.append(Score(mark.value, mark.counted, mark.dropped))
                continue
            absent = _no_total(state, round_.id, state.judges.get(judge), row, entry)
            scores.append(None if absent is None else Score(None, False, absent))
        not_counted = NotCounted(
            tuple(
                Uncounted(column.heading, column.label, text(h.REASONS[score.reason]))
                for column, score in zip(judges.values(), scores, strict=True)
                if score is not None and score.reason is not None
            )
        )
        award = _award_name(about, row)
        values = {c.source: c.value for c in row.components}
        out.append(
            (
                row.rank,
                row.contestant,
                row.name,
                row.organisation,
                *([group_names.get(row.group, row.group)] if with_group else []),
                *scores,
                row.aggregate,
                *(values.get(c.source) for c in components),
                row.final,
                award,
                text(h.STATUSES[row.status]),
                not_counted,
            )
        )
    return Sheet(name, tuple(columns), tuple(out), text(h.LEGEND), "results")


_STANDING_KEYS = {
    "rank",
    "id",
    "contestant",
    "organisation",
    "group",
    "aggregate",
    "component",
    "final",
    "award",
    "status",
}


def _standings_sheet(about: About, overall: Sheet) -> Sheet:
    """``overall`` without the judges' columns and the "not counted" column
    that names them."""
    keep = [i for i, column in enumerate(overall.columns) if column.key in _STANDING_KEYS]
    return Sheet(
        overall.name,
        tuple(overall.columns[i] for i in keep),
        tuple(tuple(row[i] for i in keep) for row in overall.rows),
        about.text(h.RANKING_NOTE),
        "standings",
    )


def _judges_sheet(about: About, view: AuditView) -> Sheet:
    text = about.text
    columns = (
        Column(text(h.JUDGE), "text", key="judge-id"),
        Column(text(h.NAME), "text", key="name"),
        Column(text(h.ORGANISATION), "text", key="organisation"),
        Column(text(h.PANEL), "text", key="panel"),
        Column(text(h.SHADOW), "text", key="shadow"),
        Column(text(h.SHEETS), "integer", key="sheets"),
        Column(text(h.CORRECTIONS), "integer", key="corrections"),
        Column(text(h.FLAGGED), "integer", key="flagged"),
        Column(text(h.SEVERITY), "number", key="severity"),
        Column(text(h.CONSISTENCY), "number", places=3, key="consistency"),
        Column(text(h.PAPER_SHEETS), "text", key="paper-sheets"),
    )
    rows = tuple(
        (
            judge.judge,
            judge.name,
            judge.organisation,
            judge.panel,
            text(h.YES) if judge.shadow else "",
            len(judge.sheets),
            judge.corrections,
            judge.flagged,
            judge.severity,
            judge.consistency,
            "; ".join(
                text(h.PAPER_SHEET).format(
                    contestant=sheet.contestant, admin=version.on_behalf, confirmer=version.by
                )
                for sheet in judge.sheets
                if (version := sheet.versions[-1]).on_behalf is not None
            ),
        )
        for judge in view.judges
    )
    return Sheet(text(h.JUDGES_SHEET), columns, rows, text(h.AUDIT_NOTE), "judges")
