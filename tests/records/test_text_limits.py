"""Every text a user writes has a maximum length (hoptac.records.limits: a line 300 characters, a title
2,000, a report or notes 20,000): a longer one is refused with a message next to the field, or a JSON
error naming it, and nothing is stored, on SQLite and PostgreSQL alike (where a CharField's limit would
otherwise turn into a database error)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hoptac.records.limits import MAX_LINE, MAX_PASSWORD, MAX_TEXT, MAX_TITLE
from hoptac.records.models import Agreement, ApiToken, Event, Partner, Task
from tests.records.conftest import World

MEGABYTE = "Đ" * 1_000_000


def _error(r: Any, field: str) -> str:
    assert r.status_code in (200, 400), r.status_code
    errors = r.context["form"].errors
    assert field in errors, (field, dict(errors))
    return " ".join(errors[field])


def test_event_form_refuses_a_megabyte_place_and_a_long_title(login: Any, world: World) -> None:
    client = login("officer")
    before = Event.objects.count()
    base = {"kind": "hoi_dam", "date": "01/03/2024", "title": "Hội đàm"}
    r = client.post(reverse("event_list"), {**base, "place": MEGABYTE})
    assert _error(r, "place") == f"Tối đa {MAX_LINE} ký tự (đã nhập 1000000)."
    r = client.post(reverse("event_list"), {**base, "title": "x" * (MAX_TITLE + 1)})
    assert f"Tối đa {MAX_TITLE} ký tự" in _error(r, "title")
    r = client.post(reverse("event_list"), {**base, "members": "x" * (MAX_TEXT + 1)})
    assert f"Tối đa {MAX_TEXT} ký tự" in _error(r, "members")
    assert Event.objects.count() == before
    # At the limit, stored whole; the browser is told the limits too.
    r = client.post(reverse("event_list"), {**base, "place": "p" * MAX_LINE, "title": "t" * MAX_TITLE})
    assert r.status_code == 302
    assert Event.objects.filter(place="p" * MAX_LINE, title="t" * MAX_TITLE).exists()
    page = client.get(reverse("event_list")).content.decode()
    assert f'maxlength="{MAX_LINE}"' in page and f'maxlength="{MAX_TITLE}"' in page


def test_partner_and_agreement_forms_refuse_long_names(login: Any, world: World) -> None:
    client = login("officer")
    r = client.post(reverse("partner_create"), {"name": "x" * (MAX_LINE + 1), "level": "other", "country": "LA"})
    assert _error(r, "name") == f"Tối đa {MAX_LINE} ký tự (đã nhập {MAX_LINE + 1})."
    r = client.post(
        reverse("partner_create"), {"name": "tỉnh Hủa Phăn", "level": "province", "native_name": MEGABYTE}
    )
    assert "Tối đa" in _error(r, "native_name")
    assert not Partner.objects.filter(name="tỉnh Hủa Phăn").exists()
    partner = world.doc.plan.partners.first()
    data = {"kind": "thoa_thuan", "title": "x" * (MAX_TITLE + 1), "status": "signed", "parties": [partner.pk]}
    r = client.post(reverse("agreement_create"), data)
    assert f"Tối đa {MAX_TITLE} ký tự" in _error(r, "title")
    assert not Agreement.objects.filter(title__startswith="xxx").exists()
    client.cookies["django_language"] = "en"
    r = client.post(reverse("agreement_create"), data)
    assert _error(r, "title") == f"At most {MAX_TITLE} characters ({MAX_TITLE + 1} entered)."


def test_review_refuses_a_long_task_title_or_agency_name(login: Any, world: World) -> None:
    doc = world.doc
    client = login("officer")
    data = {f"tasks-{i}-keep": "on" for i in range(45)}
    r = client.post(reverse("document_review", args=[doc.pk]), {**data, "tasks-1-title": "x" * (MAX_TITLE + 1)})
    assert r.status_code == 400 and f"Tối đa {MAX_TITLE} ký tự" in r.content.decode()
    r = client.post(reverse("document_review", args=[doc.pk]), {**data, "tasks-1-lead": "Sở " + "x" * MAX_LINE})
    assert r.status_code == 400 and "tên cơ quan quá dài" in r.content.decode()
    doc.refresh_from_db()
    assert not doc.reviewed and not Task.objects.filter(title__startswith="xxx").exists()


def test_agency_report_refuses_a_text_past_the_limit(login: Any, world: World) -> None:
    from hoptac.cycle import rules
    from hoptac.cycle.models import AgencyReport, ReportDue

    rules.sync(world.bg)
    due = ReportDue.objects.filter(agency=world.soyte, rule__compiled=False).first()
    client = login("officer")
    url = reverse("cycle_agency_report", args=[due.pk])
    form = client.get(url).context["form"]
    data = {name: form.initial.get(name, f.initial) for name, f in form.fields.items()}
    data = {name: "" if value is None else value for name, value in data.items()}
    texts = [name for name in form.fields if name.endswith("-text")]
    r = client.post(url, {**data, "difficulties": "x" * (MAX_TEXT + 1)})
    assert r.status_code == 400 and f"Tối đa {MAX_TEXT} ký tự" in " ".join(r.context["form"].errors["difficulties"])
    if texts:
        r = client.post(url, {**data, texts[0]: MEGABYTE})
        assert r.status_code == 400 and texts[0] in r.context["form"].errors
    assert not AgencyReport.objects.exists()


def _api(world: World) -> Client:
    c = Client()
    c.defaults["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(world.users['officer']).key}"
    return c


@pytest.mark.parametrize(
    ("field", "value"),
    [("place", MEGABYTE), ("place", "x" * (MAX_LINE + 1)), ("title", "x" * (MAX_TITLE + 1)), ("members", MEGABYTE)],
)
def test_api_event_refuses_long_text(world: World, field: str, value: str) -> None:
    before = Event.objects.count()
    body = {"date": "2024-03-01", "title": "Hội đàm", field: value}
    r = _api(world).post("/api/events", json.dumps(body), content_type="application/json")
    assert r.status_code == 422, r.content[:300]
    errors = r.json()["errors"]
    assert [e["loc"][-1] for e in errors] == [field] and "at most" in errors[0]["msg"]
    assert Event.objects.count() == before
    body[field] = value[:MAX_LINE] if field == "place" else value[:MAX_TITLE]
    r = _api(world).post("/api/events", json.dumps(body), content_type="application/json")
    assert r.status_code == 201 and Event.objects.count() == before + 1


def test_api_report_text_and_token_credentials_are_bounded(world: World) -> None:
    task = world.task_led_by(world.sngv)
    occ = task.occurrences.first()
    body = {"status": "in_progress", "percent": 10, "text": "x" * (MAX_TEXT + 1)}
    r = _api(world).post(f"/api/occurrences/{occ.pk}/reports", json.dumps(body), content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["loc"][-1] == "text"
    for field, value in (("username", "u" * 151), ("password", "p" * (MAX_PASSWORD + 1)), ("name", "n" * 101)):
        creds = {"username": "lan", "password": "sai", field: value}
        r = Client().post("/api/token", json.dumps(creds), content_type="application/json")
        assert r.status_code == 422 and r.json()["errors"][0]["loc"][-1] == field, (field, r.content[:200])


def test_every_text_field_of_the_forms_has_a_limit(world: World) -> None:
    """A new text field cannot slip in without one: each form the pages use, built as its view builds it."""
    from hoptac.cycle.forms import AgencyReportForm, CompiledReportForm, ReminderForm, RuleForm
    from hoptac.cycle.report import open_report
    from hoptac.records import forms as records_forms

    user = world.users["officer"]
    occurrences = list(world.doc.plan.tasks.first().occurrences.all())
    built = [
        records_forms.ProgressReportForm(task=world.doc.plan.tasks.first()),
        records_forms.EventForm(),
        records_forms.PartnerForm(office=world.bg),
        records_forms.AgreementForm(office=world.bg),
        records_forms.AgreementStatusForm(),
        records_forms.TokenForm(),
        records_forms.UserForm(actor=user, offices=world.bg.__class__.objects.filter(pk=world.bg.pk)),
        RuleForm(office=world.bg),
        ReminderForm(),
        CompiledReportForm(instance=open_report(world.bg, 2024, world.doc.plan)),
        AgencyReportForm(occurrences=occurrences, initial_lines={}),
    ]
    for form in built:
        for name, field in form.fields.items():
            if isinstance(field, records_forms.forms.CharField):
                assert field.max_length and field.max_length <= MAX_TEXT, (type(form).__name__, name)
