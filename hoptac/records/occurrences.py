"""A task's ``when`` → the dated occurrences it owes over the plan period (pure, Django-free).

| when                        | occurrences                                            |
| --------------------------- | ------------------------------------------------------ |
| yearly / ongoing            | 31 Dec of each year of the period                      |
| years [y…]                  | 31 Dec of each of those years                          |
| from_year y                 | 31 Dec of y … the period's end                         |
| due --MM-DD (yearly)        | that day of each year above (the period if none)       |
| due YYYY-MM-DD / YYYY-MM / YYYY-Qn | that date (month's or quarter's last day)       |
| nothing                     | one, 31 Dec of the period's end (or the document year) |

Years named by a task outside its plan's period are dropped (a plan for 2024 owes nothing in 2026).
``plan_period`` says which years a plan covers when the document states no period: the year its title
names ("Kế hoạch … năm 2024"), else the year it was issued, else the latest year its dated items name.
``period_year`` is the year of the plan an occurrence belongs to (a deadline of 15/01/2025 in a 2024
plan reports on 2024).
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

__all__ = ["MAX_YEARS", "expand", "parse_due", "period_year", "plan_period"]

MAX_YEARS = 50
_FULL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEARLY = re.compile(r"^--(\d{2})-(\d{2})$")
_TITLE_RANGE = re.compile(r"(?:giai doan|nhiem ky)?\s*((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})")
_TITLE_YEAR = re.compile(r"\bnam\s+((?:19|20)\d{2})\b")
_ANY_YEAR = re.compile(r"^((?:19|20)\d{2})")


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        return None
    last = calendar.monthrange(year, month)[1]
    if day == 29 and month == 2 and last == 28:
        day = 28
    if not 1 <= day <= last:
        return None
    return date(year, month, day)


def parse_due(due: str) -> date | None:
    """A one-off deadline as a date: a month or quarter ends on its last day."""
    if m := _FULL.match(due):
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _MONTH.match(due):
        y, mo = int(m[1]), int(m[2])
        return _safe_date(y, mo, calendar.monthrange(y, mo)[1]) if 1 <= mo <= 12 else None
    if m := _QUARTER.match(due):
        y, q = int(m[1]), int(m[2])
        return _safe_date(y, q * 3, calendar.monthrange(y, q * 3)[1])
    return None


def expand(
    when: dict[str, Any] | None,
    period: tuple[int, int] | None,
    doc_year: int | None,
    fallback_year: int | None = None,
) -> list[date]:
    """The due dates of one task, sorted and distinct."""
    when = when or {}
    base = doc_year or fallback_year or date.today().year
    if period and period[0] <= period[1]:
        span = list(range(period[0], period[1] + 1))[:MAX_YEARS]
        end = period[1]
    else:
        span, end = [base], base
    years: list[int] = [int(y) for y in when.get("years") or [] if isinstance(y, int) or str(y).isdigit()]
    from_year = when.get("from_year")
    if isinstance(from_year, int):
        years += list(range(from_year, max(from_year, end) + 1))[:MAX_YEARS]
    if period and years:
        # Years outside the plan's period are not the plan's: none left means the plan's last year.
        years = [y for y in years if period[0] <= y <= period[1]] or [end]
    if not years and (when.get("yearly") or when.get("ongoing")):
        years = span
    due = when.get("due")
    out: list[date] = []
    if isinstance(due, str) and (m := _YEARLY.match(due)):
        for y in years or span:
            d = _safe_date(y, int(m[1]), int(m[2]))
            if d:
                out.append(d)
    elif isinstance(due, str) and (d := parse_due(due)):
        out.append(d)
    elif years:
        out = [date(y, 12, 31) for y in years if 1900 <= y <= 2200]
    if not out:
        out = [date(end, 12, 31)]
    return sorted(set(out))


def _fold(text: str) -> str:
    import unicodedata

    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D").casefold()


def plan_period(extraction: dict[str, Any], doc_year: int | None) -> tuple[int, int] | None:
    """The years a plan covers: its stated period, else the year (or years) its title names, else the year
    of the document, else the latest year its tasks' deadlines, agreements or events name; None if nothing
    says."""
    p = extraction.get("period") or None
    if isinstance(p, dict):
        try:
            first, last = int(p["from"]), int(p["to"])
        except (KeyError, TypeError, ValueError):
            first = last = 0
        if 1900 <= first <= last <= 2200:
            return first, min(last, first + MAX_YEARS - 1)
    title = _fold(str((extraction.get("document") or {}).get("title") or ""))
    if m := _TITLE_RANGE.search(title):
        first, last = int(m[1]), int(m[2])
        if first <= last:
            return first, min(last, first + MAX_YEARS - 1)
    if m := _TITLE_YEAR.search(title):
        return int(m[1]), int(m[1])
    if doc_year:
        return doc_year, doc_year
    found: list[int] = []
    for t in extraction.get("tasks") or []:
        due = (t.get("when") or {}).get("due")
        if isinstance(due, str) and (m := _ANY_YEAR.match(due)):
            found.append(int(m[1]))
    for a in extraction.get("agreements") or []:
        if isinstance(a.get("signed"), str) and (m := _ANY_YEAR.match(a["signed"])):
            found.append(int(m[1]))
    for e in extraction.get("events") or []:
        if isinstance(e.get("date"), str) and (m := _ANY_YEAR.match(e["date"])):
            found.append(int(m[1]))
    if found:
        return max(found), max(found)
    return None


def period_year(due: date, period: tuple[int, int] | None) -> int:
    """The plan year an occurrence due on ``due`` reports on: its own year, kept within the period."""
    if period is None:
        return due.year
    return min(max(due.year, period[0]), period[1])
