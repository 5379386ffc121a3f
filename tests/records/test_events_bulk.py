"""Issue 12: the add-event form names the partner, the agreement and the source document; bulk status also
sets the task's yearly periods."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from hoptac.records.models import AuditLog, Event, Occurrence, Partner
from tests.records.conftest import World


def test_an_event_is_added_with_its_partner_agreement_and_source(login: Any, world: World) -> None:
    client = login("officer")
    partner = Partner.objects.get(office=world.bg, name="tỉnh Xay Sôm Bun")
    agreement = world.doc.plan.agreement
    page = client.get(reverse("event_list")).content.decode()
    assert 'name="parties"' in page and 'name="document"' in page and 'name="agreement"' in page
    data = {
        "kind": "hoi_dam",
        "date": "05/06/2023",
        "title": "Hội đàm giữa tỉnh Bắc Giang và tỉnh Xay Sôm Bun",
        "parties": [partner.pk],
        "agreement": agreement.pk,
        "document": world.doc.pk,
    }
    r = client.post(reverse("event_list"), data)
    assert r.status_code == 302
    event = Event.objects.get(office=world.bg, title=data["title"])
    assert list(event.parties.all()) == [partner] and event.agreement == agreement and event.document == world.doc
    entry = AuditLog.objects.get(model="event", object_id=str(event.pk), action="create")
    assert entry.after["parties"] == [partner.pk]
    page = client.get(reverse("event_list")).content.decode()
    assert "05/06/2023" in page and reverse("partner_detail", args=[partner.pk]) in page
    # Another office's partner or document: a message, nothing stored.
    foreign = Partner.objects.filter(office=world.hg).first()
    count = Event.objects.count()
    for bad in ({"parties": [foreign.pk]}, {"document": world.other_doc.pk}, {"document": "9" * 30}):
        r = client.post(reverse("event_list"), {**data, **bad})
        assert r.status_code == 400 and "Lựa chọn không hợp lệ." in r.content.decode(), bad
    assert Event.objects.count() == count


def test_bulk_status_sets_the_yearly_periods_too(login: Any, world: World) -> None:
    client = login("officer")
    task = next(t for t in world.doc.plan.tasks.all() if t.occurrences.count() > 1)  # a yearly task
    r = client.post(reverse("task_list"), {"ids": [task.pk], "status": "done"})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"
    assert set(Occurrence.objects.filter(task=task).values_list("status", "percent")) == {("done", 100)}
    logged = AuditLog.objects.filter(model="occurrence", action="update", user=world.users["officer"])
    assert logged.count() == task.occurrences.count()
