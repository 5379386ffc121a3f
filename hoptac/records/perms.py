"""Who may see and change what: the one place the web views and the API ask.

- national administrator (superuser, or an ``admin`` profile without an office): every office;
- ``admin`` and ``officer``: read and change everything of their office;
- ``viewer``: read everything of their office, change nothing;
- ``reporter``: read the tasks their agency leads or supports, and report progress on them; nothing else.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from hoptac.records.models import Agency, Occurrence, Office, Profile, Task

__all__ = [
    "can_edit",
    "can_read_all",
    "can_report",
    "context",
    "is_national",
    "office_of",
    "profile_of",
    "require_edit",
    "require_read_all",
    "scope",
    "tasks_for",
    "occurrences_for",
    "check_office",
]


def profile_of(user: Any) -> Profile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if hasattr(user, "_hoptac_profile"):
        return cast("Profile | None", user._hoptac_profile)
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
    """Refuse an object of another office (as 404 would leak its existence, views call this after scope)."""
    if is_national(user):
        return
    prof = profile_of(user)
    if not prof or getattr(obj, "office_id", None) != prof.office_id:
        raise PermissionDenied("Bạn không có quyền xem mục này.")


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


def can_report(user: Any, task: Task) -> bool:
    if role_of(user) is None:
        return False
    if is_national(user):
        return True
    prof = profile_of(user)
    if not prof or prof.office_id != task.office_id:
        return False
    if can_edit(user):
        return True
    agency = reporter_agency(user)
    return bool(agency and tasks_for(user).filter(pk=task.pk).exists())


def context(request: Any) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "hoptac_role": role_of(user),
        "hoptac_can_edit": can_edit(user),
        "hoptac_can_read_all": can_read_all(user),
        "hoptac_office": office_of(user),
        "hoptac_agency": reporter_agency(user),
        "hoptac_national": is_national(user),
    }
