"""Stage 4, find: the small things in a stretch of cleaned text, each with its span.

Dates (with their precision), document numbers and the citations around them, amounts of
money, and task timings. Patterns run on a same-length diacritic fold of the text, so an OCR'd
"ngay 30/3/2022" is found like "ngày 30/3/2022" and spans stay exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from hoptac.extract.model import Span, When
from hoptac.extract.text import fold_same_length

__all__ = [
    "Found",
    "find_dates",
    "find_money",
    "find_numbers",
    "format_date_vi",
    "parse_date",
    "parse_when",
]


@dataclass(frozen=True)
class Found:
    value: str
    span: Span


def _iso(year: int, month: int, day: int | None) -> str | None:
    if not 1900 <= year <= 2200 or not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


# On folded text. "ngay 5 thang 9 nam 2018", blank day "ngay    thang 8 nam 2022".
# Patterns open with their letters or digits and look behind afterwards: Python's ``re`` searches
# for an opening character set, but tries a pattern that opens with ``\b`` or a look-behind at
# every position of the text (five to ten times slower on a long document).
_LONG_DATE = re.compile(r"ngay(?<!\wngay)\s*(\d{1,2})?\s*(?:,\s*)?thang\s*(\d{1,2})\s*(?:,\s*)?nam\s*(\d{4})\b")
_NUMERIC_DATE = re.compile(r"(\d(?<![\d/.-]\d)\d?)\s?([/.-])\s?(\d{1,2})\2\s?(\d{4})(?![\d/])")
_MONTH_DATE = re.compile(r"thang(?<!\wthang)\s*(\d{1,2})\s*(?:nam\s*|/\s*|-\s*)(\d{4})\b")
_DAY_SPAN_RE = re.compile(r"(\d(?<![\d/.-]\d)\d?)\s*(?:-|–|va|den)\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})(?![\d/])")
_LONG_DAY_SPAN_RE = re.compile(
    r"\b(?:tu\s*)?ngay\s*(\d{1,2})\s*(?:-|–|den|toi)\s*(?:ngay\s*)?\d{1,2}\s*thang\s*(\d{1,2})\s*(?:,\s*)?nam\s*(\d{4})\b"
)
_YEARLESS_DATE = re.compile(r"ngay(?<!\wngay)\s*(\d{1,2})\s*(?:/|\.(?=\d{1,2}\b))\s*(\d{1,2})(?![\d/]|\.\d)")


def find_dates(text: str, start: int = 0, *, default_year: int | None = None) -> list[Found]:
    """Every date in ``text``: ISO day, ``YYYY-MM`` for a month (or a blank day).

    A day without a year ("ngày 24/11") takes ``default_year`` when one is given.
    """
    folded = fold_same_length(text)
    found: list[Found] = []
    taken: list[Span] = []

    def add(value: str | None, s: int, e: int) -> None:
        if not any(a < e and s < b for a, b in taken):
            taken.append((s, e))  # an impossible date ("ngày 32 tháng 1") hides its parts too
            if value:
                found.append(Found(value, (start + s, start + e)))

    # A span of days ("16 – 17/7/2022", "từ ngày 18 đến ngày 27 tháng 12 năm 2007"): its first day.
    for m in _DAY_SPAN_RE.finditer(folded):
        add(_iso(int(m[4]), int(m[3]), int(m[1])), m.start(), m.end())
    for m in _LONG_DAY_SPAN_RE.finditer(folded):
        add(_iso(int(m[3]), int(m[2]), int(m[1])), m.start(), m.end())
    for m in _LONG_DATE.finditer(folded):
        add(_iso(int(m[3]), int(m[2]), int(m[1]) if m[1] else None), m.start(), m.end())
    for m in _NUMERIC_DATE.finditer(folded):
        add(_iso(int(m[4]), int(m[3]), int(m[1])), m.start(), m.end())
    for m in _MONTH_DATE.finditer(folded):
        add(_iso(int(m[2]), int(m[1]), None), m.start(), m.end())
    if default_year:
        for m in _YEARLESS_DATE.finditer(folded):
            add(_iso(default_year, int(m[2]), int(m[1])), m.start(), m.end())
    found.sort(key=lambda f: f.span)
    return found


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ISO ("2018-09-05"), or "YYYY-MM" when the day is blank."""
    dates = [f for f in find_dates(text) if len(f.value) >= 7]
    return dates[0].value if dates else None


def format_date_vi(iso: str) -> str:
    """ "2018-09-05" → "ngày 5 tháng 9 năm 2018" (the way documents print dates)."""
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 2:
        return f"ngày    tháng {parts[1]} năm {parts[0]}"
    return f"ngày {parts[2]} tháng {parts[1]} năm {parts[0]}"


