"""The cycle's pages: plain functions, each asking ``hoptac.records.perms`` who may see and change what.

- everyone with a role: the cycle's home (a reporter: its agency's dues), the calendar page;
- readers of the office (officer, viewer, administrator): the missing-reports board, the rules,
  the compiled reports and their files;
- editors (officer, administrator): change rules, mark dues, compile, import, reminder settings;
- an agency reporter: its own agency's yearly report form.
The calendar feeds open with the user's secret token instead of a session.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hoptac.cycle import ical, pdf, rules
from hoptac.cycle.docx_report import render_docx
from hoptac.cycle.forms import AgencyReportForm, CompiledReportForm, ImportForm, ReminderForm, RuleForm
from hoptac.cycle.models import AgencyReport, CalendarToken, CompiledReport, ReminderLog, ReportDue, ReportingRule
from hoptac.cycle.remind import recipients, setting_of
from hoptac.cycle.report import compile_texts, open_report, plans_of
from hoptac.cycle.xlsx import MAX_BYTES as XLSX_MAX_BYTES
from hoptac.cycle.xlsx import export_xlsx, import_xlsx
from hoptac.errors import HoptacError
from hoptac.files import read_upload
from hoptac.records import audit, perms, progress
from hoptac.records.limits import MAX_YEAR, MIN_YEAR, int_param
from hoptac.records.models import Agency, Occurrence, Partner, Plan, ProgressReport

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _int(value: str | None) -> int | None:
    return int_param(value)


def _year(value: str | None) -> int | None:
    return int_param(value, low=MIN_YEAR, high=MAX_YEAR)


def _scoped_get(model: Any, user: Any, pk: int) -> Any:
    obj = get_object_or_404(model, pk=pk)
    perms.check_office(user, obj)
    return obj


def _require_role(user: Any) -> None:
    if perms.role_of(user) is None:
        raise PermissionDenied(_("Tài khoản chưa được gán văn phòng và vai trò."))


def _sync(user: Any) -> None:
    """Read the rules of any plan stored since the last visit (cheap when there is none)."""
    office = perms.office_of(user)
    if office is not None:
        rules.sync_new(office, timezone.localdate())


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _require_role(request.user)
    _sync(request.user)
    today = timezone.localdate()
    year = _year(request.GET.get("year")) or today.year
    dues = perms.scope(ReportDue.objects.filter(year=year), request.user)
    agency = perms.reporter_agency(request.user)
    if not perms.can_read_all(request.user):
        dues = dues.filter(agency=agency) if agency else dues.none()
    compiled = perms.scope(CompiledReport.objects.all(), request.user)[:20] if perms.can_read_all(request.user) else []
    return render(
        request,
        "cycle/home.html",
        {"board": rules.board(dues, today), "year": year, "compiled": compiled, "today": today},
    )


@login_required
@require_http_methods(["GET", "POST"])
def board(request: HttpRequest) -> HttpResponse:
    perms.require_read_all(request.user)
    _sync(request.user)
    today = timezone.localdate()
    if request.method == "POST":
        perms.require_edit(request.user)
        due = _scoped_get(ReportDue, request.user, _int(request.POST.get("due")) or 0)
        done = request.POST.get("action") == "done"
        before = {"done_at": due.done_at.isoformat() if due.done_at else None}
        due.done_at = timezone.now() if done else None
        due.done_by = request.user if done else None
        due.save(update_fields=["done_at", "done_by"])
        audit.log(request.user, "update", due, before=before, after={"done": done}, summary=f"Báo cáo: {due}")
        messages.success(request, _("Đã ghi nhận.") if done else _("Đã bỏ đánh dấu đã nộp."))
        return redirect(request.get_full_path())
    year = _year(request.GET.get("year")) or today.year
    plan_id = _int(request.GET.get("plan"))
    dues = perms.scope(ReportDue.objects.filter(year=year), request.user)
    if plan_id:
        dues = dues.filter(rule__plan_id=plan_id)
    if request.GET.get("missing"):
        dues = dues.filter(done_at__isnull=True)
    plans = perms.scope(Plan.objects.all(), request.user).only("id", "title")
    years = sorted(set(perms.scope(ReportDue.objects.all(), request.user).values_list("year", flat=True)))
    return render(
        request,
        "cycle/board.html",
        {
            "board": rules.board(dues, today),
            "year": year,
            "years": sorted({*years, year}, reverse=True),  # the year shown is always in its menu
            "plans": plans,
            "plan_id": plan_id,
            "missing": bool(request.GET.get("missing")),
            "today": today,
        },
    )


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    perms.require_read_all(request.user)
    _sync(request.user)
    qs = perms.scope(ReportingRule.objects.select_related("plan").prefetch_related("senders"), request.user)
    plan_id = _int(request.GET.get("plan"))
    if plan_id:
        qs = qs.filter(plan_id=plan_id)
    plans: dict[int, dict[str, Any]] = {}
    for rule in qs.order_by("plan_id", "position", "id"):
        plans.setdefault(rule.plan_id, {"plan": rule.plan, "rules": []})["rules"].append(rule)
    all_plans = perms.scope(Plan.objects.all(), request.user).only("id", "title")
    return render(request, "cycle/rules.html", {"groups": plans.values(), "plans": all_plans, "plan_id": plan_id})


def _save_rule(request: HttpRequest, form: RuleForm, plan: Plan, rule: ReportingRule | None) -> ReportingRule:
    with transaction.atomic():
        before = audit.snapshot(rule) if rule else None
        saved = form.save(commit=False)
        saved.office_id, saved.plan = plan.office_id, plan
        saved.save()
        form.save_m2m()
        audit.log(
            request.user,
            "update" if rule else "create",
            saved,
            before=before,
            after=audit.snapshot(saved),
            document=plan.document,
            summary=f"Quy định báo cáo: {saved}"[:500],
        )
        rules.generate(saved, timezone.localdate().year + 1, request.user)
    return saved


@login_required
@require_http_methods(["GET", "POST"])
def rule_new(request: HttpRequest) -> HttpResponse:
    perms.require_edit(request.user)
    plan = _scoped_get(Plan, request.user, _int(request.GET.get("plan")) or 0)
    form = RuleForm(office=plan.office, initial={"first_year": plan.start_year, "last_year": plan.end_year})
    status = 200
    if request.method == "POST":
        form = RuleForm(request.POST, office=plan.office)
        if form.is_valid():
            _save_rule(request, form, plan, None)
            messages.success(request, _("Đã thêm quy định báo cáo."))
            return redirect(f"{reverse('cycle_rules')}?plan={plan.pk}")
        status = 400
    return render(request, "cycle/rule_form.html", {"form": form, "plan": plan, "rule": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    perms.require_edit(request.user)
    rule = _scoped_get(ReportingRule.objects.select_related("plan__document"), request.user, pk)
    plan = rule.plan
    form = RuleForm(instance=rule, office=plan.office)
    status = 200
    if request.method == "POST":
        if request.POST.get("delete"):
            with transaction.atomic():
                audit.log(
                    request.user,
                    "delete",
                    rule,
                    before=audit.snapshot(rule),
                    document=plan.document,
                    summary=f"Xóa quy định báo cáo: {rule}"[:500],
                )
                rule.delete()
            messages.success(request, _("Đã xóa quy định báo cáo."))
            return redirect(f"{reverse('cycle_rules')}?plan={plan.pk}")
        form = RuleForm(request.POST, instance=rule, office=plan.office)
        if form.is_valid():
            _save_rule(request, form, plan, ReportingRule.objects.get(pk=rule.pk))
            messages.success(request, _("Đã lưu quy định báo cáo; các kỳ báo cáo đã được cập nhật."))
            return redirect(f"{reverse('cycle_rules')}?plan={plan.pk}")
        status = 400
    return render(request, "cycle/rule_form.html", {"form": form, "plan": plan, "rule": rule}, status=status)


def _initial_lines(agency: Agency, occurrences: list[Occurrence]) -> dict[int, dict[str, Any]]:
    """This year's latest text of the agency on each occurrence, else its text on the same task last year."""
    out: dict[int, dict[str, Any]] = {}
    for occ in occurrences:
        mine = ProgressReport.objects.filter(occurrence=occ, agency=agency).order_by("-created_at", "-id").first()
        if mine is not None:
            out[occ.pk] = {"text": mine.text, "status": mine.status, "percent": mine.percent}
            continue
        earlier = (
            ProgressReport.objects.filter(occurrence__task_id=occ.task_id, occurrence__year__lt=occ.year, agency=agency)
            .order_by("-occurrence__year", "-created_at", "-id")
            .first()
        )
        if earlier is not None:
            out[occ.pk] = {"text": earlier.text}
    return out


