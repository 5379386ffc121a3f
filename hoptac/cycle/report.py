"""The province's yearly report on a plan (or on every plan with a partner): what goes into it.

``open_report`` finds or starts the office's ``CompiledReport`` for a year and a plan or partner,
with a header drawn from the plan (issuer, place, signer, recipients from the reporting rules).
``compile_texts`` merges the agencies' yearly reports (difficulties, proposals) into it.
``task_lines`` gives each task of the plans with its lead agencies, its status and percent that
year and each agency's latest reported text: the body of the DOCX and the rows of the XLSX.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from hoptac.cycle.models import AgencyReport, CompiledReport, ReportingRule
from hoptac.errors import HoptacError
from hoptac.records import audit
from hoptac.records.models import Agency, Event, Occurrence, Office, Partner, Plan, ProgressReport, Status, Task
from hoptac.records.text import name_key

__all__ = [
    "cooperation_events",
    "event_line",
    "Group",
    "PlanPart",
    "TaskLine",
    "compile_texts",
    "defaults",
    "open_report",
    "plans_of",
    "status_label",
    "structure_of",
    "task_lines",
]

UBND = "ủy ban nhân dân"


def status_label(status: str) -> str:
    with translation.override("vi"):
        return str(dict(Status.choices)[status])


def plans_of(report: CompiledReport) -> QuerySet[Plan]:
    if report.plan_id:
        return Plan.objects.filter(pk=report.plan_id)
    qs = Plan.objects.filter(office_id=report.office_id)
    if report.partner_id:
        qs = qs.filter(partners=report.partner_id)
    year = report.year
    return (
        qs.filter(Q(start_year__isnull=True) | Q(start_year__lte=year))
        .filter(Q(end_year__isnull=True) | Q(end_year__gte=year))
        .order_by("start_year", "id")
        .distinct()
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _plan_ref(plan: Plan) -> str:
    doc = plan.document
    ref = f"số {doc.number}" if doc.number else ""
    if doc.date:
        ref += f" ngày {doc.date:%d/%m/%Y}"
    return ref.strip()


def defaults(office: Office, year: int, plan: Plan | None = None, partner: Partner | None = None) -> dict[str, Any]:
    """The header and framing text of a new report, from the plan's document and reporting rules."""
    probe = CompiledReport(office=office, year=year, plan=plan, partner=partner)
    plans = list(plans_of(probe).select_related("document"))
    first = plan or (plans[0] if plans else None)
    info = (first.document.extraction or {}).get("document") or {} if first else {}
    # a plan's report is the plan issuer's; a report over several plans is the office's own
    issuer = ((first.document.issuer if first else "") or office.name) if plan is not None else office.name
    is_ubnd = name_key(issuer).startswith(name_key(UBND))
    if plan is not None:
        ref = _plan_ref(plan)
        title = f"Kết quả thực hiện năm {year} Kế hoạch {ref + ' ' if ref else ''}{_lower_first(plan.title)}"
        intro = (
            f"Thực hiện Kế hoạch {ref + ' ' if ref else ''}{_lower_first(plan.title)}; trên cơ sở báo cáo của các "
            f"cơ quan, đơn vị, {issuer} báo cáo kết quả thực hiện năm {year} như sau:"
        )
    else:
        who = f"hợp tác với {partner.name}" if partner else "hợp tác quốc tế"
        title = f"Kết quả thực hiện năm {year} các kế hoạch {who}"
        intro = (
            f"Trên cơ sở báo cáo của các cơ quan, đơn vị, {issuer} báo cáo kết quả thực hiện năm {year} "
            f"các kế hoạch {who} như sau:"
        )
    recipients: list[str] = []
    for rule in ReportingRule.objects.filter(plan__in=plans, compiled=True, active=True).order_by(
        "plan_id", "position"
    ):
        key = name_key(rule.recipient)
        if not name_key(issuer).startswith(key) and rule.recipient not in recipients:
            recipients.append(rule.recipient)
    recipients.append("Lưu: VT.")
    signers = info.get("signers") or []
    return {
        "issuer": issuer[:300],
        "symbol": "BC-UBND" if is_ubnd else "BC",
        "place": (info.get("place") or "")[:100],
        "title": title,
        "intro": intro,
        "recipients": "\n".join(recipients),
        "signer_authority": "TM. ỦY BAN NHÂN DÂN" if is_ubnd else "",
        "signer_title": "CHỦ TỊCH" if is_ubnd else "GIÁM ĐỐC",
        "signer_name": (signers[0] if signers else "")[:200],
    }