# Document numbers: "57-KL/TW", "72/2015/NĐ-CP", "3089/BTTTT-TTĐN", "1227-TB/TU", "16/NQ-HĐND".
_SYMBOL = r"[A-ZĐ][A-ZĐa-z0-9&]*"
# A stray space beside a hyphen or slash ("27/NQ- TW", "71/NQ -CP") before an upper-case part.
_SPACED_PART = r"(?:\s[-/]|[-/]\s)[A-ZĐ][A-ZĐ0-9&]+(?![\w])"
NUMBER_RE = re.compile(
    rf"(\d(?<![\w/.-]\d)\d{{0,4}}[a-z]?(?:/\d{{4}})?(?:/|-)(?:{_SYMBOL})(?:[-/.]{_SYMBOL}|{_SPACED_PART})*)(?![\w/])"
)


def find_numbers(text: str, start: int = 0, pos: int = 0) -> Iterator[Found]:
    """Document numbers and symbols as printed, from ``text[pos:]``, one at a time; spans offset by
    ``start``."""
    return (Found(m[1], (start + m.start(1), start + m.end(1))) for m in NUMBER_RE.finditer(text, pos))


_MONEY_RE = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)\s*(tỷ|tỉ|triệu|nghìn|ngàn|Tỷ|Triệu)?\s*"
    r"(?:đồng|Đồng|ĐỒNG|VNĐ|VND|vnđ|đ)(?!\w)"
)
_CURRENCY_RE = re.compile(r"\d\s*(?:\w+\s*)?(?:đồng|Đồng|ĐỒNG|VNĐ|VND|vnđ|đ)(?!\w)")
_SCALE = {"tỷ": 10**9, "tỉ": 10**9, "triệu": 10**6, "nghìn": 10**3, "ngàn": 10**3}


def find_money(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, Span]]:
    """Amounts in đồng: "33.400.000.000 đồng", "1,5 tỷ đồng" (in ``text[start:end]``)."""
    out: list[tuple[int, Span]] = []
    end = len(text) if end is None else end
    if not _CURRENCY_RE.search(text, start, end):
        return out
    for m in _MONEY_RE.finditer(text, start, end):
        digits, scale = m[1], (m[2] or "").lower()
        if scale:
            amount = int(round(float(digits.replace(".", "").replace(",", ".")) * _SCALE[scale]))
        else:
            amount = int(re.sub(r"[.,]", "", digits))
        # "01 đồng hồ" is a clock, not one đồng: a sum of money below a thousand đồng is no budget.
        if amount >= 1000:
            out.append((amount, (m.start(), m.end())))
    return out


# Timings, on folded text.
_YEARLY_RE = re.compile(r"\bh[ae]ng nam\b")
_ONGOING_RE = re.compile(r"\b(?:thuong xuyen|lien tuc)\b")
_FROM_YEAR_RE = re.compile(r"\btu nam\s*(\d{4})\b(?!\s*(?:den|-|–))")
# A start: "Từ 01/7/2025", "Từ tháng 7/2025".
# Not a window with a dated end ("Từ ngày 01/01/2026 đến ngày 31/3/2026" is due at its end).
_FROM_DATE_RE = re.compile(
    r"^\W*tu\s+(?:ngay\s*)?(?:thang\s*)?(?:\d{1,2}\s*/\s*)?\d{1,2}\s*/\s*(\d{4})"
    r"(?!\s*(?:den|[-–])\s*(?:het\s+)?(?:ngay|thang)?\s*\d)"
)
_MONTH_WINDOW_RE = re.compile(
    r"\btu\s+thang\s*\d{1,2}(?:\s*/\s*\d{4})?\s+den\s+(?:het\s+)?thang\s*(\d{1,2})\s*(?:/|nam)\s*(\d{4})"
)
_WINDOW_END_RE = re.compile(
    r"\btu\s+ngay\b[^;]{0,30}?\bden\s+(?:het\s+)?ngay\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})"
)
# "Năm 2025 và các năm tiếp theo", "Quý IV năm 2025 và các năm tiếp theo", "Giai đoạn 2026-2030 và
# những năm tiếp theo": a start, nothing else.
_ONWARD_RE = re.compile(
    r"((?:19|20)\d{2})(?:\s*[-–]\s*(?:19|20)\d{2})?\s*(?:va|,)\s*(?:cac|nhung)\s+nam\s+(?:tiep theo|sau)"
)
_RANGE_RE = re.compile(r"((?:19|20)(?<!\d..)\d{2})\s*[-–]\s*((?:19|20)\d{2})(?!\d)")
_YEAR_RE = re.compile(r"((?:19|20)(?<![\d/.-]..)\d{2})(?![\d/])")
_DUE_RE = re.compile(
    r"\b(?:tr\w{1,3}c|cham nhat|han)\s*(?:ngay)?\s*(\d{1,2})\s*(?:/|\s*thang)\s*(\d{1,2})(?:\s*(?:/|nam)\s*(\d{4}))?"
)
_MONTH_DEADLINE_RE = re.compile(r"\b(?:xong|hoan thanh)\s+(?:trong|truoc)\s+thang\s*(\d{1,2})\s*(?:/|nam)\s*(\d{4})")
_NOUN_BEFORE_RE = re.compile(r"\b(?:ke hoach|du toan|chuong trinh|bao cao|nhiem vu|cong tac)\b[^;:.()\d]{0,50}$")
# "hằng năm (trước ngày 15 tháng 11)", "trước ngày 31/10 hằng năm": a recurring deadline.
_RECURRING_DEADLINE_RE = re.compile(
    r"\bh[ae]ng nam\s*\(?\s*(?:vao\s+)?tr\w{1,3}c\s*ngay"
    r"|tr\w{1,3}c\s*ngay\s*\d{1,2}\s*(?:/|thang)\s*\d{1,2}\s*\)?\s*h[ae]ng nam"
)
# OCR reads the I of a quarter's numeral as 1 or l: "Quý 11/2026", "Quý 1V".
_QUARTER_RE = re.compile(r"\bqu[yi]\s*(iv|iii|ii|i|[il1]v|[il1]{2,3}(?!\d)|[1-4])\s*(?:/|-|–|,)?\s*(?:nam)?\s*(\d{4})")
_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _quarter(numeral: str) -> int:
    if numeral in _ROMAN_Q:
        return _ROMAN_Q[numeral]
    if len(numeral) > 1:  # I read as 1 or l
        return 4 if numeral.endswith("v") else len(numeral)
    return int(numeral)