@login_required
@require_http_methods(["GET", "POST"])
def agency_report(request: HttpRequest, pk: int) -> HttpResponse:
    due = _scoped_get(ReportDue.objects.select_related("agency", "rule__plan__document"), request.user, pk)
    own = perms.reporter_agency(request.user)
    is_own = own is not None and own.pk == due.agency_id
    if not (perms.can_read_all(request.user) or is_own):
        raise PermissionDenied(_("Bạn chỉ báo cáo được cho cơ quan của mình."))
    may_submit = perms.can_edit(request.user) or is_own
    plan, agency, year = due.rule.plan, due.agency, due.year
    if due.rule.compiled:
        if perms.can_edit(request.user) and request.method == "GET":
            messages.info(request, _("Báo cáo này là báo cáo tổng hợp của văn phòng."))
            report = open_report(plan.office, year, plan, user=request.user)
            return redirect("cycle_compiled", pk=report.pk)
        raise PermissionDenied(_("Báo cáo tổng hợp do văn phòng lập."))
    occurrences = list(
        Occurrence.objects.filter(task__plan=plan, task__lead=agency, year=year)
        .select_related("task")
        .order_by("task__position", "due")
        .distinct()
    )
    existing = AgencyReport.objects.filter(plan=plan, agency=agency, year=year).first()
    last_year = AgencyReport.objects.filter(plan=plan, agency=agency, year__lt=year).order_by("-year").first()
    start = existing or last_year
    initial = {k: getattr(start, k) for k in ("summary", "difficulties", "proposals")} if start else {}
    lines = _initial_lines(agency, occurrences)
    form = AgencyReportForm(occurrences=occurrences, initial_lines=lines, initial=initial)
    status = 200
    if request.method == "POST":
        if not may_submit:
            raise PermissionDenied(_("Bạn không có quyền gửi báo cáo này."))
        form = AgencyReportForm(request.POST, occurrences=occurrences, initial_lines=lines)
        if form.is_valid():
            _submit(request, form, due, existing)
            messages.success(request, _("Đã gửi báo cáo năm %(y)s.") % {"y": year})
            return redirect("cycle_agency_report", pk=due.pk)
        status = 400
    return render(
        request,
        "cycle/agency_report.html",
        {
            "due": due,
            "form": form,
            "lines": form.lines(),
            "existing": existing,
            "prefilled_from": last_year.year if (last_year and not existing) else None,
            "may_submit": may_submit,
        },
        status=status,
    )


