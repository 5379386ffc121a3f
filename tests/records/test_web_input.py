"""Bad input on the web pages: a Vietnamese message next to the field, status 4xx, nothing half-saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hoptac.records.models import AuditLog, Document, Event, Occurrence, ProgressReport, Task
from tests.records.conftest import World


def test_upload_empty_file(login: Any, world: World) -> None:
    before = Document.objects.count()
    r = login("officer").post(reverse("upload"), {"file": SimpleUploadedFile("a.txt", b"")})
    assert r.status_code == 400
    assert "Tệp" in r.content.decode()
    assert Document.objects.count() == before


def test_upload_without_file(login: Any, world: World) -> None:
    r = login("officer").post(reverse("upload"), {})
    assert r.status_code == 400
    assert "Trường này là bắt buộc" in r.content.decode()


def test_upload_unreadable_file(login: Any, world: World) -> None:
    before = Document.objects.count()
    r = login("officer").post(
        reverse("upload"), {"file": SimpleUploadedFile("a.docx", b"\x00\x01\x02\xff" * 10)}
    )
    assert r.status_code == 400
    errors = r.context["form"].errors["file"]
    assert errors and "a.docx" in errors[0]
    assert Document.objects.count() == before


def test_upload_review_accept_saves_reviewed_document(login: Any, world: World) -> None:
    client = login("officer")
    text = "ỦY BAN NHÂN DÂN\nTỈNH BẮC GIANG\nKẾ HOẠCH\nThử nghiệm\n".encode()
    r = client.post(reverse("upload"), {"file": SimpleUploadedFile("kh.txt", text)})
    assert r.status_code == 302
    page = client.get(r["Location"])
    assert page.status_code == 200 and "doctext" in page.content.decode()
    assert not Document.objects.filter(filename="kh.txt").exists()  # nothing saved before the review
    r = client.post(r["Location"], {})
    assert r.status_code == 302
    doc = Document.objects.get(filename="kh.txt")
    assert doc.reviewed and doc.office == world.bg
    # the same file again goes straight to the stored document
    r = client.post(reverse("upload"), {"file": SimpleUploadedFile("kh-2.txt", text)})
    assert r.status_code == 302 and r["Location"] == reverse("document_detail", args=[doc.pk])


def test_unknown_pending_upload_is_404(login: Any, world: World) -> None:
    assert login("officer").get(reverse("upload_review", args=["0" * 64])).status_code == 404
    assert login("officer").get("/upload/not-a-digest/").status_code == 404


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"status": "done", "percent": 50}, "text", "bắt buộc"),
        ({"status": "done", "percent": 150, "text": "x"}, "percent", "100"),
        ({"status": "done", "percent": -1, "text": "x"}, "percent", "0"),
        ({"status": "finished", "percent": 5, "text": "x"}, "status", "hợp lệ"),
        ({"status": "done", "percent": "năm", "text": "x"}, "percent", "số"),
        ({"status": "done", "percent": 5, "text": "   "}, "text", ""),
    ],
)
def test_progress_report_form_errors(
    login: Any, world: World, data: dict[str, Any], field: str, message: str
) -> None:
    task = world.task_led_by(world.sngv)
    occ = task.occurrences.first()
    r = login("reporter").post(reverse("task_detail", args=[task.pk]), {"occurrence": occ.pk, **data})
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not ProgressReport.objects.exists()
    occ.refresh_from_db()
    assert (occ.status, occ.percent, occ.last_report_at) == ("pending", 0, None)


def test_progress_report_updates_occurrence_task_and_audit(login: Any, world: World) -> None:
    task = world.task_led_by(world.sngv)
    occ = task.occurrences.first()
    r = login("reporter").post(
        reverse("task_detail", args=[task.pk]),
        {"occurrence": occ.pk, "status": "done", "percent": 100, "text": "Đã tổ chức xong."},
    )
    assert r.status_code == 302
    occ.refresh_from_db()
    assert (occ.status, occ.percent) == ("done", 100)
    report = ProgressReport.objects.get()
    assert report.agency == world.sngv and report.author == world.users["reporter"]
    open_left = task.occurrences.exclude(status="done").exists()
    assert Task.objects.get(pk=task.pk).status == ("in_progress" if open_left else "done")
    entry = AuditLog.objects.get(action="report")
    assert entry.user == world.users["reporter"] and entry.before["status"] == "pending"
    assert entry.after["status"] == "done" and entry.document == world.doc


def test_event_form_errors(login: Any, world: World) -> None:
    before = Event.objects.count()
    r = login("officer").post(reverse("event_list"), {"kind": "hoi_dam", "date": "31/02/2024", "title": ""})
    assert r.status_code == 400
    errors = r.context["form"].errors
    assert "date" in errors and "title" in errors
    assert Event.objects.count() == before


def test_bulk_update_without_selection(login: Any, world: World) -> None:
    r = login("officer").post(reverse("task_list"), {"status": "done"})
    assert r.status_code == 200 and "ít nhất một nhiệm vụ" in r.content.decode()
    r = login("officer").post(reverse("task_list"), {"status": "done", "ids": ["abc"]})
    assert r.status_code == 200 and "không hợp lệ" in r.content.decode()
    assert not Task.objects.filter(status="done").exists()


def test_agreement_years_must_be_ordered(login: Any, world: World) -> None:
    agreement = world.doc.plan.agreement
    r = login("officer").post(
        reverse("agreement_detail", args=[agreement.pk]),
        {"status": "expired", "start_year": 2026, "end_year": 2021},
    )
    assert r.status_code == 200 and "Năm bắt đầu" in r.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == "in_force"


def test_review_page_highlights_spans_and_requires_titles(login: Any, world: World) -> None:
    doc = world.doc
    text = doc.text
    start = text.index("Tổ chức Cuộc thi")
    doc.extraction["tasks"][2]["span"] = [start, start + 16]
    doc.save()
    client = login("officer")
    page = client.get(reverse("document_review", args=[doc.pk])).content.decode()
    assert '<mark class="hl hl-task" id="span-task-2">Tổ chức Cuộc thi</mark>' in page
    data = {f"tasks-{i}-keep": "on" for i in range(45)}
    data["tasks-3-title"] = "  "
    r = client.post(reverse("document_review", args=[doc.pk]), data)
    assert r.status_code == 400 and "không được để trống" in r.content.decode()
    doc.refresh_from_db()
    assert not doc.reviewed and doc.plan.tasks.count() == 45
    del data["tasks-3-title"]
    del data["tasks-0-keep"]
    r = client.post(reverse("document_review", args=[doc.pk]), data)
    assert r.status_code == 302
    doc.refresh_from_db()
    assert doc.reviewed and doc.plan.tasks.count() == 44
    assert Occurrence.objects.filter(task__plan__document=doc).count() > 44


def test_dashboard_counts_follow_reports(login: Any, world: World) -> None:
    from datetime import date

    from hoptac.records.views import dashboard_stats

    stats = dashboard_stats(world.users["officer"], today=date(2023, 1, 15))
    assert stats["overdue"] > 0 and stats["missing"] == stats["overdue"]
    assert [row["id"] for row in stats["by_year"]] == [2021, 2022, 2023, 2024, 2025]
    assert any(row["name"] == "Sở Ngoại vụ" for row in stats["by_agency"])
    assert [row["name"] for row in stats["by_partner"]] == ["tỉnh Xay Sôm Bun"]
    occ = Occurrence.objects.filter(office=world.bg, due__lt=date(2023, 1, 15)).first()
    login("officer").post(
        reverse("task_detail", args=[occ.task_id]),
        {"occurrence": occ.pk, "status": "done", "percent": 100, "text": "Xong"},
    )
    after = dashboard_stats(world.users["officer"], today=date(2023, 1, 15))
    assert after["overdue"] == stats["overdue"] - 1 and after["missing"] == stats["missing"] - 1
    reporter = dashboard_stats(world.users["reporter"], today=date(2023, 1, 15))
    assert 0 < reporter["overdue"] < stats["overdue"]


def test_pages_render_in_english(login: Any, world: World) -> None:
    client = login("officer")
    r = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and 'lang="en"' in r.content.decode()
    assert "Dashboard" in r.content.decode() and "Progress by agency" in r.content.decode()
    r = client.get(reverse("dashboard"))
    assert 'lang="vi"' in r.content.decode() and "Tổng quan" in r.content.decode()


def test_a_long_file_name_keeps_its_extension(login: Any, world: World) -> None:
    """Shortened to 200 characters, "….txt" is still a .txt: the upload goes on to its review and is stored."""
    name = "Kế hoạch " + "rất dài " * 40 + ".txt"
    data = "THÔNG BÁO\nNội dung thử tên tệp dài.".encode()
    c = login("officer")
    r = c.post(reverse("upload"), {"file": SimpleUploadedFile(name, data)})
    assert r.status_code == 302, r.context["form"].errors if r.context else r.content
    r = c.post(r["Location"], {})
    assert r.status_code == 302
    doc = Document.objects.get(sha256=__import__("hashlib").sha256(data).hexdigest(), office=world.bg)
    assert len(doc.filename) == 200 and doc.filename.endswith("rất.txt") and doc.filename.startswith("Kế hoạch rất dài")


PENDING_TEXT = "THÔNG BÁO\nNội dung chờ duyệt.".encode()


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_a_pending_upload_is_checked_against_the_digest_in_its_url(login: Any, world: World) -> None:
    from hoptac.records import pending

    c = login("officer")
    r = c.post(reverse("upload"), {"file": SimpleUploadedFile("tb.txt", PENDING_TEXT)})
    assert r.status_code == 302
    digest = _digest(PENDING_TEXT)
    assert r["Location"] == reverse("upload_review", kwargs={"digest": digest})
    (pending.folder(world.users["officer"], digest) / "data").write_bytes("THÔNG BÁO\nĐã bị thay.".encode())
    before = Document.objects.count()
    assert c.get(r["Location"]).status_code == 404
    assert c.post(r["Location"], {}).status_code == 404
    assert Document.objects.count() == before


def test_a_pending_upload_is_written_under_a_new_name(login: Any, world: World, tmp_path: Any) -> None:
    """Written to a temporary file and renamed: a reader of the old file (here a hard link) never sees it change."""
    import os

    from hoptac.records import pending

    data = PENDING_TEXT + b" (2)"
    where = pending.folder(world.users["officer"], _digest(data))
    pending.remove(world.users["officer"], _digest(data))  # from an earlier run
    where.mkdir(parents=True)
    reader = tmp_path / "reader"
    reader.write_bytes(b"old content")
    os.link(reader, where / "data")
    r = login("officer").post(reverse("upload"), {"file": SimpleUploadedFile("tb.txt", data)})
    assert r.status_code == 302
    assert reader.read_bytes() == b"old content"
    assert (where / "data").read_bytes() == data
    assert sorted(p.name for p in where.iterdir()) == ["data", "name"]


def test_pending_uploads_older_than_a_day_are_cleaned(login: Any, world: World, monkeypatch: Any) -> None:
    """By ``hoptac manage clean_pending_uploads`` and when ``hoptac serve`` starts."""
    import io
    import os
    import time

    from django.core.management import call_command

    from hoptac.cli import main
    from hoptac.records import pending
    from hoptac.web import server

    officer = world.users["officer"]
    fresh = pending.folder(officer, _digest(PENDING_TEXT))

    def leave_old() -> Any:
        old = pending.folder(officer, "0" * 64)
        pending.save(officer, "0" * 64, "cu.txt", b"cu")
        then = time.time() - 25 * 3600
        os.utime(old, (then, then))
        return old

    pending.save(officer, _digest(PENDING_TEXT), "tb.txt", PENDING_TEXT)
    old = leave_old()
    out = io.StringIO()
    call_command("clean_pending_uploads", stdout=out)
    assert "Đã xóa 1 tệp" in out.getvalue()
    assert not old.exists() and fresh.is_dir()

    old = leave_old()
    monkeypatch.setattr(server, "check_port", lambda host, port: None)
    monkeypatch.setattr(server, "serve", lambda *args: None)
    assert main(["serve", "--port", "8999"]) == 0
    assert not old.exists() and fresh.is_dir()
