"""Dates as the Vietnamese interface writes them: ``31/10/2024``, ``tháng 10/2024``, ``31/10 hằng năm``.

No Django here: the command line uses it, and the templates through the ``vndate`` filter.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

__all__ = ["vn_date"]

_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_YEARLY = re.compile(r"--(\d{2})-(\d{2})")


def vn_date(value: Any) -> str:
    """``value`` (a date, or the ISO text of a day, a month, a year or a yearly day) in Vietnamese notation;
    anything else as it is, and nothing for nothing."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    text = str(value).strip()
    if m := _DAY.fullmatch(text):
        return f"{m[3]}/{m[2]}/{m[1]}"
    if m := _MONTH.fullmatch(text):
        return f"tháng {m[2]}/{m[1]}"
    if m := _YEARLY.fullmatch(text):
        return f"{m[2]}/{m[1]} hằng năm"
    return text
