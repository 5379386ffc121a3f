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
from hoptac.records.models import Document, Office, Task


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


def reporter_home(user: Any, today: date) -> dict[str, Any]:
    """What the reporter's agency owes, soonest first: what it leads, then what it supports; its counters
    per capacity; and the one report of this year to fill (its ReportDue, else the cycle's page)."""
    from hoptac.cycle.models import ReportDue

    agency = perms.reporter_agency(user)
    occ = (
        perms.occurrences_for(user)
        .filter(status__in=summary.OPEN)
        .select_related("task__plan")
        .only("due", "year", "status", "percent", "task__ref", "task__title", "task__plan__title")
        .order_by("due", "task__position", "pk")
    )
    lead_ids = Task.lead.through.objects.filter(agency_id=agency.pk if agency else 0).values("task_id")
    leads, supports = occ.filter(task_id__in=lead_ids), occ.exclude(task_id__in=lead_ids)

    def counts(qs: Any) -> dict[str, int]:
        return {
            "overdue": qs.filter(due__lt=today).count(),
            "month": qs.filter(due__gte=today, due__year=today.year, due__month=today.month).count(),
            "open": qs.count(),
        }

    due = (
        ReportDue.objects.filter(agency=agency, year=today.year).order_by("done_at", "due").first() if agency else None
    )
    return {
        "agency": agency,
        "today": today,
        "leads": list(leads[:30]),
        "supports": list(supports[:30]),
        "lead_counts": counts(leads),
        "support_counts": counts(supports),
        "yearly_due": due,
        "year": today.year,
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if perms.role_of(request.user) is None:
        raise PermissionDenied(_("Tài khoản chưa được gán văn phòng và vai trò."))
    if not perms.can_read_all(request.user):  # a reporter: its agency's own page of what it owes
        return render(request, "records/dashboard_reporter.html", reporter_home(request.user, timezone.localdate()))
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
