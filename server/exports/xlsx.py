"""The results announcement as an XLSX workbook.

One sheet overall (the standings: no judges' columns); two a group, as the
printed page gives them: its results (with "not counted" naming each judge
by a short label), then its marks (one narrow column a judge headed by the
label, a judge's cell without a total saying why in a word, and the key of
the judges' names under the table); and one of the judges. Each sheet has
the header block (competition, round, the log's head seq and hash,
provisional or final), a frozen heading row and columns sized to their
contents, long names wrapped within a width.

Every sheet is set to print legibly on A4 landscape: fitted to the page's
width (not its height), the heading row repeated on every page. One sheet
with every judge's mark beside the results was 31 columns for a panel of
20, printed at a fifth of its size; a marks sheet too wide for one page at
``MIN_SCALE`` is fitted to as many pages' width as it needs, the rank, ID
and contestant repeated on each.

Numbers are written as numbers, digit for digit: openpyxl turns a
``Decimal`` into text through ``float`` and ``%.16g`` (8.45 is written
``8.449999999999999``), so ``_number`` gives the cell the decimal's own
fixed-point text and marks the cell numeric; a spreadsheet program reads
``<v>8.45</v>`` exactly as if 8.45 had been typed.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

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

_FONT = "Calibri"
"""The workbook's own font, named in each style: a style without a name is
drawn in whatever a program defaults to (LibreOffice: a serif)."""
_TITLE = Font(name=_FONT, bold=True, size=14)
_LABEL = Font(name=_FONT, size=11, bold=True, color="555555")
_NOTE = Font(name=_FONT, size=11, italic=True, color="555555")
_HEADING = Font(name=_FONT, size=11, bold=True)
_HEADING_FILL = PatternFill("solid", fgColor="E8E8E8")
_RULE = Side(style="thin", color="BBBBBB")
_HEADING_BORDER = Border(left=_RULE, right=_RULE, top=_RULE, bottom=Side(style="thin"))
_CELL_BORDER = Border(left=_RULE, right=_RULE, top=_RULE, bottom=_RULE)
_STRUCK = Font(name=_FONT, size=11, strike=True, color="888888")
_NO_TOTAL = Font(name=_FONT, size=11, italic=True, color="888888")
_FROZEN_COLUMNS = 3
"""Rank, ID and name stay in view when a long row of judges scrolls, and
are printed again on each page of a marks sheet too wide for one."""

_WRAPPED = frozenset(
    {"contestant", "organisation", "group", "status", "not-counted", "name", "paper-sheets"}
)
"""Columns whose text wraps: the long names of a real roster would otherwise
make a sheet several times the page's width. They share what width the
page leaves them (``_widths``)."""
_NARROWEST = 12
"""A wrapped column is never narrower (in characters, a Chinese one counting
two): a name wraps after a dozen characters, not a character a line."""
_WIDEST = 60
_MARKS_CONTESTANT = 24
"""A marks sheet's contestant column: narrower, the width is the judges'."""

PAGE_WIDTH_PX = round((297 / 25.4 - 2 * 0.5) * 96)
"""A4 landscape less half-inch margins, in pixels at 96 dpi (1026)."""
MIN_SCALE = 0.7
"""The least a sheet is printed at: 11 pt text at 7.7 pt, as the printed
page prints its marks (7 pt to 8 pt)."""
TABLE_SCALE = 0.8
"""What a sheet other than the marks is laid out to print at (8.8 pt): its
wrapped columns share the width that leaves."""
_MARGINS = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6, header=0.3, footer=0.3)


def write_xlsx(tables: ResultsTables) -> bytes:
    about = tables.about
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    _write_sheet(
        book.create_sheet(_sheet_title(tables.standings.name, taken)), about, tables.standings
    )
    suffix = about.text(h.MARKS_SHEET)
    for group in tables.groups:
        results, marks = group_tables(about, group)
        ws = book.create_sheet(_sheet_title(group.name, taken, room=len(suffix)))
        _write_sheet(ws, about, results)
        _write_sheet(book.create_sheet(_sheet_title(group.name, taken, suffix)), about, marks)
    _write_sheet(book.create_sheet(_sheet_title(tables.judges.name, taken)), about, tables.judges)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(name: str, taken: set[str], suffix: str = "", room: int = 0) -> str:
    """A worksheet title Excel accepts (≤ 31 characters, none of ``[]:*?/\\``),
    unique, ending in ``suffix``; ``room`` cuts the name as if a suffix that
    long followed, so that a group's two sheets start alike."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "Sheet"
    cut = 31 - max(len(suffix), room)
    title, n = _cut(base, cut) + suffix, 1
    while title.casefold() in taken:
        n += 1
        more = f" ({n})"
        title = _cut(base, cut - len(more)) + suffix + more
    taken.add(title.casefold())
    return title


