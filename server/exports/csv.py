"""The overall results table as CSV: UTF-8 with a byte order mark, so that
Excel opens Chinese text correctly; one row per contestant, with a group
column and a column for every judge: the one export that holds every mark in
one table a program can read.

Numbers are written in fixed point with the competition's places, and a
judge's column holds numbers only: a total that does not count is written
like the others, and a judge of the panel with no total (abstained, stood
aside, not scored) leaves the cell empty; both are named, with the reason,
in the "not counted" column. A judge whose panel does not score the
contestant's group leaves the cell empty and is not named.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from server.exports.table import About, Cell, Column, NotCounted, ResultsTables, Score


def write_csv(tables: ResultsTables) -> bytes:
    sheet = tables.overall
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(column.heading for column in sheet.columns)
    for row in sheet.rows:
        writer.writerow(
            _text(tables.about, column, value)
            for column, value in zip(sheet.columns, row, strict=True)
        )
    return out.getvalue().encode("utf-8-sig")


def _text(about: About, column: Column, value: Cell) -> str:
    if isinstance(value, Score):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, NotCounted):
        return value.text(about)
    if isinstance(value, Decimal):
        return about.number(column, value)
    return str(value)
