"""Who reaches what, on every URL pattern and API operation, and that no office reaches another's data.

The role matrices of tests/records/test_permissions.py (pages), tests/cycle/pages.py, tests/search/pages.py
and tests/records/test_api.py (API) are extended here to every persona, the office's administrator
included, and to the pages they leave out (calendar feeds, the audit log's exports, the upload review, the
sign-in pages). ``test_every_url_pattern_is_in_the_matrix`` fails when a URL pattern has no entry.

Object level: two offices on one server (Bắc Giang, Hà Giang). Every person of Bắc Giang gets for Hà
Giang's objects what it gets for an id that does not exist (404, or the 403 its role gets before any
lookup), and never sees them in a list, by page, API, search (web and ``hoptac search``), calendar feed
or export; writes aimed at them change nothing.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hoptac.records.models import ApiToken, Profile
from tests.records.conftest import World
from tests.records.test_audit_complete import snapshot, url_names

PERSONAS = ("anonymous", "national", "admin", "officer", "reporter", "other_reporter", "viewer", "outsider")
OWN = ("admin", "officer", "viewer", "reporter", "other_reporter")  # the people of Bắc Giang
AUTH_PAGES = {
    "login": dict.fromkeys(PERSONAS, 200),
    "logout": dict.fromkeys(PERSONAS, 405),  # signing out is a POST
    "set_language": dict.fromkeys(PERSONAS, 302),  # a POST too; a GET only sends back
    "favicon": dict.fromkeys(PERSONAS, 301),  # to the static file, signed in or not
}


@dataclass
class Site:
    world: World
    hg_plan: Any
    hg_task: Any
    hg_occurrence: Any
    hg_report: Any  # a progress report with an attachment
    hg_agreement: Any
    hg_event: Any
    hg_partner: Any
    hg_agency: Any
    hg_rule: Any
    hg_due: Any
    hg_compiled: Any

    @property
    def users(self) -> dict[str, Any]:
        return self.world.users


@pytest.fixture
def site(world: World) -> Site:
    """Both offices with the cycle under way; Bắc Giang's administrator; Hà Giang's rule, due, report, event."""
    from django.contrib.auth import get_user_model

    from hoptac.cycle import rules
    from hoptac.cycle.models import ReportDue, ReportingRule
    from hoptac.cycle.report import open_report
    from hoptac.records.models import Agreement, Event
    from hoptac.records.progress import submit

    admin = get_user_model().objects.create_user(username="binh", password="mat-khau-thu-nghiem")
    Profile.objects.create(user=admin, office=world.bg, role=Profile.Role.ADMIN)
    world.users["admin"] = admin
    hg, plan = world.hg, world.other_doc.plan
    rules.sync(world.bg, date(2024, 10, 25))
    task = plan.tasks.filter(lead__isnull=False).first()
    occurrence = task.occurrences.order_by("due").first()
    attachment = SimpleUploadedFile("bien-ban-ha-giang.txt", "Biên bản Hà Giang.".encode())
    report = submit(
        world.users["outsider"], occurrence, status="in_progress", percent=20, text="Hà Giang.", attachment=attachment
    )
    partner = plan.partners.exclude(country="VN").first() or plan.partners.first()
    agreement = plan.agreement or Agreement.objects.create(office=hg, title="Thỏa thuận Hà Giang – Văn Sơn")
    event = Event.objects.filter(office=hg).first() or Event.objects.create(office=hg, title="Hội đàm Hà Giang")
    year = occurrence.year
    rule = ReportingRule.objects.create(
        office=hg, plan=plan, all_leads=True, recipient="UBND tỉnh Hà Giang", due_month=12, due_day=15
    )
    rules.generate(rule, year + 1)
    due = ReportDue.objects.filter(rule=rule).first()
    compiled = open_report(hg, year, plan)
    return Site(
        world, plan, task, occurrence, report, agreement, event, partner, task.lead.first(), rule, due, compiled
    )


def token(site: Site, persona: str) -> str:
    from hoptac.cycle.models import CalendarToken

    return "not-a-token" if persona == "anonymous" else CalendarToken.for_user(site.users[persona]).key


def client_for(site: Site, persona: str) -> Client:
    c = Client()
    if persona != "anonymous":
        c.force_login(site.users[persona])
    return c


# -- every URL pattern, every persona ---------------------------------------------------------------


def page_matrix(site: Site) -> dict[str, tuple[str, dict[str, int]]]:
    """name → (url, {persona: status}) for the pages opened with a session."""
    from tests.cycle.pages import cycle_pages
    from tests.records.test_permissions import expected_get, pending_upload
    from tests.search.pages import search_pages

    w = site.world
    tables = {**expected_get(w), **cycle_pages(w), **search_pages(w)}
    out = {name: (url, {**table, "admin": table["officer"]}) for name, (url, table) in tables.items()}
    writers = {  # the upload review: whoever may upload
        "officer": 200,
        "admin": 200,
        "national": 200,
        "outsider": 200,
        "viewer": 403,
        "reporter": 403,
        "other_reporter": 403,
    }
    # A pending upload is its uploader's alone: anyone else who may upload gets 404.
    out["upload_review"] = (pending_upload(None, w), {**writers, "national": 403, "admin": 404, "outsider": 404})
    out["upload_status"] = (out["upload_review"][0] + "status/", out["upload_review"][1])  # its OCR's progress
    for name, table in AUTH_PAGES.items():
        out[name] = (reverse(name), table)
    return out


def feed_matrix(site: Site, persona: str) -> dict[str, tuple[str, int]]:
    """The calendar feeds, each opened with the persona's own token (a bad one for anonymous)."""
    w, key = site.world, token(site, persona)
    plan, partner = w.doc.plan, w.doc.plan.partners.exclude(country="VN").first()
    readers = {"national": 200, "admin": 200, "officer": 200, "viewer": 200}
    if persona == "anonymous":
        expected = dict.fromkeys(("me", "agency", "partner", "plan"), 404)
    elif persona == "outsider":  # Bắc Giang's agency, partner and plan: not found from Hà Giang
        expected = {"me": 200, "agency": 404, "partner": 404, "plan": 404}
    else:
        expected = {
            "me": 200,
            "agency": 200 if persona in readers or persona == "reporter" else 403,
            "partner": readers.get(persona, 403),
            "plan": readers.get(persona, 403),
        }
    return {
        "cycle_ical_me": (reverse("cycle_ical_me", args=[key]), expected["me"]),
        "cycle_ical_agency": (reverse("cycle_ical_agency", args=[key, w.sngv.pk]), expected["agency"]),
        "cycle_ical_partner": (reverse("cycle_ical_partner", args=[key, partner.pk]), expected["partner"]),
        "cycle_ical_plan": (reverse("cycle_ical_plan", args=[key, plan.pk]), expected["plan"]),
    }


