"""API tokens: stored as a digest and shown once, listed and revoked on the account page, ended by a password
change or a deactivation, and by their optional expiry day (issue 11, items 3 and 4)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hoptac.records.models import ApiToken, AuditLog
from tests.records.conftest import PASSWORD, World


def _me(key: str) -> int:
    return int(Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code)


def test_token_is_stored_as_a_digest_and_shown_once(world: World, client: Client) -> None:
    r = client.post(
        "/api/token",
        json.dumps({"username": "lan", "password": PASSWORD, "name": "máy chủ báo cáo"}),
        content_type="application/json",
    )
    key = r.json()["token"]
    token = ApiToken.objects.get(user=world.users["officer"])
    assert token.name == "máy chủ báo cáo" and token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in json.dumps(list(ApiToken.objects.values()), default=str)
    logged = json.dumps(list(AuditLog.objects.values("before", "after", "summary")), default=str)
    assert key not in logged and token.digest not in logged
    assert _me(key) == 200
    assert _me(token.digest) == 401  # a digest taken from a backup opens nothing


def test_account_page_makes_lists_and_revokes_tokens(login: Any, world: World) -> None:
    c = login("viewer")
    r = c.post(reverse("account"), {"name": "bảng tính", "expires": ""})
    assert r.status_code == 200
    key = r.context["token"].key
    assert key in r.content.decode()
    assert _me(key) == 200
    page = c.get(reverse("account")).content.decode()
    assert "bảng tính" in page and key not in page  # shown once
    token = ApiToken.objects.get(user=world.users["viewer"])
    assert token.last_used is not None and token.last_used <= timezone.now()
    # someone else's token cannot be revoked from here
    other = ApiToken.issue(world.users["officer"])
    assert c.post(reverse("account"), {"revoke": other.pk}).status_code == 404
    assert c.post(reverse("account"), {"revoke": "99999999999999999999999"}).status_code == 404
    assert _me(other.key) == 200
    r = c.post(reverse("account"), {"revoke": token.pk})
    assert r.status_code == 302 and _me(key) == 401
    assert AuditLog.objects.filter(model="apitoken", action="delete", user=world.users["viewer"]).exists()


def test_token_expiry(login: Any, world: World) -> None:
    c = login("viewer")
    r = c.post(reverse("account"), {"name": "", "expires": "01/01/2001"})
    assert r.status_code == 400 and "Ngày hết hạn đã qua." in r.content.decode()
    r = c.post(reverse("account"), {"name": "", "expires": "31/12/9999"})
    assert r.status_code == 400 and not ApiToken.objects.exists()
    today = timezone.localdate()
    token = ApiToken.issue(world.users["viewer"], expires=today)
    assert _me(token.key) == 200  # valid through its last day
    ApiToken.objects.filter(pk=token.pk).update(expires=today - dt.timedelta(days=1))
    assert _me(token.key) == 401
    assert "đã hết hạn" in c.get(reverse("account")).content.decode()


def test_password_change_ends_tokens(login: Any, world: World) -> None:
    reporter = world.users["reporter"]
    key, other = ApiToken.issue(reporter).key, ApiToken.issue(world.users["viewer"]).key
    data = {
        "username": "minh",
        "full_name": "",
        "email": "",
        "office": world.bg.pk,
        "role": "reporter",
        "agency": world.sngv.pk,
        "is_active": "on",
        "password1": "mat-khau-moi-du-dai",
        "password2": "mat-khau-moi-du-dai",
    }
    r = login("officer").post(reverse("user_edit", args=[reporter.pk]), data)
    assert r.status_code == 302
    assert _me(key) == 401 and _me(other) == 200
    # wherever the password changes (``hoptac manage changepassword``, a script)
    user = get_user_model().objects.get(pk=world.users["viewer"].pk)
    user.set_password("mat-khau-khac-du-dai")
    user.save()
    assert _me(other) == 401


def test_deactivation_ends_tokens_for_good(login: Any, world: World) -> None:
    reporter = world.users["reporter"]
    key = ApiToken.issue(reporter).key
    user = get_user_model().objects.get(pk=reporter.pk)
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()
    assert _me(key) == 401
    # a sign-in (which saves last_login) leaves the tokens alone
    key = ApiToken.issue(reporter).key
    assert Client().login(username="minh", password=PASSWORD)
    assert _me(key) == 200


@pytest.mark.django_db(transaction=True)
def test_tokens_issued_before_hashing_keep_working() -> None:
    """Migration 0005 hashes the keys already issued in place."""
    executor = MigrationExecutor(connection)
    executor.migrate([("records", "0004_auditlog_append_only")])
    old = executor.loader.project_state([("records", "0004_auditlog_append_only")]).apps
    user = old.get_model("auth", "User").objects.create(username="cu", password="!")
    old.get_model("records", "ApiToken").objects.create(user=user, key="khoa-cu-van-dung")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert _me("khoa-cu-van-dung") == 200


def test_account_page_in_english(login: Any, world: World) -> None:
    c = login("viewer")
    ApiToken.issue(world.users["viewer"], name="scripts")
    body = c.get(reverse("account"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Revoke" in body and "Last used" in body and "never used" in body
    r = c.post(reverse("account"), {"expires": "01/01/2001"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "The expiry date has passed." in r.content.decode()
