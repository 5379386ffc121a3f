"""The account page (password, API tokens) and the users an officer or administrator manages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hoptac.records import audit, perms
from hoptac.records.forms import (
    TokenForm,
    UserForm,
)
from hoptac.records.limits import int_param
from hoptac.records.models import (
    ApiToken,
    Profile,
)


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
            found = Profile.objects.filter(user_id=pk).first()
            if found is None or found.office_id is None:
                raise Http404
            perms.check_office(request.user, found)  # another office's account: as if there were none
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
    if profile is None and (chosen := offices.filter(pk=int_param(request.GET.get("office")) or 0).first()):
        initial["office"] = chosen  # "add a user" from an office's page
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
    return render(request, "records/user_form.html", {"form": form, "account": profile}, status=status)
