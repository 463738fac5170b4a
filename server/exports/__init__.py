"""Results exports: XLSX, CSV and a printable HTML page, in zh-CN or English.

``table`` lays a round's results out once (``ResultsTables``); each writer
turns those tables into one format's bytes. ``FORMATS`` names the writers;
the HTTP endpoints (``server.exports.endpoints``) and ``leitai
export-results`` (``server.exports.offline``) both go through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from server.exports.csv import write_csv
from server.exports.html import write_html
from server.exports.table import ResultsTables
from server.exports.xlsx import write_xlsx


@dataclass(frozen=True, slots=True)
class Format:
    extension: str
    media_type: str
    write: Callable[[ResultsTables], bytes]
    inline: bool = False
    """Shown by the browser (the page to print) rather than downloaded."""

    def filename(self, tables: ResultsTables) -> str:
        about = tables.about
        return f"{about.stream}-{about.round}-results-{about.language}.{self.extension}"


FORMATS: dict[str, Format] = {
    "xlsx": Format(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        write_xlsx,
    ),
    "csv": Format("csv", "text/csv; charset=utf-8", write_csv),
    "html": Format("html", "text/html; charset=utf-8", write_html, inline=True),
}
