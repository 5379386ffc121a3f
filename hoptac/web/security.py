"""The security settings and the few pieces of code behind them.

Always on:
- passwords hashed with Argon2 (PBKDF2 kept second, so older hashes still verify and are upgraded at
  the next sign-in);
- login throttling (django-axes): ``HOPTAC_LOGIN_ATTEMPTS`` (5) failed sign-ins for one user name
  from one address lock that pair for ``HOPTAC_LOCKOUT_MINUTES`` (15), on the login page and on
  ``POST /api/token`` alike; a sign-in that succeeds resets the count;
- sessions end ``HOPTAC_SESSION_HOURS`` (8, a working day) after sign-in, and when the browser closes;
- CSRF on every form, HttpOnly session cookie, ``X-Frame-Options: DENY``, ``nosniff``;
- a Content-Security-Policy on every response (``CSP``): scripts, styles, images and fonts only from the
  site's own files, no inline script or style (the templates have none: the page style is
  ``records/style.css``, bars are drawn in SVG), no plugins, no framing, forms posted only to the site;
- uploads: a request body over ``MAX_REQUEST_BYTES`` is refused before it is read (the forms then
  check each file's size and type); files live in ``HOPTAC_DATA_DIR/files``, which no URL serves: a
  download goes through a view that checks permissions, as an attachment that may not run scripts.

With ``HOPTAC_PRODUCTION=1`` (see ``hoptac.web.config``), for a server behind a TLS reverse proxy:
cookies only over HTTPS, HTTP redirected to HTTPS (``HOPTAC_SSL_REDIRECT``, on), HSTS for
``HOPTAC_HSTS_SECONDS`` (one year; 0 turns it off), and ``X-Forwarded-Proto``/``X-Forwarded-For``
trusted (``HOPTAC_BEHIND_PROXY``, on) only on a connection from one of ``HOPTAC_TRUSTED_PROXIES``
(addresses or networks, comma-separated; the same machine, ``127.0.0.1,::1``, unless set). The proxy
must set both, overwriting ``X-Forwarded-Proto`` and appending the client's address to
``X-Forwarded-For``. From any other address the headers are dropped (``ForwardedHeadersMiddleware``,
first of the middleware), so a client that reaches gunicorn directly cannot choose the address its
failed sign-ins are counted against. ``hoptac manage check --deploy`` is then clean.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase

from hoptac.web import config

__all__ = [
    "CSP",
    "MAX_REQUEST_BYTES",
    "ContentSecurityPolicyMiddleware",
    "ForwardedHeadersMiddleware",
    "RequestSizeLimitMiddleware",
    "client_ip",
    "lockout_response",
    "protect_download",
    "settings",
]

# Above the forms' 20 MB per file (multipart overhead, the other fields): anything larger is refused unread.
MAX_REQUEST_BYTES = 30 * 1024 * 1024
API_PREFIX = "/api/"
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def settings(production: bool) -> dict[str, Any]:
    """The Django settings of this module's docstring, from the environment."""
    session_hours = config.number("HOPTAC_SESSION_HOURS", 8, 0.25, 24 * 30)
    out: dict[str, Any] = {
        "PASSWORD_HASHERS": [
            "django.contrib.auth.hashers.Argon2PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
            "django.contrib.auth.hashers.ScryptPasswordHasher",
        ],
        "SESSION_COOKIE_AGE": int(session_hours * 3600),
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "FILE_UPLOAD_PERMISSIONS": 0o640,
        "FILE_UPLOAD_DIRECTORY_PERMISSIONS": 0o750,
        # django-axes: per user name and address, so one mistyping user does not lock out the office.
        "AXES_FAILURE_LIMIT": int(config.number("HOPTAC_LOGIN_ATTEMPTS", 5, 1, 100)),
        "AXES_COOLOFF_TIME": timedelta(minutes=config.number("HOPTAC_LOCKOUT_MINUTES", 15, 1, 24 * 60)),
        "AXES_LOCKOUT_PARAMETERS": [["username", "ip_address"]],
        "AXES_RESET_ON_SUCCESS": True,
        "AXES_LOCKOUT_CALLABLE": "hoptac.web.security.lockout_response",
        "AXES_CLIENT_IP_CALLABLE": "hoptac.web.security.client_ip",
        "AXES_DISABLE_ACCESS_LOG": True,  # sign-ins that succeed are not kept: no log of who came from where
        "AXES_VERBOSE": False,
        "HOPTAC_BEHIND_PROXY": False,
        # Local mode: none unless given (checked in either mode).
        "HOPTAC_TRUSTED_PROXIES": config.trusted_proxies(""),
    }
    if production:
        behind_proxy = config.flag("HOPTAC_BEHIND_PROXY", True)
        hsts = int(config.number("HOPTAC_HSTS_SECONDS", 365 * 24 * 3600, 0, 2 * 365 * 24 * 3600))
        out.update(
            {
                "SESSION_COOKIE_SECURE": True,
                "CSRF_COOKIE_SECURE": True,
                "SECURE_SSL_REDIRECT": config.flag("HOPTAC_SSL_REDIRECT", True),
                "SECURE_HSTS_SECONDS": hsts,
                "SECURE_HSTS_INCLUDE_SUBDOMAINS": hsts > 0,
                "SECURE_HSTS_PRELOAD": hsts > 0,
                "HOPTAC_BEHIND_PROXY": behind_proxy,
                "HOPTAC_TRUSTED_PROXIES": config.trusted_proxies("127.0.0.1,::1") if behind_proxy else (),
            }
        )
        if behind_proxy:
            out["SECURE_PROXY_SSL_HEADER"] = ("HTTP_X_FORWARDED_PROTO", "https")
    return out


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped  # ::ffff:127.0.0.1 from a dual-stack socket is 127.0.0.1
    return address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    from django.conf import settings as django_settings

    if address is None:
        return False
    return any(address in network for network in getattr(django_settings, "HOPTAC_TRUSTED_PROXIES", ()))


