"""Offices, for the national administrator: their names, locality, agencies and users."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from hoptac.records import audit, perms
from hoptac.records.ingest import agency_named
from hoptac.records.models import Agency, Office, Profile


class OfficeForm(forms.ModelForm):
    class Meta:
        model = Office
        fields = ["name", "code", "level", "locality"]
        labels = {"code": gettext_lazy("Mã (chữ không dấu, số, gạch nối)")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Hãy nhập tên văn phòng.")
        self.fields["code"].error_messages["required"] = _("Hãy nhập mã văn phòng.")
        self.fields["code"].error_messages["invalid"] = _("Mã chỉ gồm chữ không dấu, số, gạch nối và gạch dưới.")
        self.fields["code"].error_messages["unique"] = _("Đã có văn phòng với mã này.")
        self.fields["locality"].help_text = _("Ví dụ: tỉnh Bắc Giang, huyện Vị Xuyên")


class AgencyAddForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tên cơ quan"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Hãy nhập tên cơ quan.")


def _require_national(user: object) -> None:
    if not perms.is_national(user):
        raise PermissionDenied(_("Chỉ quản trị toàn quốc quản lý các văn phòng."))


@login_required
def office_list(request: HttpRequest) -> HttpResponse:
    _require_national(request.user)
    offices = Office.objects.annotate(
        n_users=Count("profiles", distinct=True),
    ).order_by("name")
    agencies = dict(Agency.objects.values_list("office_id").annotate(n=Count("pk")).values_list("office_id", "n"))
    rows = [{"office": o, "users": o.n_users, "agencies": agencies.get(o.pk, 0)} for o in offices]
    return render(request, "records/office_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def office_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (``pk`` None) or change an office; on an existing one, add an agency to its list."""
    _require_national(request.user)
    office = get_object_or_404(Office, pk=pk) if pk is not None else None
    form = OfficeForm(instance=office)
    agency_form = AgencyAddForm()
    status = 200
    if request.method == "POST" and "agency" in request.POST and office is not None:
        agency_form = AgencyAddForm({"name": request.POST.get("name", "")})
        if agency_form.is_valid():
            name = " ".join(agency_form.cleaned_data["name"].split())
            with transaction.atomic():
                known = Agency.objects.filter(office=office).count()
                agency = agency_named(office, name)
                if Agency.objects.filter(office=office).count() > known:
                    audit.log(request.user, "create", agency, after=audit.snapshot(agency), office=office)
                    messages.success(request, _("Đã thêm cơ quan %(a)s.") % {"a": agency.name})
                else:
                    messages.info(request, _("Cơ quan %(a)s đã có trong danh sách.") % {"a": agency.name})
            return redirect("office_edit", pk=office.pk)
        status = 400
    elif request.method == "POST":
        before = audit.snapshot(office) if office else None
        form = OfficeForm(request.POST, instance=office)
        if form.is_valid():
            with transaction.atomic():
                saved = form.save()
                audit.log(
                    request.user,
                    "update" if before else "create",
                    saved,
                    before=before,
                    after=audit.snapshot(saved),
                    office=saved,
                )
            messages.success(request, _("Đã lưu văn phòng."))
            return redirect("office_edit", pk=saved.pk)
        status = 400
    agencies = Agency.objects.filter(office=office).order_by("name") if office else Agency.objects.none()
    users = (
        Profile.objects.filter(office=office).select_related("user", "agency").order_by("user__username")
        if office
        else Profile.objects.none()
    )
    return render(
        request,
        "records/office_form.html",
        {"form": form, "office": office, "agencies": agencies, "users": users, "agency_form": agency_form},
        status=status,
    )
