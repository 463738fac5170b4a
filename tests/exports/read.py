"""Reading exports back as an organiser's spreadsheet program would."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl

from projections.state import Competition
from server.exports import FORMATS
from server.exports.headings import ExportLanguage
from server.exports.table import results_tables

HEADING_ROW = 10
"""Title, six header lines, the note and a blank row come first."""


def export_file(
    directory: Path, state: Competition, kind: str, language: ExportLanguage = "en"
) -> Path:
    """Write the export of the round being run to a real file."""
    chosen = FORMATS[kind]
    tables = results_tables(state, None, language)
    path = directory / chosen.filename(tables)
    path.write_bytes(chosen.write(tables))
    return path


def number(value: Any) -> Decimal | None:
    """A cell's number as the decimal it shows (floats by their shortest repr)."""
    if value is None:
        return None
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    return Decimal(repr(value))


def table(sheet: Any) -> list[dict[str, Any]]:
    """The rows under the heading row, as heading → cell, down to the first
    empty row (a marks sheet's key is below it)."""
    headings = [c.value for c in sheet[HEADING_ROW] if c.value is not None]
    rows = []
    for row in sheet.iter_rows(min_row=HEADING_ROW + 1, max_col=len(headings)):
        if all(cell.value is None for cell in row):
            break
        rows.append(dict(zip(headings, row, strict=True)))
    return rows


def key(sheet: Any) -> dict[str, str]:
    """A marks sheet's key under its table: each judge's label → name."""
    first = HEADING_ROW + len(table(sheet)) + 2
    assert sheet.cell(first, 2).value in ("评委：", "Judges:"), sheet.cell(first, 2).value
    labels = {}
    for row in sheet.iter_rows(min_row=first + 1, min_col=2, max_col=3, values_only=True):
        labels[row[0]] = row[1]
    return labels


def workbook(path: Path) -> Any:
    return openpyxl.load_workbook(path)


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(page: str) -> list[list[dict[str, str]]]:
    """Each table of the printable page as rows of heading → cell text."""
    parser = _Tables()
    parser.feed(page)
    return [[dict(zip(rows[0], row, strict=True)) for row in rows[1:]] for rows in parser.tables]
