"""Documents in: the functions ``hoptac ingest``, the upload page and the review page call.

An extraction (``hoptac-extraction/1`` dict with spans, plus the cleaned text) becomes rows in
ONE transaction: the document, its partners, agreement, plan, tasks with their agencies and
occurrences, events and links to the documents it cites. The same bytes twice change nothing.

A document's file is stored under its content hash (``files/documents/ab/abcd….pdf``): the name says
nothing about the document, and a run killed between writing the file and committing its rows
leaves a file that the next run of the same document takes over instead of a stray copy.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hoptac.errors import ExtractError, HoptacError, os_reason
from hoptac.extract.read import DEFAULT_MAX_BYTES as MAX_BYTES
from hoptac.files import read_file, short_name
from hoptac.records import audit
from hoptac.records.cooperation import (
    agreement_proposals,
    build_agreements,
    build_events,
    event_date,
    iso_date,
    party_rows,
    prepare,
)
from hoptac.records.models import (
    Agreement,
    Document,
    DocumentLink,
    Event,
    Occurrence,
    Office,
    Plan,
    Task,
)
from hoptac.records.occurrences import expand, period_year, plan_period
from hoptac.records.resolve import Changes, agency_named
from hoptac.records.review import apply_decisions

__all__ = [
    "Changes",
    "IngestResult",
    "agency_named",
    "agreement_proposals",
    "event_date",
    "log_shared",
    "prepare",
    "read_document",
    "apply_decisions",
    "get_office",
    "ingest_bytes",
    "ingest_path",
    "rebuild",
    "document_file_name",
    "save_extraction",
    "sha256",
    "store_file",
]


@dataclass
class IngestResult:
    document: Document
    created: bool


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def get_office(code: str | None = None) -> Office:
    """The office named by ``code`` (slug or name); with none, the only office, made on first use."""
    if code:
        office = Office.objects.filter(Q(code=code) | Q(name=code)).first()
        if office is None:
            raise HoptacError(f"không có văn phòng {code!r}")
        return office
    offices = list(Office.objects.all()[:2])
    if len(offices) == 1:
        return offices[0]
    if offices:
        raise HoptacError("có nhiều văn phòng: hãy chọn một bằng --office MÃ hoặc biến HOPTAC_OFFICE")
    with transaction.atomic():
        office, created = Office.objects.get_or_create(code="mac-dinh", defaults={"name": "Sở Ngoại vụ"})
        if created:
            audit.log(None, "create", office, after=audit.snapshot(office), office=office, summary="Văn phòng mặc định")
    return office


def ingest_path(path: str | Path, office: Office, user: Any = None, max_bytes: int = MAX_BYTES) -> IngestResult:
    """Ingest one file; its size is checked before a byte of it is read."""
    p = Path(path)
    return ingest_bytes(read_file(p, max_bytes), p.name, office, user)


def ingest_bytes(
    data: bytes,
    filename: str,
    office: Office,
    user: Any = None,
    *,
    reviewed: bool = False,
    decisions: dict[str, Any] | None = None,
    extracted: tuple[dict[str, Any], str] | None = None,
) -> IngestResult:
    """Extract and store; an already stored file (same content in this office) is returned unchanged.

    ``extracted``: the (extraction dict, cleaned text) already read from these bytes, which are then not
    read again (a scan the upload's background job has OCR'd)."""
    digest = sha256(data)
    existing = Document.objects.filter(office=office, sha256=digest).first()
    if existing is not None:
        return IngestResult(existing, False)
    if extracted is None:
        ex = read_document(data, filename)
        extracted = ex.to_dict(), ex.text
    extraction = prepare(extracted[0])
    if decisions is not None:
        extraction = apply_decisions(extraction, decisions)
    return save_extraction(
        office,
        data=data,
        filename=filename,
        extraction=extraction,
        text=extracted[1],
        user=user,
        reviewed=reviewed,
    )


def read_document(data: bytes, filename: str) -> Any:
    """The extractor behind a boundary: whatever goes wrong is one Vietnamese line naming the file."""
    from hoptac.extract import extract_bytes

    if not data.strip():
        raise ExtractError(f"{filename}: tệp rỗng")
    try:
        return extract_bytes(data, filename)
    except HoptacError:
        raise
    except Exception as exc:  # an extractor bug must not become a server error
        raise ExtractError(f"{filename}: không đọc được văn bản ({type(exc).__name__})") from exc


def save_extraction(
    office: Office,
    *,
    data: bytes,
    filename: str,
    extraction: dict[str, Any],
    text: str,
    user: Any = None,
    reviewed: bool = False,
) -> IngestResult:
    digest = sha256(data)
    doc = Document(
        office=office,
        filename=short_name(filename, 255),
        sha256=digest,
        text=text,
        extraction=extraction,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    wrote = False
    try:
        with transaction.atomic():
            existing = Document.objects.select_for_update().filter(office=office, sha256=digest).first()
            if existing is not None:
                return IngestResult(existing, False)
            _set_header(doc, extraction.get("document") or {})
            if reviewed:
                doc.reviewed, doc.reviewed_by, doc.reviewed_at = True, doc.created_by, timezone.now()
            doc.file.name, wrote = store_file(data, digest, filename)
            doc.save()
            counts = _build(doc, extraction, user)
            audit.log(
                user,
                "ingest",
                doc,
                after=audit.snapshot(doc),
                document=doc,
                summary=f"Nhập văn bản {doc.filename}: " + ", ".join(f"{v} {k}" for k, v in counts.items()),
            )
    except BaseException:
        # The rows are rolled back; the file written above is not, unless removed here (only if this call
        # wrote it and no other document, of another office, stores the same bytes).
        if wrote and doc.file.name and not _file_in_use(doc.file.name):
            doc.file.storage.delete(doc.file.name)
        raise
    return IngestResult(doc, True)


def _file_in_use(name: str) -> bool:
    try:
        return Document.objects.filter(file=name).exists()
    except Exception:  # the connection is unusable (the error being handled): keeping the file is the safe side
        return True


def document_file_name(digest: str, filename: str) -> str:
    """Where a document's bytes are stored, relative to MEDIA_ROOT: by content hash, with the original
    suffix (ASCII, lower case) so a download keeps its type."""
    suffix = Path(filename).suffix.lower()
    if not (suffix.isascii() and re.fullmatch(r"\.[a-z0-9]{1,8}", suffix)):
        suffix = ""
    return f"documents/{digest[:2]}/{digest}{suffix}"


def store_file(data: bytes, digest: str, filename: str) -> tuple[str, bool]:
    """Write ``data`` at its content-hash name unless a complete copy is already there (from another
    office, or from a run killed before its rows committed); (name, whether this call wrote it)."""
    from django.core.files.storage import default_storage

    name = document_file_name(digest, filename)
    path = Path(default_storage.path(name))
    try:
        if path.is_file() and path.stat().st_size == len(data) and sha256(path.read_bytes()) == digest:
            return name, False
        path.parent.mkdir(parents=True, exist_ok=True)
        # In place, no temporary name: a write cut short leaves a wrong copy at this very name, which the
        # next run of the same document finds (wrong hash) and rewrites.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    except OSError as exc:
        raise HoptacError(f"{filename}: không ghi được tệp vào thư mục dữ liệu ({os_reason(exc)})") from None
    return name, True


def rebuild(doc: Document, extraction: dict[str, Any], user: Any = None, *, reviewed: bool = True) -> Document:
    """Replace what a not yet reviewed document produced by ``extraction`` (as the clerk edited it; with
    ``reviewed=False``, as a newer extractor reads it: the demo's samples)."""
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=doc.pk)
        before = {"tasks": doc.plan.tasks.count() if hasattr(doc, "plan") else 0, "reviewed": doc.reviewed}
        _clear(doc)
        doc.extraction = extraction
        _set_header(doc, extraction.get("document") or {})
        if reviewed:
            doc.reviewed, doc.reviewed_at = True, timezone.now()
            doc.reviewed_by = user if getattr(user, "is_authenticated", False) else None
        doc.save()
        counts = _build(doc, extraction, user)
        audit.log(
            user,
            "review" if reviewed else "ingest",
            doc,
            before=before,
            after={**counts, "reviewed": doc.reviewed},
            document=doc,
            summary=f"Duyệt văn bản {doc.filename}" if reviewed else f"Đọc lại văn bản {doc.filename}",
        )
    return doc