def open_report(
    office: Office,
    year: int,
    plan: Plan | None = None,
    partner: Partner | None = None,
    *,
    save: bool = True,
    user: Any = None,
) -> CompiledReport:
    """The office's report for (year, plan or partner): the stored one, else a new one with its defaults
    (``save``: stored, and logged as ``user``'s)."""
    if not 1900 <= year <= 2200:
        raise HoptacError(f"năm không hợp lệ: {year}")
    if plan is not None and plan.office_id != office.pk:
        raise HoptacError(f"kế hoạch {plan.pk} không thuộc văn phòng {office.name}")
    if partner is not None and partner.office_id != office.pk:
        raise HoptacError(f"đối tác {partner.pk} không thuộc văn phòng {office.name}")
    found = CompiledReport.objects.filter(office=office, year=year, plan=plan, partner=partner).first()
    if found is not None:
        return found
    report = CompiledReport(
        office=office, year=year, plan=plan, partner=partner, **defaults(office, year, plan, partner)
    )
    if not plans_of(report).exists():
        raise HoptacError(f"không có kế hoạch nào để báo cáo năm {year}")
    if save:
        with transaction.atomic():
            compile_texts(report)
            audit.log(
                user,
                "create",
                report,
                after=audit.snapshot(report),
                document=plan.document_id if plan else None,
                summary=f"Lập báo cáo tổng hợp: {report.title}"[:500],
            )
    return report


def compile_texts(report: CompiledReport) -> int:
    """Merge the agencies' difficulties and proposals for the year into the report; returns how many agencies."""
    parts: dict[str, list[str]] = {"difficulties": [], "proposals": []}
    reports = AgencyReport.objects.filter(plan__in=plans_of(report), year=report.year).select_related("agency")
    agencies = set()
    for r in reports.order_by("agency__name", "plan_id"):
        for name in parts:
            text = " ".join(str(getattr(r, name)).split())
            if text:
                parts[name].append(f"- {r.agency.name}: {text}")
                agencies.add(r.agency_id)
    with transaction.atomic():
        report.difficulties = "\n".join(parts["difficulties"])
        report.proposals = "\n".join(parts["proposals"])
        report.compiled_at = timezone.now()
        report.save()
    return len(agencies)


# -- the body --------------------------------------------------------------------------------------


def structure_of(plan: Plan) -> dict[str, str]:
    """Ref → heading of the plan's sections and of its numbered items that have children ("II.1" → "Hợp tác …")."""
    from hoptac.extract.structure import structure

    text = plan.document.text or ""
    out: dict[str, str] = {}
    try:
        layout = structure(text)
    except Exception:  # a layout the reader cannot parse only costs the headings
        return out
    for section in layout.sections:
        if not section.roman or section.heading is None:
            continue
        heading = section.heading.text
        out[section.roman] = heading.split(".", 1)[1].strip() if "." in heading[:6] else heading

        def walk(items: list[Any], prefix: str) -> None:
            for item in items:
                ref = ".".join((prefix, *item.path))
                if item.children:
                    out[ref] = text[item.marker_end : item.heading.end].strip().rstrip(":.")
                    walk(item.children, prefix)

        walk(section.items, section.roman)
    return out


@dataclass
class TaskLine:
    task: Task
    leads: list[Agency]
    occurrences: list[Occurrence]
    status: str
    percent: int | None
    texts: list[tuple[Agency | None, str]] = field(default_factory=list)
    # (occurrence, agency or None) → that agency's latest text on that occurrence (the XLSX rows)
    slots: list[tuple[Occurrence, Agency | None, str]] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass
