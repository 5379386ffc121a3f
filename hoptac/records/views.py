"""The web pages: plain functions, each asking ``perms`` who may see and change what."""

from __future__ import annotations

import calendar
import re
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hoptac.errors import HoptacError
from hoptac.records import audit, perms
from hoptac.records.forms import (
    AgreementStatusForm,
    BulkStatusForm,
    EventForm,
    ProgressReportForm,
    UploadForm,
)
from hoptac.records.ingest import apply_decisions, ingest_bytes, read_document, rebuild, sha256
from hoptac.records.models import (
    Agency,
    Agreement,
    ApiToken,
    AuditLog,
    Document,
    Event,
    Occurrence,
    Office,
    Partner,
    Plan,
    ProgressReport,
    Status,
    Task,
)

CLOSED = (Status.DONE, Status.CANCELLED)
PENDING_DIR = "pending"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _scoped_get(model: Any, user: Any, pk: int) -> Any:
    obj = get_object_or_404(model, pk=pk)
    perms.check_office(user, obj)
    return obj


def cached_dashboard_stats(user: Any) -> dict[str, Any]:
    """``dashboard_stats``, kept until the office's data changes (its ``data_version``) or the day ends."""
    office = perms.office_of(user)
    if office is None:
        return dashboard_stats(user)
    agency = perms.reporter_agency(user)
    today = timezone.localdate()
    version = Office.objects.filter(pk=office.pk).values_list("data_version", flat=True).first()
    key = f"hoptac:dash:{office.pk}:{version}:{agency.pk if agency else 'all'}:{today.isoformat()}"
    stats = cache.get(key)
    if stats is None:
        stats = dashboard_stats(user, today)
        cache.set(key, stats, 600)
    return dict(stats)


