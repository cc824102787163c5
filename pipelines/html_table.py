"""Small HTML tables for notebooks (``_repr_html_``) and the report page.

    table(["name", "h"], rows, caption="...")   rows: lists of cells
    verdict(True) / verdict(False) / verdict(None)   a coloured pass / FAIL / n/a cell
    number(x, digits=3)                          right-aligned, "-" for None

Every cell is escaped unless it is a ``Cell`` (already HTML, made by the helpers here).
Styles are inline, so a table reads the same in Jupyter, VS Code, a saved notebook and
the self-contained report page, with no stylesheet to load. Colours: green and red on a
light background, which stay readable in both light and dark notebook themes.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence

PASS_STYLE = "background:#d8f3dc;color:#1b4332;font-weight:600"
FAIL_STYLE = "background:#ffd6d6;color:#7f1d1d;font-weight:600"
NA_STYLE = "background:#eeeeee;color:#555555"
_TABLE_STYLE = "border-collapse:collapse;font-family:system-ui,sans-serif;font-size:13px;margin:4px 0"
_CELL_STYLE = "border:1px solid #cccccc;padding:2px 8px"


class Cell(str):
    """A string that is already HTML."""


def verdict(ok: bool | None, yes: str = "pass", no: str = "FAIL", neither: str = "n/a") -> Cell:
    style, text = (NA_STYLE, neither) if ok is None else (PASS_STYLE, yes) if ok else (FAIL_STYLE, no)
    return Cell(f'<td style="{_CELL_STYLE};{style}">{html.escape(text)}</td>')


def number(value: float | int | None, digits: int = 3) -> Cell:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        text = "-"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = f"{value:,.{digits}f}"
    return Cell(f'<td style="{_CELL_STYLE};text-align:right;font-variant-numeric:tabular-nums">{text}</td>')


def _cell(value: object) -> str:
    if isinstance(value, Cell):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number(value)
    return f'<td style="{_CELL_STYLE}">{html.escape(str(value))}</td>'


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], caption: str = "") -> str:
    """An HTML table; ``caption`` (escaped) is shown above it in bold."""
    head = "".join(f'<th style="{_CELL_STYLE};background:#f4f4f4;text-align:left">{html.escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    top = f'<caption style="caption-side:top;text-align:left;font-weight:600;padding:2px 0">{html.escape(caption)}</caption>'
    return f'<table style="{_TABLE_STYLE}">{top if caption else ""}<tr>{head}</tr>{body}</table>'
