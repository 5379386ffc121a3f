"""The search page: one box, filters, hits with their snippets."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hoptac.errors import HoptacError
from hoptac.records import perms
from hoptac.records.models import Agency, Partner
from hoptac.search.engine import RANK_WINDOW
from hoptac.search.find import Results, search
from hoptac.search.models import Entry

__all__ = ["search_page"]

PAGE = 20
# Messages raised where Django is not imported (hoptac.search.query) and the header box of
# records/base.html: listed here for the catalogue, translated when shown.
MESSAGES = (
    gettext_noop("Hãy nhập từ khóa tìm kiếm."),
    gettext_noop("Từ khóa quá dài (tối đa 500 ký tự)."),
    gettext_noop("Từ khóa không có chữ hay số nào để tìm."),
    gettext_noop("Tìm kiếm…"),
)
FILTERS = ("kind", "partner", "agency", "year")


def _page(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), RANK_WINDOW // PAGE))
    except ValueError:
        return 1


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    if perms.role_of(request.user) is None:
        raise PermissionDenied(_("Tài khoản chưa được gán văn phòng và vai trò."))
    q = request.GET.get("q")
    current = {k: request.GET.get(k, "") for k in FILTERS}
    page = _page(request.GET.get("page"))
    results: Results | None = None
    error = ""
    if q is not None or any(current.values()):
        try:
            results = search(
                q or "",
                user=request.user,
                limit=PAGE,
                offset=(page - 1) * PAGE,
                **{k: v or None for k, v in current.items()},
            )
        except HoptacError as exc:
            error = _(str(exc))  # the query's messages have English in the catalogue
    reads_all = perms.can_read_all(request.user)
    # A national administrator's lists would hold every office's partners and agencies.
    pick = reads_all and not perms.is_national(request.user)
    base = urlencode({"q": q or "", **{k: v for k, v in current.items() if v}})
    return render(
        request,
        "search/results.html",
        {
            "q": q or "",
            "current": current,
            "results": results,
            "error": error,
            "page": page,
            "previous": f"?{base}&page={page - 1}" if page > 1 else "",
            "next": f"?{base}&page={page + 1}"
            if results and results.offset + len(results.hits) < results.total and page < RANK_WINDOW // PAGE
            else "",
            "kinds": Entry.Kind.choices if reads_all else [],
            "kind_labels": Entry.Kind.choices,
            "partners": perms.scope(Partner.objects.order_by("name"), request.user) if pick else [],
            "agencies": perms.scope(Agency.objects.order_by("name"), request.user) if pick else [],
        },
    )
