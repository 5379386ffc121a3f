"""Queries the task pages and the API share: filters written as subqueries, so no join multiplies the rows
and no ``DISTINCT`` (nor ``COUNT(DISTINCT …)`` when paging) is needed."""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils.safestring import SafeString, mark_safe

from hoptac.records import perms
from hoptac.records.limits import int_param
from hoptac.records.models import Agency, Occurrence, Partner, Plan, Status, Task

__all__ = [
    "Page",
    "agencies_of",
    "count_of",
    "filter_tasks",
    "menus_for",
    "options",
    "page_of",
    "rows_and_count",
    "shorten",
    "task_rows",
]


def filter_tasks(
    qs: QuerySet[Task],
    *,
    agency: int | None = None,
    partner: int | None = None,
    plan: int | None = None,
    year: int | None = None,
    status: str | None = None,
    overdue: date | None = None,
) -> QuerySet[Task]:
    """Tasks ``agency`` leads or supports, of a plan with ``partner``, of ``plan``, owing something in ``year``,
    with a period still open after its due date as of the day ``overdue``."""
    if agency:
        # One set of the agency's tasks (a union) for the database to start from, not two tests per task.
        led = Task.lead.through.objects.filter(agency_id=agency).values("task_id")
        qs = qs.filter(pk__in=led.union(Task.support.through.objects.filter(agency_id=agency).values("task_id")))
    if partner:
        qs = qs.filter(plan_id__in=Plan.partners.through.objects.filter(partner_id=partner).values("plan_id"))
    if plan:
        qs = qs.filter(plan_id=plan)
    if year:
        qs = qs.filter(Exists(Occurrence.objects.filter(task=OuterRef("pk"), year=year)))
    if status in Status.values:
        qs = qs.filter(status=status)
    if overdue:
        late = Occurrence.objects.filter(task=OuterRef("pk"), due__lt=overdue, status__in=OPEN_STATUSES)
        qs = qs.filter(Exists(late))
    return qs


OPEN_STATUSES = (Status.PENDING, Status.IN_PROGRESS)


def next_due(qs: QuerySet[Task]) -> QuerySet[Task]:
    """``qs`` with ``next_due``: the soonest due date of a period still open (none when all are closed)."""
    soonest = (
        Occurrence.objects.filter(task=OuterRef("pk"), status__in=OPEN_STATUSES).order_by("due").values("due")[:1]
    )
    return qs.annotate(next_due=Subquery(soonest))


def partners_of(plan_ids: Iterable[int]) -> dict[int, list[str]]:
    """The foreign partners' names of each plan, for a page of tasks."""
    out: dict[int, list[str]] = defaultdict(list)
    links = Plan.partners.through.objects.filter(plan_id__in=set(plan_ids)).exclude(partner__country="VN")
    for plan_id, name in links.values_list("plan_id", "partner__name").order_by("partner__name"):
        out[plan_id].append(name)
    return out


def options(rows: Iterable[tuple[Any, Any]], selected: Any, limit: int = 80) -> SafeString:
    """``<option>`` elements for a menu, built here: a template loop over hundreds of them costs more
    than the rest of a page."""
    out = []
    for value, label in rows:
        text = shorten(str(label), limit)
        mark = " selected" if value == selected else ""
        # The standard library's escape: Django's, lazy-aware, costs several times more per call.
        out.append(f'<option value="{html.escape(str(value))}"{mark}>{html.escape(text)}</option>')
    return mark_safe("".join(out))  # noqa: S308 - values and labels are escaped above


