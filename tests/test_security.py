"""Security settings (hoptac.web.security, hoptac.web.config): production mode and ``check --deploy``,
Argon2, login throttling on the page and the API, session expiry, CSRF on every form, and uploads:
size and type limits, storage outside any served folder under an unguessable name, downloads only
through permission-checked views."""

# ruff: noqa: F811 - the personas' fixtures (tests/records/conftest.py) are imported, then taken as arguments
from __future__ import annotations

import hashlib
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import get_resolver, reverse
from django.utils import timezone

from hoptac.web import config, security
from tests.records.conftest import PASSWORD, SAMPLES, SEED_000, World, _fresh_cache, login, world  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]


# --- production mode: environment and ``check --deploy`` ----------------------------------------------


def production_env(tmp_path: Path, **changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HOPTAC_"))}
    env.update(
        HOPTAC_PRODUCTION="1",
        HOPTAC_DATA_DIR=str(tmp_path / "data"),
        HOPTAC_SECRET_KEY=secrets.token_urlsafe(50),
        HOPTAC_ALLOWED_HOSTS="hoptac.example.gov.vn",
        HOPTAC_DATABASE_URL=f"sqlite:///{tmp_path / 'hoptac.sqlite3'}",
    )
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def hoptac(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hoptac", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    r = hoptac(production_env(tmp_path), "manage", "check", "--deploy")
    assert r.returncode == 0, r.stderr
    assert "no issues" in r.stdout + r.stderr and "WARNING" not in r.stdout + r.stderr


def test_check_deploy_warns_in_local_mode(tmp_path: Path) -> None:
    """The local mode (./run.sh) is plain HTTP on this machine: not a deployment, and check says so."""
    env = production_env(tmp_path, HOPTAC_PRODUCTION=None, HOPTAC_SECRET_KEY=None, HOPTAC_DATABASE_URL=None)
    r = hoptac(env, "manage", "check", "--deploy")
    assert "security.W012" in r.stdout + r.stderr  # session cookie not HTTPS-only


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"HOPTAC_SECRET_KEY": None}, "thiếu biến môi trường HOPTAC_SECRET_KEY"),
        ({"HOPTAC_ALLOWED_HOSTS": None}, "thiếu biến môi trường HOPTAC_ALLOWED_HOSTS"),
        ({"HOPTAC_DATABASE_URL": None}, "thiếu biến môi trường HOPTAC_DATABASE_URL"),
        ({"HOPTAC_SECRET_KEY": "x" * 40}, "HOPTAC_SECRET_KEY quá ngắn"),
        ({"HOPTAC_SECRET_KEY": "ab" * 30}, "HOPTAC_SECRET_KEY quá dễ đoán"),
        ({"HOPTAC_ALLOWED_HOSTS": "*"}, "không dùng '*'"),
        ({"HOPTAC_DEBUG": "1"}, "HOPTAC_DEBUG=1 không dùng được"),
        ({"HOPTAC_SESSION_HOURS": "mãi mãi"}, "HOPTAC_SESSION_HOURS"),
        ({"HOPTAC_TRUSTED_PROXIES": "10.0.0.0/33"}, "HOPTAC_TRUSTED_PROXIES: '10.0.0.0/33'"),
        ({"HOPTAC_TRUSTED_PROXIES": "127.0.0.1; 10.0.0.1"}, "HOPTAC_TRUSTED_PROXIES"),
        ({"HOPTAC_TRUSTED_PROXIES": "nginx"}, "không phải địa chỉ IP"),
    ],
)
def test_production_refuses_missing_or_weak_settings(
    tmp_path: Path, changes: dict[str, str | None], expected: str
) -> None:
    r = hoptac(production_env(tmp_path, **changes), "manage", "check", "--deploy")
    assert r.returncode == 2, r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hoptac: ") and expected in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_production_security_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "HOPTAC_BEHIND_PROXY",
        "HOPTAC_TRUSTED_PROXIES",
        "HOPTAC_SSL_REDIRECT",
        "HOPTAC_HSTS_SECONDS",
        "HOPTAC_SESSION_HOURS",
    ):
        monkeypatch.delenv(name, raising=False)
    on = security.settings(production=True)
    assert on["SESSION_COOKIE_SECURE"] and on["CSRF_COOKIE_SECURE"] and on["SECURE_SSL_REDIRECT"]
    assert on["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600 and on["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert on["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert [str(n) for n in on["HOPTAC_TRUSTED_PROXIES"]] == ["127.0.0.1/32", "::1/128"]
    assert on["SESSION_COOKIE_AGE"] == 8 * 3600 and on["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert on["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")
    local = security.settings(production=False)
    assert not local.get("SESSION_COOKIE_SECURE") and "SECURE_PROXY_SSL_HEADER" not in local
    monkeypatch.setenv("HOPTAC_BEHIND_PROXY", "0")
    monkeypatch.setenv("HOPTAC_HSTS_SECONDS", "0")
    monkeypatch.setenv("HOPTAC_SESSION_HOURS", "1,5")
    off = security.settings(production=True)
    assert "SECURE_PROXY_SSL_HEADER" not in off and off["SECURE_HSTS_SECONDS"] == 0
    assert off["HOPTAC_TRUSTED_PROXIES"] == ()
    assert not off["SECURE_HSTS_PRELOAD"] and off["SESSION_COOKIE_AGE"] == 5400
    monkeypatch.setenv("HOPTAC_BEHIND_PROXY", "1")
    monkeypatch.setenv("HOPTAC_TRUSTED_PROXIES", " 10.1.2.3 , 192.168.0.0/16,fd00::/8")
    chain = security.settings(production=True)["HOPTAC_TRUSTED_PROXIES"]
    assert [str(n) for n in chain] == ["10.1.2.3/32", "192.168.0.0/16", "fd00::/8"]
    monkeypatch.setenv("HOPTAC_SESSION_HOURS", "0")
    with pytest.raises(config.ConfigError, match="HOPTAC_SESSION_HOURS"):
        security.settings(production=True)


def test_the_served_settings_are_the_real_ones() -> None:
    """The test settings change only the password hasher (for speed): the rest is what is served."""
    from hoptac.web import settings as served

    assert settings.AUTHENTICATION_BACKENDS[0] == "hoptac.web.throttle.ThrottleBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    assert served.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


# --- passwords --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2_and_old_hashes_upgraded() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from hoptac.web import settings as served

    User = get_user_model()
    with override_settings(PASSWORD_HASHERS=served.PASSWORD_HASHERS):
        user = User.objects.create_user("argon", password="mat-khau-dai-du")
        assert user.password.startswith("argon2$")
        assert Client().login(username="argon", password="mat-khau-dai-du")
        old = User.objects.create_user("cu", password=None)
        old.password = make_password("mat-khau-cu-123", hasher="pbkdf2_sha256")
        old.save()
        assert User.objects.get(pk=old.pk).check_password("mat-khau-cu-123")
        assert User.objects.get(pk=old.pk).password.startswith("argon2$")  # upgraded at sign-in


# --- login throttling ----------------------------------------------------------------------------------


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def _token(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    body = {"username": username, "password": password}
    return client.post("/api/token", body, content_type="application/json", REMOTE_ADDR=ip)


def test_login_page_locks_a_user_name_after_five_failures(world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = _login(client, "lan", "sai-mat-khau")
        assert r.status_code == 200 and "Sai tên đăng nhập hoặc mật khẩu" in r.content.decode()
    r = _login(client, "lan", "sai-mat-khau")
    page = r.content.decode()
    assert r.status_code == 429 and "tạm bị khóa" in page and "15 phút" in page and 'name="username"' in page
    assert int(r["Retry-After"]) == 15 * 60
    # Locked: even the right password is refused, from that address, for that user name only.
    assert _login(client, "lan", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    assert _login(Client(), "minh", PASSWORD).status_code == 302
    assert _login(Client(), "lan", PASSWORD, ip="10.0.0.2").status_code == 302
    # After the cool-off the user name works again.
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    r = _login(client, "lan", PASSWORD)
    assert r.status_code == 302 and client.session.get("_auth_user_id") == str(world.users["officer"].pk)


def test_a_successful_login_resets_the_count(world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "lan", "sai").status_code == 200
    assert _login(client, "lan", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "lan", "sai").status_code == 200
    assert _login(client, "lan", PASSWORD).status_code == 302


def test_api_token_is_throttled_too(world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = _token(client, "lan", "sai-mat-khau")
        assert r.status_code == 401 and r.json()["detail"] == "Sai tên đăng nhập hoặc mật khẩu."
    r = _token(client, "lan", "sai-mat-khau")
    assert r.status_code == 429 and "tạm bị khóa" in r.json()["detail"]
    r = _token(client, "lan", PASSWORD)
    assert r.status_code == 429 and "token" not in r.json()
    # The page and the API share the count: the same user name is locked on the login page as well.
    assert _login(client, "lan", PASSWORD).status_code == 429
    assert _token(Client(), "lan", PASSWORD, ip="10.0.0.9").status_code == 200


# What a production server behind its proxy on the same machine has (HOPTAC_BEHIND_PROXY on, no
# HOPTAC_TRUSTED_PROXIES): the proxy's X-Forwarded-For believed from 127.0.0.1 and ::1 only.
BEHIND_PROXY = {"HOPTAC_BEHIND_PROXY": True, "HOPTAC_TRUSTED_PROXIES": config.trusted_proxies("127.0.0.1,::1")}


def _login_via(client: Client, username: str, password: str, peer: str, forwarded: str) -> Any:
    body = {"username": username, "password": password}
    return client.post(reverse("login"), body, REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)


def test_forwarded_address_counts_only_from_a_trusted_proxy(world: World) -> None:
    from django.test import RequestFactory

    def ip(peer: str, forwarded: str) -> str | None:
        return security.client_ip(RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded))

    assert ip("127.0.0.1", "1.2.3.4, 203.0.113.7") == "127.0.0.1"  # local mode: no proxy trusted
    with override_settings(**BEHIND_PROXY):
        assert ip("127.0.0.1", "1.2.3.4, 203.0.113.7") == "203.0.113.7"  # the proxy's entry, not the client's claim
        assert ip("::ffff:127.0.0.1", "203.0.113.7") == "203.0.113.7"
        assert ip("198.51.100.7", "1.2.3.4, 203.0.113.7") == "198.51.100.7"  # gunicorn reached directly
        assert ip("127.0.0.1", "") == "127.0.0.1"
        assert ip("127.0.0.1", "203.0.113.7, pas-une-adresse") == "127.0.0.1"
    # A chain of proxies: their own entries are passed over, up to the first address that is not one.
    chain = config.trusted_proxies("10.0.0.0/24, 127.0.0.1")
    with override_settings(HOPTAC_BEHIND_PROXY=True, HOPTAC_TRUSTED_PROXIES=chain):
        assert ip("127.0.0.1", "1.2.3.4, 203.0.113.7, 10.0.0.3") == "203.0.113.7"
        assert ip("10.0.0.9", "203.0.113.7") == "203.0.113.7"
        assert ip("10.0.1.9", "203.0.113.7") == "10.0.1.9"


def test_a_forged_forwarded_for_does_not_escape_throttling(world: World) -> None:
    """Reached directly, a client that writes a new X-Forwarded-For with each guess is still counted
    by its own address, and cannot lock out a user at an address it names."""
    client = Client()
    with override_settings(**BEHIND_PROXY):
        for n in range(settings.AXES_FAILURE_LIMIT):
            r = _login_via(client, "lan", "sai-mat-khau", "198.51.100.7", f"203.0.113.{n + 1}")
        assert r.status_code == 429
        assert _login_via(client, "lan", PASSWORD, "198.51.100.7", "203.0.113.99").status_code == 429
        # The addresses it named were never locked: their users sign in through the proxy.
        assert _login_via(Client(), "lan", PASSWORD, "127.0.0.1", "203.0.113.1").status_code == 302
        assert _login_via(Client(), "lan", PASSWORD, "127.0.0.1", "203.0.113.99").status_code == 302


def test_forwarded_headers_are_dropped_unless_a_trusted_proxy_sent_them() -> None:
    """Before any other middleware (Django's HTTPS check reads X-Forwarded-Proto) or view reads them."""
    from django.http import HttpRequest
    from django.test import RequestFactory

    assert settings.MIDDLEWARE[0] == "hoptac.web.security.ForwardedHeadersMiddleware"
    seen: dict[str, str] = {}

    def view(request: HttpRequest) -> Any:
        seen.clear()
        seen.update({k: v for k, v in request.META.items() if k.startswith("HTTP_X_FORWARDED_")})

    middleware = security.ForwardedHeadersMiddleware(view)
    headers = {"HTTP_X_FORWARDED_FOR": "203.0.113.7", "HTTP_X_FORWARDED_PROTO": "https"}
    with override_settings(**BEHIND_PROXY):
        middleware(RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", **headers))
        assert seen == {}
        middleware(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", **headers))
        assert seen == headers


def test_through_a_trusted_proxy_the_forwarded_address_counts(world: World) -> None:
    client = Client()
    with override_settings(**BEHIND_PROXY):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            r = _login_via(client, "lan", "sai-mat-khau", "127.0.0.1", "10.9.9.9, 203.0.113.7")
        assert r.status_code == 429
        # The forwarded address is locked, whatever the client writes before the proxy's entry...
        assert _login_via(Client(), "lan", PASSWORD, "127.0.0.1", "203.0.113.7").status_code == 429
        assert _login_via(Client(), "lan", PASSWORD, "127.0.0.1", "10.0.0.1, 203.0.113.7").status_code == 429
        # ...and not the proxy, through which the rest of the office still signs in.
        assert _login_via(Client(), "lan", PASSWORD, "127.0.0.1", "203.0.113.8").status_code == 302
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


# --- Content-Security-Policy ---------------------------------------------------------------------------

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I)


def test_templates_have_no_inline_script_or_style() -> None:
    """What the policy refuses (tests/records/test_csp_browser.py opens the pages in Chromium)."""
    found = []
    for path in sorted((ROOT / "hoptac").glob("*/templates/**/*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not found, "\n".join(found)


def test_every_response_carries_the_content_security_policy(world: World) -> None:
    policy = security.CSP
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    client = Client()
    assert client.get(reverse("login"))["Content-Security-Policy"] == policy
    client.force_login(world.users["officer"])
    pages = (reverse("dashboard"), reverse("task_list"), "/khong-co-trang-nay/", "/api/me", "/static/records/style.css")
    for url in pages:
        r = client.get(url)
        assert r["Content-Security-Policy"] == policy, url
    # A stored file keeps its own, stricter policy.
    r = client.get(reverse("document_file", args=[world.doc.pk]))
    assert r.status_code == 200 and r["Content-Security-Policy"] == "default-src 'none'; sandbox"


# --- sessions ----------------------------------------------------------------------------------------


def test_session_ends_after_the_working_day(world: World) -> None:
    from django.contrib.sessions.models import Session

    client = Client()
    assert _login(client, "lan", PASSWORD).status_code == 302
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    morsel = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not morsel["max-age"] and not morsel["expires"]  # ends when the browser closes
    assert morsel["httponly"]
    session = Session.objects.get(session_key=morsel.value)
    left = (session.expire_date - timezone.now()).total_seconds()
    assert 8 * 3600 - 60 < left <= 8 * 3600
    assert client.get(reverse("dashboard")).status_code == 200
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    r = client.get(reverse("dashboard"))
    assert r.status_code == 302 and "/login/" in r["Location"]


# --- CSRF ---------------------------------------------------------------------------------------------

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)


def _post_forms(html: str, page: str) -> list[tuple[str, str]]:
    """(action, body) of every form on the page that posts."""
    out = []
    for attrs, body in FORM.findall(html):
        method = re.search(r'method="([^"]*)"', attrs)
        if method and method[1].lower() == "post":
            action = re.search(r'action="([^"]*)"', attrs)
            out.append((action[1] if action and action[1] else page, body))
    return out


def test_every_form_carries_a_csrf_token_and_a_post_without_it_is_refused(world: World) -> None:
    from tests.cycle.pages import cycle_pages
    from tests.records.test_permissions import expected_get, pending_upload
    from tests.search.pages import search_pages

    pages = {name: url for name, (url, _) in {**expected_get(world), **cycle_pages(world)}.items()}
    pages |= {name: url for name, (url, _) in search_pages(world).items()}
    pages["upload_review"] = pending_upload(None, world)
    seen: dict[str, str] = {}  # form action → the page it was found on
    for role in ("anonymous", "officer", "reporter", "national"):
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        for name, url in ({"login": reverse("login")} if role == "anonymous" else pages).items():
            r = client.get(url)
            if r.status_code != 200 or "text/html" not in r.get("Content-Type", ""):
                continue
            for action, body in _post_forms(r.content.decode(), url):
                assert 'name="csrfmiddlewaretoken"' in body, (role, name, action)
                seen.setdefault(action.split("?")[0].split("#")[0], name)
    assert {"login", "task_detail", "upload", "partner_create", "document_review", "upload_review"} <= set(
        seen.values()
    ), seen
    for role in ("anonymous", "officer", "national"):
        strict = Client(enforce_csrf_checks=True)
        if role != "anonymous":
            strict.force_login(world.users[role])
        for action, name in seen.items():
            r = strict.post(action, {"x": "1"})
            assert r.status_code == 403, (role, name, action, r.status_code)
    # The API under a session (the browser's) needs the token as well; a token-authenticated call does not.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.users["officer"])
    r = strict.post("/api/events", {"title": "x"}, content_type="application/json")
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]


# --- uploads and stored files ---------------------------------------------------------------------------


def _report_with(client: Client, world: World, attachment: Any) -> Any:
    task = world.task_led_by(world.sngv)
    occ = task.occurrences.first()
    data = {"occurrence": occ.pk, "status": "done", "percent": 100, "text": "Xong.", "attachment": attachment}
    return client.post(reverse("task_detail", args=[task.pk]), data)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("trang.html", b"<script>alert(1)</script>", "Không nhận tệp loại này"),
        ("anh.svg", b"<svg onload='alert(1)'/>", "Không nhận tệp loại này"),
        ("chay.exe", b"MZ\x90\x00", "Không nhận tệp loại này"),
        ("gia.pdf", b"<html>not a pdf</html>", "Nội dung tệp không đúng định dạng .pdf"),
        ("gia.docx", b"%PDF-1.4", "Nội dung tệp không đúng định dạng .docx"),
        ("rong.txt", b"", "rỗng"),  # Django's own "Tập tin được gửi là rỗng."
    ],
)
def test_attachment_type_is_checked(login: Any, world: World, name: str, content: bytes, message: str) -> None:
    from hoptac.records.models import ProgressReport

    r = _report_with(login("reporter"), world, SimpleUploadedFile(name, content))
    assert r.status_code == 200 and message in r.content.decode()
    assert not ProgressReport.objects.exists()


def test_request_over_the_limit_is_refused_unread(login: Any, world: World) -> None:
    client = login("officer")
    big = str(security.MAX_REQUEST_BYTES + 1)
    r = client.post(reverse("upload"), {"file": SimpleUploadedFile("a.txt", b"x")}, CONTENT_LENGTH=big)
    assert r.status_code == 413 and "Tệp quá lớn (tối đa 20 MB)" in r.content.decode()
    r = client.post("/api/documents", {"file": SimpleUploadedFile("a.txt", b"x")}, CONTENT_LENGTH=big)
    assert r.status_code == 413 and "Tệp quá lớn" in r.json()["detail"]


def test_upload_form_refuses_wrong_type_and_size(login: Any, world: World) -> None:
    from hoptac.records.forms import MAX_UPLOAD_MB

    client = login("officer")
    r = client.post(reverse("upload"), {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00 chay")})
    assert r.status_code == 400 and "không được hỗ trợ" in r.content.decode()
    big = SimpleUploadedFile("lon.txt", b"a" * (MAX_UPLOAD_MB * 1024 * 1024 + 1))
    r = client.post(reverse("upload"), {"file": big})
    assert r.status_code == 400 and "Tệp quá lớn" in r.content.decode()


def test_files_live_outside_every_served_folder() -> None:
    media, static = Path(settings.MEDIA_ROOT).resolve(), Path(settings.STATIC_ROOT).resolve()
    assert media == Path(settings.DATA_DIR).resolve() / "files"
    assert not media.is_relative_to(static) and not static.is_relative_to(media)
    assert not media.is_relative_to(ROOT / "hoptac")  # not in a package's static folder either
    routes = [str(p.pattern) for p in get_resolver().url_patterns]
    assert not any(r.startswith(settings.MEDIA_URL.strip("/")) for r in routes)


def test_documents_are_stored_by_content_hash_and_served_only_as_attachments(login: Any, world: World) -> None:
    doc = world.doc
    assert doc.file.name == f"documents/{doc.sha256[:2]}/{doc.sha256}.txt"
    assert hashlib.sha256(Path(doc.file.path).read_bytes()).hexdigest() == doc.sha256
    assert login("officer").get(settings.MEDIA_URL + doc.file.name).status_code == 404
    r = login("officer").get(reverse("document_file", args=[doc.pk]))
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    assert r["X-Content-Type-Options"] == "nosniff" and "sandbox" in r["Content-Security-Policy"]
    assert login("outsider").get(reverse("document_file", args=[doc.pk])).status_code in (403, 404)
    assert login("anonymous").get(reverse("document_file", args=[doc.pk])).status_code == 302


def test_a_pending_upload_is_its_uploaders_alone(world: World) -> None:
    from django.contrib.auth import get_user_model

    from hoptac.records.models import Profile
    from tests.records.test_permissions import pending_upload

    url = pending_upload(None, world)
    colleague = get_user_model().objects.create_user("mai", password=PASSWORD)
    Profile.objects.create(user=colleague, office=world.bg, role=Profile.Role.OFFICER)
    client = Client()
    client.force_login(colleague)
    assert client.get(url).status_code == 404


def test_a_file_left_by_a_killed_run_is_taken_over(world: World) -> None:
    """A run killed after writing a document's file and before committing its rows leaves that file
    (whole or cut short) at the content-hash name: the next run of the same document uses it."""
    from hoptac.records.ingest import document_file_name, ingest_bytes, store_file
    from hoptac.records.models import Document

    data = (SAMPLES / f"{SEED_000}.txt").read_bytes() + b"\n(ban sao)\n"
    digest = hashlib.sha256(data).hexdigest()
    name = document_file_name(digest, "ke-hoach.txt")
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[:100])  # cut short by the kill
    result = ingest_bytes(data, "ke-hoach.txt", world.bg)
    assert result.created and result.document.file.name == name and path.read_bytes() == data
    assert store_file(data, digest, "ke-hoach.txt") == (name, False)  # complete: reused, not rewritten
    # Another office storing the same bytes shares the file; its failure does not remove it.
    other = ingest_bytes(data, "ban-sao.txt", world.hg)
    assert other.document.file.name == name and Document.objects.filter(file=name).count() == 2
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(digest)) == [path.name]
