"""The printable results page: one self-contained HTML document (no script,
no external asset) with a print stylesheet for A4 landscape.

The overall ranking comes first (the notice board's columns, no judges'
marks), then each group on a new page, then the judges' severity and
consistency. A group is printed as two tables: its results (rank,
contestant, organisation, the composite, final, award, status and what did
not count, one line a contestant), then every judge's mark (rank, ID,
contestant, one narrow column a judge headed by the judge's short label,
the aggregate), with a key of the judges' names under it. One table with
both did not fit: a panel of 20 made 31 columns, 1107 px against the page's
1032, and squeezed the names to a character a line. A panel of more than
25 judges is printed as several marks tables (``MOST_JUDGES``), each
repeating the contestants. Every page repeats the table headings. Cells
are styled by their column's key; panels of 25 and of 40 judges fit the
printable width in both languages (tests/pages/test_results_print.py)."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from server.exports import headings as h
from server.exports.table import (
    About,
    Cell,
    Column,
    NotCounted,
    ResultsTables,
    Score,
    Sheet,
    group_tables,
)

_STYLE = """
:root { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; }
body { margin: 2rem; color: #111; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .4rem; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
/* A heading and its note stay with the table they head, the key with the
   table it explains (a key alone on a page reads as nothing). */
h3, h3 + p.note { break-after: avoid; }
p.key { break-before: avoid; }
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
/* A name wraps between words, never a character a line: a column is never
   narrower than a few characters. */
td.contestant, td.organisation { min-width: 5em; }
/* Figures' columns as narrow as their figures (a heading wraps instead), so
   the names, organisations and reasons have the width. */
th.aggregate, th.component, th.final, th.judge { width: 1%; }
table.results th.rank, table.results th.id, table.marks th.rank, table.marks th.id { width: 1%; }
/* The marks: a column a judge, headed by the judge's label, a mark in a
   compact font; a cell without a total says why in a word. */
table.marks { font-size: .75rem; }
table.marks th.judge, table.marks td.judge { padding: .1rem 1px; text-align: right; white-space: nowrap; }
table.marks td.contestant { min-width: 4em; }
span.none { color: #555; font-style: italic; font-size: .9em; }
p.key { font-size: .8rem; margin: .4rem 0 0; line-height: 1.5; }
p.key span { white-space: nowrap; margin-right: .9em; }
p.key b { font-variant-numeric: tabular-nums; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; font-size: 9pt; }
  table { font-size: 8pt; }
  /* The more judges, the smaller the marks: 25 totals of three places
     ("87.950") at 6.5 pt leave the contestant's name a line of 25 characters. */
  table.marks.compact { font-size: 7pt; }
  table.marks.dense { font-size: 6.5pt; }
  p.key { font-size: 7.5pt; }
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
        _section(about, tables.ranking),
        *(_group(about, sheet) for sheet in tables.groups),
        _section(about, tables.judges),
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
    return (
        f"<section><h2>{escape(sheet.name)}</h2>"
        f'<p class="note">{escape(sheet.note)}</p>'
        f"{_table(about, sheet.key, sheet.columns, sheet.rows)}</section>"
    )


def _group(about: About, sheet: Sheet) -> str:
    """The group's results, then its marks and the key to the judges' labels:
    in parts of at most ``MOST_JUDGES`` judges, each with its own key, the
    contestants repeated in each (the aggregate closes the last)."""
    results, marks = group_tables(about, sheet)
    parts = _parts(marks)
    out = [
        f"<section><h2>{escape(sheet.name)}</h2>",
        _table(about, "results", results.columns, results.rows),
    ]
    for n, part in enumerate(parts):
        judges = [column for column in part.columns if column.key == "judge"]
        if n == 0 or len(parts) > 1:
            heading = about.text(h.MARKS)
            if len(parts) > 1:
                heading = about.text(h.MARKS_PART).format(
                    first=judges[0].label, last=judges[-1].label
                )
            out.append(f"<h3>{escape(heading)}</h3>")
        if n == 0:
            out.append(f'<p class="note">{escape(marks.note)}</p>')
        key = " ".join(f"<span><b>{escape(c.label)}</b> {escape(c.detail)}</span>" for c in judges)
        out.append(
            _table(about, f"marks {_density(len(judges))}", part.columns, part.rows, labels=True)
        )
        out.append(f'<p class="key">{escape(about.text(h.PANEL_KEY))}{key}</p>')
    out.append("</section>")
    return "".join(out)


MOST_JUDGES = 25
"""Judges in one printed marks table. 25 totals of three places at 6.5 pt
fit the A4 landscape width with every contestant's name on one or two
lines; 28 squeezed the names to four lines, and from 29 the table was
wider than the page (30 judges: 1064 px in zh-CN, 1087 px in en, against
1032; 40: 1359 and 1381)."""


def _parts(marks: Sheet) -> list[Sheet]:
    """``marks`` cut into tables of at most ``MOST_JUDGES`` judges, as even
    as can be (40 judges: two of 20, not 25 and 15), each with the rank, ID
    and contestant; the aggregate, made of every judge's total, in the last."""
    judges = [i for i, column in enumerate(marks.columns) if column.key == "judge"]
    count = max(1, -(-len(judges) // MOST_JUDGES))
    size = -(-len(judges) // count)
    contestant = [i for i, column in enumerate(marks.columns) if column.key in _CONTESTANT]
    rest = [i for i, column in enumerate(marks.columns) if column.key == "aggregate"]
    parts = []
    for n in range(count):
        kept = [*contestant, *judges[n * size : (n + 1) * size], *(rest if n == count - 1 else [])]
        parts.append(
            Sheet(
                marks.name,
                tuple(marks.columns[i] for i in kept),
                tuple(tuple(row[i] for i in kept) for row in marks.rows),
                marks.note,
                marks.key,
            )
        )
    return parts


_CONTESTANT = ("rank", "id", "contestant")
"""The columns each part of the marks repeats, so that a row reads alone."""


def _density(judges: int) -> str:
    """How closely a panel's marks are printed: at 8 pt like every table up
    to 12 judges, 7 pt up to 20, 6.5 pt beyond."""
    return "normal" if judges <= 12 else "compact" if judges <= 20 else "dense"


def _table(
    about: About,
    classes: str,
    columns: tuple[Column, ...],
    rows: tuple[tuple[Cell, ...], ...],
    *,
    labels: bool = False,
) -> str:
    """A table; with ``labels``, a column that has a short label is headed by it."""
    head = "".join(
        f'<th class="{c.key}">{escape(c.label if labels and c.label else c.heading)}</th>'
        for c in columns
    )
    body = "".join(
        "<tr>"
        + "".join(_cell(about, column, value) for column, value in zip(columns, row, strict=True))
        + "</tr>"
        for row in rows
    )
    return f'<table class="{classes}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _cell(about: About, column: Column, value: Cell) -> str:
    cell = f'<td class="{column.kind} {column.key}">'
    if isinstance(value, Score):
        if value.value is None:
            word = h.NO_TOTAL_SHORT.get(value.reason or "")
            said = escape(about.text(word)) if word is not None else ""
            return f'{cell}<span class="none">{said}</span></td>' if said else f"{cell}</td>"
        shown = escape(about.number(column, value.value))
        return f"{cell}{shown if value.counted else f'<s>{shown}</s>'}</td>"
    if isinstance(value, NotCounted):
        return f"{cell}{escape(value.text(about, short=True))}</td>"
    if value is None:
        text = ""
    elif isinstance(value, Decimal):
        text = escape(about.number(column, value))
    else:
        text = escape(str(value))
    return f"{cell}{text}</td>"