class Group:
    ref: str
    title: str
    lines: list[TaskLine] = field(default_factory=list)


@dataclass
class PlanPart:
    plan: Plan
    groups: list[Group] = field(default_factory=list)

    @property
    def lines(self) -> list[TaskLine]:
        return [line for g in self.groups for line in g.lines]


def _group_ref(ref: str, headings: dict[str, str]) -> str:
    parts = ref.split(".")
    for n in range(len(parts) - 1, 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in headings:
            return candidate
    return parts[0] if len(parts) > 1 else ""


def task_lines(plans: list[Plan], year: int) -> list[PlanPart]:
    """Every task of the plans, grouped by the plan's sections, with that year's status and texts."""
    tasks = list(
        Task.objects.filter(plan__in=plans)
        .select_related("plan")
        .prefetch_related("lead")
        .order_by("plan_id", "position", "id")
    )
    occ_by_task: dict[int, list[Occurrence]] = defaultdict(list)
    for occ in Occurrence.objects.filter(task__in=tasks, year=year).order_by("due", "id"):
        occ_by_task[occ.task_id].append(occ)
    latest: dict[tuple[int, int | None], ProgressReport] = {}
    reports = ProgressReport.objects.filter(occurrence__task__in=tasks, occurrence__year=year).select_related("agency")
    for r in reports.order_by("created_at", "id"):
        latest[(r.occurrence_id, r.agency_id)] = r
    agencies_by_occ: dict[int, dict[int | None, Agency | None]] = defaultdict(dict)
    for (occ_id, agency_id), r in latest.items():
        agencies_by_occ[occ_id][agency_id] = r.agency
    parts = []
    for plan in plans:
        headings = structure_of(plan)
        groups: dict[str, Group] = {}
        for task in (t for t in tasks if t.plan_id == plan.pk):
            leads = sorted(task.lead.all(), key=lambda a: a.name)
            occs = occ_by_task.get(task.pk, [])
            last = occs[-1] if occs else None
            line = TaskLine(
                task, leads, occs, str(last.status if last else task.status), last.percent if last else None
            )
            for occ in occs:
                slots: dict[int | None, Agency | None] = {a.pk: a for a in leads} or {None: None}
                for agency_id, agency in agencies_by_occ.get(occ.pk, {}).items():
                    slots.setdefault(agency_id, agency)
                for agency_id, agency in slots.items():
                    report = latest.get((occ.pk, agency_id))
                    text = report.text if report else ""
                    line.slots.append((occ, agency, text))
                    if text:
                        line.texts.append((agency, text))
            gref = _group_ref(task.ref, headings)
            if gref not in groups:
                groups[gref] = Group(gref, headings.get(gref, f"Mục {gref}" if gref else "Nhiệm vụ khác"))
            groups[gref].lines.append(line)
        parts.append(PlanPart(plan, list(groups.values())))
    return parts


def cooperation_events(report: CompiledReport) -> list[Event]:
    """The year's cooperation activities (talks, visits, signings, delegations…) the report covers: with its
    partner, or with the partners of its plan (and the events of the plan's own document), or all the office's."""
    qs = Event.objects.filter(office_id=report.office_id, date__year=report.year)
    if report.partner_id:
        qs = qs.filter(Q(parties=report.partner_id) | Q(agreement__parties=report.partner_id))
    elif report.plan_id:
        plan = report.plan
        assert plan is not None
        partners = list(plan.partners.values_list("pk", flat=True))
        qs = qs.filter(Q(parties__in=partners) | Q(document_id=plan.document_id))
    return list(qs.distinct().prefetch_related("parties").order_by("date", "id"))


def event_line(event: Event) -> str:
    """ "24/11/2022: Hội đàm giữa huyện Vị Xuyên và huyện Ma Lì Pha (Hội đàm)"."""
    title = " ".join(event.title.split()).rstrip(". ")
    kind = event.get_kind_display()
    first = str(kind).split()[0].strip(",").casefold()
    label = title if title.casefold().startswith(first) else f"{kind}: {title}"
    place = f", tại {event.place}" if event.place else ""
    return f"{event.date_label}: {label}{place}."
