"""Progress reports in: the one function the task page and the API call (the reporter rule is in ``perms``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from hoptac.records import audit, perms
from hoptac.records.models import Occurrence, Plan, ProgressReport, Status

__all__ = ["CLOSED", "submit"]

CLOSED = (Status.DONE, Status.CANCELLED)


def submit(
    user: Any,
    occurrence: Occurrence,
    *,
    status: str,
    percent: int,
    text: str,
    attachment: UploadedFile | None = None,
) -> ProgressReport:
    """Record a report on ``occurrence``; the lead agency's (or the office's) report also moves its progress.

    All or nothing: if anything fails, no row is left and the attachment written meanwhile is removed.
    """
    task = occurrence.task
    role = perms.report_role(user, task)
    if role is None:
        raise PermissionDenied("Bạn không có quyền báo cáo nhiệm vụ này.")
    report = ProgressReport(
        office_id=task.office_id,
        occurrence=occurrence,
        status=status,
        percent=percent,
        text=text,
        role=role,
        author=user if getattr(user, "is_authenticated", False) else None,
        agency=perms.reporter_agency(user),
    )
    if attachment is not None:
        report.attachment = attachment
        report.attachment_name = Path(attachment.name or "tep").name[:255]
    try:
        with transaction.atomic():
            report.save()  # writes the attachment
            before = {"status": occurrence.status, "percent": occurrence.percent, "task_status": task.status}
            after: dict[str, Any] = {"report": report.pk, "role": role}
            if perms.report_sets_progress(role, task):
                occurrence.status, occurrence.percent = status, percent
                occurrence.last_report_at = timezone.now()
                occurrence.save(update_fields=["status", "percent", "last_report_at"])
                open_left = task.occurrences.exclude(status__in=CLOSED).exists()
                task.status = Status.IN_PROGRESS if open_left else Status.DONE
                task.save(update_fields=["status"])
                after.update(status=occurrence.status, percent=occurrence.percent, task_status=task.status)
            audit.log(
                user,
                "report",
                occurrence,
                before=before,
                after=after,
                document=Plan.objects.filter(pk=task.plan_id).values_list("document_id", flat=True).first(),
                summary=f"Báo cáo tiến độ ({report.get_role_display()}): {task}",
            )
    except BaseException:
        if report.attachment.name:
            report.attachment.storage.delete(report.attachment.name)
        raise
    return report