def dashboard_stats(user: Any, today: date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    occ = perms.occurrences_for(user)
    open_occ = occ.exclude(status__in=CLOSED)
    by_agency = list(
        occ.filter(task__lead__isnull=False)
        .values("task__lead__id", "task__lead__name")
        .annotate(n=Count("id"), done=Count("id", filter=Q(status=Status.DONE)), avg=Avg("percent"))
        .order_by("-n")[:15]
    )
    by_partner = [
        row
        for row in occ.filter(task__plan__partners__isnull=False)
        .values("task__plan__partners__id", "task__plan__partners__name", "task__plan__partners__country")
        .annotate(n=Count("id"), done=Count("id", filter=Q(status=Status.DONE)), avg=Avg("percent"))
        .order_by("-n")[:30]
        if row["task__plan__partners__country"] != "VN"
    ][:15]
    by_year = list(
        occ.values("year")
        .annotate(n=Count("id"), done=Count("id", filter=Q(status=Status.DONE)), avg=Avg("percent"))
        .order_by("year")
    )
    for rows in (by_agency, by_partner, by_year):
        for row in rows:
            row["pct"] = round(row["avg"] or 0)
    return {
        "due_month": open_occ.filter(due__range=(first, last)).count(),
        "overdue": open_occ.filter(due__lt=today).count(),
        "missing": open_occ.filter(due__lt=today, last_report_at__isnull=True).count(),
        "by_agency": by_agency,
        "by_partner": by_partner,
        "by_year": by_year,
        "today": today,
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if perms.role_of(request.user) is None:
        raise PermissionDenied(_("Tài khoản chưa được gán văn phòng và vai trò."))
    stats = cached_dashboard_stats(request.user)
    upcoming = (
        perms.occurrences_for(request.user)
        .exclude(status__in=CLOSED)
        .filter(due__gte=stats["today"])
        .select_related("task")
        .order_by("due")[:10]
    )
    unreviewed = 0
    if perms.can_read_all(request.user):
        unreviewed = perms.scope(Document.objects.filter(reviewed=False), request.user).count()
    return render(
        request, "records/dashboard.html", {**stats, "upcoming": upcoming, "unreviewed": unreviewed}
    )


def task_filters(request: HttpRequest, qs: Any) -> tuple[Any, dict[str, Any]]:
    f = {k: _int(request.GET.get(k)) for k in ("agency", "partner", "plan", "year")}
    status = request.GET.get("status") or ""
    if f["agency"]:
        qs = qs.filter(Q(lead__id=f["agency"]) | Q(support__id=f["agency"]))
    if f["partner"]:
        qs = qs.filter(plan__partners__id=f["partner"])
    if f["plan"]:
        qs = qs.filter(plan_id=f["plan"])
    if f["year"]:
        qs = qs.filter(Exists(Occurrence.objects.filter(task=OuterRef("pk"), year=f["year"])))
    if status in Status.values:
        qs = qs.filter(status=status)
    if f["agency"] or f["partner"]:
        qs = qs.distinct()
    return qs, {**f, "status": status}


@login_required
@require_http_methods(["GET", "POST"])
def task_list(request: HttpRequest) -> HttpResponse:
    if perms.role_of(request.user) is None:
        raise PermissionDenied
    base = perms.tasks_for(request.user)
    bulk = BulkStatusForm()
    if request.method == "POST":
        perms.require_edit(request.user)
        bulk = BulkStatusForm(request.POST)
        if bulk.is_valid():
            tasks = list(base.filter(pk__in=bulk.task_ids))
            if len(tasks) != len(bulk.task_ids):
                bulk.add_error(None, _("Có nhiệm vụ không tồn tại hoặc không thuộc quyền của bạn."))
            else:
                new = bulk.cleaned_data["status"]
                with transaction.atomic():
                    for t in tasks:
                        before = t.status
                        t.status = new
                        t.save(update_fields=["status"])
                        audit.log(
                            request.user,
                            "update",
                            t,
                            before={"status": before},
                            after={"status": new},
                            document=t.plan.document,
                        )
                messages.success(request, _("Đã cập nhật %(n)d nhiệm vụ.") % {"n": len(tasks)})
                return redirect(request.get_full_path())
    qs, current = task_filters(request, base)
    qs = qs.select_related("plan").prefetch_related("lead", "support").order_by("plan_id", "position", "id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    scope_agencies = perms.scope(Agency.objects.all(), request.user)
    scope_partners = perms.scope(Partner.objects.exclude(country="VN"), request.user)
    scope_plans = perms.scope(Plan.objects.all(), request.user)
    if not perms.can_read_all(request.user):
        agency = perms.reporter_agency(request.user)
        scope_agencies = scope_agencies.filter(pk=agency.pk if agency else None)
        scope_partners = scope_partners.filter(plans__tasks__in=base).distinct()
        scope_plans = scope_plans.filter(tasks__in=base).distinct()
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "records/task_list.html",
        {
            "page": page,
            "current": current,
            "bulk": bulk,
            "statuses": Status.choices,
            "agencies": scope_agencies.only("id", "name"),
            "partners": scope_partners.only("id", "name"),
            "plans": scope_plans.only("id", "title"),
            "query": params.urlencode(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("plan", "plan__document"), pk=pk)
    if not perms.tasks_for(request.user).filter(pk=task.pk).exists():
        raise PermissionDenied(_("Bạn không có quyền xem nhiệm vụ này."))
    can_report = perms.can_report(request.user, task)
    form = ProgressReportForm(task=task) if can_report else None
    if request.method == "POST":
        if not can_report:
            raise PermissionDenied(_("Bạn không có quyền báo cáo nhiệm vụ này."))
        form = ProgressReportForm(request.POST, request.FILES, task=task)
        if form.is_valid():
            with transaction.atomic():
                report = form.save(commit=False)
                report.office = task.office
                report.author = request.user
                report.agency = perms.reporter_agency(request.user)
                report.save()
                occ = report.occurrence
                before = audit.snapshot(occ, ("status", "percent"))
                occ.status, occ.percent, occ.last_report_at = report.status, report.percent, timezone.now()
                occ.save(update_fields=["status", "percent", "last_report_at"])
                open_left = task.occurrences.exclude(status__in=CLOSED).exists()
                task_before = task.status
                task.status = Status.IN_PROGRESS if open_left else Status.DONE
                task.save(update_fields=["status"])
                audit.log(
                    request.user,
                    "report",
                    occ,
                    before={**before, "task_status": task_before},
                    after={
                        "status": occ.status,
                        "percent": occ.percent,
                        "report": report.pk,
                        "task_status": task.status,
                    },
                    document=task.plan.document,
                    summary=f"Báo cáo tiến độ: {task}",
                )
            messages.success(request, _("Đã ghi báo cáo tiến độ."))
            return redirect("task_detail", pk=task.pk)
    occurrences = task.occurrences.prefetch_related(
        Prefetch("reports", queryset=ProgressReport.objects.select_related("author", "agency"))
    )
    return render(
        request, "records/task_detail.html", {"task": task, "occurrences": occurrences, "form": form}
    )


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    perms.require_read_all(request.user)
    partners = perms.scope(Partner.objects.all(), request.user).annotate(
        n_agreements=Count("agreements", distinct=True), n_plans=Count("plans", distinct=True)
    )
    return render(request, "records/partner_list.html", {"partners": partners})


@login_required
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    perms.require_read_all(request.user)
    partner = _scoped_get(Partner, request.user, pk)
    events = (
        Event.objects.filter(Q(parties=partner) | Q(agreement__parties=partner)).distinct().order_by("date")
    )
    return render(
        request,
        "records/partner_detail.html",
        {
            "partner": partner,
            "agreements": partner.agreements.all(),
            "plans": partner.plans.all(),
            "events": events,
        },
    )


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    perms.require_read_all(request.user)
    agencies = perms.scope(Agency.objects.all(), request.user).annotate(
        n_lead=Count("lead_tasks", distinct=True), n_support=Count("support_tasks", distinct=True)
    )
    return render(request, "records/agency_list.html", {"agencies": agencies})


@login_required
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _scoped_get(Agency, request.user, pk)
    own = perms.reporter_agency(request.user)
    if not perms.can_read_all(request.user) and (own is None or own.pk != agency.pk):
        raise PermissionDenied(_("Bạn chỉ xem được cơ quan của mình."))
    today = timezone.localdate()
    occ = Occurrence.objects.filter(Q(task__lead=agency) | Q(task__support=agency)).distinct()
    return render(
        request,
        "records/agency_detail.html",
        {
            "agency": agency,
            "lead": agency.lead_tasks.select_related("plan").all(),
            "support": agency.support_tasks.select_related("plan").all(),
            "open": occ.exclude(status__in=CLOSED).select_related("task").order_by("due")[:50],
            "overdue": occ.exclude(status__in=CLOSED).filter(due__lt=today).count(),
        },
    )


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    perms.require_read_all(request.user)
    agreements = perms.scope(Agreement.objects.all(), request.user).prefetch_related("parties")
    return render(request, "records/agreement_list.html", {"agreements": agreements})


@login_required
@require_http_methods(["GET", "POST"])
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    perms.require_read_all(request.user)
    agreement = _scoped_get(Agreement, request.user, pk)
    form = AgreementStatusForm(instance=agreement)
    if request.method == "POST":
        perms.require_edit(request.user)
        before = audit.snapshot(agreement)
        form = AgreementStatusForm(request.POST, instance=agreement)
        if form.is_valid():
            with transaction.atomic():
                form.save()
                audit.log(request.user, "update", agreement, before=before, after=audit.snapshot(agreement))
            messages.success(request, _("Đã lưu."))
            return redirect("agreement_detail", pk=agreement.pk)
        agreement.refresh_from_db()
    return render(request, "records/agreement_detail.html", {"agreement": agreement, "form": form})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    perms.require_read_all(request.user)
    plan = _scoped_get(Plan, request.user, pk)
    tasks = plan.tasks.prefetch_related("lead", "support", "occurrences")
    return render(request, "records/plan_detail.html", {"plan": plan, "tasks": tasks})


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    perms.require_read_all(request.user)
    docs = perms.scope(Document.objects.all(), request.user).defer("text", "extraction")
    if request.GET.get("unreviewed"):
        docs = docs.filter(reviewed=False)
    page = Paginator(docs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "records/document_list.html",
        {"page": page, "only_unreviewed": bool(request.GET.get("unreviewed"))},
    )


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    perms.require_read_all(request.user)
    doc = _scoped_get(Document, request.user, pk)
    return render(
        request,
        "records/document_detail.html",
        {
            "doc": doc,
            "plan": getattr(doc, "plan", None),
            "links_out": doc.links_out.select_related("target"),
            "links_in": doc.links_in.select_related("source"),
            "events": doc.events.all(),
        },
    )


@login_required
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    perms.require_read_all(request.user)
    doc = _scoped_get(Document, request.user, pk)
    if not doc.file:
        raise Http404
    try:
        handle = doc.file.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=doc.filename)


def highlight(text: str, extraction: dict[str, Any]) -> SafeString:
    """The cleaned text as HTML, each extracted item marked at its span (outermost spans only)."""
    spans: list[tuple[int, int, str, str]] = []
    for section, cls in (("tasks", "task"), ("parties", "party"), ("events", "event"), ("references", "ref")):
        for i, item in enumerate(extraction.get(section) or []):
            s = item.get("span") or [0, 0]
            if len(s) == 2 and 0 <= s[0] < s[1] <= len(text):
                spans.append((s[0], s[1], cls, f"{cls}-{i}"))
    for field, s in ((extraction.get("document") or {}).get("spans") or {}).items():
        if len(s) == 2 and 0 <= s[0] < s[1] <= len(text):
            spans.append((s[0], s[1], "head", f"head-{field}"))
    spans.sort(key=lambda x: (x[0], -x[1]))
    out, pos = [], 0
    for start, end, cls, ident in spans:
        if start < pos:
            continue
        out.append(escape(text[pos:start]))
        out.append(f'<mark class="hl hl-{cls}" id="span-{ident}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


def parse_decisions(post: Any, extraction: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The review form → decisions for ``apply_decisions``, and the errors (a kept task needs a title)."""
    decisions: dict[str, Any] = {}
    errors: list[str] = []
    for section in ("tasks", "events", "parties", "references"):
        chosen = {}
        for i, item in enumerate(extraction.get(section) or []):
            d: dict[str, Any] = {"keep": post.get(f"{section}-{i}-keep") == "on"}
            if section == "tasks":
                for field in ("title", "lead", "support"):
                    key = f"tasks-{i}-{field}"
                    if key in post:
                        d[field] = post.get(key, "")
                if d["keep"] and "title" in d and not d["title"].strip():
                    errors.append(
                        _("Nhiệm vụ %(ref)s: tên nhiệm vụ không được để trống.")
                        % {"ref": item.get("ref") or i + 1}
                    )
            chosen[i] = d
        decisions[section] = chosen
    return decisions, errors


def _review_items(extraction: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for section in ("tasks", "events", "parties", "references"):
        rows = []
        for i, item in enumerate(extraction.get(section) or []):
            row = dict(item)
            row["index"] = i
            row["lead_text"] = "; ".join(item.get("lead") or [])
            row["support_text"] = "; ".join(item.get("support") or [])
            rows.append(row)
        out[section] = rows
    return out


@login_required
@require_http_methods(["GET", "POST"])
def document_review(request: HttpRequest, pk: int) -> HttpResponse:
    perms.require_read_all(request.user)
    doc = _scoped_get(Document, request.user, pk)
    extraction = doc.extraction or {}
    errors: list[str] = []
    if request.method == "POST":
        perms.require_edit(request.user)
        if doc.reviewed:
            messages.info(request, _("Văn bản này đã được duyệt."))
            return redirect("document_detail", pk=doc.pk)
        decisions, errors = parse_decisions(request.POST, extraction)
        if not errors:
            rebuild(doc, apply_decisions(extraction, decisions), request.user)
            messages.success(request, _("Đã duyệt và lưu văn bản."))
            return redirect("document_detail", pk=doc.pk)
    return render(
        request,
        "records/review.html",
        {
            "doc": doc,
            "extraction": extraction,
            "items": _review_items(extraction),
            "text_html": highlight(doc.text, extraction),
            "errors": errors,
            "filename": doc.filename,
            "action": request.path,
            "already": doc.reviewed,
        },
        status=400 if errors else 200,
    )


def _pending_path(digest: str) -> Path:
    return Path(settings.MEDIA_ROOT) / PENDING_DIR / digest


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    perms.require_edit(request.user)
    form = UploadForm()
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            f = form.cleaned_data["file"]
            data = f.read()
            name = Path(f.name).name[:200]
            try:
                read_document(data, name)
            except HoptacError as exc:
                form.add_error("file", str(exc))
            else:
                digest = sha256(data)
                office = perms.office_of(request.user)
                existing = Document.objects.filter(office=office, sha256=digest).first() if office else None
                if existing is not None:
                    messages.info(request, _("Văn bản này đã có trong hệ thống."))
                    return redirect("document_detail", pk=existing.pk)
                folder = _pending_path(digest)
                folder.mkdir(parents=True, exist_ok=True)
                (folder / "name").write_text(name, encoding="utf-8")
                (folder / "data").write_bytes(data)
                return redirect("upload_review", digest=digest)
        status = 400
    return render(request, "records/upload.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def upload_review(request: HttpRequest, digest: str) -> HttpResponse:
    perms.require_edit(request.user)
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise Http404
    folder = _pending_path(digest)
    try:
        name = (folder / "name").read_text(encoding="utf-8")
        data = (folder / "data").read_bytes()
    except OSError:
        raise Http404 from None
    office = perms.office_of(request.user)
    if office is None:
        raise PermissionDenied(_("Quản trị toàn quốc hãy tải văn bản lên bằng tài khoản của một văn phòng."))
    try:
        ex = read_document(data, name)
    except HoptacError as exc:
        messages.error(request, str(exc))
        return redirect("upload")
    extraction = ex.to_dict()
    errors: list[str] = []
    if request.method == "POST":
        decisions, errors = parse_decisions(request.POST, extraction)
        if not errors:
            result = ingest_bytes(data, name, office, request.user, reviewed=True, decisions=decisions)
            for child in folder.iterdir():
                child.unlink(missing_ok=True)
            folder.rmdir()
            messages.success(
                request, _("Đã lưu văn bản.") if result.created else _("Văn bản này đã có trong hệ thống.")
            )
            return redirect("document_detail", pk=result.document.pk)
    return render(
        request,
        "records/review.html",
        {
            "doc": None,
            "extraction": extraction,
            "items": _review_items(extraction),
            "text_html": highlight(ex.text, extraction),
            "errors": errors,
            "filename": name,
            "action": request.path,
            "already": False,
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_list(request: HttpRequest) -> HttpResponse:
    perms.require_read_all(request.user)
    form = EventForm()
    status = 200
    if request.method == "POST":
        perms.require_edit(request.user)
        form = EventForm(request.POST)
        office = perms.office_of(request.user)
        if office is None:
            form.add_error(None, _("Quản trị toàn quốc hãy ghi sự kiện bằng tài khoản của một văn phòng."))
        if form.is_valid():
            with transaction.atomic():
                event = form.save(commit=False)
                event.office = office
                event.save()
                audit.log(request.user, "create", event, after=audit.snapshot(event))
            messages.success(request, _("Đã ghi sự kiện."))
            return redirect("event_list")
        status = 400
    events = perms.scope(Event.objects.all(), request.user).prefetch_related("parties")[:200]
    return render(request, "records/event_list.html", {"events": events, "form": form}, status=status)


def graph_data(user: Any, limit: int = 40) -> dict[str, Any]:
    partners = list(perms.scope(Partner.objects.all(), user)[: limit * 2])
    local = [p for p in partners if p.country == "VN"][:limit]
    foreign = [p for p in partners if p.country != "VN"][:limit]
    agreements = list(perms.scope(Agreement.objects.prefetch_related("parties"), user)[:limit])
    plans = list(perms.scope(Plan.objects.prefetch_related("partners"), user)[:limit])
    columns = [
        ("local", _("Địa phương"), local),
        ("partner", _("Đối tác"), foreign),
        ("agreement", _("Thỏa thuận"), agreements),
        ("plan", _("Kế hoạch"), plans),
    ]
    pos: dict[tuple[str, int], tuple[int, int]] = {}
    nodes = []
    width = 1000
    for ci, (kind, _label, items) in enumerate(columns):
        x = 20 + ci * (width - 40) // 3
        for ri, obj in enumerate(items):
            y = 50 + ri * 34
            pos[(kind, obj.pk)] = (x, y)
            nodes.append(
                {
                    "x": x,
                    "y": y,
                    "label": str(obj)[:30],
                    "kind": kind,
                    "pk": obj.pk,
                    "anchor": "start" if ci < 3 else "end",
                }
            )
    edges = []

    def link(a: tuple[str, int], b: tuple[str, int]) -> None:
        if a in pos and b in pos:
            edges.append({"x1": pos[a][0], "y1": pos[a][1], "x2": pos[b][0], "y2": pos[b][1]})

    for ag in agreements:
        for p in ag.parties.all():
            link(("local" if p.country == "VN" else "partner", p.pk), ("agreement", ag.pk))
    for pl in plans:
        if pl.agreement_id:
            link(("agreement", pl.agreement_id), ("plan", pl.pk))
        else:
            for p in pl.partners.all():
                link(("local" if p.country == "VN" else "partner", p.pk), ("plan", pl.pk))
    height = 80 + 34 * max([len(c[2]) for c in columns] + [1])
    return {
        "nodes": nodes,
        "edges": edges,
        "width": width,
        "height": height,
        "columns": [
            {"x": 20 + i * (width - 40) // 3, "label": c[1], "anchor": "start" if i < 3 else "end"}
            for i, c in enumerate(columns)
        ],
    }


@login_required
def graph(request: HttpRequest) -> HttpResponse:
    perms.require_read_all(request.user)
    return render(request, "records/graph.html", graph_data(request.user))


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    perms.require_edit(request.user)
    entries = perms.scope(AuditLog.objects.select_related("user", "document"), request.user)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "records/audit_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    token = None
    if request.method == "POST":
        token = ApiToken.issue(request.user)
        audit.log(request.user, "create", token, summary="Tạo mã API")
    return render(
        request,
        "records/account.html",
        {
            "token": token,
            "tokens": request.user.api_tokens.count(),
            "profile": perms.profile_of(request.user),
        },
    )
