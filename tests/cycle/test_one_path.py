"""The yearly report form records task progress through ``hoptac.records.progress.submit``, the task page's and
the API's one path: the same ProgressReport rows, occurrence and task statuses and audit entries, all or nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from hoptac.cycle import rules
from hoptac.cycle.models import AgencyReport, ReportDue
from hoptac.records import progress
from hoptac.records.models import AuditLog, Occurrence, ProgressReport, Task
from tests.cycle.conftest import TODAY, World

CYCLE_MODELS = ("agencyreport", "reportdue")
TEXT = "Khảo sát nhu cầu y tế tại 3 bệnh viện tỉnh Xay Sôm Bun."


def _due(world: World, year: int = 2023) -> ReportDue:
    rules.sync(world.bg, TODAY)
    return ReportDue.objects.get(agency=world.soyte, year=year, rule__compiled=False)


def _marks() -> tuple[int, int]:
    last_report = ProgressReport.objects.order_by("-id").values_list("id", flat=True).first() or 0
    last_audit = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return last_report, last_audit


def _trace(marks: tuple[int, int], occ: Occurrence) -> dict[str, Any]:
    """What a submit left behind on ``occ``, without ids and clocks (the new report's id is called "new"); the
    cycle's own entries (the yearly report, its due) aside."""
    reports = list(ProgressReport.objects.filter(pk__gt=marks[0]).order_by("id"))
    new_ids = {r.pk: "new" for r in reports}
    audits = []
    for a in AuditLog.objects.filter(pk__gt=marks[1]).exclude(model__in=CYCLE_MODELS).order_by("id"):
        after = dict(a.after or {})
        if "report" in after:
            after["report"] = new_ids.get(after["report"], after["report"])
        audits.append(
            (a.office_id, a.user_id, a.action, a.model, a.object_id, a.summary, a.before, after, a.document_id)
        )
    occ = Occurrence.objects.select_related("task").get(pk=occ.pk)
    return {
        "reports": [
            (r.office_id, r.occurrence_id, r.status, r.percent, r.text, r.role, r.agency_id, r.author_id)
            for r in reports
        ],
        "audits": audits,
        "occurrence": (occ.status, occ.percent, occ.last_report_at is not None),
        "task": occ.task.status,
    }


def _cycle_form(client: Any, due: ReportDue, occ: Occurrence, **lines: Any) -> dict[str, Any]:
    page = client.get(reverse("cycle_agency_report", args=[due.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    data = {n: ("" if (v := form.initial.get(n, f.initial)) is None else v) for n, f in form.fields.items()}
    data.update({f"occ-{occ.pk}-{k}": v for k, v in lines.items()})
    return data


def test_cycle_submit_leaves_exactly_what_the_task_page_leaves(login: Any, world: World) -> None:
    due = _due(world)
    occ = Occurrence.objects.get(task__ref="II.6.1", task__plan=world.doc.plan, year=2023)
    client = login("other_reporter")
    # the records path: the task page, rolled back afterwards
    with transaction.atomic():
        marks = _marks()
        r = client.post(
            reverse("task_detail", args=[occ.task_id]),
            {"occurrence": occ.pk, "status": "in_progress", "percent": 30, "text": TEXT},
        )
        assert r.status_code == 302, r.content[:2000]
        by_task_page = _trace(marks, occ)
        transaction.set_rollback(True)
    assert not ProgressReport.objects.exists()
    # the cycle path: the agency's yearly report with the same line
    marks = _marks()
    data = _cycle_form(client, due, occ, status="in_progress", percent=30, text=TEXT)
    r = client.post(reverse("cycle_agency_report", args=[due.pk]), data)
    assert r.status_code == 302, r.content[:2000]
    by_cycle = _trace(marks, occ)
    assert by_cycle == by_task_page
    assert by_cycle["reports"] == [
        (world.bg.pk, occ.pk, "in_progress", 30, TEXT, "lead", world.soyte.pk, world.users["other_reporter"].pk)
    ]
    assert [(a[2], a[3]) for a in by_cycle["audits"]][:1] == [("report", "occurrence")]
    # besides, the yearly report itself is logged
    assert AuditLog.objects.filter(pk__gt=marks[1], model="agencyreport", action="report").count() == 1
    assert ReportDue.objects.get(pk=due.pk).done
    # sending the same form again records nothing new on the task
    marks = _marks()
    r = client.post(reverse("cycle_agency_report", args=[due.pk]), _cycle_form(client, due, occ))
    assert r.status_code == 302
    assert _trace(marks, occ)["reports"] == [] and _trace(marks, occ)["audits"] == []


def test_officer_reports_for_the_agency(login: Any, world: World) -> None:
    due = _due(world)
    occ = Occurrence.objects.get(task__ref="II.6.1", task__plan=world.doc.plan, year=2023)
    client = login("officer")
    marks = _marks()
    data = _cycle_form(client, due, occ, status="done", percent=100, text="Đã hoàn thành (văn phòng ghi thay).")
    assert client.post(reverse("cycle_agency_report", args=[due.pk]), data).status_code == 302
    trace = _trace(marks, occ)
    # the text stays the agency's (the compiled report quotes it under Sở Y tế), in the office's capacity
    assert [(r[5], r[6], r[7]) for r in trace["reports"]] == [("office", world.soyte.pk, world.users["officer"].pk)]
    assert trace["occurrence"] == ("done", 100, True)
    assert [(a[2], a[3]) for a in trace["audits"]][:1] == [("report", "occurrence")]


def test_submit_refuses_another_agency_for_a_reporter(world: World) -> None:
    occ = Occurrence.objects.filter(task__lead=world.soyte).select_related("task").first()
    assert occ is not None
    marks = _marks()
    with pytest.raises(PermissionDenied):
        progress.submit(world.users["other_reporter"], occ, status="done", percent=100, text="x", agency=world.sngv)
    assert _marks() == marks


def test_cycle_submit_is_all_or_nothing(login: Any, world: World, monkeypatch: Any) -> None:
    due = _due(world)
    occ = Occurrence.objects.get(task__ref="II.6.1", task__plan=world.doc.plan, year=2023)
    client = login("other_reporter")
    data = _cycle_form(client, due, occ, status="done", percent=100, text=TEXT)
    data["difficulties"] = "Thiếu phiên dịch."

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(AgencyReport, "save", broken)  # fails after the task lines were recorded
    marks = _marks()
    with pytest.raises(RuntimeError):
        client.post(reverse("cycle_agency_report", args=[due.pk]), data)
    assert _marks() == marks and not ReportDue.objects.get(pk=due.pk).done
    assert Occurrence.objects.get(pk=occ.pk).status == occ.status
    assert Task.objects.get(pk=occ.task_id).status == occ.task.status
