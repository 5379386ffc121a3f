"""The reporter rule (see ``hoptac.records.perms``), report attachments, and files of rolled-back writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hoptac.records import perms
from hoptac.records.models import Document, Occurrence, ProgressReport, Task
from tests.records.conftest import SAMPLES, SEED_001, World, gold


def _supported_only(world: World, agency: Any) -> Task:
    """A task ``agency`` supports and does not lead, led by another agency."""
    task = (
        Task.objects.filter(plan__document=world.doc, support=agency, lead__isnull=False)
        .exclude(lead=agency)
        .order_by("position")
        .first()
    )
    assert task is not None, "seed 001 names Sở Ngoại vụ in support of other agencies' tasks"
    return task


def _media_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _report(client: Client, task: Task, occ: Occurrence, **extra: Any) -> Any:
    data = {"occurrence": occ.pk, "status": "done", "percent": 100, "text": "Đã xong phần việc.", **extra}
    return client.post(reverse("task_detail", args=[task.pk]), data)


def test_lead_agency_report_sets_the_progress(login: Any, world: World) -> None:
    task = world.task_led_by(world.sngv)
    assert perms.report_role(world.users["reporter"], task) == "lead"
    occ = task.occurrences.first()
    r = _report(login("reporter"), task, occ)
    assert r.status_code == 302
    occ.refresh_from_db()
    assert (occ.status, occ.percent) == ("done", 100) and occ.last_report_at is not None
    report = ProgressReport.objects.get(occurrence=occ)
    assert report.role == "lead" and report.agency == world.sngv


def test_supporting_agency_report_is_kept_but_moves_nothing(login: Any, world: World) -> None:
    task = _supported_only(world, world.sngv)
    client = login("reporter")
    page = client.get(reverse("task_detail", args=[task.pk]))
    assert page.status_code == 200 and 'id="supporting-note"' in page.content.decode()
    occ = task.occurrences.first()
    r = _report(client, task, occ)
    assert r.status_code == 302
    followed = client.get(r["Location"]).content.decode()
    assert "tiến độ do cơ quan chủ trì cập nhật" in followed and "cơ quan phối hợp" in followed
    occ.refresh_from_db()
    assert (occ.status, occ.percent, occ.last_report_at) == ("pending", 0, None)
    assert Task.objects.get(pk=task.pk).status == "pending"
    report = ProgressReport.objects.get(occurrence=occ)
    assert report.role == "support" and report.agency == world.sngv and report.status == "done"
    # the lead agency's own report then sets it
    lead = task.lead.first()
    from hoptac.records.progress import submit

    lead_reporter = world.users["other_reporter"] if lead == world.soyte else world.users["officer"]
    submit(lead_reporter, occ, status="in_progress", percent=60, text="Đang làm.")
    occ.refresh_from_db()
    assert (occ.status, occ.percent) == ("in_progress", 60)


def test_supporting_agency_reports_the_progress_of_a_task_without_lead(login: Any, world: World) -> None:
    task = _supported_only(world, world.sngv)
    task.lead.clear()
    occ = task.occurrences.first()
    assert _report(login("reporter"), task, occ).status_code == 302
    occ.refresh_from_db()
    assert occ.status == "done"


def test_reporter_of_an_unrelated_agency_can_neither_read_nor_report(login: Any, world: World) -> None:
    task = (
        Task.objects.filter(plan__document=world.doc)
        .exclude(lead=world.sngv)
        .exclude(support=world.sngv)
        .order_by("position")
        .first()
    )
    assert perms.report_role(world.users["reporter"], task) is None
    client = login("reporter")
    assert client.get(reverse("task_detail", args=[task.pk])).status_code == 403
    assert _report(client, task, task.occurrences.first()).status_code == 403
    api = client.post(
        f"/api/occurrences/{task.occurrences.first().pk}/reports",
        {"status": "done", "percent": 100, "text": "x"},
        content_type="application/json",
    )
    assert api.status_code == 403 and api.json()["detail"]
    assert not ProgressReport.objects.exists()


def test_api_reports_follow_the_same_rule(login: Any, world: World) -> None:
    client = login("reporter")
    supported = _supported_only(world, world.sngv).occurrences.first()
    r = client.post(
        f"/api/occurrences/{supported.pk}/reports",
        {"status": "done", "percent": 100, "text": "Phần phối hợp đã xong."},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["role"] == "support"
    assert Occurrence.objects.get(pk=supported.pk).status == "pending"
    led = world.task_led_by(world.sngv).occurrences.first()
    r = client.post(
        f"/api/occurrences/{led.pk}/reports",
        {"status": "in_progress", "percent": 50, "text": "Đang làm."},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["role"] == "lead"
    assert Occurrence.objects.get(pk=led.pk).percent == 50


def test_attachment_is_stored_under_a_random_name_and_served_only_to_readers(login: Any, world: World) -> None:
    task = world.task_led_by(world.sngv)
    occ = task.occurrences.first()
    upload = SimpleUploadedFile("Biên bản họp.pdf", b"%PDF-1.4 noi dung", content_type="application/pdf")
    assert _report(login("reporter"), task, occ, attachment=upload).status_code == 302
    report = ProgressReport.objects.get(occurrence=occ)
    assert report.attachment_name == "Biên bản họp.pdf"
    stored = report.attachment.name
    assert "Bi" not in stored and stored.endswith(".pdf") and len(Path(stored).stem) == 32
    url = reverse("report_attachment", args=[report.pk])
    assert url in login("viewer").get(reverse("task_detail", args=[task.pk])).content.decode()
    for role in ("reporter", "officer", "viewer", "national"):
        r = login(role).get(url)
        assert r.status_code == 200, role
        assert b"".join(r.streaming_content) == b"%PDF-1.4 noi dung"
        assert "attachment" in r["Content-Disposition"] and "Bi%C3%AAn" in r["Content-Disposition"]
    assert login("outsider").get(url).status_code == 404  # another office's: not found
    if not world.soyte.lead_tasks.filter(pk=task.pk).exists() and not world.soyte.support_tasks.filter(
        pk=task.pk
    ).exists():
        assert login("other_reporter").get(url).status_code == 403
    assert login("anonymous").get(url).status_code == 302
    # nothing under the media directory is served by URL
    assert login("officer").get(settings.MEDIA_URL + stored).status_code == 404


def test_attachment_over_the_limit_is_refused(login: Any, world: World) -> None:
    from hoptac.records import forms

    task = world.task_led_by(world.sngv)
    big = SimpleUploadedFile("lon.bin", b"x" * (forms.MAX_UPLOAD_MB * 1024 * 1024 + 1))
    r = _report(login("reporter"), task, task.occurrences.first(), attachment=big)
    assert r.status_code == 200 and "Tệp quá lớn" in r.content.decode()
    assert not ProgressReport.objects.exists()


def test_rolled_back_report_leaves_no_file(login: Any, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from hoptac.records import progress

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(progress.audit, "log", broken)
    before = _media_files()
    task = world.task_led_by(world.sngv)
    occ = task.occurrences.first()
    with pytest.raises(RuntimeError):
        progress.submit(
            world.users["reporter"],
            occ,
            status="done",
            percent=100,
            text="x",
            attachment=SimpleUploadedFile("bb.txt", b"noi dung"),
        )
    assert _media_files() == before
    assert not ProgressReport.objects.exists() and Occurrence.objects.get(pk=occ.pk).status == "pending"


def test_rolled_back_ingest_leaves_no_file(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from hoptac.records import ingest

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    data = (SAMPLES / f"{SEED_001}.txt").read_bytes() + b"\n"  # other bytes: a new document
    monkeypatch.setattr(ingest, "_build", broken)
    before, docs = _media_files(), Document.objects.count()
    with pytest.raises(RuntimeError):
        ingest.save_extraction(
            world.hg, data=data, filename="ke-hoach.txt", extraction=gold(SEED_001), text=data.decode()
        )
    assert _media_files() == before and Document.objects.count() == docs
    monkeypatch.undo()
    result = ingest.save_extraction(
        world.hg, data=data, filename="ke-hoach.txt", extraction=gold(SEED_001), text=data.decode()
    )
    assert result.created and Path(result.document.file.path).read_bytes() == data