def parse_when(text: str, *, default_year: int | None = None, years: bool = True) -> When:
    """The timing of a task from a "Thời gian: …" value or a sentence of its text.

    ``years=False`` reads only deadlines and "hằng năm" (for running text, where years
    mostly name programmes and phases, not task times).
    """
    f = fold_same_length(text)
    if years:
        onward = _ONWARD_RE.search(f)
        start = _FROM_DATE_RE.match(f)
        if onward or start:
            w = parse_when(_ONWARD_RE.sub(" ", f) if onward else "", default_year=default_year)
            return When(
                yearly=w.yearly,
                ongoing=w.ongoing,
                from_year=int((onward or start)[1]),  # type: ignore[index]
            )
    # "hằng năm" qualifying a noun ("kế hoạch … hằng năm", "dự toán hằng năm") is not a recurrence.
    yearly = bool(_RECURRING_DEADLINE_RE.search(f)) or any(
        not _NOUN_BEFORE_RE.search(f[max(0, y.start() - 60) : y.start()]) for y in _YEARLY_RE.finditer(f)
    )
    ongoing = years and bool(_ONGOING_RE.search(f))
    due: str | None = None
    m = _DUE_RE.search(f)
    mm_due = _MONTH_DEADLINE_RE.search(f)
    if mm_due and (m is None or mm_due.start() < m.start()):
        # The first printed deadline is the due one ("xong trong tháng 12/2025; … trước ngày 15/11").
        m = None
        due = _iso(int(mm_due[2]), int(mm_due[1]), None)
    if m:
        day, month = int(m[1]), int(m[2])
        year = int(m[3]) if m[3] else None
        if year:
            due = _iso(year, month, day)
        elif yearly and 1 <= month <= 12 and 1 <= day <= 31:
            due = f"--{month:02d}-{day:02d}"
        elif default_year:
            due = _iso(default_year, month, day)
    window = _WINDOW_END_RE.search(f) if due is None else None
    if window:  # "Từ ngày 01/01/2026 đến ngày 31/3/2026": due at the window's end
        due = _iso(int(window[3]), int(window[2]), int(window[1]))
    months = _MONTH_WINDOW_RE.search(f) if due is None else None
    if months:  # "từ tháng 3 đến tháng 10 năm 2026": due in the window's last month
        due = _iso(int(months[2]), int(months[1]), None)
    if due is None and years:
        q = _QUARTER_RE.search(f)
        mm = _MONTH_DATE.search(f)
        if q:
            # A window of quarters ("Quý IV/2025 - Quý II/2026") is due at its end.
            q = list(_QUARTER_RE.finditer(f))[-1] if re.search(r"\bqu[yi]\b.*[-–]\s*qu[yi]\b", f) else q
            due = f"{q[2]}-Q{_quarter(q[1])}"
        elif mm:
            due = _iso(int(mm[2]), int(mm[1]), None)
    from_year = None
    found_years: list[int] = []
    if years:
        fm = _FROM_YEAR_RE.search(f)
        if fm:
            from_year = int(fm[1])
        rest = _FROM_YEAR_RE.sub(" ", f)
        rest = _DUE_RE.sub(" ", rest)
        rest = _QUARTER_RE.sub(" ", rest)
        rest = _MONTH_DATE.sub(" ", rest)
        for r in _RANGE_RE.finditer(rest):
            a, b = int(r[1]), int(r[2])
            if a <= b <= a + 30:
                found_years.extend(range(a, b + 1))
        rest = _RANGE_RE.sub(" ", rest)
        found_years.extend(int(y[1]) for y in _YEAR_RE.finditer(rest))
    return When(
        yearly=yearly,
        ongoing=ongoing,
        years=tuple(sorted(set(found_years))),
        from_year=from_year,
        due=due,
    )
