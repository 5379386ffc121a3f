"""Reporting duties: read from a plan's extraction into rules, expanded into each year's dues.

The extraction's ``reporting`` entries (``docs/extraction-format.md``) say who reports to whom by when:
``{"from": [], "to": "Sở Ngoại vụ", "due": "--10-31", "yearly": true}``. An empty ``from`` ("các cơ
quan") means every agency that leads a task of the plan. A rule whose sender is the recipient of
another rule of the same plan is the compiled report (the office reports what the agencies sent).
A yearly rule runs from the plan's first year (not before the year the plan was issued) to its
last; its dues are generated through next year, so they are on the board and in the calendars
before they fall due.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from hoptac.cycle.models import AgencyReport, DerivedPlan, ReportDue, ReportingRule
from hoptac.records import audit
from hoptac.records.ingest import Changes, agency_named, log_shared
from hoptac.records.models import Agency, Office, Plan
from hoptac.records.occurrences import parse_due
from hoptac.records.resolve import canonical_agency_name, find_agency
from hoptac.records.text import name_key

__all__ = [
    "Board",
    "BoardRow",
    "board",
    "derive",
    "due_date",
    "expected_dues",
    "generate",
    "mark_submitted",
    "rule_years",
    "senders",
    "settle",
    "sync",
    "sync_new",
]

MAX_RULE_YEARS = 30


def _yearly(due: str | None) -> tuple[int, int] | None:
    if isinstance(due, str) and len(due) == 7 and due.startswith("--") and due[4] == "-":
        month, day = due[2:4], due[5:7]
        if month.isdigit() and day.isdigit() and 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
            return int(month), int(day)
    return None


def due_date(rule: ReportingRule, year: int) -> date | None:
    """The rule's deadline in ``year`` (29 Feb falls on 28 Feb in a common year)."""
    if rule.yearly:
        if not (rule.due_month and rule.due_day):
            return None
        last = calendar.monthrange(year, rule.due_month)[1]
        return date(year, rule.due_month, min(rule.due_day, last))
    return rule.due_date if rule.due_date and rule.due_date.year == year else None


def derive(plan: Plan) -> list[ReportingRule]:
    """The plan's rules as its extraction states them (once per plan: the officer edits them afterwards).

    Logged without a user: the system read them from the document, whoever's visit came first."""
    shared: Changes = []
    with transaction.atomic():
        _marker, created = DerivedPlan.objects.get_or_create(plan=plan)
        if not created:
            return []
        entries = [e for e in (plan.document.extraction or {}).get("reporting") or [] if e.get("to")]
        recipients = {name_key(recipient_name(plan.office, e["to"])) for e in entries}
        doc_year = plan.document.year
        first = plan.start_year
        if first and doc_year and doc_year > first:
            first = min(doc_year, plan.end_year or doc_year)
        rules = []
        for pos, e in enumerate(entries):
            names = [n for n in e.get("from") or [] if n.strip()]
            md = _yearly(e.get("due"))
            once = parse_due(e["due"]) if isinstance(e.get("due"), str) and md is None else None
            sending = [agency_named(plan.office, n, shared) for n in names]
            to = recipient_name(plan.office, e["to"])
            rule = ReportingRule.objects.create(
                office=plan.office,
                plan=plan,
                position=pos,
                all_leads=not names,
                recipient=to,
                yearly=md is not None or (bool(e.get("yearly")) and once is None),
                due_month=md[0] if md else None,
                due_day=md[1] if md else None,
                due_date=once,
                first_year=first if md else None,
                last_year=plan.end_year if md else None,
                compiled=any(a.key in recipients and a.key != name_key(to) for a in sending),
                from_extraction=True,
            )
            rule.senders.set(sending)
            rules.append(rule)
            after = {**audit.snapshot(rule), "senders": sorted(a.pk for a in rule.senders.all())}
            audit.log(
                None, "derive", rule, after=after, document=plan.document_id, summary=f"Quy định báo cáo: {rule}"[:500]
            )
        log_shared(None, shared, plan.document, "derive", "Cơ quan báo cáo")
    return rules


def recipient_name(office: Office, name: str) -> str:
    """A recipient as the office's agency of that name is spelled, else with its abbreviations spelled out
    ("Văn phòng UBND tỉnh" → "Văn phòng Ủy ban nhân dân tỉnh")."""
    agency = find_agency(office, name)
    return (agency.name if agency is not None else canonical_agency_name(name))[:300]


def senders(rule: ReportingRule) -> list[Agency]:
    """The agencies that owe the report (never the recipient itself)."""
    agencies = {a.pk: a for a in rule.senders.all()}
    if rule.all_leads:
        for a in Agency.objects.filter(lead_tasks__plan_id=rule.plan_id).distinct():
            agencies.setdefault(a.pk, a)
    to = name_key(rule.recipient)
    return sorted((a for a in agencies.values() if a.key != to), key=lambda a: a.name)


def rule_years(rule: ReportingRule, horizon: int) -> list[int]:
    if not rule.active:
        return []
    if not rule.yearly:
        return [rule.due_date.year] if rule.due_date else []
    if not (rule.due_month and rule.due_day):
        return []
    plan = rule.plan
    first = rule.first_year or plan.start_year or plan.document.year or horizon
    last = min(rule.last_year or plan.end_year or horizon, horizon, first + MAX_RULE_YEARS - 1)
    return list(range(first, last + 1))


def expected_dues(rule: ReportingRule, horizon: int) -> dict[tuple[int, int], date]:
    """(agency id, year) → due date."""
    out: dict[tuple[int, int], date] = {}
    agencies = senders(rule)
    for year in rule_years(rule, horizon):
        d = due_date(rule, year)
        if d is None:
            continue
        for a in agencies:
            out[(a.pk, year)] = d
    return out


