"""The calendar feeds: they parse back with icalendar, carry seed 001's deadlines and partner days with alarms,
open with the user's secret token only, and show each role only what it may read."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from hoptac.cycle import rules
from hoptac.cycle.models import CalendarToken
from hoptac.records.models import Agency, Partner, Task
from tests.cycle.conftest import TODAY, World


def _feed(url: str) -> Calendar:
    r = Client().get(url)
    assert r.status_code == 200, (url, r.status_code)
    assert r["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(r.content)


def _events(cal: Calendar) -> list[Any]:
    return list(cal.walk("VEVENT"))


def _token(world: World, role: str) -> str:
    return CalendarToken.for_user(world.users[role]).key


@pytest.fixture
def synced(world: World) -> World:
    rules.sync(world.bg, TODAY)
    return world


def test_office_feed_has_every_agency_31_10_report_each_year(synced: World) -> None:
    world = synced
    cal = _feed(reverse("cycle_ical_me", args=[_token(world, "officer")]))
    reports = [e for e in _events(cal) if str(e["SUMMARY"]).startswith("Hạn báo cáo:")]
    leads = set(Agency.objects.filter(lead_tasks__plan=world.doc.plan).values_list("name", flat=True))
    for year in range(2022, 2026):
        on_day = [str(e["SUMMARY"]) for e in reports if e.decoded("DTSTART") == date(year, 10, 31)]
        owed = {s.split(": ", 1)[1].split(" → ")[0] for s in on_day}
        assert owed == leads - {"Sở Ngoại vụ"}, year
        assert all("→ Sở Ngoại vụ (năm" in s for s in on_day)
        nov = [str(e["SUMMARY"]) for e in reports if e.decoded("DTSTART") == date(year, 11, 15)]
        assert nov == [f"Hạn báo cáo: Sở Ngoại vụ → Ủy ban nhân dân tỉnh (năm {year})"]
    for e in reports:
        (alarm,) = e.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY" and alarm.decoded("TRIGGER") == timedelta(days=-7)
    uids = [str(e["UID"]) for e in _events(cal)]
    assert len(uids) == len(set(uids))


def test_plan_feed_has_task_years_events_and_lao_days(synced: World) -> None:
    world = synced
    plan = world.doc.plan
    cal = _feed(reverse("cycle_ical_plan", args=[_token(world, "viewer"), plan.pk]))
    summaries = {(str(e["SUMMARY"]), e.decoded("DTSTART")) for e in _events(cal)}
    assert any(s.startswith("Hạn nhiệm vụ II.6.2 (năm 2022)") and d == date(2022, 12, 31) for s, d in summaries)
    lao_new_year = [e for e in _events(cal) if str(e["SUMMARY"]).startswith("Tết cổ truyền Bunpimay")]
    assert {e.decoded("DTSTART") for e in lao_new_year} >= {date(y, 4, 13) for y in range(2021, 2026)}
    assert all(e.decoded("DTEND") - e.decoded("DTSTART") == timedelta(days=3) for e in lao_new_year)
    assert ("Quốc khánh nước Cộng hòa Dân chủ Nhân dân Lào (kỷ niệm 48 năm, 2/12/1975)", date(2023, 12, 2)) in summaries
    assert ("Ngày thành lập tỉnh Xay Sôm Bun (kỷ niệm 10 năm, 31/12/2013)", date(2023, 12, 31)) in summaries
    assert not any("Trung Hoa" in s for s, _d in summaries)  # not a partner of this plan
    partner = Partner.objects.get(office=world.bg, country="LA")
    cal = _feed(reverse("cycle_ical_partner", args=[_token(world, "officer"), partner.pk]))
    assert any(str(e["SUMMARY"]).startswith("Ngày thiết lập quan hệ ngoại giao Việt Nam – Lào") for e in _events(cal))


def test_reporter_feed_carries_only_its_agency(synced: World) -> None:
    world = synced
    cal = _feed(reverse("cycle_ical_me", args=[_token(world, "other_reporter")]))
    reports = [str(e["SUMMARY"]) for e in _events(cal) if str(e["SUMMARY"]).startswith("Hạn báo cáo:")]
    assert reports and all(s.startswith("Hạn báo cáo: Sở Y tế →") for s in reports)
    tasks = [str(e["SUMMARY"]) for e in _events(cal) if str(e["SUMMARY"]).startswith("Hạn nhiệm vụ")]
    mine = Task.objects.filter(Q(lead=world.soyte) | Q(support=world.soyte)).values_list("ref", flat=True)
    assert tasks and {s.split()[3] for s in tasks} == set(mine)  # the tasks it leads or supports
    agency_feed = reverse("cycle_ical_agency", args=[_token(world, "other_reporter"), world.soyte.pk])
    assert _events(_feed(agency_feed))
    other = reverse("cycle_ical_agency", args=[_token(world, "other_reporter"), world.sngv.pk])
    assert Client().get(other).status_code == 403
    plan = reverse("cycle_ical_plan", args=[_token(world, "other_reporter"), world.doc.plan.pk])
    assert Client().get(plan).status_code == 403


def test_outsider_and_bad_tokens(synced: World) -> None:
    world = synced
    outsider = _token(world, "outsider")
    # Another office's agency or plan: not found, as if the id did not exist.
    assert Client().get(reverse("cycle_ical_agency", args=[outsider, world.soyte.pk])).status_code == 404
    assert Client().get(reverse("cycle_ical_plan", args=[outsider, world.doc.plan.pk])).status_code == 404
    own = _feed(reverse("cycle_ical_me", args=[outsider]))
    assert not any("Bắc Giang" in str(e.get("DESCRIPTION", "")) for e in _events(own))
    assert Client().get(reverse("cycle_ical_me", args=["not-a-token"])).status_code == 404


def test_rotating_the_token_cuts_off_old_urls(login: Any, synced: World) -> None:
    world = synced
    client = login("officer")
    old = _token(world, "officer")
    page = client.get(reverse("cycle_calendar"))
    assert old in page.content.decode()
    assert client.post(reverse("cycle_calendar")).status_code == 302
    new = _token(world, "officer")
    assert new != old
    assert Client().get(reverse("cycle_ical_me", args=[old])).status_code == 404
    assert Client().get(reverse("cycle_ical_me", args=[new])).status_code == 200


def test_inactive_user_feed_is_gone(synced: World) -> None:
    world = synced
    token = _token(world, "viewer")
    world.users["viewer"].is_active = False
    world.users["viewer"].save()
    assert Client().get(reverse("cycle_ical_me", args=[token])).status_code == 404


def test_an_event_at_the_end_of_time_is_skipped_not_the_feed(synced: World) -> None:
    """An event dated 31/12/9999 (stored before dates were bounded) gave everyone's feed a 500."""
    from hoptac.records.models import Event

    world = synced
    Event.objects.create(office=world.bg, date=date(9999, 12, 31), title="Ngày tận thế")
    Event.objects.create(office=world.bg, date=date(2024, 11, 5), title="Đoàn Xay Sôm Bun")
    titles = [str(e.get("summary")) for e in _events(_feed(reverse("cycle_ical_me", args=[_token(world, "officer")])))]
    assert any("Đoàn Xay Sôm Bun" in t for t in titles)
    assert not any("Ngày tận thế" in t for t in titles)
