"""The cycle's pages: the agency's yearly report form (pre-filled with last year's text), the office's compile
step, the board, rule and reminder edits; every bad input is a message next to its field and changes nothing."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document as Docx

from hoptac.cycle import rules
from hoptac.cycle.models import AgencyReport, CompiledReport, ReminderSetting, ReportDue, ReportingRule
from hoptac.cycle.report import open_report
from hoptac.records.models import AuditLog, Occurrence, ProgressReport
from tests.cycle.conftest import TODAY, World


def _due(world: World, year: int) -> ReportDue:
    rules.sync(world.bg, TODAY)
    return ReportDue.objects.get(agency=world.soyte, year=year, rule__compiled=False)


def _form_data(page: Any) -> dict[str, Any]:
    form = page.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else value
    return data


def test_agency_report_prefilled_from_last_year_and_submitted(login: Any, world: World) -> None:
    client = login("other_reporter")
    due_2023, due_2024 = _due(world, 2023), _due(world, 2024)
    page = client.get(reverse("cycle_agency_report", args=[due_2023.pk]))
    assert page.status_code == 200
    data = _form_data(page)
    occ_2023 = Occurrence.objects.get(task__ref="II.6.1", task__plan=world.doc.plan, year=2023)
    data.update(
        {
            f"occ-{occ_2023.pk}-text": "Khảo sát nhu cầu y tế tại 3 bệnh viện tỉnh Xay Sôm Bun.",
            f"occ-{occ_2023.pk}-status": "in_progress",
            f"occ-{occ_2023.pk}-percent": 30,
            "difficulties": "Thiếu phiên dịch.",
            "proposals": "Hỗ trợ phiên dịch.",
        }
    )
    r = client.post(reverse("cycle_agency_report", args=[due_2023.pk]), data)
    assert r.status_code == 302, r.content[:2000]
    assert ReportDue.objects.get(pk=due_2023.pk).done
    report = ProgressReport.objects.get(occurrence=occ_2023)
    assert (report.agency, report.author, report.percent) == (world.soyte, world.users["other_reporter"], 30)
    assert Occurrence.objects.get(pk=occ_2023.pk).status == "in_progress"
    assert AuditLog.objects.filter(action="report", summary__contains="Sở Y tế").exists()
    # next year's form starts from this year's text
    page = client.get(reverse("cycle_agency_report", args=[due_2024.pk]))
    occ_2024 = Occurrence.objects.get(task__ref="II.6.1", task__plan=world.doc.plan, year=2024)
    form = page.context["form"]
    assert form.fields[f"occ-{occ_2024.pk}-text"].initial == "Khảo sát nhu cầu y tế tại 3 bệnh viện tỉnh Xay Sôm Bun."
    assert form.initial["difficulties"] == "Thiếu phiên dịch."
    assert page.context["prefilled_from"] == 2023
    assert "điền sẵn từ báo cáo năm 2023" in page.content.decode()


def test_agency_report_errors(login: Any, world: World) -> None:
    client = login("other_reporter")
    due = _due(world, 2024)
    url = reverse("cycle_agency_report", args=[due.pk])
    data = _form_data(client.get(url))
    occ = Occurrence.objects.get(task__ref="II.6.1", task__plan=world.doc.plan, year=2024)
    bad = {**data, f"occ-{occ.pk}-percent": 150, f"occ-{occ.pk}-text": "Đã làm."}
    r = client.post(url, bad)
    assert r.status_code == 400 and f"occ-{occ.pk}-percent" in r.context["form"].errors
    r = client.post(url, {**data, "summary": "", "difficulties": "", "proposals": ""})
    assert r.status_code == 400 and "Báo cáo trống" in r.content.decode()
    assert not ProgressReport.objects.exists() and not ReportDue.objects.get(pk=due.pk).done
    # another agency's reporter may neither see nor send it
    assert login("reporter").get(url).status_code == 403
    assert login("reporter").post(url, {**data, "summary": "x"}).status_code == 403
    assert login("viewer").post(url, {**data, "summary": "x"}).status_code == 403
    assert not AgencyReport.objects.exists()


def test_compile_merges_agency_texts_and_downloads(login: Any, progress: World) -> None:
    world = progress
    client = login("officer")
    r = client.post(reverse("cycle_compile_new"), {"year": "2024", "plan": str(world.doc.plan.pk)})
    assert r.status_code == 302
    report = CompiledReport.objects.get(plan=world.doc.plan, year=2024)
    assert "- Sở Y tế: Thiếu phiên dịch tiếng Lào chuyên ngành y tế." in report.difficulties
    AgencyReport.objects.filter(agency=world.soyte).update(proposals="Mở lớp tiếng Lào cho cán bộ y tế.")
    client.post(reverse("cycle_compiled", args=[report.pk]), {"action": "compile"})
    report.refresh_from_db()
    assert "- Sở Y tế: Mở lớp tiếng Lào cho cán bộ y tế." in report.proposals
    docx = client.get(reverse("cycle_compiled_file", args=[report.pk, "docx"]))
    assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")
    assert "Mở lớp tiếng Lào" in "\n".join(p.text for p in Docx(io.BytesIO(docx.content)).paragraphs)
    xlsx = client.get(reverse("cycle_compiled_file", args=[report.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(reverse("cycle_compiled_file", args=[report.pk, "odt"])).status_code == 404
    # the clerk edits the header; a blank title is refused
    form = {f: getattr(report, f) or "" for f in ("issuer", "symbol", "place", "title", "recipients")}
    r = client.post(reverse("cycle_compiled", args=[report.pk]), {**form, "title": "  ", "action": "save"})
    assert r.status_code == 400 and "title" in r.context["form"].errors
    r = client.post(reverse("cycle_compiled", args=[report.pk]), {**form, "number": "215", "date": "14/11/2024"})
    assert r.status_code == 302
    report.refresh_from_db()
    assert (report.number, str(report.date)) == ("215", "2024-11-14")
    # sending it settles the office's own 15/11 report to the province
    client.post(reverse("cycle_compiled", args=[report.pk]), {"action": "sent"})
    assert ReportDue.objects.get(agency=world.sngv, year=2024, rule__compiled=True).done
    # the import form takes the table back
    table = SimpleUploadedFile("bang.xlsx", xlsx.content)
    r = client.post(reverse("cycle_compiled_import", args=[report.pk]), {"file": table}, follow=True)
    assert "Đã nhập" in r.content.decode()
    r = client.post(
        reverse("cycle_compiled_import", args=[report.pk]), {"file": SimpleUploadedFile("a.xlsx", b"x")}, follow=True
    )
    assert "không phải tệp Excel" in r.content.decode()


def test_compile_new_errors(login: Any, world: World) -> None:
    client = login("officer")
    r = client.post(reverse("cycle_compile_new"), {"year": "2024"})
    assert r.status_code == 400 and "Hãy chọn một kế hoạch" in r.content.decode()
    r = client.post(reverse("cycle_compile_new"), {"year": "2031", "plan": str(world.doc.plan.pk)})
    assert r.status_code == 302  # a year outside the period still has the plan's tasks listed
    r = client.post(reverse("cycle_compile_new"), {"year": "1700", "plan": str(world.doc.plan.pk)})
    assert r.status_code == 400 and "năm không hợp lệ" in r.content.decode()
    other = login("outsider").post(reverse("cycle_compile_new"), {"year": "2024", "plan": str(world.doc.plan.pk)})
    assert other.status_code == 400  # another office's plan is not offered
    assert not CompiledReport.objects.filter(office=world.hg).exists()


def test_board_marks_and_filters(login: Any, world: World) -> None:
    rules.sync(world.bg, TODAY)
    client = login("officer")
    page = client.get(reverse("cycle_board") + f"?year=2024&plan={world.doc.plan.pk}")
    assert page.status_code == 200 and "Sở Y tế" in page.content.decode()
    due = ReportDue.objects.get(agency=world.soyte, year=2024, rule__compiled=False)
    assert client.post(reverse("cycle_board") + "?year=2024", {"due": due.pk, "action": "done"}).status_code == 302
    assert ReportDue.objects.get(pk=due.pk).done
    missing = client.get(reverse("cycle_board") + "?year=2024&missing=1")
    assert all(row.state != "done" for row in missing.context["board"].rows)
    assert login("viewer").post(reverse("cycle_board"), {"due": due.pk, "action": "undo"}).status_code == 403
    assert login("outsider").post(reverse("cycle_board"), {"due": due.pk, "action": "undo"}).status_code == 404
    assert ReportDue.objects.get(pk=due.pk).done


def test_rule_form(login: Any, world: World) -> None:
    rules.sync(world.bg, TODAY)
    client = login("officer")
    rule = ReportingRule.objects.get(plan=world.doc.plan, position=0)
    url = reverse("cycle_rule_edit", args=[rule.pk])
    base = {"all_leads": "on", "recipient": "Sở Ngoại vụ", "yearly": "on", "first_year": 2022, "last_year": 2025}
    for bad, field in (
        ({"due_day": 30, "due_month": 2}, "due_day"),
        ({"due_day": 10, "due_month": 13}, "due_month"),
        ({"due_day": 10, "due_month": 10, "first_year": 2026}, "last_year"),
    ):
        r = client.post(url, {**base, **bad})
        assert r.status_code == 400 and field in r.context["form"].errors, bad
    r = client.post(url, {**base, "all_leads": "", "due_day": 1, "due_month": 10})
    assert r.status_code == 400 and "Hãy chọn cơ quan báo cáo" in r.content.decode()
    assert ReportDue.objects.get(rule=rule, agency=world.soyte, year=2024).due.isoformat() == "2024-10-31"
    r = client.post(url, {**base, "due_day": 20, "due_month": 10, "active": "on"})
    assert r.status_code == 302
    assert ReportDue.objects.get(rule=rule, agency=world.soyte, year=2024).due.isoformat() == "2024-10-20"
    new = client.post(
        reverse("cycle_rule_new") + f"?plan={world.doc.plan.pk}",
        {"senders": [world.soyte.pk], "recipient": "Bộ Y tế", "due_date": "30/06/2025", "active": "on"},
    )
    assert new.status_code == 302
    added = ReportingRule.objects.get(recipient="Bộ Y tế")
    assert [(d.agency, d.due.isoformat()) for d in added.dues.all()] == [(world.soyte, "2025-06-30")]
    r = client.post(reverse("cycle_rule_edit", args=[added.pk]), {"delete": "1"})
    assert r.status_code == 302 and not ReportingRule.objects.filter(pk=added.pk).exists()


def test_reminder_settings(login: Any, world: World) -> None:
    client = login("officer")
    url = reverse("cycle_reminder_edit", args=[world.soyte.pk])
    r = client.post(url, {"enabled": "on", "days_ahead": 200, "emails": "hoa@soyte.example"})
    assert r.status_code == 400 and "days_ahead" in r.context["form"].errors
    r = client.post(url, {"enabled": "on", "days_ahead": 5, "emails": "hoa@soyte.example, không phải địa chỉ"})
    assert r.status_code == 400 and "không phải địa chỉ" in r.content.decode()
    assert not ReminderSetting.objects.exists()
    r = client.post(url, {"enabled": "on", "days_ahead": 5, "emails": "hoa@soyte.example; vt@soyte.example"})
    assert r.status_code == 302
    setting = ReminderSetting.objects.get(agency=world.soyte)
    assert setting.addresses() == ["hoa@soyte.example", "vt@soyte.example"] and setting.days_ahead == 5
    page = client.get(reverse("cycle_reminders"))
    assert "vt@soyte.example" in page.content.decode()


def test_home_shows_the_reporter_its_own_dues(login: Any, world: World) -> None:
    rules.sync(world.bg, TODAY)
    page = login("other_reporter").get(reverse("cycle_home") + "?year=2024")
    rows = page.context["board"].rows
    assert rows and {r.due.agency for r in rows} == {world.soyte}
    officer = login("officer").get(reverse("cycle_home") + "?year=2024")
    assert len(officer.context["board"].rows) > len(rows)
    assert open_report(world.bg, 2024, world.doc.plan).pk
