"""Who may see and change what: the one place the web views and the API ask.

- national administrator (superuser, or an ``admin`` profile without an office): every office;
- ``admin`` and ``officer``: read and change everything of their office, manage its users;
- ``viewer``: read everything of their office, change nothing;
- ``reporter`` (an agency's reporting officer): nothing of the office but its own agency's tasks.

The reporter rule. The issue says a reporter "reads and reports on its own agency's tasks only"; a task
is the agency's when the agency leads it (chủ trì) or supports it (phối hợp), as the plan names it:

- reading: the reporter reads every task its agency leads or supports (a supporting agency needs the task
  and its reports to do its part) and no other task, plan, partner or document;
- reporting: the reporter reports on those same tasks, in the capacity the plan gives its agency
  (``report_role``). The lead agency's report is the task's progress: it sets the occurrence's status and
  percentage. A supporting agency's report is its contribution: it is kept on the occurrence, shown
  with its role, and changes neither the status nor the percentage (nor counts as the occurrence's
  report on the dashboard), unless the task names no lead agency. An officer's report is the office's
  and sets the progress.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from hoptac.records.models import Agency, Occurrence, Office, Profile, ProgressReport, Task

__all__ = [
    "can_edit",
    "can_read_all",
    "can_report",
    "context",
    "is_national",
    "office_of",
    "offices_for",
    "profile_of",
    "report_role",
    "report_sets_progress",
    "reporter_agency",
    "require_edit",
    "require_read_all",
    "role_of",
    "scope",
    "tasks_for",
    "users_for",
    "occurrences_for",
    "check_office",
]


def profile_of(user: Any) -> Profile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if hasattr(user, "_hoptac_profile"):
        return cast("Profile | None", user._hoptac_profile)
    if get_user_model().profile.is_cached(user):  # loaded with the user (``auth.ProfileBackend``, API tokens)
        prof = getattr(user, "profile", None)
    else:
        prof = Profile.objects.select_related("office", "agency").filter(user=user).first()
    user._hoptac_profile = prof
    return prof


def is_national(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    prof = profile_of(user)
    return bool(prof and prof.role == Profile.Role.ADMIN and prof.office_id is None)


def role_of(user: Any) -> str | None:
    if is_national(user):
        return str(Profile.Role.ADMIN)
    prof = profile_of(user)
    return str(prof.role) if prof and prof.office_id else None


def office_of(user: Any) -> Office | None:
    prof = profile_of(user)
    return prof.office if prof else None


def can_edit(user: Any) -> bool:
    return role_of(user) in (Profile.Role.ADMIN, Profile.Role.OFFICER)


def can_read_all(user: Any) -> bool:
    """May read every record of the office (everyone but an agency reporter)."""
    return role_of(user) in (Profile.Role.ADMIN, Profile.Role.OFFICER, Profile.Role.VIEWER)


def reporter_agency(user: Any) -> Agency | None:
    prof = profile_of(user)
    if prof and prof.role == Profile.Role.REPORTER and not is_national(user):
        return prof.agency
    return None


def require_edit(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("Bạn không có quyền thay đổi dữ liệu này.")


def require_read_all(user: Any) -> None:
    if not can_read_all(user):
        raise PermissionDenied("Bạn không có quyền xem mục này.")


def scope(qs: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """Only the rows of the user's office (all rows for a national administrator)."""
    if is_national(user):
        return qs
    prof = profile_of(user)
    if not prof or not prof.office_id:
        return qs.none()
    return qs.filter(office_id=prof.office_id)


def check_office(user: Any, obj: Model) -> None:
    """Not found (404), like an id that does not exist, for an object of another office: a refusal (403)
    would tell that the id exists there. Refusals by role (``require_edit`` …) come before the lookup, or
    after this check, so they say nothing of another office either."""
    if is_national(user):
        return
    prof = profile_of(user)
    if not prof or getattr(obj, "office_id", None) != prof.office_id:
        raise Http404


def _agency_tasks(agency: Agency) -> Q:
    return Q(pk__in=Task.lead.through.objects.filter(agency_id=agency.pk).values("task_id")) | Q(
        pk__in=Task.support.through.objects.filter(agency_id=agency.pk).values("task_id")
    )


def tasks_for(user: Any) -> QuerySet[Task]:
    qs = scope(Task.objects.all(), user)
    if can_read_all(user):
        return qs
    agency = reporter_agency(user)
    if agency is None:
        return qs.none()
    return qs.filter(_agency_tasks(agency))


def occurrences_for(user: Any) -> QuerySet[Occurrence]:
    qs = scope(Occurrence.objects.all(), user)
    if can_read_all(user):
        return qs
    agency = reporter_agency(user)
    if agency is None:
        return qs.none()
    return qs.filter(task__in=tasks_for(user).values("pk"))


def report_role(user: Any, task: Task) -> str | None:
    """The capacity in which ``user`` may report progress on ``task`` (a ``ProgressReport.Role``), or None."""
    if role_of(user) is None:
        return None
    if is_national(user):
        return str(ProgressReport.Role.OFFICE)
    prof = profile_of(user)
    if not prof or prof.office_id != task.office_id:
        return None
    if can_edit(user):
        return str(ProgressReport.Role.OFFICE)
    agency = reporter_agency(user)
    if agency is None:
        return None
    if Task.lead.through.objects.filter(task_id=task.pk, agency_id=agency.pk).exists():
        return str(ProgressReport.Role.LEAD)
    if Task.support.through.objects.filter(task_id=task.pk, agency_id=agency.pk).exists():
        return str(ProgressReport.Role.SUPPORT)
    return None


def can_report(user: Any, task: Task) -> bool:
    return report_role(user, task) is not None


def report_sets_progress(role: str, task: Task) -> bool:
    """Whether a report in ``role`` is the task's progress (see the reporter rule above)."""
    if role != ProgressReport.Role.SUPPORT:
        return True
    return not Task.lead.through.objects.filter(task_id=task.pk).exists()


def users_for(user: Any) -> QuerySet[Profile]:
    """The accounts ``user`` manages: an officer those of their office (but its administrators), a national
    administrator those of every office. National administrators are managed with ``hoptac manage``."""
    if not can_edit(user):
        return Profile.objects.none()
    qs = Profile.objects.filter(office__isnull=False).select_related("user", "office", "agency")
    if is_national(user):
        return qs
    prof = profile_of(user)
    qs = qs.filter(office_id=prof.office_id if prof else None)
    if role_of(user) != Profile.Role.ADMIN:
        qs = qs.exclude(role=Profile.Role.ADMIN)
    return qs


def offices_for(user: Any) -> QuerySet[Office]:
    """The offices in which ``user`` may create accounts."""
    if is_national(user):
        return Office.objects.all()
    office = office_of(user)
    return Office.objects.filter(pk=office.pk if office and can_edit(user) else None)


def context(request: Any) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "hoptac_role": role_of(user),
        "hoptac_can_edit": can_edit(user),
        # adding a record needs an office to put it in: a national administrator has none of its own
        "hoptac_can_add": can_edit(user) and office_of(user) is not None,
        "hoptac_can_read_all": can_read_all(user),
        "hoptac_office": office_of(user),
        "hoptac_agency": reporter_agency(user),
        "hoptac_national": is_national(user),
    }
