"""Keeping the index current: records → ``Entry`` rows, on every write and on demand.

Signals on the records' models mark what changed; the marks are indexed together when the
transaction commits (an ingest that writes a document, 45 tasks and their agencies is indexed
once, in one transaction of its own). ``flush`` also runs before a search, so a search in the
same transaction as a write sees it. ``rebuild`` indexes everything again (``hoptac search
--rebuild``, ``hoptac manage rebuild_search_index``).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import translation

from hoptac.extract.vocab import expand_abbreviations
from hoptac.records.models import (
    Agency,
    Agreement,
    Document,
    DocumentLink,
    Event,
    Occurrence,
    Office,
    Partner,
    Plan,
    Task,
)
from hoptac.search.models import Alias, Entry, Word
from hoptac.search.query import name_keys
from hoptac.search.text import index_text, ocr_words

__all__ = ["connect", "entries_for", "flush", "mark", "rebuild", "reindex"]

log = logging.getLogger(__name__)


class K:
    """The kinds of entry (``Entry.Kind``'s values), as plain strings."""

    DOCUMENT = "document"
    TASK = "task"
    PARTNER = "partner"
    AGENCY = "agency"
    AGREEMENT = "agreement"
    EVENT = "event"


CHUNK = 500
MAX_YEARS = 15  # a longer period is tagged with its first years only


# -- entries -------------------------------------------------------------------------------------


def _years(first: int | None, last: int | None) -> list[int]:
    if not first:
        return [last] if last else []
    last = last if last and last >= first else first
    return list(range(first, min(last, first + MAX_YEARS - 1) + 1))


def _tags(
    office_id: int, kind: str, years: Iterable[int] = (), partners: Iterable[Any] = (), agencies: Iterable[Any] = ()
) -> str:
    tags = [f"o{office_id}", f"k{kind}"]
    tags += [f"y{y}" for y in sorted(set(years)) if y]
    tags += [f"p{p}" for p in sorted(set(partners)) if p]
    tags += [f"a{a}" for a in sorted(set(agencies)) if a]
    return " ".join(tags)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _pairs(model: Any, key: str, value: str, **where: Any) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for k, v in model.objects.filter(**where).values_list(key, value):
        out[k].append(v)
    return out


def document_entry(
    doc: Document,
    *,
    refs: Iterable[str] = (),
    partners: Iterable[int] = (),
    agencies: Iterable[int] = (),
) -> Entry:
    """A document's entry; ``refs`` are the numbers it cites (the links' ``ref_number``)."""
    label = str(doc)
    title = f"{label} — {doc.title}" if doc.number and doc.title else label
    return Entry(
        kind=K.DOCUMENT,
        object_id=doc.pk,
        office_id=doc.office_id,
        document_id=doc.pk,
        filename=doc.filename,
        title=title[:2000],
        text="",
        head=index_text(doc.number, doc.title, doc.issuer),
        body=index_text(" ; ".join(refs), doc.filename, doc.text),
        tags=_tags(doc.office_id, K.DOCUMENT, [doc.year] if doc.year else [], partners, agencies),
    )


def _documents(ids: list[int]) -> list[Entry]:
    docs = Document.objects.filter(pk__in=ids).only(
        "id", "office_id", "filename", "kind", "number", "date", "date_text", "issuer", "title", "text"
    )
    refs = _pairs(DocumentLink, "source_id", "ref_number", source_id__in=ids)
    partners = _pairs(Plan.partners.through, "plan__document_id", "partner_id", plan__document_id__in=ids)
    for k, v in _pairs(Agreement.documents.through, "document_id", "agreement_id", document_id__in=ids).items():
        partners[k] += Agreement.parties.through.objects.filter(agreement_id__in=v).values_list("partner_id", flat=True)
    for k, v in _pairs(Event.parties.through, "event__document_id", "partner_id", event__document_id__in=ids).items():
        partners[k] += v
    agencies = _pairs(Task.lead.through, "task__plan__document_id", "agency_id", task__plan__document_id__in=ids)
    for k, v in _pairs(
        Task.support.through, "task__plan__document_id", "agency_id", task__plan__document_id__in=ids
    ).items():
        agencies[k] += v
    return [
        document_entry(d, refs=refs.get(d.pk, ()), partners=partners.get(d.pk, ()), agencies=agencies.get(d.pk, ()))
        for d in docs
    ]


def _tasks(ids: list[int]) -> list[Entry]:
    tasks = (
        Task.objects.filter(pk__in=ids)
        .select_related("plan__document")
        .prefetch_related("lead", "support", "plan__partners")
        .defer("plan__document__text", "plan__document__extraction", "plan__document__changes")
    )
    years = _pairs(Occurrence, "task_id", "year", task_id__in=ids)
    out = []
    for t in tasks:
        plan, doc = t.plan, t.plan.document
        lead = [a.name for a in t.lead.all()]
        support = [a.name for a in t.support.all()]
        lines = [t.title]
        if lead:
            lines.append("Chủ trì: " + ", ".join(lead))
        if support:
            lines.append("Phối hợp: " + ", ".join(support))
        lines.append(f"{doc}: {plan.title}" if doc.number else plan.title)
        out.append(
            Entry(
                kind=K.TASK,
                object_id=t.pk,
                office_id=t.office_id,
                document_id=doc.pk,
                filename=doc.filename,
                title=f"{t.ref} {t.title}".strip()[:2000],
                text="\n".join(lines),
                head=index_text(t.title, *lead),
                body=index_text(*support, doc.number, plan.title),
                tags=_tags(
                    t.office_id,
                    K.TASK,
                    years.get(t.pk) or _years(plan.start_year, plan.end_year),
                    [p.pk for p in plan.partners.all()],
                    [a.pk for a in (*t.lead.all(), *t.support.all())],
                ),
            )
        )
    return out


def _partners(ids: list[int]) -> list[Entry]:
    out = []
    for p in Partner.objects.filter(pk__in=ids).select_related("successor"):
        names = [p.name, *p.aliases, p.native_name, p.romanization]
        names = [n for n in dict.fromkeys(names) if n]
        keys = {k for n in names for k in name_keys(n)}
        facts = [str(p.get_level_display()), p.country]
        if p.successor:
            facts.append(p.successor.name)
        out.append(
            Entry(
                kind=K.PARTNER,
                object_id=p.pk,
                office_id=p.office_id,
                title=p.name,
                text="; ".join(names),
                head=index_text(*names, " ".join(sorted(k for k in keys if " " not in k))),
                body=index_text(*facts),
                tags=_tags(p.office_id, K.PARTNER, partners=[p.pk]),
            )
        )
    return out


def _agencies(ids: list[int]) -> list[Entry]:
    out = []
    for a in Agency.objects.filter(pk__in=ids).select_related("locality"):
        names = [n for n in dict.fromkeys([a.name, *a.aliases]) if n]
        expanded = [e for e in dict.fromkeys(expand_abbreviations(n) for n in names) if e not in names]
        out.append(
            Entry(
                kind=K.AGENCY,
                object_id=a.pk,
                office_id=a.office_id,
                title=a.name,
                text="; ".join(names),
                head=index_text(*names, *expanded),
                body=index_text(a.locality.name if a.locality else ""),
                tags=_tags(a.office_id, K.AGENCY, partners=[a.locality_id] if a.locality_id else [], agencies=[a.pk]),
            )
        )
    return out


def _agreements(ids: list[int]) -> list[Entry]:
    out = []
    docs = _pairs(Agreement.documents.through, "agreement_id", "document_id", agreement_id__in=ids)
    files = dict(Document.objects.filter(pk__in={d for v in docs.values() for d in v}).values_list("id", "filename"))
    for ag in Agreement.objects.filter(pk__in=ids).prefetch_related("parties"):
        parties = [p.name for p in ag.parties.all()]
        facts = [str(ag.get_kind_display()), str(ag.get_status_display())]
        if ag.start_year:
            facts.append(f"{ag.start_year}–{ag.end_year or ''}")
        doc_id = min(docs.get(ag.pk, [0])) or None
        years = _years(ag.start_year, ag.end_year)
        if ag.signed_on:
            years.append(ag.signed_on.year)
        out.append(
            Entry(
                kind=K.AGREEMENT,
                object_id=ag.pk,
                office_id=ag.office_id,
                document_id=doc_id,
                filename=files.get(doc_id, ""),
                title=ag.title[:2000],
                text="\n".join([ag.title, "; ".join(parties), " · ".join(facts)]),
                head=index_text(ag.title),
                body=index_text(*parties, *facts),
                tags=_tags(ag.office_id, K.AGREEMENT, years, [p.pk for p in ag.parties.all()]),
            )
        )
    return out


def _events(ids: list[int]) -> list[Entry]:
    out = []
    events = Event.objects.filter(pk__in=ids).prefetch_related("parties")
    files = dict(
        Document.objects.filter(pk__in={e.document_id for e in events if e.document_id}).values_list("id", "filename")
    )
    for e in events:
        parties = [p.name for p in e.parties.all()]
        text = [e.title, e.place, e.members, "; ".join(parties)]
        year = e.date.year if e.date else (int(e.date_text[:4]) if e.date_text[:4].isdigit() else None)
        out.append(
            Entry(
                kind=K.EVENT,
                object_id=e.pk,
                office_id=e.office_id,
                document_id=e.document_id,
                filename=files.get(e.document_id or 0, ""),
                title=e.title[:2000],
                text="\n".join(t for t in text if t),
                head=index_text(e.title),
                body=index_text(e.place, e.members, *parties),
                tags=_tags(e.office_id, K.EVENT, [year] if year else [], [p.pk for p in e.parties.all()]),
            )
        )
    return out


BUILDERS: dict[str, Callable[[list[int]], list[Entry]]] = {
    K.DOCUMENT: _documents,
    K.TASK: _tasks,
    K.PARTNER: _partners,
    K.AGENCY: _agencies,
    K.AGREEMENT: _agreements,
    K.EVENT: _events,
}


def entries_for(kind: str, ids: list[int]) -> list[Entry]:
    """The entries of these records as they are now (records that no longer exist give none)."""
    with translation.override("vi"):  # the index is the same whatever language the writer reads
        return BUILDERS[kind](ids)


def _aliases(entries: list[Entry]) -> list[Alias]:
    out = []
    for e in entries:
        if e.kind in (K.PARTNER, K.AGENCY):
            for key in sorted({k for n in e.text.split("; ") for k in name_keys(n, compact=e.kind == K.PARTNER)}):
                if len(key) <= 300:
                    out.append(Alias(office_id=e.office_id, kind=e.kind, object_id=e.object_id, key=key))
    return out


def reindex(kind: str, ids: Iterable[int]) -> int:
    """Index these records again (deleting the entries of those that are gone); returns the entries written."""
    written = 0
    for chunk in _chunks(sorted(set(ids))):
        entries = entries_for(kind, chunk)
        with transaction.atomic():
            Entry.objects.filter(kind=kind, object_id__in=chunk).delete()
            Alias.objects.filter(kind=kind, object_id__in=chunk).delete()
            Entry.objects.bulk_create(entries, batch_size=CHUNK)
            Alias.objects.bulk_create(_aliases(entries), batch_size=CHUNK)
            add_words(entries)
        written += len(entries)
    return written


def add_words(entries: Iterable[Entry]) -> None:
    """Record the entries' non-syllable words for the OCR-tolerant pass."""
    words: set[str] = set()
    for e in entries:
        words |= ocr_words(e.head)
        words |= ocr_words(e.body)
    if words:
        known = set(Word.objects.filter(word__in=words).values_list("word", flat=True)) if len(words) < 900 else set()
        Word.objects.bulk_create([Word(word=w) for w in sorted(words - known)], batch_size=CHUNK, ignore_conflicts=True)


def rebuild(office: Office | None = None, progress: Callable[[str, int], None] | None = None) -> int:
    """Index every record (of ``office``, or of all offices) again; returns the entries written."""
    total = 0
    with transaction.atomic():
        gone = Entry.objects.all() if office is None else Entry.objects.filter(office=office)
        gone.delete()
        (Alias.objects.all() if office is None else Alias.objects.filter(office=office)).delete()
    models: dict[str, Any] = {
        K.DOCUMENT: Document,
        K.TASK: Task,
        K.PARTNER: Partner,
        K.AGENCY: Agency,
        K.AGREEMENT: Agreement,
        K.EVENT: Event,
    }
    for kind, model in models.items():
        qs = model.objects.all() if office is None else model.objects.filter(office=office)
        ids = list(qs.order_by("pk").values_list("pk", flat=True))
        total += reindex(kind, ids)
        if progress:
            progress(kind, len(ids))
    return total


# -- marks and signals ---------------------------------------------------------------------------

_local = threading.local()


def _pending() -> dict[str, set[int]]:
    pending: dict[str, set[int]] | None = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = defaultdict(set)
    return pending


def mark(kind: str, ids: Iterable[int | None]) -> None:
    """Index these records again when the transaction commits (at once outside a transaction)."""
    pending = _pending()
    added = False
    for pk in ids:
        if pk is not None and pk not in pending[kind]:
            pending[kind].add(pk)
            added = True
    if added:
        # One callback per mark: a rolled-back savepoint drops its own, never the others'.
        transaction.on_commit(flush, robust=True)


def flush() -> None:
    """Index everything marked so far (a no-op when nothing is). A failure is logged, never raised:
    the write it follows is committed already, and ``rebuild`` mends the index."""
    pending = _pending()
    if not any(pending.values()):
        return
    todo = {k: set(v) for k, v in pending.items() if v}
    pending.clear()
    try:
        with transaction.atomic():
            for kind, ids in todo.items():
                reindex(kind, ids)
    except Exception:
        log.exception(
            "search index: could not index %s; run `hoptac search --rebuild`", {k: len(v) for k, v in todo.items()}
        )


def _only(update_fields: Any, fields: set[str]) -> bool:
    return bool(update_fields) and set(update_fields) <= fields


def _document_saved(instance: Document, update_fields: Any = None, created: bool = False, **kw: Any) -> None:
    if _only(update_fields, {"changes", "reviewed", "reviewed_by", "reviewed_at"}):
        return
    mark(K.DOCUMENT, [instance.pk])
    if not created:
        mark(K.TASK, Task.objects.filter(plan__document_id=instance.pk).values_list("pk", flat=True))
        mark(K.EVENT, Event.objects.filter(document_id=instance.pk).values_list("pk", flat=True))
        mark(
            K.AGREEMENT,
            Agreement.documents.through.objects.filter(document_id=instance.pk).values_list("agreement_id", flat=True),
        )


def _saved(kind: str, skip: set[str] | None = None) -> Callable[..., None]:
    def handler(instance: Model, update_fields: Any = None, **kw: Any) -> None:
        if skip and _only(update_fields, skip):
            return
        mark(kind, [instance.pk])

    return handler


def _deleted(kind: str) -> Callable[..., None]:
    def handler(instance: Model, **kw: Any) -> None:
        mark(kind, [instance.pk])

    return handler


def _link_changed(instance: DocumentLink, **kw: Any) -> None:
    mark(K.DOCUMENT, [instance.source_id])


def _plan_changed(instance: Plan, **kw: Any) -> None:
    mark(K.DOCUMENT, [instance.document_id])
    mark(K.TASK, Task.objects.filter(plan_id=instance.pk).values_list("pk", flat=True))


def _partner_saved(instance: Partner, update_fields: Any = None, created: bool = False, **kw: Any) -> None:
    mark(K.PARTNER, [instance.pk])
    if not created and not _only(update_fields, {"aliases"}):
        _partner_dependents(instance)


def _partner_dependents(instance: Partner, **kw: Any) -> None:
    mark(
        K.AGREEMENT,
        Agreement.parties.through.objects.filter(partner_id=instance.pk).values_list("agreement_id", flat=True),
    )
    mark(K.EVENT, Event.parties.through.objects.filter(partner_id=instance.pk).values_list("event_id", flat=True))
    mark(K.AGENCY, Agency.objects.filter(locality_id=instance.pk).values_list("pk", flat=True))


def _agency_saved(instance: Agency, update_fields: Any = None, created: bool = False, **kw: Any) -> None:
    mark(K.AGENCY, [instance.pk])
    if not created and not _only(update_fields, {"aliases"}):
        _agency_dependents(instance)


def _agency_dependents(instance: Agency, **kw: Any) -> None:
    mark(K.TASK, Task.lead.through.objects.filter(agency_id=instance.pk).values_list("task_id", flat=True))
    mark(K.TASK, Task.support.through.objects.filter(agency_id=instance.pk).values_list("task_id", flat=True))


def _task_agencies(sender: Any, instance: Model, action: str, reverse: bool, pk_set: Any, **kw: Any) -> None:
    if not action.startswith("post_") and action != "pre_clear":
        return
    if isinstance(instance, Task):
        mark(K.TASK, [instance.pk])
        mark(K.DOCUMENT, [instance.plan.document_id])
    elif action == "pre_clear":
        mark(K.TASK, sender.objects.filter(agency_id=instance.pk).values_list("task_id", flat=True))
    elif pk_set:
        mark(K.TASK, pk_set)
        mark(K.DOCUMENT, Plan.objects.filter(tasks__in=pk_set).values_list("document_id", flat=True))


def _plan_partners(sender: Any, instance: Model, action: str, pk_set: Any, **kw: Any) -> None:
    if not action.startswith("post_") and action != "pre_clear":
        return
    plans = [instance.pk] if isinstance(instance, Plan) else list(pk_set or ())
    if action == "pre_clear" and not isinstance(instance, Plan):
        plans = list(sender.objects.filter(partner_id=instance.pk).values_list("plan_id", flat=True))
    mark(K.DOCUMENT, Plan.objects.filter(pk__in=plans).values_list("document_id", flat=True))
    mark(K.TASK, Task.objects.filter(plan_id__in=plans).values_list("pk", flat=True))


def _agreement_m2m(sender: Any, instance: Model, action: str, pk_set: Any, **kw: Any) -> None:
    if not action.startswith("post_") and action != "pre_clear":
        return
    if isinstance(instance, Agreement):
        mark(K.AGREEMENT, [instance.pk])
        if sender is Agreement.documents.through:
            mark(
                K.DOCUMENT,
                pk_set or sender.objects.filter(agreement_id=instance.pk).values_list("document_id", flat=True),
            )
    else:
        ids = pk_set or sender.objects.filter(**{f"{type(instance).__name__.lower()}_id": instance.pk}).values_list(
            "agreement_id", flat=True
        )
        mark(K.AGREEMENT, ids)
        if isinstance(instance, Document):
            mark(K.DOCUMENT, [instance.pk])


def _event_parties(sender: Any, instance: Model, action: str, pk_set: Any, **kw: Any) -> None:
    if not action.startswith("post_") and action != "pre_clear":
        return
    if isinstance(instance, Event):
        mark(K.EVENT, [instance.pk])
        mark(K.DOCUMENT, [instance.document_id])
    else:
        ids = pk_set or sender.objects.filter(partner_id=instance.pk).values_list("event_id", flat=True)
        mark(K.EVENT, ids)


def connect() -> None:
    """Connect the signals (``SearchConfig.ready``)."""
    uid = "hoptac.search"
    post_save.connect(_document_saved, sender=Document, dispatch_uid=f"{uid}.doc.save")
    post_delete.connect(_deleted(K.DOCUMENT), sender=Document, dispatch_uid=f"{uid}.doc.delete", weak=False)
    for signal in (post_save, post_delete):
        signal.connect(_link_changed, sender=DocumentLink, dispatch_uid=f"{uid}.link.{signal is post_save}")
        signal.connect(_plan_changed, sender=Plan, dispatch_uid=f"{uid}.plan.{signal is post_save}")
    post_save.connect(_saved(K.TASK, {"status", "position"}), sender=Task, dispatch_uid=f"{uid}.task.save", weak=False)
    post_delete.connect(_deleted(K.TASK), sender=Task, dispatch_uid=f"{uid}.task.delete", weak=False)
    post_save.connect(_partner_saved, sender=Partner, dispatch_uid=f"{uid}.partner.save")
    pre_delete.connect(_partner_dependents, sender=Partner, dispatch_uid=f"{uid}.partner.pre_delete")
    post_delete.connect(_deleted(K.PARTNER), sender=Partner, dispatch_uid=f"{uid}.partner.delete", weak=False)
    post_save.connect(_agency_saved, sender=Agency, dispatch_uid=f"{uid}.agency.save")
    pre_delete.connect(_agency_dependents, sender=Agency, dispatch_uid=f"{uid}.agency.pre_delete")
    post_delete.connect(_deleted(K.AGENCY), sender=Agency, dispatch_uid=f"{uid}.agency.delete", weak=False)
    post_save.connect(_saved(K.AGREEMENT), sender=Agreement, dispatch_uid=f"{uid}.agr.save", weak=False)
    post_delete.connect(_deleted(K.AGREEMENT), sender=Agreement, dispatch_uid=f"{uid}.agr.delete", weak=False)
    post_save.connect(_saved(K.EVENT), sender=Event, dispatch_uid=f"{uid}.event.save", weak=False)
    post_delete.connect(_deleted(K.EVENT), sender=Event, dispatch_uid=f"{uid}.event.delete", weak=False)
    m2m_changed.connect(_task_agencies, sender=Task.lead.through, dispatch_uid=f"{uid}.task.lead")
    m2m_changed.connect(_task_agencies, sender=Task.support.through, dispatch_uid=f"{uid}.task.support")
    m2m_changed.connect(_plan_partners, sender=Plan.partners.through, dispatch_uid=f"{uid}.plan.partners")
    m2m_changed.connect(_agreement_m2m, sender=Agreement.parties.through, dispatch_uid=f"{uid}.agr.parties")
    m2m_changed.connect(_agreement_m2m, sender=Agreement.documents.through, dispatch_uid=f"{uid}.agr.docs")
    m2m_changed.connect(_event_parties, sender=Event.parties.through, dispatch_uid=f"{uid}.event.parties")