def _clear(doc: Document) -> None:
    Plan.objects.filter(document=doc).delete()
    Event.objects.filter(document=doc).delete()
    DocumentLink.objects.filter(source=doc).delete()
    for ag in Agreement.objects.filter(documents=doc):
        if ag.documents.exclude(pk=doc.pk).exists():
            ag.documents.remove(doc)
        else:
            ag.delete()


def _set_header(doc: Document, info: dict[str, Any]) -> None:
    kind = info.get("kind") or "khac"
    doc.kind = kind if kind in Document.Kind.values else "khac"
    doc.number = (info.get("number") or "")[:100]
    doc.issuer = (info.get("issuer") or "")[:300]
    doc.title = info.get("title") or ""
    raw_date = info.get("date") or ""
    doc.date_text = raw_date[:20]
    doc.date = iso_date(raw_date)


def log_shared(user: Any, changes: Changes, document: Document | None, action: str, summary: str) -> None:
    """One audit entry per shared row a document created or changed (each row once, its first earlier state)."""
    seen: dict[tuple[str, int], tuple[Any, dict[str, Any] | None]] = {}
    for obj, before in changes:
        seen.setdefault((obj._meta.model_name, obj.pk), (obj, before))
    for obj, before in seen.values():
        after = audit.snapshot(obj) if before is None else {k: audit.snapshot(obj, (k,)).popitem()[1] for k in before}
        audit.log(
            user,
            action if before is None else "update",
            obj,
            before=before,
            after=after,
            document=document,
            summary=f"{summary}: {obj}"[:500],
        )


