"""The printable results page: one self-contained HTML document (no script,
no external asset) with a print stylesheet for A4 landscape.

The overall ranking comes first (the notice board's columns, no judges'
marks: those are in the groups' tables), then each group on a new page, then
the judges' severity and consistency. Every page repeats the table headings.
Cells are styled by their column's key; the demo competition fits the
printable width in both languages (tests/pages/test_results_print.py)."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from server.exports import headings as h
from server.exports.table import About, Cell, Column, ResultsTables, Score, Sheet

_STYLE = """
:root { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; }
body { margin: 2rem; color: #111; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .4rem; }
dl.about { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1rem; }
dl.about dt { font-weight: bold; color: #555; }
dl.about dd { margin: 0; overflow-wrap: anywhere; }
dd.hash { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85em; }
dd.provisional { color: #a40000; font-weight: bold; }
p.note { color: #555; font-style: italic; font-size: .85rem; margin: .2rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { border: 1px solid #bbb; padding: .2rem .4rem; text-align: left; }
th { background: #eee; }
td.number, td.integer { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td s { color: #888; }
/* Short cells break at no point: "二/等/奖" one character a line is unreadable. */
.rank, .id, .group, .award, .status, .panel, .shadow { white-space: nowrap; }
/* Number columns as narrow as their figures (a heading wraps instead), so the
   names, organisations and reasons have the width and a row stays two lines. */
table.results th.judge, table.results th.aggregate,
table.results th.component, table.results th.final { width: 1%; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; font-size: 9pt; }
  table { font-size: 8pt; }
  th, td { padding: .15rem .3rem; }
  section { break-before: page; }
  section:first-of-type { break-before: auto; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  th { background: #eee; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def write_html(tables: ResultsTables) -> bytes:
    about = tables.about
    title = escape(f"{about.title} · {about.round_name} · {about.text(h.RESULTS)}")
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{about.language}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>{_STYLE}</style></head>",
        "<body>",
        f"<header><h1>{title}</h1>",
        _about(about),
        "</header>",
        *(_section(about, sheet) for sheet in (tables.ranking, *tables.groups, tables.judges)),
        "</body></html>",
    ]
    return "\n".join(parts).encode("utf-8")


def _about(about: About) -> str:
    rows = "".join(
        f'<dt>{escape(label)}</dt><dd class="{key}">{escape(str(value))}</dd>'
        for key, label, value in about.header()
    )
    return f'<dl class="about">{rows}</dl>'


def _section(about: About, sheet: Sheet) -> str:
    head = "".join(f'<th class="{c.key}">{escape(c.heading)}</th>' for c in sheet.columns)
    body = "".join(
        "<tr>"
        + "".join(
            _cell(about, column, value) for column, value in zip(sheet.columns, row, strict=True)
        )
        + "</tr>"
        for row in sheet.rows
    )
    return (
        f"<section><h2>{escape(sheet.name)}</h2>"
        f'<p class="note">{escape(sheet.note)}</p>'
        f'<table class="{sheet.key}"><thead>'
        f"<tr>{head}</tr></thead><tbody>{body}</tbody></table></section>"
    )


def _cell(about: About, column: Column, value: Cell) -> str:
    struck = isinstance(value, Score) and not value.counted
    if isinstance(value, Score):
        value = value.value
    if value is None:
        text = ""
    elif isinstance(value, Decimal):
        text = escape(about.number(column, value))
    else:
        text = escape(str(value))
    if struck and text:
        text = f"<s>{text}</s>"
    return f'<td class="{column.kind} {column.key}">{text}</td>'