def _submit(request: HttpRequest, form: AgencyReportForm, due: ReportDue, existing: AgencyReport | None) -> None:
    """Each task line through ``progress.submit`` (the task page's and the API's one path: permission, progress
    report, occurrence and task status, audit entry), then the yearly report itself; all or nothing."""
    data = form.cleaned_data
    plan, agency, year = due.rule.plan, due.agency, due.year
    with transaction.atomic():
        for occ in form.occurrences:
            text = str(data.get(f"occ-{occ.pk}-text") or "").strip()
            if not text:
                continue
            state, percent = data[f"occ-{occ.pk}-status"], data[f"occ-{occ.pk}-percent"]
            last = ProgressReport.objects.filter(occurrence=occ, agency=agency).order_by("-created_at", "-id").first()
            if last is not None and (last.text, last.status, last.percent) == (text, state, percent):
                continue  # the line as pre-filled from this year's report: nothing new to record
            progress.submit(request.user, occ, status=state, percent=percent, text=text, agency=agency)
        report = existing or AgencyReport(office_id=plan.office_id, plan=plan, agency=agency, year=year)
        earlier = audit.snapshot(existing) if existing else None
        for key in ("summary", "difficulties", "proposals"):
            setattr(report, key, str(data.get(key) or "").strip())
        report.submitted_by = request.user
        report.save()
        rules.mark_submitted(report, request.user)
        audit.log(
            request.user,
            "report",
            report,
            before=earlier,
            after=audit.snapshot(report),
            document=plan.document,
            summary=f"Báo cáo năm {year} của {agency.name}"[:500],
        )


