"""NUL characters in what a user sends are refused (400), the same on SQLite and PostgreSQL.

PostgreSQL cannot store U+0000 in text (the insert fails: a 500), SQLite stores it silently. So no
query parameter, form field (files aside) or JSON string may hold one: the request is refused with
one line before any view sees it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from hoptac.web.security import API_PREFIX


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _request_has_nul(request: HttpRequest) -> bool:
    if any("\x00" in k or "\x00" in v for k, values in request.GET.lists() for v in [k, *values]):
        return True
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    content_type = request.content_type or ""
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return any("\x00" in k or "\x00" in v for k, values in request.POST.lists() for v in [k, *values])
    if content_type == "application/json" and b"\\u0000" in request.body:  # a quick look first
        try:
            return _has_nul(json.loads(request.body))
        except ValueError:
            return False  # not JSON: the view says so
    return False


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _request_has_nul(request):
            return self.get_response(request)
        message = _("Nội dung gửi lên có ký tự NUL (mã 0), không được phép.")
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
        return HttpResponse(f'<!doctype html><meta charset="utf-8"><p>{message}</p>', status=400)
