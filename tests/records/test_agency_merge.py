"""Issue 12: an officer merges two agencies that are one body; tasks, reports, rules and reporters move over,
with an audit entry; every mistake is a clear message and changes nothing."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from hoptac.cycle import rules
from hoptac.cycle.models import ReportDue, ReportingRule
from hoptac.records.models import Agency, AuditLog, Profile, ProgressReport
from tests.records.conftest import World


def _duplicate(world: World) -> tuple[Agency, Any]:
    """ "Sở NGV tỉnh" stored next to the office's Sở Ngoại vụ, as an older version did, with a task, a
    report, a rule and a reporter of its own."""
    dup = Agency.objects.create(office=world.bg, name="Sở NGV tỉnh")
    task = world.task_led_by(world.soyte)
    task.lead.add(dup)
    occ = task.occurrences.first()
    ProgressReport.objects.create(
        office=world.bg, occurrence=occ, status="in_progress", percent=10, text="x", agency=dup
    )
    rules.sync(world.bg)
    rule = ReportingRule.objects.filter(plan=world.doc.plan).first()
    rule.senders.add(dup)
    rules.generate(rule, 2026)
    Profile.objects.filter(user=world.users["other_reporter"]).update(agency=dup)
    return dup, task


def test_merging_moves_everything_over_with_an_audit_entry(login: Any, world: World) -> None:
    dup, task = _duplicate(world)
    assert ReportDue.objects.filter(agency=dup).exists()
    client = login("officer")
    page = client.get(reverse("agency_detail", args=[dup.pk])).content.decode()
    assert f'action="/agencies/{dup.pk}/merge/"' in page
    r = client.post(reverse("agency_merge", args=[dup.pk]), {"into": world.sngv.pk, "confirm": "on"})
    assert r.status_code == 302 and r["Location"] == reverse("agency_detail", args=[world.sngv.pk])
    assert not Agency.objects.filter(pk=dup.pk).exists()
    assert world.sngv in task.lead.all()
    assert ProgressReport.objects.filter(agency=world.sngv).count() == 1
    assert ReportingRule.objects.filter(senders=world.sngv).exists()
    assert not ReportDue.objects.filter(agency_id=dup.pk).exists()
    assert Profile.objects.get(user=world.users["other_reporter"]).agency == world.sngv
    world.sngv.refresh_from_db()
    assert "Sở NGV tỉnh" in world.sngv.aliases
    entry = AuditLog.objects.get(action="merge", model="agency", object_id=str(world.sngv.pk))
    assert entry.user == world.users["officer"] and entry.after["moved"]["tasks_lead"] == 1
    assert entry.before["merged"]["name"] == "Sở NGV tỉnh"
    assert AuditLog.objects.filter(action="delete", model="agency", object_id=str(dup.pk)).exists()


def test_merge_mistakes_are_messages_and_change_nothing(login: Any, world: World) -> None:
    dup, _task = _duplicate(world)
    other_office = Agency.objects.filter(office=world.hg).first()
    client = login("officer")
    url = reverse("agency_merge", args=[dup.pk])
    before = (Agency.objects.count(), AuditLog.objects.count())
    for data, message in (
        ({"into": dup.pk, "confirm": "on"}, "Hãy chọn một cơ quan khác của văn phòng."),
        ({"into": other_office.pk, "confirm": "on"}, "Hãy chọn một cơ quan khác của văn phòng."),
        ({"into": "99999999999999999999999", "confirm": "on"}, "Hãy chọn một cơ quan khác của văn phòng."),
        ({"confirm": "on"}, "Hãy chọn cơ quan để gộp vào."),
        ({"into": world.sngv.pk}, "Hãy đánh dấu xác nhận trước khi gộp."),
    ):
        r = client.post(url, data)
        assert r.status_code == 400 and message in r.content.decode(), data
    assert (Agency.objects.count(), AuditLog.objects.count()) == before
    assert login("viewer").post(url, {"into": world.sngv.pk, "confirm": "on"}).status_code == 403
    assert login("outsider").post(url, {"into": world.sngv.pk, "confirm": "on"}).status_code in (403, 404)
    assert Agency.objects.filter(pk=dup.pk).exists()


def test_the_agency_page_title_is_its_name_only(login: Any, world: World) -> None:
    """The merge form sits in the page, not in its <title>."""
    html = login("officer").get(reverse("agency_detail", args=[world.soyte.pk])).content.decode()
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert world.soyte.name in title and "<form" not in title
