"""Documents: the list, the source file, uploading and the review of what was extracted."""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from hoptac.errors import HoptacError
from hoptac.extract.read import OcrNeeded, ocr_deferred
from hoptac.files import short_name
from hoptac.records import ocr_jobs, pending, perms
from hoptac.records.forms import (
    UploadForm,
)
from hoptac.records.ingest import ingest_bytes, prepare, read_document, rebuild, sha256
from hoptac.records.models import Agency, Agreement, Document, Event
from hoptac.records.resolve import find_agency, is_foreign
from hoptac.records.review import apply_decisions, due_display, names, parse_decisions, review_items
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


_MD_LINE = re.compile(r"(?m)^(?:#{1,6}[ \t]+|>[ \t]?|[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*:?-*:?[ \t]*$)")
_MD_INLINE = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|`")


def plain(text: str, line_start: bool) -> str:
    """A piece of the cleaned text as an officer reads it, escaped: no markdown marks (headings' #, **bold**,
    table rules and pipes). ``line_start``: whether the piece begins a line of the whole text."""
    head = "" if line_start else "\x00"  # a piece that begins mid-line must not lose a '#' as a heading mark
    out = _MD_LINE.sub("", head + text)[len(head) :]
    out = _MD_INLINE.sub("", out).replace(" | ", "   ").replace("|", " ")
    return str(escape(out))


def highlight(text: str, extraction: dict[str, Any], unsure: list[tuple[int, int, int]] | None = None) -> SafeString:
    """The cleaned text as HTML, markdown marks removed, each extracted item marked at its span (outermost
    spans only), and the words OCR was unsure of (``uncertain_spans``) marked inside."""
    spans: list[tuple[int, int, str, str]] = []
    sections = (
        ("tasks", "task"),
        ("parties", "party"),
        ("events", "event"),
        ("references", "ref"),
        ("agreements", "agreement"),
        ("reporting", "duty"),
    )
    for section, cls in sections:
        for i, item in enumerate(extraction.get(section) or []):
            s = item.get("span") or [0, 0]
            if isinstance(s, list | tuple) and len(s) == 2 and 0 <= s[0] < s[1] <= len(text):
                spans.append((s[0], s[1], cls, f"{cls}-{i}"))
    for field, s in ((extraction.get("document") or {}).get("spans") or {}).items():
        if len(s) == 2 and 0 <= s[0] < s[1] <= len(text):
            spans.append((s[0], s[1], "head", f"head-{field}"))
    spans.sort(key=lambda x: (x[0], -x[1]))
    unsure = uncertain_spans(text, extraction) if unsure is None else unsure
    out, pos, outer = [], 0, ""
    inner: list[tuple[str, str]] = []  # spans inside another: their links go to the enclosing mark
    for start, end, cls, ident in spans:
        if start < pos:
            inner.append((ident, outer))
            continue
        outer = ident
        out.append(_plain_marking(text, pos, start, unsure))
        piece = _plain_marking(text, start, end, unsure)
        out.append(f'<mark class="hl hl-{cls}" id="span-{ident}">{piece}</mark>')
        pos = end
    out.append(_plain_marking(text, pos, len(text), unsure))
    html = "".join(out)
    for ident, enclosing in inner:
        html += f'<span id="span-{ident}" data-in="span-{enclosing}" hidden></span>'
    return mark_safe(html)  # noqa: S308 - every piece of text above is escaped


def uncertain_spans(text: str, extraction: dict[str, Any]) -> list[tuple[int, int, int]]:
    """(start, end, confidence) of each word OCR was unsure of whose span fits ``text``."""
    out = []
    for w in extraction.get("uncertain") or []:
        s = w.get("span") if isinstance(w, dict) else None
        conf = w.get("confidence") if isinstance(w, dict) else None
        if isinstance(s, list) and len(s) == 2 and 0 <= s[0] < s[1] <= len(text) and isinstance(conf, int | float):
            out.append((s[0], s[1], round(conf)))
    return sorted(out)


def _plain_marking(text: str, start: int, end: int, unsure: list[tuple[int, int, int]]) -> str:
    """``plain`` of text[start:end], each word OCR was unsure of in it marked with its confidence."""
    out, pos = [], start
    for a, b, conf in unsure[bisect.bisect_left(unsure, (start, 0, 0)) :]:
        if a >= end:
            break
        if b > end:
            continue
        out.append(plain(text[pos:a], pos == 0 or text[pos - 1] == "\n"))
        title = escape(_("OCR chưa chắc chắn (độ tin cậy %(n)d%%)") % {"n": conf})
        out.append(f'<span class="ocr-low" title="{title}">{plain(text[a:b], False)}</span>')
        pos = b
    out.append(plain(text[pos:end], pos == 0 or text[pos - 1] == "\n"))
    return "".join(out)


def typed_new_agencies(post: Any, extraction: dict[str, Any], office: Any) -> list[str]:
    """Agency names the officer typed (not as the document printed them) that name none of the office's
    agencies: made only when the officer ticks "create them"."""
    typed: list[str] = []
    for i, task in enumerate(extraction.get("tasks") or []):
        if post.get(f"tasks-{i}-keep") != "on":
            continue
        for field in ("lead", "support"):
            key = f"tasks-{i}-{field}"
            if key in post:
                printed = set(task.get(field) or [])
                typed += [n for n in names(str(post.get(key, ""))) if n not in printed]
    for i, duty in enumerate(extraction.get("reporting") or []):
        key = f"reporting-{i}-from"
        if post.get(f"reporting-{i}-keep") == "on" and key in post:
            printed = set(duty.get("from") or [])
            typed += [n for n in names(str(post.get(key, ""))) if n not in printed]
    return list(dict.fromkeys(n for n in typed if find_agency(office, n) is None))


def review_decisions(post: Any, extraction: dict[str, Any], office: Any) -> tuple[dict[str, Any], list[str]]:
    decisions, errors = parse_decisions(post, extraction)
    new = typed_new_agencies(post, extraction, office)
    if new and post.get("new_agencies") != "on":
        errors.append(
            _("Chưa có cơ quan: %(names)s. Hãy chọn một cơ quan trong danh sách, hoặc đánh dấu «Tạo cơ quan mới».")
            % {"names": "; ".join(new)}
        )
    return decisions, errors


def review_context(extraction: dict[str, Any], text: str, office: Any) -> dict[str, Any]:
    items = review_items(extraction)
    agencies = list(Agency.objects.filter(office=office).values_list("name", flat=True)) if office else []
    foreign = [p for p in extraction.get("parties") or [] if is_foreign(p.get("country"))]
    unsure = uncertain_spans(text, extraction)
    return {
        "extraction": extraction,
        "items": items,
        "text_html": highlight(text, extraction, unsure),
        "agency_names": agencies,
        "foreign_parties": foreign,
        "doc_kinds": Document.Kind.choices,
        "agreement_kinds": Agreement.Kind.choices,
        "agreement_statuses": Agreement.Status.choices,
        "event_kinds": Event.Kind.choices,
        "doc_date": due_display((extraction.get("document") or {}).get("date")),
        "doc_signers": "\n".join((extraction.get("document") or {}).get("signers") or []),
        "period": extraction.get("period") or {},
        # Words read from OCR damage: the repaired reading beside the printed one, in its line.
        "repairs": [
            {**r, "context": _line_around(text, r["span"])}
            for r in (extraction.get("repairs") or [])[:MAX_REPAIRS_SHOWN]
            if isinstance(r, dict) and isinstance(r.get("span"), list) and len(r["span"]) == 2
        ],
        "repairs_more": max(0, len(extraction.get("repairs") or []) - MAX_REPAIRS_SHOWN),
        "uncertain_count": len(unsure),
    }


MAX_REPAIRS_SHOWN = 300


def _line_around(text: str, span: list[int]) -> str:
    """A few words on either side of a repaired word, so the officer sees it in context."""
    a, b = (max(0, min(int(x), len(text))) for x in span)
    left = text.rfind("\n", 0, a) + 1
    right = text.find("\n", b)
    right = len(text) if right < 0 else right
    return " ".join(text[max(left, a - 60) : min(right, b + 60)].split())


@login_required
@require_http_methods(["GET", "POST"])
def document_review(request: HttpRequest, pk: int) -> HttpResponse:
    perms.require_read_all(request.user)
    doc = scoped_get(Document, request.user, pk)
    extraction = prepare(doc.extraction or {})
    errors: list[str] = []
    if request.method == "POST":
        perms.require_edit(request.user)
        if doc.reviewed:
            messages.info(request, _("Văn bản này đã được duyệt."))
            return redirect("document_detail", pk=doc.pk)
        decisions, errors = review_decisions(request.POST, extraction, doc.office)
        if not errors:
            rebuild(doc, apply_decisions(extraction, decisions), request.user)
            messages.success(request, _("Đã duyệt và lưu văn bản."))
            return redirect("document_detail", pk=doc.pk)
    return render(
        request,
        "records/review.html",
        {
            "doc": doc,
            **review_context(extraction, doc.text, doc.office),
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
                scan = _is_scan(data, name)
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
                if scan and office is not None:
                    ocr_jobs.ensure(request.user, digest, retry=True)  # the review page shows its progress
                return redirect("upload_review", digest=digest)
        status = 400
    return render(request, "records/upload.html", {"form": form}, status=status)


def _is_scan(data: bytes, name: str) -> bool:
    """Whether the file needs OCR (minutes: done in the background); any other file is read here, and a
    file that cannot be read raises its one-line ``HoptacError``."""
    try:
        with ocr_deferred():
            read_document(data, name)
    except OcrNeeded:
        return True
    return False


def _pending_office(request: HttpRequest, digest: str) -> Any:
    """The office a pending upload is reviewed for; the upload is the user's own (its folder is per user)."""
    perms.require_edit(request.user)
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise Http404
    office = perms.office_of(request.user)
    if office is None:
        raise PermissionDenied(_("Quản trị toàn quốc hãy tải văn bản lên bằng tài khoản của một văn phòng."))
    return office


def _read_pending(request: HttpRequest, digest: str, name: str, data: bytes) -> Any:
    """(extraction, text, whether a background job read it) of a pending upload; instead, while a scan is
    being read or when it cannot be, the response to give."""
    job = ocr_jobs.current(request.user, digest)
    if job is None:
        try:
            with ocr_deferred():
                ex = read_document(data, name)
            return ex.to_dict(), ex.text, False
        except OcrNeeded:  # saved before the upload started its job
            job = ocr_jobs.ensure(request.user, digest)
        except HoptacError as exc:
            messages.error(request, str(exc))
            return redirect("upload")
    cached = ocr_jobs.result(request.user, digest) if job.state == ocr_jobs.DONE else None
    if cached is None:
        page = render(request, "records/upload_ocr.html", {"job": job, "digest": digest, "filename": name})
        add_never_cache_headers(page)  # "back" to it must show the progress of now
        return page
    return (*cached, True)


@login_required
@require_http_methods(["GET", "POST"])
def upload_review(request: HttpRequest, digest: str) -> HttpResponse:
    office = _pending_office(request, digest)
    waiting = pending.load(request.user, digest)
    if waiting is None:
        raise Http404
    name, data = waiting
    read = _read_pending(request, digest, name, data)
    if isinstance(read, HttpResponse):
        return read
    found, text, cached = read
    extraction = prepare(found)
    errors: list[str] = []
    if request.method == "POST":
        decisions, errors = review_decisions(request.POST, extraction, office)
        if not errors:
            result = ingest_bytes(
                data,
                name,
                office,
                request.user,
                reviewed=True,
                decisions=decisions,
                extracted=(found, text) if cached else None,  # a scan is not OCR'd a second time
            )
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
            **review_context(extraction, text, office),
            "errors": errors,
            "filename": name,
            "action": request.path,
            "already": False,
        },
        status=400 if errors else 200,
    )


@login_required
@never_cache
@require_GET
def upload_status(request: HttpRequest, digest: str) -> JsonResponse:
    """How far the background OCR of a pending scan has got, for its progress page; "done" for a file that
    needs none."""
    _pending_office(request, digest)
    if not pending.exists(request.user, digest):
        raise Http404
    job = ocr_jobs.current(request.user, digest)  # one that died is started again
    return JsonResponse(job.json() if job else ocr_jobs.Status(ocr_jobs.DONE).json())
