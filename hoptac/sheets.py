"""The one guard for every spreadsheet and CSV hoptac writes: user text stays text, never a formula.

- CSV has no cell types: a value a spreadsheet would run (``=``, ``+``, ``-``, ``@``, tab, CR first) gets a
  leading apostrophe, as OWASP advises.
- XLSX has them: every string is written as a string cell (openpyxl would make ``=…`` a formula), marked
  "quote prefix" when it looks like a formula so that editing it in Excel keeps it text, and without the
  control characters XML cannot carry. The text itself is unchanged, so an export reads back as written.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

__all__ = ["FORMULA_START", "csv_value", "xlsx_cell"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_value(value: Any) -> Any:
    """``value`` for a CSV cell that no spreadsheet runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def xlsx_cell(cell: Any, value: Any) -> Any:
    """Put ``value`` into openpyxl ``cell`` (a worksheet cell or a ``WriteOnlyCell``); strings as plain text."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell
