"""The dashboard summary kept per office, and the task lists' filters written as subqueries."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from hoptac.records import summary
from hoptac.records.models import Occurrence, Office, OfficeSummary, Plan, Task
from tests.records.conftest import World

DAY = date(2023, 1, 15)


def test_summary_is_kept_until_the_office_changes(world: World, django_assert_num_queries: Any) -> None:
    first = summary.for_office(world.bg.pk, DAY)
    assert first == summary.compute(world.bg.pk, DAY)
    with django_assert_num_queries(2):  # the office's version and the stored summary: nothing recomputed
        assert summary.for_office(world.bg.pk, DAY) == first
    occ = Occurrence.objects.filter(office=world.bg, due__lt=DAY, status="pending").first()
    from hoptac.records.progress import submit

    submit(world.users["officer"], occ, status="done", percent=100, text="Xong.")  # bumps data_version
    after = summary.for_office(world.bg.pk, DAY)
    assert after["overdue"] == first["overdue"] - 1 and after == summary.compute(world.bg.pk, DAY)
    assert summary.for_office(world.bg.pk, DAY + timedelta(days=1))["day"] == "2023-01-16"  # a new day


def test_a_claimed_recomputation_is_not_repeated(world: World) -> None:
    stale = summary.for_office(world.bg.pk, DAY)
    Occurrence.objects.filter(office=world.bg).update(status="done")
    Office.objects.filter(pk=world.bg.pk).update(data_version=F("data_version") + 1)
    # another request is recomputing: this one shows the previous figures rather than computing too
    OfficeSummary.objects.filter(office=world.bg).update(claimed_at=timezone.now())
    assert summary.for_office(world.bg.pk, DAY) == stale
    # a claim left by a request that died expires
    OfficeSummary.objects.filter(office=world.bg).update(claimed_at=timezone.now() - timedelta(minutes=5))
    fresh = summary.for_office(world.bg.pk, DAY)
    assert fresh["overdue"] == 0 and fresh != stale
    assert OfficeSummary.objects.get(office=world.bg).claimed_at is None


def test_first_summary_of_an_office_is_waited_for(world: World, monkeypatch: Any) -> None:
    OfficeSummary.objects.create(office=world.bg, claimed_at=timezone.now())  # being computed elsewhere
    monkeypatch.setattr(summary, "FIRST_WAIT_S", 0.2)
    assert summary.for_office(world.bg.pk, DAY) == summary.compute(world.bg.pk, DAY)


def test_national_summary_merges_the_offices(world: World) -> None:
    both = summary.for_offices([world.bg.pk, world.hg.pk], DAY)
    bg, hg = summary.compute(world.bg.pk, DAY), summary.compute(world.hg.pk, DAY)
    assert both["overdue"] == bg["overdue"] + hg["overdue"]
    assert sum(r["n"] for r in both["by_year"]) == Occurrence.objects.count()
    assert {r["id"] for r in both["by_agency"]} <= {r["id"] for r in bg["by_agency"] + hg["by_agency"]}


def test_dashboard_figures_match_plain_counts(login: Any, world: World) -> None:
    page = login("officer").get(reverse("dashboard"))
    today = timezone.localdate()
    open_ = Occurrence.objects.filter(office=world.bg, status__in=("pending", "in_progress"))
    assert page.context["overdue"] == open_.filter(due__lt=today).count()
    by_year = {r["id"]: r for r in page.context["by_year"]}
    for year, row in by_year.items():
        occ = Occurrence.objects.filter(office=world.bg, year=year)
        assert row["n"] == occ.count() and row["done"] == occ.filter(status="done").count()


def _naive(world: World, **f: Any) -> set[int]:
    """The same filter written with joins and DISTINCT, as a reference."""
    qs = Task.objects.filter(office=world.bg)
    if f.get("agency"):
        qs = qs.filter(Q(lead__id=f["agency"]) | Q(support__id=f["agency"]))
    if f.get("partner"):
        qs = qs.filter(plan__partners__id=f["partner"])
    if f.get("year"):
        qs = qs.filter(occurrences__year=f["year"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    return set(qs.distinct().values_list("pk", flat=True))


def test_filters_agree_with_joins(login: Any, world: World) -> None:
    client = login("officer")
    partner = world.doc.plan.partners.exclude(country="VN").first()
    Task.objects.filter(plan__document=world.doc, position__lt=5).update(status="done")
    # an agency that both leads and supports a task is listed once
    both = world.task_led_by(world.sngv)
    both.support.add(world.sngv)
    cases = [
        {"agency": world.sngv.pk},
        {"agency": world.sngv.pk, "year": 2023},
        {"agency": world.soyte.pk, "status": "done"},
        {"partner": partner.pk},
        {"partner": partner.pk, "year": 2030},
        {"year": 2024, "status": "pending"},
    ]
    for f in cases:
        r = client.get(reverse("task_list"), {**f, "page": 1})
        shown = [row["pk"] for row in r.context["rows"]]
        assert len(shown) == len(set(shown)) and set(shown) <= _naive(world, **f), f
        assert r.context["page"].count == len(_naive(world, **f)), f
        api = client.get("/api/tasks", {**f, "limit": 500}).json()
        assert {t["id"] for t in api["items"]} == _naive(world, **f) and api["count"] == len(api["items"]), f


def test_list_queries_do_not_grow_with_the_page(login: Any, world: World, django_assert_max_num_queries: Any) -> None:
    client = login("officer")
    client.get(reverse("task_list"))  # warm the session
    with django_assert_max_num_queries(12):
        r = client.get(reverse("task_list"))
    assert len(r.context["rows"]) == min(50, Task.objects.filter(office=world.bg).count())
    with django_assert_max_num_queries(8):
        r = client.get("/api/tasks", {"limit": 200})
    assert r.json()["count"] == Task.objects.filter(office=world.bg).count()
    assert all(t["lead"] is not None for t in r.json()["items"])


def test_unknown_status_in_the_api_is_a_json_error(login: Any, world: World) -> None:
    r = login("officer").get("/api/tasks", {"status": "xong"})
    assert r.status_code == 422 and "status" in r.json()["detail"]


def test_menus_offer_the_offices_choices_escaped(login: Any, world: World) -> None:
    plan = Plan.objects.get(document=world.doc)
    Plan.objects.filter(pk=plan.pk).update(title='<b>Kế hoạch "đặc biệt"</b>')
    html = login("officer").get(reverse("task_list"), {"plan": plan.pk}).content.decode()
    assert f'<option value="{plan.pk}" selected>&lt;b&gt;Kế hoạch &quot;đặc biệt&quot;&lt;/b&gt;</option>' in html
    assert f'value="{world.sngv.pk}"' in html
    outsider_html = login("outsider").get(reverse("task_list")).content.decode()
    assert "đặc biệt" not in outsider_html


def test_cached_menus_follow_changes(login: Any, world: World) -> None:
    client = login("officer")
    assert "tỉnh Hủa Phăn" not in client.get(reverse("task_list")).content.decode()
    r = client.post(
        reverse("partner_create"), {"name": "tỉnh Hủa Phăn", "level": "province", "country": "LA", "suggested": 1}
    )
    assert r.status_code == 302
    assert "tỉnh Hủa Phăn" in client.get(reverse("task_list")).content.decode()


def test_pages_of_the_task_list(login: Any, world: World) -> None:
    client = login("officer")
    plan = world.doc.plan
    Task.objects.bulk_create(
        [
            Task(office=world.bg, plan=plan, ref=f"X.{i}", title=f"Nhiệm vụ thêm {i}", position=100 + i)
            for i in range(60)
        ]
    )
    total = Task.objects.filter(office=world.bg).count()
    last = -(-total // 50)
    r = client.get(reverse("task_list"), {"page": last})
    assert len(r.context["rows"]) == total - 50 * (last - 1) and r.context["page"].count == total
    assert "page=" + str(last - 1) in r.content.decode()
    for beyond in (str(last + 5), "abc", "-1"):
        r = client.get(reverse("task_list"), {"page": beyond})
        assert r.status_code == 200 and r.context["rows"], beyond
    r = client.get(reverse("task_list"), {"status": "cancelled"})
    assert r.context["page"].count == 0 and "Không có nhiệm vụ nào." in r.content.decode()
    api = client.get("/api/tasks", {"offset": total + 10}).json()
    assert api == {"count": total, "items": []}
