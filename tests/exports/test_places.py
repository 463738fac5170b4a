"""A judge's total is written with the places a total can have on the
scoresheet, however the judge typed the marks, so a column reads evenly."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from projections.board import board
from server.exports import FORMATS
from server.exports.table import results_tables
from tests.exports.demo import WHOLE, demo_log
from tests.exports.read import HEADING_ROW, html_tables, workbook

PLACES = 3
"""The demo's marks have one place and its weights (0.4, 0.35, 0.25) two."""


def places(text: str) -> int:
    return len(text.partition(".")[2])


async def test_every_judges_total_has_the_scoresheets_places(tmp_path: Path) -> None:
    state = await demo_log(tmp_path / "demo.db")
    judges = {j.name for j in state.judges.values()}
    whole = [
        m.total
        for row in board(state, public=False).overall
        for m in row.judges
        if m.judge == WHOLE and m.total is not None
    ]
    # the sheet typed in whole points makes a total with fewer places of its own
    assert any(-t.as_tuple().exponent < PLACES for t in whole)  # type: ignore[operator]
    for language in ("zh-CN", "en"):
        tables = results_tables(state, None, language)

        text = FORMATS["csv"].write(tables).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        totals = [row[name] for row in rows for name in judges if row.get(name)]
        assert len(totals) == 24 * 3
        assert {places(t) for t in totals} == {PLACES}, totals

        page = FORMATS["html"].write(tables).decode()
        labels = set(state.judges)  # the page heads a judge's column with the id
        shown = [
            row[label]
            for table in html_tables(page)
            for row in table
            for label in labels
            if row.get(label)
        ]
        assert len(shown) >= 24 * 3  # every group's table
        assert {places(t) for t in shown} == {PLACES}, shown

        path = tmp_path / f"results-{language}.xlsx"
        path.write_bytes(FORMATS["xlsx"].write(tables))
        columns = 0
        for sheet in workbook(path).worksheets[2:-1:2]:  # the groups' marks
            for col, heading in enumerate(sheet[HEADING_ROW], start=1):
                if heading.value not in labels:
                    continue
                columns += 1
                column = sheet.iter_rows(min_row=HEADING_ROW + 1, min_col=col, max_col=col)
                formats = {cell.number_format for (cell,) in column if cell.value is not None}
                assert formats == {"0." + "0" * PLACES}, (sheet.title, heading.value, formats)
        assert columns == 4 * 3  # each group's panel of three