def task_rows(rows: Iterable[dict[str, Any]], checkboxes: bool) -> SafeString:
    """The ``<tr>`` rows of the task list, built here like ``options``: fifty template rows of six cells
    were a third of the page's time."""
    e = html.escape
    out = []
    for t in rows:
        pk, ref = t["pk"], e(t["ref"])
        box = f'<td><input type="checkbox" name="ids" value="{pk}" aria-label="{ref}"></td>' if checkboxes else ""
        late = ' class="late"' if t.get("late") else ""
        out.append(
            f'<tr{late}>{box}<td>{ref}</td><td><a href="{e(t["url"])}">{e(t["title"])}</a></td>'
            f'<td>{e(t["lead"])}</td><td class="muted">{e(t["support"])}</td>'
            f'<td>{e(t.get("partners", ""))}</td><td class="nowrap">{e(t.get("due", ""))}</td>'
            f'<td><span class="status st-{e(t["status"])}">{e(str(t["status_label"]))}</span></td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value is escaped above


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def agencies_of(task_ids: list[int], names: dict[int, str] | None = None) -> dict[int, dict[str, list[Any]]]:
    """The agencies leading and supporting each task (``{"lead": [{"id", "name"}…], "support": […]}``) for
    a whole page; ``names``: agency names already at hand (the cached menus), the others are read."""
    out: dict[int, dict[str, list[Any]]] = {pk: {"lead": [], "support": []} for pk in task_ids}
    links = [
        (role, task_id, agency_id)
        for role, through in (("lead", Task.lead.through), ("support", Task.support.through))
        for task_id, agency_id in through.objects.filter(task_id__in=task_ids).values_list("task_id", "agency_id")
    ]
    names = dict(names or {})
    missing = {agency_id for _r, _t, agency_id in links if agency_id not in names}
    if missing:
        names.update(Agency.objects.filter(pk__in=missing).values_list("pk", "name"))
    for role, task_id, agency_id in sorted(links, key=lambda link: names[link[2]]):
        out[task_id][role].append({"id": agency_id, "name": names[agency_id]})
    return out


@dataclass
class Page:
    """A page of a list, counted in the same query as its rows (a window count): what ``_pager.html`` reads."""

    object_list: list[Any]
    number: int
    count: int
    size: int

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def paginator(self) -> Page:
        return self

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.size))

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def rows_and_count(qs: QuerySet[Any], offset: int, limit: int) -> tuple[list[Any], int]:
    """``limit`` rows from ``offset`` and the number of rows in all, in one query while the slice is not
    past the end."""
    rows = list(qs.annotate(rows_in_all=Window(Count("pk")))[offset : offset + limit])
    return rows, (rows[0].rows_in_all if rows else qs.count())


MAX_PAGE = 10**9  # past it, page 1: an offset the database can hold


def page_of(qs: QuerySet[Any], number: Any, size: int = 50) -> Page:
    """Page ``number`` (text from the URL; the last page when past it, the first when not a number)."""
    wanted = int_param(number, high=MAX_PAGE) or 1
    rows, count = rows_and_count(qs, (wanted - 1) * size, size)
    if not rows and count:
        wanted = -(-count // size)
        rows, count = rows_and_count(qs, (wanted - 1) * size, size)
    return Page(rows, wanted if rows else 1, count, size)


def count_of(through: type[Model], column: str) -> Coalesce:
    """The number of ``through`` rows whose ``column`` is the outer row: a subquery, where two counted joins
    would multiply each other's rows (and need ``COUNT(DISTINCT …)``)."""
    rows = through.objects.filter(**{column: OuterRef("pk")}).order_by().values(column).annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), 0)


def menus_for(user: Any, tasks: Any) -> dict[str, list[tuple[int, str]]]:
    """The choices of the task filters. An office's (hundreds of plans) are kept in the cache until its
    data changes; a reporter's (few) are read each time."""
    office = perms.office_of(user)
    shared = perms.can_read_all(user) and office is not None
    key = f"hoptac:menus:{office.pk}:{office.data_version}" if shared and office else ""
    if key and (menus := cache.get(key)) is not None:
        return dict(menus)
    agencies = perms.scope(Agency.objects.all(), user)
    partners = perms.scope(Partner.objects.exclude(country="VN"), user)
    plans = perms.scope(Plan.objects.all(), user)
    if not perms.can_read_all(user):
        agency = perms.reporter_agency(user)
        agencies = agencies.filter(pk=agency.pk if agency else None)
        partners = partners.filter(
            pk__in=Plan.partners.through.objects.filter(plan_id__in=tasks.values("plan_id")).values("partner_id")
        )
        plans = plans.filter(pk__in=tasks.values("plan_id"))
    menus = {
        "agencies": list(agencies.values_list("id", "name")),
        "partners": list(partners.values_list("id", "name")),
        "plans": list(plans.values_list("id", "title")),
    }
    if key:
        cache.set(key, menus, 600)
    return menus
