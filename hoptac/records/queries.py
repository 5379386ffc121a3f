"""Queries the task pages and the API share: filters written as subqueries, so no join multiplies the rows
and no ``DISTINCT`` (nor ``COUNT(DISTINCT …)`` when paging) is needed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, IntegerField, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from hoptac.records.models import Agency, Occurrence, Plan, Status, Task

__all__ = ["agency_names", "count_of", "for_listing", "filter_tasks", "options", "shorten"]


def filter_tasks(
    qs: QuerySet[Task],
    *,
    agency: int | None = None,
    partner: int | None = None,
    plan: int | None = None,
    year: int | None = None,
    status: str | None = None,
) -> QuerySet[Task]:
    """Tasks ``agency`` leads or supports, of a plan with ``partner``, of ``plan``, owing something in ``year``."""
    if agency:
        qs = qs.filter(
            Q(pk__in=Task.lead.through.objects.filter(agency_id=agency).values("task_id"))
            | Q(pk__in=Task.support.through.objects.filter(agency_id=agency).values("task_id"))
        )
    if partner:
        qs = qs.filter(plan_id__in=Plan.partners.through.objects.filter(partner_id=partner).values("plan_id"))
    if plan:
        qs = qs.filter(plan_id=plan)
    if year:
        qs = qs.filter(Exists(Occurrence.objects.filter(task=OuterRef("pk"), year=year)))
    if status in Status.values:
        qs = qs.filter(status=status)
    return qs


def for_listing(qs: QuerySet[Task], *fields: str) -> QuerySet[Task]:
    """Only what a list shows (and ``fields``), the agencies' names in two queries per page."""
    names = Agency.objects.only("id", "name")
    return qs.only("id", "office_id", "plan_id", "ref", "title", "status", "position", *fields).prefetch_related(
        Prefetch("lead", queryset=names), Prefetch("support", queryset=names)
    )


def options(rows: Iterable[tuple[Any, Any]], selected: Any, limit: int = 80) -> SafeString:
    """``<option>`` elements for a menu, built here: a template loop over hundreds of them costs more
    than the rest of a page."""
    out = []
    for value, label in rows:
        text = shorten(str(label), limit)
        mark = " selected" if value == selected else ""
        out.append(f'<option value="{escape(value)}"{mark}>{escape(text)}</option>')
    return mark_safe("".join(out))  # noqa: S308 - values and labels are escaped above


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def agency_names(task_ids: list[int]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """The names of the agencies leading and supporting each task, in one query per role."""
    out: tuple[dict[int, list[str]], dict[int, list[str]]] = ({}, {})
    for names, through in zip(out, (Task.lead.through, Task.support.through), strict=True):
        rows = through.objects.filter(task_id__in=task_ids).order_by("agency__name")
        for task_id, name in rows.values_list("task_id", "agency__name"):
            names.setdefault(task_id, []).append(name)
    return out


def count_of(through: type[Model], column: str) -> Coalesce:
    """The number of ``through`` rows whose ``column`` is the outer row: a subquery, where two counted joins
    would multiply each other's rows (and need ``COUNT(DISTINCT …)``)."""
    rows = through.objects.filter(**{column: OuterRef("pk")}).order_by().values(column).annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), 0)
