"""The dashboard's figures per office, kept in ``OfficeSummary`` instead of aggregated on every view.

An office's summary is good while the office's ``data_version`` (bumped by every ``audit.log``) and the
day it was computed for are unchanged. The first view after a change claims the recomputation (one
request per office, in any process: the claim is a row update); views that come meanwhile show the
previous figures, and only an office's very first summary is waited for.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from hoptac.records.models import Occurrence, Office, OfficeSummary, Partner, Plan, Status

__all__ = ["OPEN", "TOP", "compute", "figures", "for_office", "for_offices", "merge", "refresh"]

OPEN = (Status.PENDING, Status.IN_PROGRESS)
TOP = 15  # rows per progress table; agencies and partners belong to one office, so a merge stays exact
CLAIM_TIMEOUT = timedelta(seconds=60)  # a claim older than this is from a request that died
FIRST_WAIT_S = 20.0


def _rows(qs: Iterable[dict[str, Any]], key: str, name: str) -> list[dict[str, Any]]:
    return [
        {"id": r[key], "name": r.get(name, r[key]), "n": r["n"], "done": r["done"], "sum": r["sum"] or 0}
        for r in qs
    ]


def figures(occ: QuerySet[Occurrence], today: date) -> dict[str, Any]:
    """The counters and progress tables of a set of occurrences (an office's, or a reporter's agency's)."""
    first = today.replace(day=1)
    last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    counts = occ.filter(status__in=OPEN).aggregate(
        due_month=Count("pk", filter=Q(due__range=(first, last))),
        overdue=Count("pk", filter=Q(due__lt=today)),
        missing=Count("pk", filter=Q(due__lt=today, last_report_at__isnull=True)),
    )
    tally = {"n": Count("pk"), "done": Count("pk", filter=Q(status=Status.DONE)), "sum": Sum("percent")}
    by_year = _rows(occ.values("year").annotate(**tally).order_by("year"), "year", "year")
    # Each occurrence counts for every agency leading its task (a task led jointly counts for both).
    by_agency = _rows(
        occ.filter(task__lead__isnull=False)
        .values("task__lead__id", "task__lead__name")
        .annotate(**tally)
        .order_by("-n", "task__lead__name")[:TOP],
        "task__lead__id",
        "task__lead__name",
    )
    # Per plan first (a few hundred rows), then onto the plan's foreign partners in Python.
    per_plan = {r["task__plan_id"]: r for r in occ.values("task__plan_id").annotate(**tally).order_by()}
    links = Plan.partners.through.objects.filter(plan_id__in=list(per_plan)).values_list("plan_id", "partner_id")
    partners: dict[int, dict[str, Any]] = {}
    for plan_id, partner_id in links:
        row = partners.setdefault(partner_id, {"id": partner_id, "n": 0, "done": 0, "sum": 0})
        plan_row = per_plan[plan_id]
        row["n"] += plan_row["n"]
        row["done"] += plan_row["done"]
        row["sum"] += plan_row["sum"] or 0
    names = dict(
        Partner.objects.filter(pk__in=list(partners)).exclude(country="VN").values_list("pk", "name")
    )
    by_partner = sorted(
        ({**row, "name": names[pk]} for pk, row in partners.items() if pk in names),
        key=lambda r: (-r["n"], r["name"]),
    )[:TOP]
    return {
        "day": today.isoformat(),
        **counts,
        "by_agency": by_agency,
        "by_partner": by_partner,
        "by_year": by_year,
    }


def compute(office_id: int, today: date) -> dict[str, Any]:
    return figures(Occurrence.objects.filter(office_id=office_id), today)


def refresh(office_id: int, today: date | None = None) -> dict[str, Any]:
    """Compute and store an office's summary now (and release any claim on it)."""
    today = today or timezone.localdate()
    # The version is read before the figures: a change made meanwhile leaves the summary stale, not wrong.
    version = Office.objects.filter(pk=office_id).values_list("data_version", flat=True).get()
    data = compute(office_id, today)
    OfficeSummary.objects.update_or_create(
        office_id=office_id,
        defaults={"version": version, "day": today, "data": data, "computed_at": timezone.now(), "claimed_at": None},
    )
    return data


def _claim(office_id: int, exists: bool) -> bool:
    now = timezone.now()
    if not exists:
        try:
            with transaction.atomic():
                OfficeSummary.objects.create(office_id=office_id, claimed_at=now)
            return True
        except IntegrityError:  # another request created it first: that one computes
            return False
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    return OfficeSummary.objects.filter(Q(office_id=office_id) & free).update(claimed_at=now) == 1


def for_office(office_id: int, today: date | None = None) -> dict[str, Any]:
    """The office's summary: the stored one while fresh, else recomputed by one request at a time."""
    today = today or timezone.localdate()
    version = Office.objects.filter(pk=office_id).values_list("data_version", flat=True).first()
    row = OfficeSummary.objects.filter(office_id=office_id).first()
    if row is not None and row.version == version and row.day == today and row.data:
        return dict(row.data)
    if _claim(office_id, row is not None):
        try:
            return refresh(office_id, today)
        except BaseException:
            OfficeSummary.objects.filter(office_id=office_id).update(claimed_at=None)
            raise
    if row is not None and row.data:
        return dict(row.data)  # being recomputed by another request: the previous figures meanwhile
    deadline = time.monotonic() + FIRST_WAIT_S
    while time.monotonic() < deadline:
        time.sleep(0.05)
        data = OfficeSummary.objects.filter(office_id=office_id).values_list("data", flat=True).first()
        if data:
            return dict(data)
    return compute(office_id, today)


def merge(summaries: list[dict[str, Any]], today: date) -> dict[str, Any]:
    """Several offices' summaries as one (the national administrator's dashboard)."""
    out: dict[str, Any] = {"day": today.isoformat(), "due_month": 0, "overdue": 0, "missing": 0}
    years: dict[int, dict[str, Any]] = {}
    agencies: list[dict[str, Any]] = []
    partners: list[dict[str, Any]] = []
    for s in summaries:
        for key in ("due_month", "overdue", "missing"):
            out[key] += s.get(key, 0)
        agencies += s.get("by_agency", [])
        partners += s.get("by_partner", [])
        for r in s.get("by_year", []):
            row = years.setdefault(r["id"], {"id": r["id"], "name": r["id"], "n": 0, "done": 0, "sum": 0})
            for key in ("n", "done", "sum"):
                row[key] += r[key]
    out["by_agency"] = sorted(agencies, key=lambda r: (-r["n"], r["name"]))[:TOP]
    out["by_partner"] = sorted(partners, key=lambda r: (-r["n"], r["name"]))[:TOP]
    out["by_year"] = [years[y] for y in sorted(years)]
    return out


def for_offices(office_ids: Iterable[int], today: date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    return merge([for_office(pk, today) for pk in office_ids], today)
