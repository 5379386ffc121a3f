"""Tasks: the filtered list with bulk status, a task with its periods and progress reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hoptac.dates import vn_date
from hoptac.records import audit, perms, progress, queries
from hoptac.records.forms import (
    BulkStatusForm,
    ProgressReportForm,
)
from hoptac.records.limits import MAX_YEAR, MIN_YEAR, int_param
from hoptac.records.models import (
    Occurrence,
    ProgressReport,
    Status,
    Task,
)
from hoptac.web.security import protect_download


def task_filters(request: HttpRequest, qs: Any) -> tuple[Any, dict[str, Any]]:
    f: dict[str, Any] = {k: int_param(request.GET.get(k)) for k in ("agency", "partner", "plan")}
    f["year"] = int_param(request.GET.get("year"), low=MIN_YEAR, high=MAX_YEAR)
    f["status"] = request.GET.get("status") or ""
    f["overdue"] = timezone.localdate() if request.GET.get("overdue") else None
    return queries.filter_tasks(qs, **f), f


def set_periods_status(user: Any, task: Task, status: str) -> int:
    """A task's new status applies to its yearly periods too (done: at 100%); each changed one is logged."""
    n = 0
    for occ in Occurrence.objects.filter(task=task).exclude(status=status):
        before = {"status": occ.status, "percent": occ.percent}
        occ.status = status
        if status == Status.DONE:
            occ.percent = 100
        occ.save(update_fields=["status", "percent"])
        after = {"status": occ.status, "percent": occ.percent}
        audit.log(user, "update", occ, before=before, after=after, document=task.plan.document)
        n += 1
    return n


@login_required
@require_http_methods(["GET", "POST"])
def task_list(request: HttpRequest) -> HttpResponse:
    if perms.role_of(request.user) is None:
        raise PermissionDenied
    base = perms.tasks_for(request.user)
    bulk = BulkStatusForm()
    if request.method == "POST":
        perms.require_edit(request.user)
        data = request.POST.copy()
        if data.get("bulk") == "top":  # the control above the table: its own menu
            data["status"] = data.get("status_top", "")
        bulk = BulkStatusForm(data)
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
                        set_periods_status(request.user, t, new)
                messages.success(request, _("Đã cập nhật %(n)d nhiệm vụ.") % {"n": len(tasks)})
                return redirect(request.get_full_path())
    qs, current = task_filters(request, base)
    listing = queries.next_due(qs.only("id", "ref", "title", "status", "plan_id")).order_by("plan_id", "position", "id")
    page = queries.page_of(listing, request.GET.get("page"))
    menus = queries.menus_for(request.user, base)
    # Plain rows for the template: 50 rows of ORM objects and tags cost more than all the queries.
    agencies = queries.agencies_of([t.pk for t in page], dict(menus["agencies"]))
    partners = queries.partners_of(t.plan_id for t in page)
    today = timezone.localdate()
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
            "partners": "; ".join(partners.get(t.plan_id, [])),
            "due": vn_date(t.next_due),
            "late": t.next_due is not None and t.next_due < today,
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
    perms.check_office(request.user, task)
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
    perms.check_office(request.user, report)
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
