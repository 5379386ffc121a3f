"""Progress reports in: the one function the task page, the API and the cycle's yearly report form call (the
reporter rule is in ``perms``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from hoptac.files import short_name
from hoptac.records import audit, perms
from hoptac.records.models import Agency, Occurrence, Plan, ProgressReport, Status

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
    agency: Agency | None = None,
    key: str = "",
) -> ProgressReport:
    """Record a report on ``occurrence``; the lead agency's (or the office's) report also moves its progress.

    ``agency``: the agency the report is for (the text is that agency's, e.g. in the compiled report); by
    default the reporter's own. Only the office (an officer, an administrator) may report for another agency.
    All or nothing: if anything fails, no row is left and the attachment written meanwhile is removed.

    ``key``: the submission's own token (the form's, or the API's Idempotency-Key). A second submission with
    the same key by the same user stores nothing and returns the first report, with ``replayed`` set.
    """
    if key and (first := _submitted(user, key)) is not None:
        return first
    task = occurrence.task
    role = perms.report_role(user, task)
    if role is None:
        raise PermissionDenied("Bạn không có quyền báo cáo nhiệm vụ này.")
    own = perms.reporter_agency(user)
    if agency is None:
        agency = own
    elif role != ProgressReport.Role.OFFICE and (own is None or own.pk != agency.pk):
        raise PermissionDenied("Bạn chỉ báo cáo được cho cơ quan của mình.")
    elif agency.office_id != task.office_id:
        raise PermissionDenied("Cơ quan này không thuộc văn phòng của nhiệm vụ.")
    report = ProgressReport(
        office_id=task.office_id,
        occurrence=occurrence,
        status=status,
        percent=percent,
        text=text,
        role=role,
        author=user if getattr(user, "is_authenticated", False) else None,
        agency=agency,
        submission_key=key,
    )
    if attachment is not None:
        report.attachment = attachment
        report.attachment_name = short_name(Path(attachment.name or "tep").name, 255)
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
            document = Plan.objects.filter(pk=task.plan_id).values_list("document_id", flat=True).first()
            audit.log(
                user,
                "report",
                occurrence,
                before=before,
                after=after,
                document=document,
                summary=f"Báo cáo tiến độ ({report.get_role_display()}): {task}",
            )
            # The task's own status follows its occurrences: a change of its own, logged as such.
            audit.log_fields(
                user, task, {"status": before["task_status"]}, document=document, summary=f"Tình trạng: {task}"[:500]
            )
    except BaseException as exc:
        if report.attachment.name:
            report.attachment.storage.delete(report.attachment.name)
        if isinstance(exc, IntegrityError) and key and (first := _submitted(user, key)) is not None:
            return first  # the same submission, sent in parallel, was stored meanwhile
        raise
    return report


def _submitted(user: Any, key: str) -> ProgressReport | None:
    author = user if getattr(user, "is_authenticated", False) else None
    first = ProgressReport.objects.filter(author=author, submission_key=key).first()
    if first is not None:
        first.replayed = True
    return first
