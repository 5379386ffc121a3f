"""iCalendar feeds: report deadlines, task years, events and commemorative days, each with an alarm.

A feed is built for a user (what that user may read, an agency reporter only its agency's
items) and narrowed to one of: the user's own view (``me``), an agency, a partner, a plan.
Calendar programs subscribe by URL; the URL carries the user's ``CalendarToken``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from icalendar import Alarm, Calendar
from icalendar import Event as VEvent

from hoptac.cycle import days as cdays
from hoptac.cycle.models import ReportDue
from hoptac.records import perms
from hoptac.records.models import Agency, Event, Occurrence, Partner, Plan, Task

__all__ = ["ALARM_DAYS", "FEEDS", "Scope", "build", "scope_for"]

FEEDS = ("me", "agency", "partner", "plan")
ALARM_DAYS = {"report": 7, "task": 7, "event": 1, "day": 7}
MAX_YEARS = 15
PRODID = "-//hoptac//Chu ky bao cao//VI"


@dataclass
class Scope:
    name: str
    dues: QuerySet[ReportDue]
    occurrences: QuerySet[Occurrence]
    events: QuerySet[Event]
    plans: QuerySet[Plan]


def scope_for(user: Any, kind: str, obj: Any = None) -> Scope:
    """What the feed ``kind`` carries for ``user``; the caller has checked that ``user`` may open ``obj``."""
    tasks = perms.tasks_for(user)
    dues = perms.scope(ReportDue.objects.all(), user)
    occurrences = perms.occurrences_for(user)
    events = perms.scope(Event.objects.filter(date__isnull=False), user)
    plans = perms.scope(Plan.objects.all(), user)
    own = perms.reporter_agency(user)
    if not perms.can_read_all(user):
        dues = dues.filter(agency=own) if own else dues.none()
        events = events.filter(task__in=tasks)
        plans = plans.filter(tasks__in=tasks).distinct()
    if kind == "me":
        name = str(own or perms.office_of(user) or user.get_username())
    elif kind == "agency":
        agency: Agency = obj
        name = agency.name
        agency_tasks = Task.objects.filter(Q(lead=agency) | Q(support=agency)).values("pk")
        dues = dues.filter(agency=agency)
        occurrences = occurrences.filter(task__in=agency_tasks)
        events = events.filter(task__in=agency_tasks)
        plans = plans.filter(tasks__in=agency_tasks).distinct()
    elif kind == "plan":
        plan: Plan = obj
        name = plan.title
        dues = dues.filter(rule__plan=plan)
        occurrences = occurrences.filter(task__plan=plan)
        q = Q(document_id=plan.document_id) | Q(task__plan=plan)
        if plan.agreement_id:
            q |= Q(agreement_id=plan.agreement_id)
        events = events.filter(q)
        plans = plans.filter(pk=plan.pk)
    elif kind == "partner":
        partner: Partner = obj
        name = partner.name
        dues = dues.filter(rule__plan__partners=partner)
        occurrences = occurrences.filter(task__plan__partners=partner)
        events = events.filter(Q(parties=partner) | Q(agreement__parties=partner))
        plans = plans.filter(partners=partner)
    else:
        raise ValueError(kind)
    return Scope(name, dues.distinct(), occurrences.distinct(), events.distinct(), plans.distinct())


def _alarm(days: int, text: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text[:200])
    alarm.add("trigger", timedelta(days=-days))
    return alarm


def _event(uid: str, start: date, end: date | None, summary: str, description: str, alarm_days: int) -> VEvent:
    ev = VEvent()
    ev.add("uid", uid)
    ev.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    ev.add("dtstart", start)
    ev.add("dtend", end or start + timedelta(days=1))
    ev.add("summary", summary)
    if description:
        ev.add("description", description)
    ev.add("transp", "TRANSPARENT")
    ev.add_component(_alarm(alarm_days, summary))
    return ev


def _add(cal: Calendar, uid: str, start: date, end: date | None, *rest: Any) -> None:
    """Add one item; one the calendar cannot carry (a date at the end of time) is skipped, not the feed."""
    try:
        cal.add_component(_event(uid, start, end, *rest))
    except (OverflowError, ValueError, TypeError):
        return


def _years(plans: QuerySet[Plan], today: date) -> list[int]:
    years = {today.year, today.year + 1}
    for start, end in plans.values_list("start_year", "end_year"):
        if start and end and start <= end:
            years.update(range(start, end + 1))
        elif start or end:
            years.add(int(start or end))
    span = sorted(years)
    return [y for y in span if y >= span[-1] - MAX_YEARS + 1]


def build(scope: Scope, base_url: str = "", today: date | None = None) -> bytes:
    today = today or date.today()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"hoptac: {scope.name}"[:200])
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    link = (lambda path: f"\n{base_url}{path}") if base_url else (lambda path: "")
    for due in scope.dues.select_related("agency", "rule__plan"):
        state = "đã nộp" if due.done else "chưa nộp"
        _add(
            cal,
            f"due-{due.pk}@hoptac",
            due.due,
            None,
            f"Hạn báo cáo: {due.agency.name} → {due.rule.recipient} (năm {due.year})",
            f"{due.rule.plan.title}\nTình trạng: {state}" + link(f"/cycle/dues/{due.pk}/"),
            ALARM_DAYS["report"],
        )
    for occ in scope.occurrences.select_related("task").prefetch_related("task__lead"):
        leads = ", ".join(a.name for a in occ.task.lead.all())
        ref = f"{occ.task.ref} " if occ.task.ref else ""
        _add(
            cal,
            f"occ-{occ.pk}@hoptac",
            occ.due,
            None,
            f"Hạn nhiệm vụ {ref}(năm {occ.year}): {occ.task.title}"[:250],
            f"Chủ trì: {leads or '—'}\nTình trạng: {occ.get_status_display()} ({occ.percent}%)"
            + link(f"/tasks/{occ.task_id}/"),
            ALARM_DAYS["task"],
        )
    for event in scope.events:
        _add(
            cal,
            f"event-{event.pk}@hoptac",
            event.date,
            None,
            f"{event.get_kind_display()}: {event.title}"[:250],
            event.place,
            ALARM_DAYS["event"],
        )
    partners = list(
        Partner.objects.filter(plans__in=scope.plans).exclude(country="VN").values_list("country", "name").distinct()
    )
    for day, start, end in cdays.occurrences(cdays.days_for(partners), _years(scope.plans, today)):
        key = cdays._locality_key(day.locality) if day.locality else "all"
        _add(
            cal,
            f"day-{day.country}-{key}-{start:%Y%m%d}@hoptac",
            start,
            end,
            day.title(start.year),
            "Ngày kỷ niệm của đối tác: chuẩn bị thư chúc mừng, hoạt động tuyên truyền.",
            ALARM_DAYS["day"],
        )
    return bytes(cal.to_ical())
