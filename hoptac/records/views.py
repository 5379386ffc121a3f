"""The web pages: plain functions, each asking ``perms`` who may see and change what."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from hoptac.errors import HoptacError
from hoptac.files import short_name
from hoptac.records import audit, pending, perms, progress, queries, summary
from hoptac.records.forms import (
    AgreementForm,
    AgreementStatusForm,
    BulkStatusForm,
    EventForm,
    PartnerForm,
    ProgressReportForm,
    TokenForm,
    UploadForm,
    UserForm,
)
from hoptac.records.ingest import apply_decisions, ingest_bytes, read_document, rebuild, sha256
from hoptac.records.limits import MAX_YEAR, MIN_YEAR, int_param
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
    Profile,
    ProgressReport,
    Status,
    Task,
)
from hoptac.web.security import protect_download

CLOSED = (Status.DONE, Status.CANCELLED)


def _scoped_get(model: Any, user: Any, pk: int) -> Any:
    obj = get_object_or_404(model, pk=pk)
    perms.check_office(user, obj)
    return obj


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
    return render(
        request, "records/dashboard.html", {**stats, "upcoming": upcoming, "unreviewed": unreviewed}
    )


def task_filters(request: HttpRequest, qs: Any) -> tuple[Any, dict[str, Any]]:
    f: dict[str, Any] = {k: int_param(request.GET.get(k)) for k in ("agency", "partner", "plan")}
    f["year"] = int_param(request.GET.get("year"), low=MIN_YEAR, high=MAX_YEAR)
    f["status"] = request.GET.get("status") or ""
    return queries.filter_tasks(qs, **f), f


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
            tasks = list(
                base.filter(pk__in=bulk.task_ids)
                .select_related("plan__document")
                .defer("plan__document__text", "plan__document__extraction")
            )
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
    listing = qs.only("id", "ref", "title", "status").order_by("plan_id", "position", "id")
    page = queries.page_of(listing, request.GET.get("page"))
    menus = queries.menus_for(request.user, base)
    # Plain rows for the template: 50 rows of ORM objects and tags cost more than all the queries.
    agencies = queries.agencies_of([t.pk for t in page], dict(menus["agencies"]))
    labels = dict(Status.choices)
    detail = reverse("task_detail", args=[0])[: -len("0/")]
    rows = [
        {
            "pk": t.pk,
            "url": f"{detail}{t.pk}/",
            "ref": t.ref,
            "title": queries.shorten(t.title, 120),
            "lead": "; ".join(a["name"] for a in agencies[t.pk]["lead"]),
            "support": "; ".join(a["name"] for a in agencies[t.pk]["support"]),
            "status": t.status,
            "status_label": labels.get(t.status, t.status),
        }
        for t in page
    ]
    options = {
        "agency_options": queries.options(menus["agencies"], current["agency"]),
        "partner_options": queries.options(menus["partners"], current["partner"]),
        "plan_options": queries.options(menus["plans"], current["plan"], 60),
        "status_options": queries.options(Status.choices, current["status"]),
    }
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "records/task_list.html",
        {
            "page": page,
            "tasks": qs,
            "rows": rows,
            "rows_html": queries.task_rows(rows, perms.can_edit(request.user)),
            "current": current,
            "bulk": bulk,
            **options,
            "query": params.urlencode(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("plan"), pk=pk)
    if not perms.tasks_for(request.user).filter(pk=task.pk).exists():
        raise PermissionDenied(_("Bạn không có quyền xem nhiệm vụ này."))
    role = perms.report_role(request.user, task)
    form = ProgressReportForm(task=task) if role else None
    if request.method == "POST":
        if not role:
            raise PermissionDenied(_("Bạn không có quyền báo cáo nhiệm vụ này."))
        form = ProgressReportForm(request.POST, request.FILES, task=task)
        if form.is_valid():
            data = form.cleaned_data
            report = progress.submit(
                request.user,
                data["occurrence"],
                status=data["status"],
                percent=data["percent"],
                text=data["text"],
                attachment=data.get("attachment") or None,
                key=f"form:{data['once']}" if data.get("once") else "",
            )
            if report.replayed:
                messages.info(request, _("Báo cáo này đã được ghi (gửi lại lần nữa không ghi thêm)."))
            elif perms.report_sets_progress(report.role, task):
                messages.success(request, _("Đã ghi báo cáo tiến độ."))
            else:
                messages.success(
                    request,
                    _("Đã ghi báo cáo của cơ quan phối hợp; tiến độ do cơ quan chủ trì cập nhật."),
                )
            return redirect("task_detail", pk=task.pk)
    occurrences = task.occurrences.prefetch_related(
        Prefetch("reports", queryset=ProgressReport.objects.select_related("author", "agency"))
    )
    return render(
        request,
        "records/task_detail.html",
        {
            "task": task,
            "occurrences": occurrences,
            "form": form,
            "supporting": bool(role) and not perms.report_sets_progress(str(role), task),
        },
    )


@login_required
def report_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A report's attachment, for whoever may read its task: files are never served from a public URL."""
    report = get_object_or_404(ProgressReport.objects.select_related("occurrence"), pk=pk)
    if not perms.tasks_for(request.user).filter(pk=report.occurrence.task_id).exists():
        raise PermissionDenied(_("Bạn không có quyền xem tệp này."))
    if not report.attachment:
        raise Http404
    try:
        handle = report.attachment.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=report.attachment_name or "tep-dinh-kem")
    return protect_download(response)


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    perms.require_read_all(request.user)
    partners = perms.scope(Partner.objects.all(), request.user).annotate(
        n_agreements=queries.count_of(Agreement.parties.through, "partner_id"),
        n_plans=queries.count_of(Plan.partners.through, "partner_id"),
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


def _save_audited(request: HttpRequest, form: Any, before: dict[str, Any] | None) -> Any:
    """Save ``form`` and record it (with many-to-many fields) in the audit log, in one transaction."""
    with transaction.atomic():
        obj = form.save()
        after = audit.snapshot(obj)
        for field in obj._meta.many_to_many:
            after[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
        audit.log(request.user, "update" if before else "create", obj, before=before, after=after)
    return obj


def _snapshot_with_m2m(obj: Any) -> dict[str, Any]:
    out = audit.snapshot(obj)
    for field in obj._meta.many_to_many:
        out[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return out


SUGGESTED = gettext_lazy(
    "Đã điền sẵn theo danh mục địa danh (tên bản ngữ, đơn vị kế thừa sau sắp xếp 2025…): hãy kiểm tra rồi lưu."
)


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add (``pk`` None) or edit a partner. What the place-name vocabulary knows and the form leaves empty
    (a Vietnamese unit's successor after the 2025 reorganisation, a foreign one's native name) is filled in
    for the clerk to check: on opening an existing partner, or by a first submission that saves nothing."""
    perms.require_edit(request.user)
    partner = _scoped_get(Partner, request.user, pk) if pk else None
    office = partner.office if partner else perms.office_of(request.user)
    if office is None:
        raise PermissionDenied(_("Quản trị toàn quốc hãy thêm mục này bằng tài khoản của một văn phòng."))
    form = PartnerForm(instance=partner, office=office)
    notice, status = "", 200
    if request.method == "GET" and partner is not None:
        stored = {f: getattr(partner, f) for f in ("name", "country", "level", "native_name", "romanization")}
        hints = form.suggest({**stored, "successor_choice": str(partner.successor_id or "")})
        for field, value in hints.items():
            form.initial[field] = value
        form.initial["suggested"] = "1"
        notice = str(SUGGESTED) if hints else ""
    elif request.method == "POST":
        before = _snapshot_with_m2m(partner) if partner else None  # validation writes into the instance
        form = PartnerForm(request.POST, instance=partner, office=office)
        if not form.is_valid():
            status = 400
        elif hints := ({} if request.POST.get("suggested") else form.suggest(form.cleaned_data)):
            data = request.POST.copy()
            data.update({**hints, "suggested": "1"})
            form = PartnerForm(data, instance=partner, office=office)
            form.is_valid()
            notice = str(SUGGESTED)
        else:
            saved = _save_audited(request, form, before)
            messages.success(request, _("Đã lưu đối tác."))
            return redirect("partner_detail", pk=saved.pk)
    return render(
        request, "records/partner_form.html", {"form": form, "partner": partner, "notice": notice}, status=status
    )


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    perms.require_read_all(request.user)
    agencies = perms.scope(Agency.objects.all(), request.user).annotate(
        n_lead=queries.count_of(Task.lead.through, "agency_id"),
        n_support=queries.count_of(Task.support.through, "agency_id"),
    )
    return render(request, "records/agency_list.html", {"agencies": agencies})


@login_required
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _scoped_get(Agency, request.user, pk)
    own = perms.reporter_agency(request.user)
    if not perms.can_read_all(request.user) and (own is None or own.pk != agency.pk):
        raise PermissionDenied(_("Bạn chỉ xem được cơ quan của mình."))
    today = timezone.localdate()
    tasks = queries.filter_tasks(Task.objects.filter(office_id=agency.office_id), agency=agency.pk)
    occ = Occurrence.objects.filter(office_id=agency.office_id, task__in=tasks.values("pk"))
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
    labels = dict(Agreement.Status.choices)
    history = [
        {
            "at": entry.at,
            "user": entry.user,
            "before": labels.get((entry.before or {}).get("status"), ""),
            "after": labels.get((entry.after or {}).get("status"), ""),
        }
        for entry in AuditLog.objects.filter(model="agreement", object_id=str(agreement.pk))
        .select_related("user")
        .order_by("at", "id")
        if (entry.before or {}).get("status") != (entry.after or {}).get("status")
    ]
    return render(
        request,
        "records/agreement_detail.html",
        {"agreement": agreement, "form": form, "history": history},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add (``pk`` None) or edit an agreement with all its fields."""
    perms.require_edit(request.user)
    agreement = _scoped_get(Agreement, request.user, pk) if pk else None
    office = agreement.office if agreement else perms.office_of(request.user)
    if office is None:
        raise PermissionDenied(_("Quản trị toàn quốc hãy thêm mục này bằng tài khoản của một văn phòng."))
    form = AgreementForm(instance=agreement, office=office)
    status = 200
    if request.method == "POST":
        before = _snapshot_with_m2m(agreement) if agreement else None
        form = AgreementForm(request.POST, instance=agreement, office=office)
        if form.is_valid():
            form.instance.office = office
            saved = _save_audited(request, form, before)
            messages.success(request, _("Đã lưu thỏa thuận."))
            return redirect("agreement_detail", pk=saved.pk)
        status = 400
    return render(
        request, "records/agreement_form.html", {"form": form, "agreement": agreement}, status=status
    )


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
    return protect_download(FileResponse(handle, as_attachment=True, filename=doc.filename))


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
            name = short_name(Path(f.name).name, 200)
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
                pending.save(request.user, digest, name, data)
                return redirect("upload_review", digest=digest)
        status = 400
    return render(request, "records/upload.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def upload_review(request: HttpRequest, digest: str) -> HttpResponse:
    perms.require_edit(request.user)
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise Http404
    office = perms.office_of(request.user)
    if office is None:
        raise PermissionDenied(_("Quản trị toàn quốc hãy tải văn bản lên bằng tài khoản của một văn phòng."))
    waiting = pending.load(request.user, digest)
    if waiting is None:
        raise Http404
    name, data = waiting
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
            pending.remove(request.user, digest)
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
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The user's API tokens: made here (the key is shown once), listed with their use, revoked."""
    token = None
    form = TokenForm()
    status = 200
    office = perms.office_of(request.user)
    if request.method == "POST" and "revoke" in request.POST:
        found = request.user.api_tokens.filter(pk=int_param(request.POST.get("revoke"))).first()
        if found is None:
            raise Http404
        with transaction.atomic():
            before = audit.snapshot(found)
            audit.log(request.user, "delete", found, before=before, summary="Thu hồi mã API", office=office)
            found.delete()
        messages.success(request, _("Đã thu hồi mã API."))
        return redirect("account")
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                token = ApiToken.issue(request.user, form.cleaned_data["name"], form.cleaned_data["expires"])
                audit.log(
                    request.user, "create", token, after=audit.snapshot(token), summary="Tạo mã API", office=office
                )
            form = TokenForm()
        else:
            status = 400
    return render(
        request,
        "records/account.html",
        {
            "token": token,
            "form": form,
            "tokens": request.user.api_tokens.all(),
            "profile": perms.profile_of(request.user),
        },
        status=status,
    )


def _account(profile: Profile) -> dict[str, Any]:
    """What the audit log keeps of an account (never its password)."""
    user = profile.user
    return {
        "username": user.get_username(),
        "full_name": user.first_name,
        "email": user.email,
        "office": profile.office_id,
        "role": profile.role,
        "agency": profile.agency_id,
        "is_active": user.is_active,
    }


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    perms.require_edit(request.user)
    profiles = perms.users_for(request.user).order_by("office__name", "user__username")
    office = int_param(request.GET.get("office"))
    if office:
        profiles = profiles.filter(office_id=office)
    page = Paginator(profiles, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "records/user_list.html", {"page": page, "query": params.urlencode()})


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (``pk`` None) or change an account of an office: role, agency, active or not, password."""
    perms.require_edit(request.user)
    profile = None
    if pk is not None:
        profile = perms.users_for(request.user).filter(user_id=pk).first()
        if profile is None:
            if not Profile.objects.filter(user_id=pk).exists():
                raise Http404
            raise PermissionDenied(_("Bạn không quản lý tài khoản này."))
    offices = perms.offices_for(request.user)
    initial: dict[str, Any] = {}
    if profile is not None:
        user = profile.user
        initial = {
            "username": user.get_username(),
            "full_name": user.first_name,
            "email": user.email,
            "office": profile.office,
            "role": profile.role,
            "agency": profile.agency,
            "is_active": user.is_active,
        }
    target = profile.user if profile else None
    form = UserForm(initial=initial, actor=request.user, offices=offices, user=target)
    status = 200
    if request.method == "POST":
        form = UserForm(request.POST, initial=initial, actor=request.user, offices=offices, user=target)
        if form.is_valid():
            data = form.cleaned_data
            with transaction.atomic():
                before = _account(profile) if profile else None
                if profile is None:
                    user = get_user_model().objects.create_user(username=data["username"])
                    profile = Profile(user=user)
                user = profile.user
                user.first_name, user.email = data["full_name"].strip(), data["email"]
                if "is_active" in data:
                    user.is_active = data["is_active"]
                if data.get("password1"):
                    user.set_password(data["password1"])
                user.save()
                profile.office, profile.role, profile.agency = data["office"], data["role"], data["agency"]
                profile.save()
                after = _account(profile)
                changed_password = bool(data.get("password1")) and before is not None
                audit.log(
                    request.user,
                    "update" if before else "create",
                    profile,
                    before=before,
                    after={**after, **({"password": "đã đổi"} if changed_password else {})},
                    summary=f"Tài khoản {user.get_username()}",
                )
            messages.success(request, _("Đã lưu tài khoản %(name)s.") % {"name": user.get_username()})
            return redirect("user_list")
        status = 400
    return render(
        request, "records/user_form.html", {"form": form, "account": profile}, status=status
    )