def _cut(name: str, most: int) -> str:
    """``name`` in at most ``most`` characters, cut after a word where one
    ends in the second half (``Hospitals, schools and``), else where it must."""
    if len(name) <= most:
        return name
    cut = name[: most + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > most // 2 else cut[:most]
    return cut.rstrip(" ,;·(（") or name[:most]


def _write_sheet(ws: Any, about: About, sheet: Sheet) -> None:
    marks = sheet.key == "marks"
    ws.cell(1, 1, f"{about.title} · {about.round_name} · {sheet.name}").font = _TITLE
    header = about.header()
    for i, (_, label, fact) in enumerate(header, start=2):
        ws.cell(i, 1, label).font = _LABEL
        ws.cell(i, 2, fact).alignment = Alignment(horizontal="left")
    note_row = len(header) + 2
    heading_row = note_row + 2
    headings = [c.label if marks and c.label else c.heading for c in sheet.columns]
    for col, heading in enumerate(headings, start=1):
        cell = ws.cell(heading_row, col, heading)
        cell.font, cell.fill, cell.border = _HEADING, _HEADING_FILL, _HEADING_BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    shown: list[list[str]] = []
    for r, row in enumerate(sheet.rows, start=heading_row + 1):
        shown.append([])
        for col, (column, value) in enumerate(zip(sheet.columns, row, strict=True), start=1):
            cell = ws.cell(r, col)
            shown[-1].append(_put(cell, about, column, value))
            cell.border = _CELL_BORDER
            cell.alignment = Alignment(
                horizontal=cell.alignment.horizontal,
                vertical="top",
                wrap_text=column.key in _WRAPPED or None,
            )
    key = _key(ws, about, sheet, heading_row + len(sheet.rows) + 2) if marks else []
    labels = max(_width(label) for _, label, _ in header) + 2
    widths = _widths(sheet, headings, [*shown, *key], marks, labels)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    # No program fits a row to wrapped text on its own (LibreOffice does
    # not when it prints), so each row is given the height its text takes.
    _fit_row(ws, heading_row, headings, widths, [True] * len(widths))
    wrapped = [column.key in _WRAPPED for column in sheet.columns]
    for r, texts in enumerate(shown, start=heading_row + 1):
        _fit_row(ws, r, texts, widths, wrapped)
    for r, texts in enumerate(key, start=heading_row + len(sheet.rows) + 2):
        _fit_row(ws, r, texts, widths, [i == 2 for i in range(len(widths))])
    _note(ws, note_row, sheet.note, widths)
    frozen = min(_FROZEN_COLUMNS, len(sheet.columns)) + 1
    ws.freeze_panes = ws.cell(heading_row + 1, frozen).coordinate
    ws.print_title_rows = f"{heading_row}:{heading_row}"
    pages = pages_wide(widths, _FROZEN_COLUMNS) if marks else 1
    if pages > 1:
        ws.print_title_cols = f"A:{get_column_letter(_FROZEN_COLUMNS)}"
    _page_setup(ws, about, pages)


def _key(ws: Any, about: About, sheet: Sheet, row: int) -> list[list[str]]:
    """Under the marks, apart from the table (a program reading the table
    stops before it), the key: each judge's label beside the name, in the
    ID and contestant columns, printed with every page of the marks. The
    texts of its rows, as ``_put`` gives a row's."""
    ws.cell(row, 2, about.text(h.PANEL_KEY).strip()).font = _LABEL
    rest = [""] * (len(sheet.columns) - 3)
    rows = [["", "", "", *rest]]
    for column in (column for column in sheet.columns if column.key == "judge"):
        ws.cell(row + len(rows), 2, column.label).font = _HEADING
        name = ws.cell(row + len(rows), 3, column.detail)
        name.alignment = Alignment(wrap_text=True, vertical="top")
        rows.append(["", column.label, column.detail, *rest])
    return rows


def _fit_row(
    ws: Any, row: int, texts: Sequence[str], widths: Sequence[float], wrapped: Sequence[bool]
) -> None:
    """Give ``row`` the height its most lines take: 15 pt a line of 11 pt
    Latin text, 19 pt where the text is Chinese (a Chinese font's lines are
    taller: Noto Sans CJK's, Microsoft YaHei's), so that no line is cut."""
    height = max(
        (
            _lines(text, width) * (19 if any(_wide(ch) for ch in text) else 15)
            for text, width, wrap in zip(texts, widths, wrapped, strict=True)
            if wrap
        ),
        default=15,
    )
    if height > 15:
        ws.row_dimensions[row].height = height


def _note(ws: Any, row: int, note: str, widths: Sequence[float]) -> None:
    """The note across the table, wrapped within its width (a merged cell)."""
    cell = ws.cell(row, 1, note)
    cell.font = _NOTE
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if len(widths) > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
    _fit_row(ws, row, [note], [sum(widths)], [True])


def _page_setup(ws: Any, about: About, pages: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = pages
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = _MARGINS
    # the footer names the sheet (&A) and the page (&P of &N); a literal & is &&
    title, round_name = (text.replace("&", "&&") for text in (about.title, about.round_name))
    ws.oddFooter.left.text = f"{title} · {round_name} · &A"
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = about.text(h.PAGE)
    ws.oddFooter.right.size = 8


def _widths(
    sheet: Sheet,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    marks: bool,
    first: int,
) -> list[float]:
    """Each column's width in characters: its widest cell, never narrower
    than the longest word of its heading (which may wrap onto two lines);
    the first column at least ``first``. The judges of a marks sheet are all
    as wide as the widest, its contestants ``_MARKS_CONTESTANT`` at most.
    On another sheet the wrapped columns share the width the others leave
    at ``TABLE_SCALE``, the narrower ones whole, the wider ones alike."""
    widths: list[float] = []
    for i, (column, heading) in enumerate(zip(sheet.columns, headings, strict=True)):
        content = max((_width(row[i]) for row in rows), default=0)
        if column.key in _WRAPPED:
            content = min(content, _MARKS_CONTESTANT if marks else _WIDEST)
        need = _heading_width(heading)
        padding = 1 if column.kind == "number" else 2
        widths.append(max(content, need) + padding)
    widths[0] = max(widths[0], first)
    judges = [i for i, column in enumerate(sheet.columns) if column.key == "judge"]
    widest = max((widths[i] for i in judges), default=0)
    for i in judges:
        widths[i] = widest
    wrapped = [i for i, column in enumerate(sheet.columns) if column.key in _WRAPPED]
    if marks or not wrapped:
        return widths
    room = PAGE_WIDTH_PX / TABLE_SCALE / column_px(1) - sum(
        width for i, width in enumerate(widths) if i not in wrapped
    )
    level = _level(sorted(widths[i] for i in wrapped), room)
    for i in wrapped:
        widths[i] = max(min(widths[i], level), _NARROWEST)
    return widths


def _level(widths: Sequence[float], room: float) -> float:
    """The width ``w`` such that ``min(width, w)`` of ``widths`` (ascending)
    add up to ``room``: the narrow ones keep theirs, the wide share the rest."""
    for n, width in enumerate(widths):
        if width * (len(widths) - n) > room:
            return math.floor(room / (len(widths) - n))
        room -= width
    return math.inf


def pages_wide(widths: Sequence[float], repeated: int) -> int:
    """How many pages' width a sheet of these column widths needs to be
    printed at ``MIN_SCALE`` or more, its first ``repeated`` columns printed
    on every page: the columns after them go onto a page while they fit."""
    room = PAGE_WIDTH_PX / MIN_SCALE - sum(column_px(w) for w in widths[:repeated])
    pages, used = 1, 0.0
    for width in widths[repeated:]:
        if used and used + column_px(width) > room:
            pages, used = pages + 1, 0.0
        used += column_px(width)
    return pages


def column_px(width: float) -> int:
    """A column ``width`` characters wide in pixels at 96 dpi, as Excel draws
    it (seven a character of the default font, Calibri 11)."""
    return math.floor(width * 7 + 0.5)


def _put(cell: Any, about: About, column: Column, value: Cell) -> str:
    """Write ``value`` into ``cell``; the text it shows (for the column width).
    A judge without a total says why in the printed page's word, as narrow
    as a total (the marks' note spells them out); "not counted" names the
    judges by their labels, which head the marks."""
    if isinstance(value, Score):
        if value.value is None and value.reason is not None:
            cell.value = about.text(h.NO_TOTAL_SHORT[value.reason])
            cell.font = _NO_TOTAL
            cell.alignment = Alignment(horizontal="right")
            return str(cell.value)
        if not value.counted:
            cell.font = _STRUCK
        value = value.value
    if value is None:
        return ""
    if isinstance(value, NotCounted):
        value = value.text(about, short=True)
    if isinstance(value, Decimal):
        return _number(cell, value, about.places(column, value))
    if isinstance(value, int):
        cell.value = value
        cell.number_format = "0"
        return str(value)
    cell.value = value
    return value


def _number(cell: Any, value: Decimal, places: int) -> str:
    """Store ``value``'s own digits as a numeric cell shown with ``places`` decimals."""
    text = f"{value:f}"
    cell.value = text
    cell.data_type = "n"
    cell.number_format = "0." + "0" * places if places else "0"
    return f"{value:.{places}f}"


def _lines(text: str, width: float) -> int:
    """The lines ``text`` wraps onto in a column ``width`` characters wide,
    reckoned on the wide side (a letter as wide as a digit, which most are
    not; a Chinese character 2.1 digits: Calibri's digit is 7 px at 11 pt,
    a Chinese character 14.7 px), so that a row is never too short for its text."""
    room = width - 1  # the cell's padding
    lines, used = 1, 0.0
    for word in re.findall(r"[\u2e80-\uffef]|[^\s\u2e80-\uffef]+\s*|\s+", text):
        size = _span(word.rstrip())
        if used and used + size > room:
            lines, used = lines + 1, 0.0
        while size > room:  # a word longer than the line is broken where it must be
            lines, size = lines + 1, size - room
        used += size + (len(word) - len(word.rstrip()))
    return lines


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _heading_width(heading: str) -> int:
    """The narrowest a heading wraps to, on two lines or more: its longest
    word (a Chinese one whole, beside another word: ``专家评审`` / ``×0.4``),
    half a heading of one Chinese word of four characters or more (``最终``
    / ``得分``; ``宽严度`` stays whole), and never narrower than half the heading."""
    words = heading.split()
    longest = max(
        (
            _span(w)
            for w in words
            if len(words) > 1 or len(w) <= 3 or not any(_wide(ch) for ch in w)
        ),
        default=0,
    )
    return math.ceil(max(longest, _span(heading) / 2))


def _span(text: str) -> float:
    """How many digits wide ``text`` is at most (``_lines``' reckoning)."""
    return sum(2.1 if _wide(ch) else 1.0 for ch in text)
