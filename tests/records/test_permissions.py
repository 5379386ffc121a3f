"""Every page and every API endpoint, for every role: who may read, who may write, office by office."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hoptac.records.models import Agreement, Event, Occurrence, Partner, Profile, ProgressReport, Task
from tests.cycle.pages import TOKEN_PAGES, cycle_pages
from tests.records.conftest import ROLES, World
from tests.search.pages import search_pages

EDITORS = {"officer", "national"}
READERS = {"officer", "viewer", "national"}
SKIP = {"login", "logout", "set_language"}  # the auth pages themselves


def page_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any]) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace != "api":
                    walk(p.url_patterns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(p.name)

    walk(get_resolver().url_patterns)
    return names - SKIP


def attached_report(world: World) -> ProgressReport:
    """A report with an attachment on a task Sở Ngoại vụ leads, as its reporter would have sent it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hoptac.records.progress import submit

    occ = world.task_led_by(world.sngv).occurrences.first()
    return submit(
        world.users["reporter"],
        occ,
        status="in_progress",
        percent=30,
        text="Đã tổ chức một phần.",
        attachment=SimpleUploadedFile("bien-ban.txt", "Biên bản họp.".encode()),
    )


def pending_upload(client: Any, world: World) -> str:
    from django.test import Client

    c = Client()
    c.force_login(world.users["officer"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = c.post(reverse("upload"), {"file": SimpleUploadedFile("tb.txt", "THÔNG BÁO\nNội dung thử.".encode())})
    assert r.status_code == 302, r.content
    return str(r["Location"])


def expected_get(world: World) -> dict[str, tuple[str, dict[str, int]]]:
    """name → (url, {role: status}); a role not listed gets the default of its group (see ``status_for``)."""
    task = world.task_led_by(world.sngv)
    doc = world.doc
    partner = doc.plan.partners.exclude(country="VN").first()
    all_in = {
        "officer": 200,
        "viewer": 200,
        "national": 200,
        "reporter": 200,
        "other_reporter": 200,
        "outsider": 200,
    }
    office_read = {
        "officer": 200,
        "viewer": 200,
        "national": 200,
        "reporter": 403,
        "other_reporter": 403,
        "outsider": 404,  # another office's object: not found, as if its id did not exist
    }
    office_list = {**office_read, "outsider": 200}  # the outsider sees its own (other) office's list
    office_edit = {**office_read, "viewer": 403}
    office_new = {**office_edit, "outsider": 200, "national": 403}  # national: no office to add to
    national_only = {**dict.fromkeys(all_in, 403), "national": 200}  # the offices themselves
    report = attached_report(world)
    task_readers = {**office_read, "reporter": 200}
    if world.soyte.support_tasks.filter(pk=report.occurrence.task_id).exists():
        task_readers["other_reporter"] = 200
    return {
        "dashboard": (reverse("dashboard"), all_in),
        "account": (reverse("account"), all_in),
        "task_list": (reverse("task_list"), all_in),
        "task_detail": (reverse("task_detail", args=[task.pk]), {**office_read, "reporter": 200}),
        "partner_list": (reverse("partner_list"), office_list),
        "partner_detail": (reverse("partner_detail", args=[partner.pk]), office_read),
        "agency_list": (reverse("agency_list"), office_list),
        "agency_detail": (reverse("agency_detail", args=[world.sngv.pk]), {**office_read, "reporter": 200}),
        "agency_merge": (reverse("agency_merge", args=[world.soyte.pk]), dict.fromkeys(all_in, 405)),  # a POST
        "agreement_list": (reverse("agreement_list"), office_list),
        "agreement_detail": (reverse("agreement_detail", args=[doc.plan.agreement_id]), office_read),
        "plan_detail": (reverse("plan_detail", args=[doc.plan.pk]), office_read),
        "document_list": (reverse("document_list"), office_list),
        "document_detail": (reverse("document_detail", args=[doc.pk]), office_read),
        "document_file": (reverse("document_file", args=[doc.pk]), office_read),
        "document_review": (reverse("document_review", args=[doc.pk]), office_read),
        "upload": (
            reverse("upload"),
            {
                "officer": 200,
                "national": 200,
                "outsider": 200,
                "viewer": 403,
                "reporter": 403,
                "other_reporter": 403,
            },
        ),
        "event_list": (reverse("event_list"), office_list),
        "partner_create": (reverse("partner_create"), office_new),
        "partner_edit": (reverse("partner_edit", args=[partner.pk]), office_edit),
        "agreement_create": (reverse("agreement_create"), office_new),
        "agreement_edit": (reverse("agreement_edit", args=[doc.plan.agreement_id]), office_edit),
        "report_attachment": (reverse("report_attachment", args=[report.pk]), task_readers),
        "user_list": (reverse("user_list"), {**office_edit, "outsider": 200}),
        "user_create": (reverse("user_create"), {**office_edit, "outsider": 200}),
        "user_edit": (reverse("user_edit", args=[world.users["viewer"].pk]), office_edit),
        "graph": (reverse("graph"), office_list),
        "office_list": (reverse("office_list"), national_only),
        "office_create": (reverse("office_create"), national_only),
        "office_edit": (reverse("office_edit", args=[world.bg.pk]), national_only),
        "audit_list": (
            reverse("audit_list"),
            {
                "officer": 200,
                "national": 200,
                "outsider": 200,
                "viewer": 403,
                "reporter": 403,
                "other_reporter": 403,
            },
        ),
        "audit_export": (
            reverse("audit_export", args=["csv"]),
            {
                "officer": 200,
                "national": 200,
                "outsider": 200,
                "viewer": 403,
                "reporter": 403,
                "other_reporter": 403,
            },
        ),
    }


def test_every_page_is_in_the_matrix(world: World) -> None:
    pages = set(expected_get(world)) | {"upload_review", "upload_status", "favicon"} | set(cycle_pages(world))
    pages |= TOKEN_PAGES
    assert page_names() == pages | set(search_pages(world))


@pytest.mark.parametrize("role", ROLES)
def test_read_pages(login: Any, world: World, role: str) -> None:
    client = login(role)
    for name, (url, table) in {**expected_get(world), **cycle_pages(world), **search_pages(world)}.items():
        r = client.get(url)
        if role == "anonymous":
            assert r.status_code == 302 and "/login/" in r["Location"], (name, r.status_code)
        else:
            assert r.status_code == table[role], (name, role, r.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_upload_review_page(client: Any, login: Any, world: World, role: str) -> None:
    url = pending_upload(client, world)
    r = login(role).get(url)
    assert login(role).get(url + "status/").status_code == r.status_code  # the progress of its OCR, likewise
    expected = {
        "anonymous": 302,
        "officer": 200,
        "outsider": 404,  # a pending upload is its uploader's alone (tests/test_security.py)
        "viewer": 403,
        "reporter": 403,
        "other_reporter": 403,
        "national": 403,
    }[role]
    assert r.status_code == expected, (role, r.status_code)


def writes(world: World) -> list[tuple[str, str, dict[str, Any], set[str], Any]]:
    """(name, url, data, roles that may, check(world) → True when the write happened)."""
    sngv_task = world.task_led_by(world.sngv)
    occ = sngv_task.occurrences.first()
    agreement = world.doc.plan.agreement
    partner = world.doc.plan.partners.exclude(country="VN").first()
    viewer = world.users["viewer"]
    return [
        (
            "bulk status",
            reverse("task_list"),
            {"ids": [sngv_task.pk], "status": "done"},
            EDITORS,
            lambda: Task.objects.get(pk=sngv_task.pk).status == "done",
        ),
        (
            "progress report",
            reverse("task_detail", args=[sngv_task.pk]),
            {"occurrence": occ.pk, "status": "in_progress", "percent": 40, "text": "Đã làm một phần."},
            EDITORS | {"reporter"},
            lambda: ProgressReport.objects.filter(occurrence=occ).exists(),
        ),
        (
            "agreement status",
            reverse("agreement_detail", args=[agreement.pk]),
            {"status": "extended", "start_year": 2021, "end_year": 2027},
            EDITORS,
            lambda: type(agreement).objects.get(pk=agreement.pk).status == "extended",
        ),
        (
            "add partner",
            reverse("partner_create"),
            {"name": "tỉnh Thử Nghiệm", "level": "province", "country": "LA", "suggested": "1"},
            {"officer", "outsider"},
            lambda: Partner.objects.filter(name="tỉnh Thử Nghiệm").exists(),
        ),
        (
            "edit partner",
            reverse("partner_edit", args=[partner.pk]),
            {
                "name": partner.name,
                "level": partner.level,
                "country": partner.country,
                "aliases_text": "Tên khác thử",
                "suggested": "1",
            },
            EDITORS,
            lambda: "Tên khác thử" in Partner.objects.get(pk=partner.pk).aliases,
        ),
        (
            "add agreement",
            reverse("agreement_create"),
            {"kind": "ban_ghi_nho", "title": "Bản ghi nhớ thử", "parties": [partner.pk], "status": "signed"},
            {"officer"},  # the outsider names a partner of another office: refused
            lambda: Agreement.objects.filter(title="Bản ghi nhớ thử").exists(),
        ),
        (
            "edit agreement",
            reverse("agreement_edit", args=[agreement.pk]),
            {
                "kind": agreement.kind,
                "title": "Thỏa thuận đã sửa",
                "parties": [partner.pk],
                "status": "amended",
            },
            EDITORS,
            lambda: Agreement.objects.get(pk=agreement.pk).title == "Thỏa thuận đã sửa",
        ),
        (
            "add user",
            reverse("user_create"),
            {
                "username": "nguoimoi",
                "office": world.bg.pk,
                "role": "viewer",
                "password1": "mat-khau-rat-dai-1",
                "password2": "mat-khau-rat-dai-1",
            },
            EDITORS,  # the outsider names another office: refused
            lambda: Profile.objects.filter(user__username="nguoimoi", office=world.bg).exists(),
        ),
        (
            "deactivate user",
            reverse("user_edit", args=[viewer.pk]),
            {"office": world.bg.pk, "role": "viewer", "full_name": "Tuấn"},
            EDITORS,
            lambda: not type(viewer).objects.get(pk=viewer.pk).is_active,
        ),
        (
            "review",
            reverse("document_review", args=[world.doc.pk]),
            {f"tasks-{i}-keep": "on" for i in range(45)},
            EDITORS,
            lambda: type(world.doc).objects.get(pk=world.doc.pk).reviewed,
        ),
        (
            "event",
            reverse("event_list"),
            {"kind": "hoi_dam", "date": "05/06/2023", "title": "Hội đàm trực tuyến"},
            {"officer", "outsider"},
            lambda: Event.objects.filter(title="Hội đàm trực tuyến").exists(),
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_writes(login: Any, world: World, role: str) -> None:
    client = login(role)
    for name, url, data, allowed, happened in writes(world):
        r = client.post(url, data)
        if role in allowed:
            assert r.status_code == 302, (name, role, r.status_code, r.content[:500])
            assert happened(), (name, role)
        else:
            ok = (302, 403) if role == "anonymous" else (400, 403, 404, 200)  # 404: another office's
            assert r.status_code in ok, (name, role, r.status_code)
            assert not happened(), (name, role)


def test_event_date_is_read_day_first(login: Any, world: World) -> None:
    login("officer").post(reverse("event_list"), {"kind": "tham", "date": "05/06/2023", "title": "Thăm"})
    assert str(Event.objects.get(title="Thăm").date) == "2023-06-05"


def test_reporter_sees_only_own_agency_tasks(login: Any, world: World) -> None:
    r = login("reporter").get(reverse("task_list"))
    own = Task.objects.filter(plan__document=world.doc).filter(lead=world.sngv) | Task.objects.filter(
        plan__document=world.doc, support=world.sngv
    )
    shown = set(r.context["tasks"].values_list("pk", flat=True))
    assert shown == set(own.values_list("pk", flat=True))
    other = Task.objects.filter(plan__document=world.doc).exclude(lead=world.sngv).exclude(support=world.sngv)
    other = other.filter(lead=world.soyte).first() or other.first()
    assert other.pk not in shown
    assert login("reporter").get(reverse("task_detail", args=[other.pk])).status_code == 403
    soyte_task = Task.objects.filter(lead=world.soyte).first()
    assert login("other_reporter").get(reverse("task_detail", args=[soyte_task.pk])).status_code == 200


def test_office_isolation_in_lists(login: Any, world: World) -> None:
    r = login("outsider").get(reverse("task_list"))
    offices = set(r.context["tasks"].values_list("office_id", flat=True))
    assert offices == {world.hg.pk}
    r = login("national").get(reverse("task_list"))
    offices = set(r.context["tasks"].values_list("office_id", flat=True))
    assert offices == {world.bg.pk, world.hg.pk}


def test_outsider_bulk_update_of_foreign_ids_changes_nothing(login: Any, world: World) -> None:
    task = world.task_led_by(world.sngv)
    r = login("outsider").post(reverse("task_list"), {"ids": [task.pk], "status": "cancelled"})
    assert r.status_code == 200
    assert "không tồn tại" in r.content.decode()
    assert Task.objects.get(pk=task.pk).status == "pending"


def test_reporter_cannot_report_on_other_agency_occurrence(login: Any, world: World) -> None:
    task = world.task_led_by(world.sngv)
    foreign_occ = world.task_led_by(world.soyte).occurrences.first()
    r = login("reporter").post(
        reverse("task_detail", args=[task.pk]),
        {"occurrence": foreign_occ.pk, "status": "done", "percent": 100, "text": "x"},
    )
    assert r.status_code == 200 and "occurrence" in r.context["form"].errors
    assert not ProgressReport.objects.exists()
    assert Occurrence.objects.get(pk=foreign_occ.pk).status == "pending"
