"""User management: the office's officer and national administrators create accounts, assign roles, deactivate."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from hoptac.records.models import ApiToken, AuditLog, Profile
from tests.records.conftest import World

PASSWORD = "mat-khau-moi-du-dai"


def _new(world: World, **extra: Any) -> dict[str, Any]:
    return {
        "username": "thu",
        "full_name": "Nguyễn Thị Thu",
        "email": "thu@example.org",
        "office": world.bg.pk,
        "role": "reporter",
        "agency": world.soyte.pk,
        "password1": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }


def test_officer_creates_a_reporter_who_then_works(login: Any, world: World) -> None:
    r = login("officer").post(reverse("user_create"), _new(world))
    assert r.status_code == 302, r.content.decode()[-1500:]
    prof = Profile.objects.select_related("user").get(user__username="thu")
    assert (prof.office, prof.role, prof.agency) == (world.bg, "reporter", world.soyte)
    assert prof.user.first_name == "Nguyễn Thị Thu" and prof.user.check_password(PASSWORD)
    entry = AuditLog.objects.get(model="profile", action="create")
    assert entry.user == world.users["officer"] and entry.office == world.bg
    assert entry.after["role"] == "reporter" and "password" not in entry.after
    assert PASSWORD not in str(entry.after)
    c = Client()
    assert c.login(username="thu", password=PASSWORD)
    page = c.get(reverse("task_list"))
    assert page.status_code == 200 and page.context["rows"]
    assert c.get(reverse("user_list")).status_code == 403


def test_user_form_errors(login: Any, world: World) -> None:
    client = login("officer")
    other_agency = world.hg and type(world.soyte).objects.create(office=world.hg, name="Sở Công Thương")
    cases = [
        ({"username": ""}, "Hãy nhập tên đăng nhập."),
        ({"username": "có dấu cách"}, "Tên đăng nhập chỉ gồm"),
        ({"username": "LAN"}, "Tên đăng nhập này đã có người dùng."),
        ({"agency": ""}, "Cán bộ báo cáo cần thuộc một cơ quan."),
        ({"agency": other_agency.pk}, "Cơ quan không hợp lệ."),
        ({"password2": "khac-mat-khau"}, "Hai lần nhập mật khẩu không khớp."),
        ({"password1": "ngan", "password2": "ngan"}, "8"),
        ({"password1": "", "password2": ""}, "Hãy đặt mật khẩu."),
        ({"role": "admin"}, "Vai trò không hợp lệ."),
        ({"office": world.hg.pk}, "Văn phòng không hợp lệ."),
        ({"email": "khong-phai-thu"}, "Địa chỉ thư điện tử không hợp lệ."),
    ]
    users = get_user_model().objects.count()
    for change, message in cases:
        r = client.post(reverse("user_create"), _new(world, **change))
        assert r.status_code == 400, change
        assert message in r.content.decode(), (change, message)
    assert get_user_model().objects.count() == users and not AuditLog.objects.filter(model="profile").exists()


def test_deactivation_ends_sessions_and_tokens(login: Any, world: World) -> None:
    viewer = world.users["viewer"]
    token = ApiToken.issue(viewer).key
    session = Client()
    session.force_login(viewer)
    assert session.get(reverse("dashboard")).status_code == 200
    r = login("officer").post(
        reverse("user_edit", args=[viewer.pk]), {"office": world.bg.pk, "role": "viewer", "full_name": "Tuấn"}
    )
    assert r.status_code == 302
    viewer.refresh_from_db()
    assert not viewer.is_active
    assert session.get(reverse("dashboard")).status_code == 302  # back to the login page
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    entry = AuditLog.objects.get(model="profile", action="update")
    assert entry.before["is_active"] is True and entry.after["is_active"] is False
    # and back
    r = login("officer").post(
        reverse("user_edit", args=[viewer.pk]), {"office": world.bg.pk, "role": "viewer", "is_active": "on"}
    )
    assert r.status_code == 302 and get_user_model().objects.get(pk=viewer.pk).is_active


def test_role_change_and_new_password(login: Any, world: World) -> None:
    reporter = world.users["reporter"]
    r = login("officer").post(
        reverse("user_edit", args=[reporter.pk]),
        {
            "office": world.bg.pk,
            "role": "viewer",
            "agency": world.sngv.pk,
            "is_active": "on",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert r.status_code == 302
    prof = Profile.objects.get(user=reporter)
    assert prof.role == "viewer" and prof.agency is None  # only a reporter belongs to an agency
    assert get_user_model().objects.get(pk=reporter.pk).check_password(PASSWORD)
    entry = AuditLog.objects.get(model="profile", action="update")
    assert entry.after["password"] == "đã đổi" and PASSWORD not in str(entry.after)


def test_nobody_locks_themselves_out(login: Any, world: World) -> None:
    officer = world.users["officer"]
    client = login("officer")
    own = {"office": world.bg.pk}
    for data in ({**own, "role": "officer"}, {**own, "role": "viewer", "is_active": "on"}):
        r = client.post(reverse("user_edit", args=[officer.pk]), data)
        assert r.status_code == 400 and "Bạn không thể tự khóa" in r.content.decode()
    officer.refresh_from_db()
    assert officer.is_active and officer.profile.role == "officer"


def test_who_manages_whom(login: Any, world: World) -> None:
    User = get_user_model()
    office_admin = User.objects.create_user(username="quantri", password=PASSWORD)
    Profile.objects.create(user=office_admin, office=world.bg, role="admin")
    outsider = world.users["outsider"]
    officer = login("officer")
    listed = {p.user.username for p in officer.get(reverse("user_list")).context["page"]}
    assert listed == {"lan", "minh", "hoa", "tuan"}  # not the office's administrator, not Hà Giang, not national
    assert officer.get(reverse("user_edit", args=[office_admin.pk])).status_code == 403
    for user in (outsider, world.users["national"]):  # another office's, or none's: as if there were none
        assert officer.get(reverse("user_edit", args=[user.pk])).status_code == 404
    assert officer.get(reverse("user_edit", args=[999999])).status_code == 404
    national = login("national")
    listed = {p.user.username for p in national.get(reverse("user_list")).context["page"]}
    assert {"lan", "khanh", "quantri"} <= listed and "quoc" not in listed
    r = national.post(reverse("user_create"), _new(world, username="hg2", office=world.hg.pk, role="admin"))
    assert r.status_code == 302
    assert Profile.objects.get(user__username="hg2").role == "admin"
    assert national.get(reverse("user_edit", args=[office_admin.pk])).status_code == 200
    assert login("outsider").post(
        reverse("user_edit", args=[world.users["viewer"].pk]), {"office": world.hg.pk, "role": "officer"}
    ).status_code == 404
    assert Profile.objects.get(user=world.users["viewer"]).office == world.bg