def _link_kind(text: str, span: list[int] | None, number: str) -> str:
    """ "Kế hoạch này thay thế Kế hoạch số 667/KH-UBND" replaces; "thực hiện"/"triển khai" implements."""
    if span and len(span) == 2 and 0 <= span[0] < span[1] <= len(text):
        start = span[0]
    else:
        start = text.find(number)
        if start < 0:
            return str(DocumentLink.Kind.CITES)
    before = text[max(0, start - 80) : start].casefold()
    if "thay thế" in before:
        return str(DocumentLink.Kind.REPLACES)
    if "thực hiện" in before or "triển khai" in before:
        return str(DocumentLink.Kind.IMPLEMENTS)
    return str(DocumentLink.Kind.CITES)


def _build(doc: Document, extraction: dict[str, Any], user: Any = None) -> dict[str, int]:
    office = doc.office
    shared: Changes = []
    parties, _domestic = party_rows(office, extraction.get("parties") or [], shared)
    agreements = build_agreements(doc, extraction, shared)
    period = plan_period(extraction, doc.year)
    tasks = [t for t in extraction.get("tasks") or [] if t.get("title")]
    counts = {"nhiệm vụ": 0, "lần thực hiện": 0, "sự kiện": 0, "thỏa thuận": len(agreements), "dẫn chiếu": 0}
    plan = None
    if doc.kind == "ke_hoach" or tasks:
        budget = sum(int(b.get("amount") or 0) for b in extraction.get("budget") or [] if b.get("currency") == "VND")
        plan = Plan.objects.create(
            office=office,
            document=doc,
            title=doc.title or doc.filename,
            start_year=period[0] if period else None,
            end_year=period[1] if period else None,
            budget=budget or None,
            agreement=agreements[0] if agreements else None,
        )
        plan.partners.set(parties)
    occurrences: list[Occurrence] = []
    for pos, t in enumerate(tasks):
        assert plan is not None
        span = t.get("span") or [0, 0]
        task = Task.objects.create(
            office=office,
            plan=plan,
            ref=(t.get("ref") or "")[:40],
            title=t["title"],
            when=t.get("when") or {},
            position=pos,
            span_start=max(0, int(span[0])),
            span_end=max(0, int(span[1])),
        )
        task.lead.set([agency_named(office, n, shared) for n in t.get("lead") or [] if n.strip()])
        task.support.set([agency_named(office, n, shared) for n in t.get("support") or [] if n.strip()])
        for due in expand(task.when, period, doc.year):
            occurrences.append(Occurrence(office=office, task=task, year=period_year(due, period), due=due))
        counts["nhiệm vụ"] += 1
    Occurrence.objects.bulk_create(occurrences, batch_size=1000)
    counts["lần thực hiện"] = len(occurrences)
    counts["sự kiện"] = build_events(doc, extraction, parties, agreements)
    for r in extraction.get("references") or []:
        number = (r.get("number") or "").strip()
        if not number:
            continue
        target = (
            Document.objects.filter(office=office, number__iexact=number).exclude(pk=doc.pk).order_by("-id").first()
        )
        DocumentLink.objects.create(
            office=office,
            source=doc,
            target=target,
            kind=_link_kind(doc.text, r.get("span"), number),
            ref_kind=(r.get("kind") or "")[:100],
            ref_number=number[:100],
            ref_date=(r.get("date") or "")[:20],
            ref_issuer=(r.get("issuer") or "")[:300],
        )
        counts["dẫn chiếu"] += 1
    if doc.number:
        # Earlier documents that cited this one now point at it.
        for link in DocumentLink.objects.filter(
            office=office, target__isnull=True, ref_number__iexact=doc.number
        ).exclude(source=doc):
            link.target = doc
            link.save(update_fields=["target"])
            shared.append((link, {"target": None}))
    _record_changes(doc)
    log_shared(user, shared, doc, "create", f"Từ văn bản {doc.filename}")
    return counts


def _record_changes(doc: Document) -> None:
    """A new version of a plan (it replaces one, or has the same number): what changed in its tasks."""
    if not hasattr(doc, "plan"):
        return
    old = None
    link = doc.links_out.filter(kind=DocumentLink.Kind.REPLACES, target__plan__isnull=False).first()
    if link is not None:
        old = link.target
    elif doc.number:
        old = (
            Document.objects.filter(office=doc.office, number__iexact=doc.number, plan__isnull=False)
            .exclude(pk=doc.pk)
            .order_by("-id")
            .first()
        )
    if old is None:
        return
    before = {t.ref or t.title: t.title for t in old.plan.tasks.all()}
    after = {t.ref or t.title: t.title for t in doc.plan.tasks.all()}
    doc.changes = {
        "previous": old.pk,
        "previous_label": str(old),
        "added": [f"{k} {after[k]}".strip() for k in after if k not in before],
        "removed": [f"{k} {before[k]}".strip() for k in before if k not in after],
        "changed": [f"{k}: {before[k]} → {after[k]}" for k in after if k in before and before[k] != after[k]],
    }
    doc.save(update_fields=["changes"])
