"""The expansion of a task's timing into dated occurrences over the plan period."""

from __future__ import annotations

from datetime import date

import pytest

from hoptac.records.occurrences import expand, parse_due

NONE = {"yearly": False, "ongoing": False, "years": [], "from_year": None, "due": None}


def w(**kw: object) -> dict[str, object]:
    return {**NONE, **kw}


@pytest.mark.parametrize(
    ("when", "period", "doc_year", "expected"),
    [
        (w(yearly=True), (2021, 2025), 2022, [date(y, 12, 31) for y in range(2021, 2026)]),
        (w(ongoing=True), (2023, 2024), 2023, [date(2023, 12, 31), date(2024, 12, 31)]),
        (w(years=[2022, 2023]), (2021, 2025), 2022, [date(2022, 12, 31), date(2023, 12, 31)]),
        (w(from_year=2023), (2021, 2025), 2022, [date(y, 12, 31) for y in (2023, 2024, 2025)]),
        (w(due="2022-03-30"), (2021, 2025), 2022, [date(2022, 3, 30)]),
        (w(due="2025-12"), None, 2024, [date(2025, 12, 31)]),
        (w(due="2025-02"), None, 2024, [date(2025, 2, 28)]),
        (w(due="2025-Q4"), None, 2024, [date(2025, 12, 31)]),
        (w(due="2024-Q1"), None, 2024, [date(2024, 3, 31)]),
        (w(yearly=True, due="--10-31"), (2022, 2024), 2022, [date(y, 10, 31) for y in (2022, 2023, 2024)]),
        (w(years=[2023, 2025], due="--06-15"), (2021, 2025), 2021, [date(2023, 6, 15), date(2025, 6, 15)]),
        (w(yearly=True, due="--02-29"), (2023, 2024), 2023, [date(2023, 2, 28), date(2024, 2, 29)]),
        (w(), (2021, 2025), 2022, [date(2025, 12, 31)]),
        (w(), None, 2024, [date(2024, 12, 31)]),
        ({}, None, None, [date(2030, 12, 31)]),
        (None, None, 2022, [date(2022, 12, 31)]),
        (w(yearly=True), None, 2024, [date(2024, 12, 31)]),
        (w(due="nonsense"), (2021, 2022), 2021, [date(2022, 12, 31)]),
        (w(due="2023-02-30"), (2021, 2022), 2021, [date(2022, 12, 31)]),
        (w(years=[2022, 2022]), None, 2022, [date(2022, 12, 31)]),
    ],
)
def test_expand(
    when: dict[str, object] | None, period: tuple[int, int] | None, doc_year: int | None, expected: list[date]
) -> None:
    assert expand(when, period, doc_year, fallback_year=2030) == expected


def test_expand_caps_absurd_periods() -> None:
    assert len(expand(w(yearly=True), (1900, 2200), 2000)) == 50


def test_parse_due() -> None:
    assert parse_due("2024-Q3") == date(2024, 9, 30)
    assert parse_due("2024-13") is None
    assert parse_due("--10-31") is None


# Issue 12: the plan's year and period decide when its tasks fall.
def _ex(title: str = "", period: dict[str, int] | None = None, **extra: object) -> dict[str, object]:
    return {"document": {"title": title}, "period": period, **extra}


@pytest.mark.parametrize(
    ("extraction", "doc_year", "expected"),
    [
        (_ex("Kế hoạch", {"from": 2021, "to": 2025}), 2022, (2021, 2025)),
        (_ex("Hoạt động thông tin đối ngoại tỉnh Bắc Giang năm 2024"), 2023, (2024, 2024)),
        (_ex("Thực hiện Thỏa thuận giai đoạn 2021-2025"), 2022, (2021, 2025)),
        (_ex("Kế hoạch tuyên truyền"), 2022, (2022, 2022)),
        (_ex("Kế hoạch", tasks=[{"when": {"due": "2022-03-30"}}], events=[{"date": "2016-10-20"}]), None, (2022, 2022)),
        (_ex("Kế hoạch"), None, None),
    ],
)
def test_plan_period(extraction: dict[str, object], doc_year: int | None, expected: object) -> None:
    from hoptac.records.occurrences import plan_period

    assert plan_period(extraction, doc_year) == expected


def test_one_year_plan_issued_the_year_before_falls_in_its_year() -> None:
    # "Kế hoạch … năm 2024" issued in 10/2023: an undated task is due 31/12/2024, not 31/12/2023.
    assert expand(w(), (2024, 2024), 2023) == [date(2024, 12, 31)]


def test_years_outside_the_plan_are_not_the_plans() -> None:
    assert expand(w(years=[2019, 2022, 2030]), (2021, 2025), 2021) == [date(2022, 12, 31)]
    assert expand(w(from_year=2027), (2021, 2025), 2021) == [date(2025, 12, 31)]
    assert expand(w(years=[2030]), (2022, 2022), 2022) == [date(2022, 12, 31)]


def test_period_year_keeps_a_deadline_in_its_plans_year() -> None:
    from hoptac.records.occurrences import period_year

    assert period_year(date(2025, 1, 15), (2024, 2024)) == 2024
    assert period_year(date(2023, 6, 1), (2021, 2025)) == 2023
    assert period_year(date(2023, 6, 1), None) == 2023
