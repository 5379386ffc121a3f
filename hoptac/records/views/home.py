"""The dashboard: what the signed-in user owes and what stands overdue."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from hoptac.records import perms, summary
from hoptac.records.models import (
    Document,
    Office,
)


def dashboard_stats(user: Any, today: date | None = None) -> dict[str, Any]:
    """The dashboard's counters and progress tables for what ``user`` may read."""
    today = today or timezone.localdate()
    office = perms.office_of(user)
    if perms.is_national(user):
        stats = summary.for_offices(Office.objects.values_list("pk", flat=True), today)
    elif office is not None and perms.can_read_all(user):
        stats = summary.for_office(office.pk, today)
    else:  # a reporter: only its agency's tasks, few enough to count on each view
        stats = summary.figures(perms.occurrences_for(user), today)
    for key in ("by_agency", "by_partner", "by_year"):
        stats[key] = [{**row, "pct": round(row["sum"] / row["n"]) if row["n"] else 0} for row in stats[key]]
    stats["today"] = today
    return stats


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if perms.role_of(request.user) is None:
        raise PermissionDenied(_("Tài khoản chưa được gán văn phòng và vai trò."))
    stats = dashboard_stats(request.user)
    upcoming = (
        perms.occurrences_for(request.user)
        .filter(status__in=summary.OPEN, due__gte=stats["today"])
        .select_related("task")
        .only("due", "task__ref", "task__title")
        .order_by("due")[:10]
    )
    unreviewed = 0
    if perms.can_read_all(request.user):
        unreviewed = perms.scope(Document.objects.filter(reviewed=False), request.user).count()
    return render(request, "records/dashboard.html", {**stats, "upcoming": upcoming, "unreviewed": unreviewed})