@login_required
@require_http_methods(["GET", "POST"])
def compile_new(request: HttpRequest) -> HttpResponse:
    perms.require_edit(request.user)
    plans = perms.scope(Plan.objects.all(), request.user).only("id", "title", "office_id")
    partners = perms.scope(Partner.objects.exclude(country="VN"), request.user)
    error = ""
    if request.method == "POST":
        year = _int(request.POST.get("year"))  # open_report says when it is out of range
        plan_id, partner_id = _int(request.POST.get("plan")), _int(request.POST.get("partner"))
        plan = plans.filter(pk=plan_id).first() if plan_id else None
        partner = partners.filter(pk=partner_id).first() if partner_id else None
        if year is None:
            error = _("Hãy ghi năm báo cáo.")
        elif plan is None and partner is None:
            error = _("Hãy chọn một kế hoạch hoặc một đối tác.")
        elif plan is not None and partner is not None:
            error = _("Chọn kế hoạch hoặc đối tác, không chọn cả hai.")
        else:
            owner = plan or partner
            assert owner is not None
            try:
                report = open_report(owner.office, year, plan, partner, user=request.user)
            except HoptacError as exc:
                error = str(exc)
            else:
                return redirect("cycle_compiled", pk=report.pk)
    return render(
        request,
        "cycle/compile_new.html",
        {"plans": plans, "partners": partners, "error": error, "year": timezone.localdate().year},
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def compiled(request: HttpRequest, pk: int) -> HttpResponse:
    perms.require_read_all(request.user)
    report = _scoped_get(CompiledReport.objects.select_related("plan", "partner"), request.user, pk)
    form = CompiledReportForm(instance=report)
    status = 200
    if request.method == "POST":
        perms.require_edit(request.user)
        action = request.POST.get("action", "save")
        if action == "compile":
            before = audit.snapshot(report, ("difficulties", "proposals", "compiled_at"))
            with transaction.atomic():
                n = compile_texts(report)
                audit.log(
                    request.user,
                    "update",
                    report,
                    before=before,
                    after=audit.snapshot(report, ("difficulties", "proposals", "compiled_at")),
                    summary=f"Tổng hợp báo cáo: {report.title}"[:500],
                )
            messages.success(request, _("Đã tổng hợp báo cáo của %(n)s cơ quan.") % {"n": n})
            return redirect("cycle_compiled", pk=report.pk)
        if action == "sent":
            with transaction.atomic():
                before = audit.snapshot(report, ("sent_on",))
                report.sent_on = timezone.localdate()
                report.save(update_fields=["sent_on"])
                dues = ReportDue.objects.filter(
                    rule__plan__in=plans_of(report), rule__compiled=True, year=report.year, done_at__isnull=True
                ).select_related("agency", "rule")
                rules.settle(dues, request.user, f"Đã gửi báo cáo tổng hợp năm {report.year}")
                audit.log(
                    request.user,
                    "update",
                    report,
                    before=before,
                    after={"sent_on": report.sent_on.isoformat()},
                    summary=f"Gửi báo cáo: {report.title}"[:500],
                )
            messages.success(request, _("Đã ghi nhận báo cáo đã gửi."))
            return redirect("cycle_compiled", pk=report.pk)
        before = audit.snapshot(report)
        form = CompiledReportForm(request.POST, instance=report)
        if form.is_valid():
            with transaction.atomic():
                form.save()
                audit.log(request.user, "update", report, before=before, after=audit.snapshot(report))
            messages.success(request, _("Đã lưu."))
            return redirect("cycle_compiled", pk=report.pk)
        report.refresh_from_db()
        status = 400
    agencies = AgencyReport.objects.filter(plan__in=plans_of(report), year=report.year).select_related("agency")
    return render(
        request,
        "cycle/compiled.html",
        {
            "report": report,
            "form": form,
            "agency_reports": agencies,
            "pdf": pdf.available(),
            "import_form": ImportForm(),
        },
        status=status,
    )


@login_required
def compiled_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    perms.require_read_all(request.user)
    report = _scoped_get(CompiledReport, request.user, pk)
    if fmt not in CONTENT_TYPES:
        raise Http404
    try:
        data = export_xlsx(report) if fmt == "xlsx" else render_docx(report)
        if fmt == "pdf":
            data = pdf.docx_to_pdf(data)
    except HoptacError as exc:
        messages.error(request, str(exc))
        return redirect("cycle_compiled", pk=report.pk)
    name = f"bao-cao-{report.year}-{report.plan_id or 'doi-tac-' + str(report.partner_id or '')}.{fmt}"
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["POST"])
def compiled_import(request: HttpRequest, pk: int) -> HttpResponse:
    perms.require_edit(request.user)
    report = _scoped_get(CompiledReport, request.user, pk)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn tệp .xlsx để nhập."))
        return redirect("cycle_compiled", pk=report.pk)
    upload = form.cleaned_data["file"]
    try:
        result = import_xlsx(read_upload(upload, XLSX_MAX_BYTES), upload.name, report.office, request.user)
    except HoptacError as exc:
        messages.error(request, str(exc))
        return redirect("cycle_compiled", pk=report.pk)
    messages.success(
        request,
        _("Đã nhập %(rows)s dòng: %(texts)s nội dung mới, %(st)s thay đổi tình trạng/tiến độ.")
        % {"rows": result.rows, "texts": result.texts, "st": result.statuses},
    )
    return redirect("cycle_compiled", pk=report.pk)