def test_every_url_pattern_is_in_the_matrix(site: Site) -> None:
    assert set(page_matrix(site)) | set(feed_matrix(site, "officer")) == url_names()


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages(site: Site, persona: str) -> None:
    c = client_for(site, persona)
    for name, (url, table) in page_matrix(site).items():
        r = c.get(url)
        if persona == "anonymous" and name not in AUTH_PAGES:
            assert r.status_code == 302 and "/login/" in r["Location"], (name, r.status_code)
        else:
            assert r.status_code == table[persona], (name, persona, r.status_code)
    for name, (url, status) in feed_matrix(site, persona).items():
        assert Client().get(url).status_code == status, (name, persona)


def test_office_admin_writes(site: Site) -> None:
    """The office's administrator may do whatever its officer may (the officer's matrix: test_permissions)."""
    from tests.records.test_permissions import writes

    c = client_for(site, "admin")
    for name, url, data, allowed, happened in writes(site.world):
        r = c.post(url, data)
        if "officer" in allowed:
            assert r.status_code == 302 and happened(), (name, r.status_code, r.content[:300])


@pytest.mark.parametrize("persona", PERSONAS)
def test_api(site: Site, persona: str) -> None:
    """Every API operation (the matrix of test_api.py, checked complete against the schema there)."""
    from tests.records.test_api import call, endpoints

    headers = {}
    if persona != "anonymous":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(site.users[persona]).key}"
    for method, _path, url, body, table in endpoints(site.world):
        expected = 401 if persona == "anonymous" else table["officer" if persona == "admin" else persona]
        r = call(Client(), method, url, body, **headers)
        assert r.status_code == expected, (method, url, persona, r.status_code, r.content[:300])


