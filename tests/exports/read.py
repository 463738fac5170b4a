"""Reading exports back as an organiser's spreadsheet program would."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from projections.state import Competition
from server.exports import FORMATS
from server.exports.headings import ExportLanguage
from server.exports.table import results_tables

HEADING_ROW = 9
"""Title, five header lines, the note and a blank row come first."""


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
    """The rows under the heading row, as heading → cell."""
    headings = [c.value for c in sheet[HEADING_ROW]]
    return [
        dict(zip(headings, row, strict=True)) for row in sheet.iter_rows(min_row=HEADING_ROW + 1)
    ]


def workbook(path: Path) -> Any:
    return openpyxl.load_workbook(path)
