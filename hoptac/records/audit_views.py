"""The audit log's page and exports: every recorded change of the office, filtered, paged, as CSV or XLSX.

Officers and administrators read their office's log; a national administrator reads every office's.
Reporters and viewers are refused (``perms.require_edit``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from hoptac.records import perms
from hoptac.records.limits import MAX_ID, bound_dates
from hoptac.records.models import AuditLog, Office
from hoptac.sheets import csv_value, xlsx_cell

__all__ = ["ACTIONS", "MODELS", "AuditFilterForm", "audit_export", "audit_list", "filtered"]

ACTIONS = {
    "create": pgettext_lazy("audit", "Tạo"),
    "update": pgettext_lazy("audit", "Sửa"),
    "delete": pgettext_lazy("audit", "Xóa"),
    "ingest": pgettext_lazy("audit", "Nhập văn bản"),
    "review": pgettext_lazy("audit", "Duyệt văn bản"),
    "report": pgettext_lazy("audit", "Báo cáo"),
    "import": pgettext_lazy("audit", "Nhập bảng tính"),
    "derive": pgettext_lazy("audit", "Đọc tự động từ văn bản"),
    "generate": pgettext_lazy("audit", "Lập kỳ báo cáo"),
    "remind": pgettext_lazy("audit", "Gửi nhắc việc"),
    "merge": pgettext_lazy("audit", "Gộp"),
}
MODELS = {
    "document": pgettext_lazy("audit", "văn bản"),
    "partner": pgettext_lazy("audit", "đối tác"),
    "agency": pgettext_lazy("audit", "cơ quan"),
    "agreement": pgettext_lazy("audit", "thỏa thuận"),
    "plan": pgettext_lazy("audit", "kế hoạch"),
    "task": pgettext_lazy("audit", "nhiệm vụ"),
    "occurrence": pgettext_lazy("audit", "kỳ thực hiện"),
    "event": pgettext_lazy("audit", "sự kiện"),
    "documentlink": pgettext_lazy("audit", "dẫn chiếu"),
    "profile": pgettext_lazy("audit", "tài khoản"),
    "apitoken": pgettext_lazy("audit", "mã API"),
    "calendartoken": pgettext_lazy("audit", "mã lịch"),
    "reportingrule": pgettext_lazy("audit", "quy định báo cáo"),
    "reportdue": pgettext_lazy("audit", "kỳ báo cáo của cơ quan"),
    "agencyreport": pgettext_lazy("audit", "báo cáo năm của cơ quan"),
    "compiledreport": pgettext_lazy("audit", "báo cáo tổng hợp"),
    "remindersetting": pgettext_lazy("audit", "cách nhắc việc"),
    "reminderlog": pgettext_lazy("audit", "thư nhắc việc"),
}
# where the action's word would repeat the model's ("Báo cáo báo cáo năm …"), the action says it otherwise
ACTION_FOR = {("report", "agencyreport"): pgettext_lazy("audit", "Nộp")}
PER_PAGE = 50
XLSX_MAX_ROWS = 1_000_000  # a sheet holds 1,048,576 rows


class AuditFilterForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("Từ ngày"), required=False)
    end = forms.DateField(label=gettext_lazy("Đến ngày"), required=False)
    user = forms.TypedChoiceField(label=gettext_lazy("Người thực hiện"), required=False, coerce=int, empty_value=None)
    action = forms.ChoiceField(label=gettext_lazy("Việc"), required=False)
    model = forms.ChoiceField(label=gettext_lazy("Loại mục"), required=False)
    object_id = forms.CharField(label=gettext_lazy("Mã mục"), required=False, max_length=40)
    document = forms.IntegerField(label=gettext_lazy("Mã văn bản nguồn"), required=False, min_value=1, max_value=MAX_ID)
    office = forms.TypedChoiceField(label=gettext_lazy("Văn phòng"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, entries: QuerySet[AuditLog], national: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actors = (
            entries.filter(user__isnull=False)
            .order_by("user__username")
            .values_list("user_id", "user__username")
            .distinct()
        )
        everyone = [("", _("Mọi người"))]
        self.fields["user"].choices = everyone + [(str(pk), name) for pk, name in actors]
        self.fields["action"].choices = [("", _("Mọi việc"))] + [(k, str(v)) for k, v in ACTIONS.items()]
        self.fields["model"].choices = [("", _("Mọi loại"))] + [(k, capfirst(str(v))) for k, v in MODELS.items()]
        if national:
            offices = [(str(pk), name) for pk, name in Office.objects.values_list("pk", "name")]
            self.fields["office"].choices = [("", _("Mọi văn phòng"))] + offices
        else:
            del self.fields["office"]
        for name in ("start", "end"):
            self.fields[name].widget.attrs["placeholder"] = "dd/mm/yyyy"
        self.fields["user"].error_messages["invalid_choice"] = _("Người này không có trong nhật ký.")
        self.fields["document"].error_messages["invalid"] = _("Mã văn bản phải là một số.")
        bound_dates(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        return data


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered(request: HttpRequest) -> tuple[QuerySet[AuditLog], AuditFilterForm]:
    """The log entries the user may read, narrowed by the valid filters of the query string."""
    perms.require_edit(request.user)
    entries = perms.scope(AuditLog.objects.all(), request.user)
    form = AuditFilterForm(request.GET or None, entries=entries, national=perms.is_national(request.user))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("start"):
            entries = entries.filter(at__gte=_midnight(data["start"]))
        if data.get("end"):
            entries = entries.filter(at__lt=_midnight(data["end"] + dt.timedelta(days=1)))
        for field in ("user", "office", "document"):
            if data.get(field):
                entries = entries.filter(**{f"{field}_id": data[field]})
        for field in ("action", "model", "object_id"):
            if data.get(field):
                entries = entries.filter(**{field: data[field].strip()})
    elif form.is_bound:
        entries = entries.none()  # a filter that cannot be read shows nothing rather than everything
    return entries.select_related("user", "document", "office"), form


def _changes(before: Any, after: Any) -> list[tuple[str, Any, Any]]:
    """(field, before, after) of what differs, when both sides are dicts (else one line with each side)."""
    if isinstance(before, dict) or isinstance(after, dict):
        b = before if isinstance(before, dict) else {}
        a = after if isinstance(after, dict) else {}
        return [(k, b.get(k), a.get(k)) for k in dict.fromkeys([*b, *a]) if b.get(k) != a.get(k)]
    return [("", before, after)] if before is not None or after is not None else []


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    entries, form = filtered(request)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "entry": e,
            "action": ACTION_FOR.get((e.action, e.model)) or ACTIONS.get(e.action, e.action),
            "model": MODELS.get(e.model, e.model),
            "changes": _changes(e.before, e.after),
        }
        for e in page
    ]
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    return render(
        request,
        "records/audit_list.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "query": query,
            "csv_url": reverse("audit_export", args=["csv"]) + (f"?{query}" if query else ""),
            "xlsx_url": reverse("audit_export", args=["xlsx"]) + (f"?{query}" if query else ""),
        },
        status=400 if form.errors else 200,
    )


def _header() -> list[str]:
    return [
        _("Thời điểm"),
        _("Tên đăng nhập"),
        _("Họ tên"),
        _("Văn phòng"),
        _("Việc"),
        _("Loại mục"),
        _("Mã mục"),
        _("Nội dung"),
        _("Trước"),
        _("Sau"),
        _("Mã văn bản nguồn"),
        _("Văn bản nguồn"),
    ]


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _rows(entries: QuerySet[AuditLog]) -> Iterator[list[Any]]:
    for e in entries.iterator(chunk_size=2000):
        yield [
            timezone.localtime(e.at).isoformat(timespec="seconds"),
            e.user.get_username() if e.user else "",
            e.user.get_full_name() if e.user else "",
            e.office.name if e.office else "",
            str(ACTION_FOR.get((e.action, e.model)) or ACTIONS.get(e.action, e.action)),
            str(MODELS.get(e.model, e.model)),
            e.object_id,
            e.summary,
            _json(e.before),
            _json(e.after),
            e.document_id or "",
            str(e.document) if e.document else "",
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(entries: QuerySet[AuditLog]) -> Iterable[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel reads the file as UTF-8 only with the BOM
    yield writer.writerow(_header())
    for row in _rows(entries):
        yield writer.writerow([csv_value(v) for v in row])  # summaries carry text users typed


def _xlsx(entries: QuerySet[AuditLog]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Nhật ký"))
    sheet.append(_header())
    for row in _rows(entries):
        sheet.append([xlsx_cell(WriteOnlyCell(sheet), v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@login_required
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered log as CSV (streamed) or XLSX, every matching entry rather than one page."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    entries, form = filtered(request)
    back = reverse("audit_list") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if form.errors:
        messages.error(request, _("Bộ lọc không hợp lệ: hãy sửa rồi xuất lại."))
        return redirect(back)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response: HttpResponse = StreamingHttpResponse(_csv(entries), content_type="text/csv; charset=utf-8")
    else:
        if entries.count() > XLSX_MAX_ROWS:
            messages.error(
                request,
                _("Quá nhiều dòng cho một tệp Excel (tối đa %(n)s): hãy lọc hẹp hơn hoặc xuất CSV.")
                % {"n": f"{XLSX_MAX_ROWS:,}".replace(",", ".")},
            )
            return redirect(back)
        response = HttpResponse(
            _xlsx(entries), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="nhat-ky-{stamp}.{fmt}"'
    return response