def client_ip(request: HttpRequest) -> str | None:
    """The address a sign-in came from. The connection's, unless it comes from a trusted proxy: then
    ``X-Forwarded-For`` read from its end, past the trusted proxies' own entries, up to the first
    address that is not one (what the client wrote before that is never believed). An entry that is
    not an address stops the walk at the last proxy."""
    remote = request.META.get("REMOTE_ADDR") or None
    if not _trusted(_address(remote or "")):
        return remote
    hop = remote
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(entry)
        if address is None:
            if entry.strip():
                break
            continue
        hop = str(address)
        if not _trusted(address):
            break
    return hop


class ForwardedHeadersMiddleware:
    """Drop the ``X-Forwarded-*`` headers of a request that does not come from a trusted proxy, before
    anything reads them (Django's ``SECURE_PROXY_SSL_HEADER``, ``client_ip``)."""

    HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _trusted(_address(request.META.get("REMOTE_ADDR") or "")):
            for name in self.HEADERS:
                request.META.pop(name, None)
        return self.get_response(request)


def _lockout_message() -> str:
    from django.conf import settings as django_settings
    from django.utils.translation import gettext as _

    minutes = max(1, round(django_settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return _(
        "Đăng nhập sai %(n)s lần liên tiếp: tên đăng nhập này tạm bị khóa từ máy của bạn. Hãy thử lại sau %(m)s phút."
    ) % {"n": django_settings.AXES_FAILURE_LIMIT, "m": minutes}


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """What a locked-out sign-in gets (429): the login page with one line saying why and for how long,
    or for the API a JSON error like its others."""
    from django.conf import settings as django_settings
    from django.shortcuts import render

    message = _lockout_message()
    retry = str(int(django_settings.AXES_COOLOFF_TIME.total_seconds()))
    response: HttpResponse
    if request.path_info.startswith(API_PREFIX):
        response = JsonResponse({"detail": message}, status=429, json_dumps_params={"ensure_ascii": False})
    else:
        username = (credentials or {}).get("username") or request.POST.get("username", "")
        context = {"locked": message, "username": str(username)[:150], "next": request.POST.get("next", "")}
        response = render(request, "records/login.html", context, status=429)
    response["Retry-After"] = retry
    return response


class RequestSizeLimitMiddleware:
    """Refuse, before reading it, a request body larger than any form or API call accepts (413)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_REQUEST_BYTES:
            from django.utils.translation import gettext as _

            from hoptac.records.forms import MAX_UPLOAD_MB

            message = _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": MAX_UPLOAD_MB}
            if request.path_info.startswith(API_PREFIX):
                return JsonResponse({"detail": message}, status=413, json_dumps_params={"ensure_ascii": False})
            return HttpResponse(f'<!doctype html><meta charset="utf-8"><p>{message}</p>', status=413)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """``CSP`` on every response that has no policy of its own (a download's is stricter: ``protect_download``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CSP
        return response


Download = TypeVar("Download", bound=HttpResponseBase)


def protect_download(response: Download) -> Download:
    """A stored file goes out as an attachment that, even if a browser opened it, runs nothing."""
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
