"""NUL characters in text: refused with a 400 the same way on SQLite and PostgreSQL (which cannot store them)."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse

from hoptac.records.models import Event, ProgressReport
from tests.records.conftest import World


def test_a_nul_in_an_api_text_is_refused(login: Any, world: World) -> None:
    occ = world.task_led_by(world.sngv).occurrences.first()
    before = ProgressReport.objects.count()
    body = {"status": "in_progress", "percent": 10, "text": "Đang làm\x00 tiếp"}
    r = login("officer").post(f"/api/occurrences/{occ.pk}/reports", json.dumps(body), content_type="application/json")
    assert r.status_code == 400, r.content
    assert "NUL" in r.json()["detail"]
    assert ProgressReport.objects.count() == before


def test_a_nul_in_a_web_form_is_refused(login: Any, world: World) -> None:
    before = Event.objects.count()
    r = login("officer").post(
        reverse("event_list"), {"kind": "hoi_dam", "date": "2026-05-01", "title": "Hội\x00 đàm", "place": "Hà Nội"}
    )
    assert r.status_code == 400
    assert Event.objects.count() == before


def test_a_nul_in_a_search_filter_is_refused(login: Any, world: World) -> None:
    c = login("officer")
    for url in ("/tasks/?q=a%00b", "/partners/?q=a%00b", "/api/partners?country=V%00", "/documents/?q=%00"):
        r = c.get(url)
        assert r.status_code == 400, (url, r.status_code)