@login_required
def reminder_list(request: HttpRequest) -> HttpResponse:
    perms.require_edit(request.user)
    agencies = perms.scope(Agency.objects.select_related("reminder"), request.user)
    rows = [{"agency": a, "setting": setting_of(a), "to": recipients(a)} for a in agencies]
    logs = perms.scope(ReminderLog.objects.select_related("agency"), request.user)[:50]
    return render(request, "cycle/reminders.html", {"rows": rows, "logs": logs})


@login_required
@require_http_methods(["GET", "POST"])
def reminder_edit(request: HttpRequest, pk: int) -> HttpResponse:
    perms.require_edit(request.user)
    agency = _scoped_get(Agency, request.user, pk)
    setting = setting_of(agency)
    form = ReminderForm(instance=setting)
    status = 200
    if request.method == "POST":
        stored = setting.pk is not None and type(setting).objects.filter(pk=setting.pk).exists()
        before = audit.snapshot(setting) if stored else None  # validation writes into the instance
        form = ReminderForm(request.POST, instance=setting)
        if form.is_valid():
            with transaction.atomic():
                saved = form.save(commit=False)
                saved.agency, saved.office_id = agency, agency.office_id
                saved.save()
                audit.log(
                    request.user,
                    "update" if stored else "create",
                    saved,
                    before=before,
                    after=audit.snapshot(saved),
                    summary=f"Nhắc việc: {agency.name}"[:500],
                )
            messages.success(request, _("Đã lưu cách nhắc việc của %(a)s.") % {"a": agency.name})
            return redirect("cycle_reminders")
        status = 400
    return render(request, "cycle/reminder_form.html", {"form": form, "agency": agency}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    _require_role(request.user)
    # Only a change is logged: opening the page writes nothing; the address is made by a click (logged).
    token = CalendarToken.objects.filter(user=request.user).first()
    if request.method == "POST":
        if token is None:
            CalendarToken.for_user(request.user)
            messages.success(request, _("Đã tạo địa chỉ lịch của bạn."))
            return redirect("cycle_calendar")
        before = audit.snapshot(token, ("created",))
        token.rotate()
        office = perms.office_of(request.user)
        after = audit.snapshot(token, ("created",))
        audit.log(request.user, "update", token, before=before, after=after, summary="Đổi mã lịch", office=office)
        messages.success(request, _("Đã đổi mã lịch: các địa chỉ cũ không dùng được nữa."))
        return redirect("cycle_calendar")
    if token is None:
        return render(request, "cycle/calendar.html", {"feeds": [], "no_token": True})
    base = request.build_absolute_uri("/").rstrip("/")
    feeds = [(_("Lịch của tôi"), reverse("cycle_ical_me", args=[token.key]))]
    own = perms.reporter_agency(request.user)
    agencies = [own] if own and not perms.can_read_all(request.user) else []
    plans: Any = []
    partners: Any = []
    if perms.can_read_all(request.user):
        agencies = list(perms.scope(Agency.objects.filter(lead_tasks__isnull=False).distinct(), request.user))
        plans = perms.scope(Plan.objects.only("id", "title"), request.user)
        partners = perms.scope(
            Partner.objects.exclude(country="VN").filter(plans__isnull=False).distinct(), request.user
        )
    for a in agencies:
        feeds.append((a.name, reverse("cycle_ical_agency", args=[token.key, a.pk])))
    for p in partners:
        feeds.append((_("Đối tác: %(p)s") % {"p": p.name}, reverse("cycle_ical_partner", args=[token.key, p.pk])))
    for plan in plans:
        feeds.append(
            (_("Kế hoạch: %(p)s") % {"p": plan.title[:80]}, reverse("cycle_ical_plan", args=[token.key, plan.pk]))
        )
    return render(request, "cycle/calendar.html", {"feeds": [(label, base + url) for label, url in feeds]})


def _feed_user(token: str) -> Any:
    found = CalendarToken.objects.select_related("user").filter(key=token).first()
    if found is None or not found.user.is_active or perms.role_of(found.user) is None:
        raise Http404
    return found.user


def _ics(user: Any, kind: str, obj: Any = None) -> HttpResponse:
    body = ical.build(ical.scope_for(user, kind, obj), getattr(settings, "HOPTAC_BASE_URL", ""), timezone.localdate())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="hoptac-{kind}.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


def ical_me(request: HttpRequest, token: str) -> HttpResponse:
    return _ics(_feed_user(token), "me")


def ical_agency(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    user = _feed_user(token)
    agency = _scoped_get(Agency, user, pk)
    own = perms.reporter_agency(user)
    if not perms.can_read_all(user) and (own is None or own.pk != agency.pk):
        raise PermissionDenied(_("Bạn chỉ xem được lịch của cơ quan mình."))
    return _ics(user, "agency", agency)


def ical_partner(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    user = _feed_user(token)
    perms.require_read_all(user)
    return _ics(user, "partner", _scoped_get(Partner, user, pk))


def ical_plan(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    user = _feed_user(token)
    perms.require_read_all(user)
    return _ics(user, "plan", _scoped_get(Plan, user, pk))