# -- one office never reaches another's data ----------------------------------------------------------


def foreign_pages(site: Site) -> dict[str, str]:
    """Hà Giang's objects on every page that names one."""
    s = site
    return {
        "task_detail": reverse("task_detail", args=[s.hg_task.pk]),
        "report_attachment": reverse("report_attachment", args=[s.hg_report.pk]),
        "partner_detail": reverse("partner_detail", args=[s.hg_partner.pk]),
        "partner_edit": reverse("partner_edit", args=[s.hg_partner.pk]),
        "agency_detail": reverse("agency_detail", args=[s.hg_agency.pk]),
        "agreement_detail": reverse("agreement_detail", args=[s.hg_agreement.pk]),
        "agreement_edit": reverse("agreement_edit", args=[s.hg_agreement.pk]),
        "plan_detail": reverse("plan_detail", args=[s.hg_plan.pk]),
        "document_detail": reverse("document_detail", args=[s.world.other_doc.pk]),
        "document_file": reverse("document_file", args=[s.world.other_doc.pk]),
        "document_review": reverse("document_review", args=[s.world.other_doc.pk]),
        "user_edit": reverse("user_edit", args=[s.users["outsider"].pk]),
        "cycle_rule_new": reverse("cycle_rule_new") + f"?plan={s.hg_plan.pk}",
        "cycle_rule_edit": reverse("cycle_rule_edit", args=[s.hg_rule.pk]),
        "cycle_agency_report": reverse("cycle_agency_report", args=[s.hg_due.pk]),
        "cycle_compiled": reverse("cycle_compiled", args=[s.hg_compiled.pk]),
        "cycle_compiled_file docx": reverse("cycle_compiled_file", args=[s.hg_compiled.pk, "docx"]),
        "cycle_compiled_file xlsx": reverse("cycle_compiled_file", args=[s.hg_compiled.pk, "xlsx"]),
        "cycle_compiled_file pdf": reverse("cycle_compiled_file", args=[s.hg_compiled.pk, "pdf"]),
        "cycle_reminder_edit": reverse("cycle_reminder_edit", args=[s.hg_agency.pk]),
    }


SECRETS = ("Hà Giang", "Ha Giang")


def _no_secret(body: bytes, what: str) -> None:
    text = body.decode("utf-8", "replace")
    for word in SECRETS:
        assert word not in text, (what, word)


@pytest.mark.parametrize("persona", OWN)
def test_other_office_pages(site: Site, persona: str) -> None:
    c = client_for(site, persona)
    for name, url in foreign_pages(site).items():
        r = c.get(url)
        assert r.status_code in (403, 404), (name, persona, r.status_code)
        _no_secret(r.content, name)


