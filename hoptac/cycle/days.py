"""Commemorative days of partner countries and localities (``data/commemorative_days.tsv``), Django-free."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from hoptac.records.text import name_key

__all__ = ["DATA", "Day", "days_for", "load", "occurrences"]

DATA = Path(__file__).resolve().parent / "data" / "commemorative_days.tsv"
LEVEL_WORDS = ("tinh ", "huyen ", "thanh pho ", "khu tu tri dan toc ", "khu tu tri ", "bang ")


def _locality_key(name: str) -> str:
    key = name_key(name)
    for word in LEVEL_WORDS:
        if key.startswith(word):
            key = key[len(word) :]
    return key.replace(" ", "")


@dataclass(frozen=True)
class Day:
    month: int
    day: int
    days: int
    country: str
    locality: str
    since: int | None
    name: str
    name_en: str

    def start(self, year: int) -> date:
        return date(year, self.month, min(self.day, 28) if self.month == 2 else self.day)

    def title(self, year: int) -> str:
        """ "Quốc khánh … (48 năm: 2/12/1975 – 2/12/2023)" when the day counts anniversaries."""
        if self.since and year > self.since:
            return f"{self.name} (kỷ niệm {year - self.since} năm, {self.day}/{self.month}/{self.since})"
        return self.name

    def matches(self, country: str, locality_key: str) -> bool:
        if self.country != country:
            return False
        return not self.locality or _locality_key(self.locality) == locality_key


@cache
def load(path: Path = DATA) -> tuple[Day, ...]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 8:
            raise ValueError(f"{path.name}:{n}: cần 8 cột, có {len(cells)}")
        month, day, days, country, locality, since, name, name_en = cells
        d = Day(int(month), int(day), int(days), country, locality, int(since) if since else None, name, name_en)
        d.start(2024)  # an impossible date fails here, with its line
        out.append(d)
    return tuple(out)


def days_for(partners: list[tuple[str, str]]) -> list[Day]:
    """The days that belong to any of the partners, given as (country, name)."""
    keys = {(c, _locality_key(n)) for c, n in partners if c}
    countries = {c for c, _n in keys}
    return [d for d in load() if d.country in countries and any(d.matches(c, k) for c, k in keys)]


def occurrences(days: list[Day], years: list[int]) -> list[tuple[Day, date, date]]:
    """(day, first date, day after the last) for each year."""
    return [(d, d.start(y), d.start(y) + timedelta(days=d.days)) for d in days for y in years]
