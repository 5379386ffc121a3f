"""Documents: the list, the source file, uploading and the review of what was extracted."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hoptac.errors import HoptacError
from hoptac.files import short_name
from hoptac.records import pending, perms
from hoptac.records.forms import (
    UploadForm,
)
from hoptac.records.ingest import apply_decisions, ingest_bytes, read_document, rebuild, sha256
from hoptac.records.limits import MAX_LINE, MAX_TEXT, MAX_TITLE, too_long
from hoptac.records.models import (
    Document,
)
from hoptac.records.views.common import scoped_get
from hoptac.web.security import protect_download


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    perms.require_read_all(request.user)
    docs = perms.scope(Document.objects.all(), request.user).defer("text", "extraction")
    if request.GET.get("unreviewed"):
        docs = docs.filter(reviewed=False)
    page = Paginator(docs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "records/document_list.html",
        {"page": page, "only_unreviewed": bool(request.GET.get("unreviewed"))},
    )


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    perms.require_read_all(request.user)
    doc = scoped_get(Document, request.user, pk)
    return render(
        request,
        "records/document_detail.html",
        {
            "doc": doc,
            "plan": getattr(doc, "plan", None),
            "links_out": doc.links_out.select_related("target"),
            "links_in": doc.links_in.select_related("source"),
            "events": doc.events.all(),
        },
    )


@login_required
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    perms.require_read_all(request.user)
    doc = scoped_get(Document, request.user, pk)
    if not doc.file:
        raise Http404
    try:
        handle = doc.file.open("rb")
    except OSError:
        raise Http404 from None
    return protect_download(FileResponse(handle, as_attachment=True, filename=doc.filename))


def highlight(text: str, extraction: dict[str, Any]) -> SafeString:
    """The cleaned text as HTML, each extracted item marked at its span (outermost spans only)."""
    spans: list[tuple[int, int, str, str]] = []
    for section, cls in (("tasks", "task"), ("parties", "party"), ("events", "event"), ("references", "ref")):
        for i, item in enumerate(extraction.get(section) or []):
            s = item.get("span") or [0, 0]
            if len(s) == 2 and 0 <= s[0] < s[1] <= len(text):
                spans.append((s[0], s[1], cls, f"{cls}-{i}"))
    for field, s in ((extraction.get("document") or {}).get("spans") or {}).items():
        if len(s) == 2 and 0 <= s[0] < s[1] <= len(text):
            spans.append((s[0], s[1], "head", f"head-{field}"))
    spans.sort(key=lambda x: (x[0], -x[1]))
    out, pos = [], 0
    for start, end, cls, ident in spans:
        if start < pos:
            continue
        out.append(escape(text[pos:start]))
        out.append(f'<mark class="hl hl-{cls}" id="span-{ident}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


def parse_decisions(post: Any, extraction: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The review form → decisions for ``apply_decisions``, and the errors (a kept task needs a title)."""
    decisions: dict[str, Any] = {}
    errors: list[str] = []
    for section in ("tasks", "events", "parties", "references"):
        chosen = {}
        for i, item in enumerate(extraction.get(section) or []):
            d: dict[str, Any] = {"keep": post.get(f"{section}-{i}-keep") == "on"}
            if section == "tasks":
                ref = item.get("ref") or i + 1
                for field in ("title", "lead", "support"):
                    key = f"tasks-{i}-{field}"
                    if key in post:
                        d[field] = post.get(key, "")
                if d["keep"] and "title" in d and not d["title"].strip():
                    errors.append(_("Nhiệm vụ %(ref)s: tên nhiệm vụ không được để trống.") % {"ref": ref})
                if len(d.get("title") or "") > MAX_TITLE:
                    errors.append(
                        _("Nhiệm vụ %(ref)s: tên nhiệm vụ quá dài. %(why)s")
                        % {"ref": ref, "why": too_long(MAX_TITLE, len(d["title"]))}
                    )
                for field in ("lead", "support"):
                    names = str(d.get(field) or "").split(";")
                    if len(d.get(field) or "") > MAX_TEXT or any(len(n.strip()) > MAX_LINE for n in names):
                        errors.append(
                            _("Nhiệm vụ %(ref)s: tên cơ quan quá dài (tối đa %(n)s ký tự mỗi cơ quan).")
                            % {"ref": ref, "n": MAX_LINE}
                        )
            chosen[i] = d
        decisions[section] = chosen
    return decisions, errors