@pytest.mark.parametrize("persona", ("admin", "officer"))
def test_other_office_writes_change_nothing(site: Site, persona: str) -> None:
    s = site
    posts = {
        "task_list": (reverse("task_list"), {"ids": [s.hg_task.pk], "status": "cancelled"}),
        "task_detail": (
            reverse("task_detail", args=[s.hg_task.pk]),
            {"occurrence": s.hg_occurrence.pk, "status": "done", "percent": 100, "text": "x"},
        ),
        "partner_edit": (
            reverse("partner_edit", args=[s.hg_partner.pk]),
            {"name": "X", "level": "other", "suggested": "1"},
        ),
        "agreement_detail": (reverse("agreement_detail", args=[s.hg_agreement.pk]), {"status": "terminated"}),
        "agreement_edit": (
            reverse("agreement_edit", args=[s.hg_agreement.pk]),
            {"kind": "thoa_thuan", "title": "X", "status": "signed"},
        ),
        "agreement_create": (
            reverse("agreement_create"),
            {"kind": "thoa_thuan", "title": "X", "status": "signed", "parties": [s.hg_partner.pk]},
        ),
        "document_review": (reverse("document_review", args=[s.world.other_doc.pk]), {"tasks-0-keep": "on"}),
        "user_edit": (reverse("user_edit", args=[s.users["outsider"].pk]), {"office": s.world.bg.pk, "role": "viewer"}),
        "user_create": (
            reverse("user_create"),
            {
                "username": "gian",
                "office": s.world.hg.pk,
                "role": "officer",
                "password1": "mat-khau-rat-dai-1",
                "password2": "mat-khau-rat-dai-1",
            },
        ),
        "cycle_board": (reverse("cycle_board"), {"due": s.hg_due.pk, "action": "done"}),
        "cycle_rule_new": (
            reverse("cycle_rule_new") + f"?plan={s.hg_plan.pk}",
            {"all_leads": "on", "recipient": "X", "yearly": "on", "due_day": 1, "due_month": 1},
        ),
        "cycle_rule_edit": (reverse("cycle_rule_edit", args=[s.hg_rule.pk]), {"delete": "1"}),
        "cycle_agency_report": (reverse("cycle_agency_report", args=[s.hg_due.pk]), {"summary": "x"}),
        "cycle_compile_new": (reverse("cycle_compile_new"), {"year": s.hg_compiled.year, "plan": s.hg_plan.pk}),
        "cycle_compiled": (reverse("cycle_compiled", args=[s.hg_compiled.pk]), {"action": "sent"}),
        "cycle_reminder_edit": (reverse("cycle_reminder_edit", args=[s.hg_agency.pk]), {"days_ahead": 3}),
        "event_list": (reverse("event_list"), {"kind": "tham", "date": "01/01/2024", "title": "X"}),
    }
    c = client_for(site, persona)
    before = snapshot()
    for name, (url, data) in posts.items():
        r = c.post(url, data)
        _no_secret(r.content, name)
        if name == "event_list":  # its own office's event list: allowed, so only the rest is compared
            continue
        assert r.status_code in (200, 400, 403, 404), (name, r.status_code)
    after = snapshot()
    events = {k for k in after["records.event"]} - set(before["records.event"])
    assert all(after["records.event"][pk]["office_id"] == s.world.bg.pk for pk in events)
    for label in after:
        if label in ("records.event", "records.apitoken", "cycle.calendartoken"):
            continue
        assert after[label] == before[label], label
    # The compiled-report import of another office's sheet, into one's own report: refused, nothing written.
    from hoptac.cycle.report import open_report
    from hoptac.cycle.xlsx import export_xlsx

    own = open_report(s.world.bg, 2024, s.world.doc.plan)
    before = snapshot()
    sheet = SimpleUploadedFile("bang.xlsx", export_xlsx(s.hg_compiled))
    r = c.post(reverse("cycle_compiled_import", args=[own.pk]), {"file": sheet})
    assert r.status_code == 302
    r = c.post(reverse("cycle_compiled_import", args=[s.hg_compiled.pk]), {"file": SimpleUploadedFile("b.xlsx", b"x")})
    assert r.status_code in (403, 404)
    after = snapshot()
    assert {k: v for k, v in after.items() if k != "records.office"} == {
        k: v for k, v in before.items() if k != "records.office"
    }


def _ids(payload: dict[str, Any]) -> set[int]:
    return {item["id"] for item in payload["items"]}