def _due_label(due: ReportDue) -> dict[str, Any]:
    return {"id": due.pk, "agency": due.agency_id, "year": due.year, "due": due.due.isoformat()}


def generate(rule: ReportingRule, horizon: int, user: Any = None) -> int:
    """Bring the rule's dues in line with it: add the missing, move or drop the open ones; returns how many changed.

    What changed is one audit entry on the rule (``user``: who changed the rule; None when the system did)."""
    want = expected_dues(rule, horizon)
    before: dict[str, Any] = {"removed": [], "moved": []}
    after: dict[str, Any] = {"added": [], "moved": [], "done": []}
    with transaction.atomic():
        have = {(d.agency_id, d.year): d for d in ReportDue.objects.select_for_update().filter(rule=rule)}
        for key, due in have.items():
            if key not in want:
                if not due.done:
                    before["removed"].append(_due_label(due))
                    due.delete()
            elif due.due != want[key] and not due.done:
                before["moved"].append(_due_label(due))
                due.due = want[key]
                due.save(update_fields=["due"])
                after["moved"].append(_due_label(due))
        new = [
            ReportDue(office_id=rule.office_id, rule=rule, agency_id=a, year=y, due=d)
            for (a, y), d in want.items()
            if (a, y) not in have
        ]
        new = ReportDue.objects.bulk_create(new)  # with their ids (SQLite ≥ 3.35, PostgreSQL)
        after["added"] = [_due_label(d) for d in new]
        after["done"] = _mark_done_from_reports(rule)
        changed = len(before["removed"]) + len(before["moved"]) + len(after["added"]) + len(after["done"])
        if changed:
            audit.log(
                user,
                "generate",
                rule,
                before=before,
                after=after,
                document=rule.plan.document_id,
                summary=f"Kỳ báo cáo theo quy định: {rule}"[:500],
            )
    return changed


def _mark_done_from_reports(rule: ReportingRule) -> list[int]:
    if rule.compiled:
        return []
    done = []
    for due in ReportDue.objects.filter(rule=rule, done_at__isnull=True):
        report = AgencyReport.objects.filter(plan_id=rule.plan_id, agency_id=due.agency_id, year=due.year).first()
        if report is not None:
            due.done_at, due.done_by = report.submitted_at, report.submitted_by
            due.save(update_fields=["done_at", "done_by"])
            done.append(due.pk)
    return done


def sync(office: Office | None = None, today: date | None = None) -> int:
    """Read the rules of plans not read yet and generate every rule's dues through next year."""
    today = today or date.today()
    plans: QuerySet[Plan] = Plan.objects.exclude(pk__in=DerivedPlan.objects.values("plan_id"))
    rules: QuerySet[ReportingRule] = ReportingRule.objects.select_related("plan__document")
    if office is not None:
        plans, rules = plans.filter(office=office), rules.filter(office=office)
    for plan in plans.select_related("document"):
        derive(plan)
    return sum(generate(rule, today.year + 1) for rule in rules.prefetch_related("senders"))


def sync_new(office: Office, today: date | None = None) -> int:
    """Only the plans stored since the last sync: read their rules and generate their dues."""
    today = today or date.today()
    changed = 0
    for plan in Plan.objects.filter(office=office).exclude(pk__in=DerivedPlan.objects.values("plan_id")):
        changed += sum(generate(rule, today.year + 1) for rule in derive(plan))
    return changed


def mark_submitted(report: AgencyReport, user: Any = None) -> int:
    """An agency's yearly report settles what it owed under the plan's (not compiled) rules that year."""

    dues = ReportDue.objects.filter(
        rule__plan_id=report.plan_id, rule__compiled=False, agency_id=report.agency_id, year=report.year
    ).select_related("agency", "rule")
    return settle(dues, user, f"Đã nộp báo cáo năm {report.year}")


def settle(dues: QuerySet[ReportDue], user: Any, summary: str) -> int:
    """Mark ``dues`` submitted now, each with its audit entry; returns how many."""
    from django.utils import timezone

    by = user if getattr(user, "is_authenticated", False) else None
    n = 0
    with transaction.atomic():
        for due in dues:
            before = {"done_at": due.done_at.isoformat() if due.done_at else None, "done_by": due.done_by_id}
            due.done_at, due.done_by = timezone.now(), by
            due.save(update_fields=["done_at", "done_by"])
            after = {"done_at": due.done_at.isoformat(), "done_by": due.done_by_id}
            audit.log(user, "update", due, before=before, after=after, summary=f"{summary}: {due}"[:500])
            n += 1
    return n


@dataclass
class BoardRow:
    due: ReportDue
    state: str  # done, late, open
    days_late: int = 0


@dataclass
class Board:
    rows: list[BoardRow] = field(default_factory=list)
    done: int = 0
    late: int = 0
    open: int = 0


def board(dues: QuerySet[ReportDue], today: date) -> Board:
    """Who still owes what: overdue first, then open by date, then submitted."""
    out = Board()
    for due in dues.select_related("agency", "rule", "rule__plan"):
        if due.done:
            out.rows.append(BoardRow(due, "done"))
            out.done += 1
        elif due.due < today:
            out.rows.append(BoardRow(due, "late", (today - due.due).days))
            out.late += 1
        else:
            out.rows.append(BoardRow(due, "open"))
            out.open += 1
    order = {"late": 0, "open": 1, "done": 2}
    out.rows.sort(key=lambda r: (order[r.state], r.due.due, r.due.agency.name))
    return out