def _review_items(extraction: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for section in ("tasks", "events", "parties", "references"):
        rows = []
        for i, item in enumerate(extraction.get(section) or []):
            row = dict(item)
            row["index"] = i
            row["lead_text"] = "; ".join(item.get("lead") or [])
            row["support_text"] = "; ".join(item.get("support") or [])
            rows.append(row)
        out[section] = rows
    return out


@login_required
@require_http_methods(["GET", "POST"])
def document_review(request: HttpRequest, pk: int) -> HttpResponse:
    perms.require_read_all(request.user)
    doc = scoped_get(Document, request.user, pk)
    extraction = doc.extraction or {}
    errors: list[str] = []
    if request.method == "POST":
        perms.require_edit(request.user)
        if doc.reviewed:
            messages.info(request, _("Văn bản này đã được duyệt."))
            return redirect("document_detail", pk=doc.pk)
        decisions, errors = parse_decisions(request.POST, extraction)
        if not errors:
            rebuild(doc, apply_decisions(extraction, decisions), request.user)
            messages.success(request, _("Đã duyệt và lưu văn bản."))
            return redirect("document_detail", pk=doc.pk)
    return render(
        request,
        "records/review.html",
        {
            "doc": doc,
            "extraction": extraction,
            "items": _review_items(extraction),
            "text_html": highlight(doc.text, extraction),
            "errors": errors,
            "filename": doc.filename,
            "action": request.path,
            "already": doc.reviewed,
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    perms.require_edit(request.user)
    form = UploadForm()
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            f = form.cleaned_data["file"]
            data = f.read()
            name = short_name(Path(f.name).name, 200)
            try:
                read_document(data, name)
            except HoptacError as exc:
                form.add_error("file", str(exc))
            else:
                digest = sha256(data)
                office = perms.office_of(request.user)
                existing = Document.objects.filter(office=office, sha256=digest).first() if office else None
                if existing is not None:
                    messages.info(request, _("Văn bản này đã có trong hệ thống."))
                    return redirect("document_detail", pk=existing.pk)
                pending.save(request.user, digest, name, data)
                return redirect("upload_review", digest=digest)
        status = 400
    return render(request, "records/upload.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def upload_review(request: HttpRequest, digest: str) -> HttpResponse:
    perms.require_edit(request.user)
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise Http404
    office = perms.office_of(request.user)
    if office is None:
        raise PermissionDenied(_("Quản trị toàn quốc hãy tải văn bản lên bằng tài khoản của một văn phòng."))
    waiting = pending.load(request.user, digest)
    if waiting is None:
        raise Http404
    name, data = waiting
    try:
        ex = read_document(data, name)
    except HoptacError as exc:
        messages.error(request, str(exc))
        return redirect("upload")
    extraction = ex.to_dict()
    errors: list[str] = []
    if request.method == "POST":
        decisions, errors = parse_decisions(request.POST, extraction)
        if not errors:
            result = ingest_bytes(data, name, office, request.user, reviewed=True, decisions=decisions)
            pending.remove(request.user, digest)
            messages.success(
                request, _("Đã lưu văn bản.") if result.created else _("Văn bản này đã có trong hệ thống.")
            )
            return redirect("document_detail", pk=result.document.pk)
    return render(
        request,
        "records/review.html",
        {
            "doc": None,
            "extraction": extraction,
            "items": _review_items(extraction),
            "text_html": highlight(ex.text, extraction),
            "errors": errors,
            "filename": name,
            "action": request.path,
            "already": False,
        },
        status=400 if errors else 200,
    )