@pytest.mark.parametrize("persona", OWN)
def test_other_office_api(site: Site, persona: str) -> None:
    from hoptac.records.models import Agreement, Document, Event, Occurrence, Partner, Plan, ProgressReport, Task

    s = site
    c = Client()
    c.defaults["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(s.users[persona]).key}"
    details = {
        "documents": s.world.other_doc.pk,
        "partners": s.hg_partner.pk,
        "agreements": s.hg_agreement.pk,
        "plans": s.hg_plan.pk,
        "tasks": s.hg_task.pk,
        "occurrences": s.hg_occurrence.pk,
        "events": s.hg_event.pk,
    }
    for kind, pk in details.items():
        r = c.get(f"/api/{kind}/{pk}")
        assert r.status_code in (403, 404), (kind, persona, r.status_code)
        _no_secret(r.content, kind)
    foreign = {
        "documents": set(Document.objects.filter(office=s.world.hg).values_list("pk", flat=True)),
        "partners": set(Partner.objects.filter(office=s.world.hg).values_list("pk", flat=True)),
        "agreements": set(Agreement.objects.filter(office=s.world.hg).values_list("pk", flat=True)),
        "plans": set(Plan.objects.filter(office=s.world.hg).values_list("pk", flat=True)),
        "tasks": set(Task.objects.filter(office=s.world.hg).values_list("pk", flat=True)),
        "occurrences": set(Occurrence.objects.filter(office=s.world.hg).values_list("pk", flat=True)),
        "reports": set(ProgressReport.objects.filter(office=s.world.hg).values_list("pk", flat=True)),
        "events": set(Event.objects.filter(office=s.world.hg).values_list("pk", flat=True)),
    }
    for kind, theirs in foreign.items():
        r = c.get(f"/api/{kind}", {"limit": 500})
        if r.status_code == 403:
            continue
        assert r.status_code == 200 and not (_ids(r.json()) & theirs), (kind, persona)
    listed = c.get("/api/tasks", {"plan": s.hg_plan.pk, "agency": s.hg_agency.pk, "limit": 500})
    assert listed.status_code != 200 or not _ids(listed.json()), persona
    listed = c.get("/api/occurrences", {"task": s.hg_task.pk})
    assert listed.status_code != 200 or not _ids(listed.json()), persona
    listed = c.get("/api/reports", {"occurrence": s.hg_occurrence.pk})
    assert listed.status_code != 200 or not _ids(listed.json()), persona
    before = snapshot()
    writes = [
        ("patch", f"/api/agreements/{s.hg_agreement.pk}", {"status": "terminated"}),
        ("patch", f"/api/tasks/{s.hg_task.pk}", {"status": "cancelled"}),
        ("post", f"/api/occurrences/{s.hg_occurrence.pk}/reports", {"status": "done", "percent": 100, "text": "x"}),
        ("post", "/api/events", {"date": "2024-01-01", "title": "X", "task_id": s.hg_task.pk}),
        ("post", "/api/events", {"date": "2024-01-01", "title": "X", "agreement_id": s.hg_agreement.pk}),
        ("post", "/api/events", {"date": "2024-01-01", "title": "X", "parties": [s.hg_partner.pk]}),
    ]
    for method, url, body in writes:
        r = getattr(c, method)(url, json.dumps(body), content_type="application/json")
        assert r.status_code in (403, 404), (method, url, persona, r.status_code)
    assert snapshot() == before


LINK = re.compile(r'href="/(tasks|documents|partners|agencies|plans|agreements|events)/(\d+)/')


def _links(html: str) -> set[tuple[str, int]]:
    return {(kind, int(pk)) for kind, pk in LINK.findall(html)}


def _foreign_links(site: Site) -> set[tuple[str, int]]:
    from hoptac.records.models import Agency, Document, Partner, Plan, Task

    hg = site.world.hg
    out: set[tuple[str, int]] = set()
    for kind, model in (
        ("tasks", Task),
        ("documents", Document),
        ("partners", Partner),
        ("agencies", Agency),
        ("plans", Plan),
    ):
        out |= {(kind, pk) for pk in model.objects.filter(office=hg).values_list("pk", flat=True)}
    return out


@pytest.mark.parametrize("persona", OWN)
def test_other_office_search(site: Site, persona: str, capsys: Any) -> None:
    from hoptac.cli import main

    s = site
    theirs = _foreign_links(s)
    c = client_for(s, persona)
    words = ["Hà Giang", "Bảo Lạc", s.hg_task.title[:40], s.world.other_doc.title[:40], "tỉnh"]
    for q in words:
        for extra in ({}, {"partner": s.hg_partner.pk}, {"agency": s.hg_agency.pk}, {"kind": "document"}):
            r = c.get(reverse("search"), {"q": q, **extra})
            assert r.status_code == 200, (q, extra, r.status_code)
            assert not (_links(r.content.decode()) & theirs), (persona, q, extra)
    username = s.users[persona].get_username()
    for q in words:
        assert main(["search", q, "--user", username, "--json", "--limit", "100"]) == 0
        hits = json.loads(capsys.readouterr().out)["hits"]
        assert not {(h["kind"] + "s" if h["kind"] != "agency" else "agencies", h["id"]) for h in hits} & theirs, q
    assert main(["search", "Bảo Lạc", "--user", username, "--office", "ha-giang"]) == 2
    assert "không có quyền" in capsys.readouterr().err


@pytest.mark.parametrize("persona", OWN)
def test_other_office_feeds(site: Site, persona: str) -> None:
    s = site
    key = token(s, persona)
    for name, pk in (("agency", s.hg_agency.pk), ("partner", s.hg_partner.pk), ("plan", s.hg_plan.pk)):
        r = Client().get(reverse(f"cycle_ical_{name}", args=[key, pk]))
        assert r.status_code in (403, 404), (name, persona, r.status_code)
    r = Client().get(reverse("cycle_ical_me", args=[key]))
    assert r.status_code == 200
    body = r.content.decode()
    _no_secret(r.content, "me")
    assert s.hg_task.title[:30] not in body
    # National: both offices in one feed.
    national = Client().get(reverse("cycle_ical_me", args=[token(s, "national")])).content.decode()
    assert "Hà Giang" in national.replace("\r\n ", "")


@pytest.mark.parametrize("persona", ("admin", "officer"))
def test_other_office_audit_and_exports(site: Site, persona: str) -> None:
    from openpyxl import load_workbook

    c = client_for(site, persona)
    csv_text = b"".join(c.get(reverse("audit_export", args=["csv"])).streaming_content)
    _no_secret(csv_text, "audit csv")
    book = load_workbook(io.BytesIO(c.get(reverse("audit_export", args=["xlsx"])).content))
    cells = " ".join(str(v) for row in book.active.iter_rows(values_only=True) for v in row if v)
    _no_secret(cells.encode(), "audit xlsx")
    r = c.get(reverse("audit_list"), {"office": site.world.hg.pk})  # not a filter an office's officer has
    _no_secret(r.content, "audit page")
    r = c.get(reverse("audit_list"), {"document": site.world.other_doc.pk})
    assert r.status_code == 200 and r.context["page"].paginator.count == 0


# -- another office's id is not found, exactly like an id that does not exist ------------------------------

MISSING = 987_654_321  # no row of any table has this id


def _as_missing(url: str, site: Site) -> str:
    """The same URL with each of Hà Giang's ids in it replaced by one that does not exist."""
    s = site
    ids = {
        s.hg_task.pk, s.hg_report.pk, s.hg_partner.pk, s.hg_agency.pk, s.hg_agreement.pk, s.hg_plan.pk,
        s.world.other_doc.pk, s.users["outsider"].pk, s.hg_rule.pk, s.hg_due.pk, s.hg_compiled.pk,
        s.hg_occurrence.pk, s.hg_event.pk,
    }  # fmt: skip
    return re.sub(r"(?<=[/=])(\d+)(?=[/?]|$)", lambda m: str(MISSING) if int(m[1]) in ids else m[1], url)


def _said(response: Any) -> bytes:
    """What a refusal says: the page's main part (the rest holds a fresh CSRF token and the path), or the JSON."""
    main = re.search(rb"<main\b.*</main>", response.content, re.S)
    return main[0] if main else response.content


def _foreign_posts(site: Site) -> dict[str, tuple[str, dict[str, Any]]]:
    """The forms that name one of Hà Giang's objects in their URL."""
    s = site
    occurrence_post = {"occurrence": s.hg_occurrence.pk, "status": "done", "percent": 100, "text": "x"}
    return {
        "task_detail": (reverse("task_detail", args=[s.hg_task.pk]), occurrence_post),
        "partner_edit": (reverse("partner_edit", args=[s.hg_partner.pk]), {"name": "X", "level": "other"}),
        "agreement_detail": (reverse("agreement_detail", args=[s.hg_agreement.pk]), {"status": "terminated"}),
        "agreement_edit": (
            reverse("agreement_edit", args=[s.hg_agreement.pk]),
            {"kind": "thoa_thuan", "title": "X", "status": "signed"},
        ),
        "document_review": (reverse("document_review", args=[s.world.other_doc.pk]), {"tasks-0-keep": "on"}),
        "user_edit": (reverse("user_edit", args=[s.users["outsider"].pk]), {"role": "viewer"}),
        "cycle_rule_new": (reverse("cycle_rule_new") + f"?plan={s.hg_plan.pk}", {"recipient": "X"}),
        "cycle_rule_edit": (reverse("cycle_rule_edit", args=[s.hg_rule.pk]), {"delete": "1"}),
        "cycle_agency_report": (reverse("cycle_agency_report", args=[s.hg_due.pk]), {"summary": "x"}),
        "cycle_compiled": (reverse("cycle_compiled", args=[s.hg_compiled.pk]), {"action": "sent"}),
        "cycle_compiled_import": (reverse("cycle_compiled_import", args=[s.hg_compiled.pk]), {}),
        "cycle_reminder_edit": (reverse("cycle_reminder_edit", args=[s.hg_agency.pk]), {"days_ahead": 3}),
    }


@pytest.mark.parametrize("persona", OWN)
def test_another_offices_id_is_not_found_like_a_missing_one(site: Site, persona: str) -> None:
    """Each page, form, feed and API operation that takes an id answers for one of Hà Giang's exactly as for
    an id that does not exist: the office's officers get 404 (a 403 would say that the id is in use); a
    viewer or a reporter gets, for both, whatever its role gets before any lookup."""
    s = site
    c = client_for(s, persona)
    reads_all = persona in ("admin", "officer", "viewer")

    def same(what: str, theirs: Any, missing: Any) -> None:
        assert theirs.status_code == missing.status_code, (what, persona, theirs.status_code, missing.status_code)
        if persona in ("admin", "officer"):
            assert theirs.status_code == 404, (what, persona, theirs.status_code)
        if theirs.status_code in (403, 404):
            assert _said(theirs) == _said(missing), (what, persona)

    for name, url in foreign_pages(s).items():
        same(name, c.get(url), c.get(_as_missing(url, s)))
    for name, (url, data) in _foreign_posts(s).items():
        same(f"POST {name}", c.post(url, data), c.post(_as_missing(url, s), data))
    board = reverse("cycle_board")
    same("cycle_board", c.post(board, {"due": s.hg_due.pk}), c.post(board, {"due": MISSING}))
    key = token(s, persona)
    for name, pk in (("agency", s.hg_agency.pk), ("partner", s.hg_partner.pk), ("plan", s.hg_plan.pk)):
        feed = reverse(f"cycle_ical_{name}", args=[key, pk])
        theirs, missing = Client().get(feed), Client().get(_as_missing(feed, s))
        same(f"feed {name}", theirs, missing)
        if reads_all:
            assert theirs.status_code == 404, (name, persona)
    # The API: the same status and the same JSON.
    api = Client()
    api.defaults["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(s.users[persona]).key}"
    details = {
        "documents": s.world.other_doc.pk,
        "partners": s.hg_partner.pk,
        "agreements": s.hg_agreement.pk,
        "plans": s.hg_plan.pk,
        "tasks": s.hg_task.pk,
        "occurrences": s.hg_occurrence.pk,
        "events": s.hg_event.pk,
    }
    for kind, pk in details.items():
        theirs, missing = api.get(f"/api/{kind}/{pk}"), api.get(f"/api/{kind}/{MISSING}")
        same(f"GET /api/{kind}", theirs, missing)
        if reads_all or kind in ("tasks", "occurrences"):
            assert theirs.status_code == 404 and theirs.json() == {"detail": "Không tìm thấy."}, (kind, persona)
    writes = [
        ("patch", f"/api/agreements/{s.hg_agreement.pk}", {"status": "terminated"}),
        ("patch", f"/api/tasks/{s.hg_task.pk}", {"status": "cancelled"}),
        ("post", f"/api/occurrences/{s.hg_occurrence.pk}/reports", {"status": "done", "percent": 100, "text": "x"}),
        ("post", "/api/events", {"date": "2024-01-01", "title": "X", "task_id": s.hg_task.pk}),
        ("post", "/api/events", {"date": "2024-01-01", "title": "X", "agreement_id": s.hg_agreement.pk}),
        ("post", "/api/events", {"date": "2024-01-01", "title": "X", "parties": [s.hg_partner.pk]}),
    ]
    for method, url, body in writes:
        gone = {k: MISSING if k.endswith("_id") else [MISSING] if k == "parties" else v for k, v in body.items()}
        theirs = getattr(api, method)(url, json.dumps(body), content_type="application/json")
        missing = getattr(api, method)(_as_missing(url, s), json.dumps(gone), content_type="application/json")
        same(f"{method} {url} {sorted(body)}", theirs, missing)
        if reads_all and not (persona == "viewer" and method != "get"):
            assert theirs.status_code == 404, (method, url, persona)
