"""Dates and years a user can enter stay within 1900–2200 (forms and API), agreements' years within 1945–2200
(issue 11, item 7): a clear error next to the field or in the JSON, nothing stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hoptac.records.models import Agreement, ApiToken, Event
from tests.records.conftest import World


@pytest.mark.parametrize("day", ["31/12/9999", "01/01/0001", "31/12/1899"])
def test_event_form_refuses_dates_out_of_range(login: Any, world: World, day: str) -> None:
    before = Event.objects.count()
    r = login("officer").post(reverse("event_list"), {"kind": "khac", "date": day, "title": "Hội đàm"})
    assert r.status_code == 400 and "Ngày phải từ 01/01/1900 đến 31/12/2200." in r.content.decode()
    assert Event.objects.count() == before


def test_agreement_forms_refuse_odd_dates_and_years(login: Any, world: World) -> None:
    agreement = world.doc.plan.agreement
    client = login("officer")
    for data, message in (
        ({"status": "signed", "start_year": "2", "end_year": "3"}, "Năm không hợp lệ."),
        ({"status": "signed", "signed_on": "31/12/9999"}, "Ngày phải từ 01/01/1900 đến 31/12/2200."),
    ):
        r = client.post(reverse("agreement_detail", args=[agreement.pk]), data)
        assert r.status_code == 200 and message in r.content.decode(), data
    fresh = Agreement.objects.get(pk=agreement.pk)
    assert (fresh.start_year, fresh.end_year, fresh.signed_on) == (
        agreement.start_year,
        agreement.end_year,
        agreement.signed_on,
    )


def test_rule_and_audit_forms_bound_dates(login: Any, world: World) -> None:
    client = login("officer")
    r = client.get(reverse("audit_list"), {"start": "31/12/9999"})
    assert r.status_code == 400 and "Ngày phải từ" in r.content.decode()


def test_api_refuses_dates_out_of_range(world: World) -> None:
    c = Client()
    c.defaults["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(world.users['officer']).key}"
    before = Event.objects.count()
    r = c.post(
        "/api/events", json.dumps({"date": "9999-12-31", "title": "Tận thế"}), content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["errors"][0]["loc"][-1] == "date"
    assert Event.objects.count() == before
    agreement = world.doc.plan.agreement
    r = c.patch(
        f"/api/agreements/{agreement.pk}", json.dumps({"signed_on": "0001-01-01"}), content_type="application/json"
    )
    assert r.status_code == 422
    r = c.patch(f"/api/agreements/{agreement.pk}", json.dumps({"status": None}), content_type="application/json")
    assert r.status_code == 422 and "status" in r.json()["detail"]
    assert Agreement.objects.get(pk=agreement.pk).status == agreement.status
