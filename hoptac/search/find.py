"""``search``: what the search page and ``hoptac search`` call.

Two passes: the exact one (folded words, names with their every spelling, document numbers),
then, if it does not fill the page, an OCR-tolerant one that also takes the index's non-syllable
look-alikes of the query's words ("thea thuan" for "Thỏa thuận") and the parts of numbers in a
row; its hits come after the exact ones and are flagged ``approximate``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError
from django.urls import reverse
from django.utils.translation import gettext as _

from hoptac.errors import HoptacError
from hoptac.records import perms
from hoptac.records.models import Document, Office
from hoptac.search import engine, index, ocr
from hoptac.search.models import Alias, Entry
from hoptac.search.query import QueryError, parse
from hoptac.search.snippets import Snippet, mark_all, matcher, snippet

__all__ = ["MAX_LIMIT", "Hit", "Results", "SearchError", "search"]

log = logging.getLogger(__name__)

MAX_LIMIT = 100
KINDS = tuple(Entry.Kind.values)


class SearchError(HoptacError):
    """A search that cannot run (a bad filter, no access); the message is for the user."""


@dataclass
class Hit:
    kind: str
    id: int
    title: str
    filename: str
    document_id: int | None
    score: float
    snippet: Snippet
    title_marked: Snippet
    approximate: bool
    url: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "file": self.filename or None,
            "document_id": self.document_id,
            "snippet": self.snippet.text,
            "marks": [list(m) for m in self.snippet.marks],
            "score": round(self.score, 6),
            "approximate": self.approximate,
            "url": self.url,
        }


@dataclass
class Results:
    query: str
    hits: list[Hit]
    total: int
    capped: bool  # more than engine.RANK_WINDOW matched: total is "at least"
    offset: int
    limit: int
    dropped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "more": self.capped,
            "offset": self.offset,
            "ignored_words": self.dropped,
            "hits": [h.to_dict() for h in self.hits],
        }


def _scope(user: Any, office: Office | None, kind: str | None) -> tuple[list[str], str | None]:
    """Tags that keep the search to what ``user`` (or, with no user, ``office``) may read."""
    if user is None:
        return ([f"o{office.pk}"] if office else []), kind
    role = perms.role_of(user)
    if role is None:
        raise SearchError(_("Tài khoản chưa được gán văn phòng và vai trò."))
    if perms.is_national(user):
        return ([f"o{office.pk}"] if office else []), kind
    own = perms.office_of(user)
    assert own is not None
    if office is not None and office.pk != own.pk:
        raise SearchError(_("Bạn không có quyền tìm trong văn phòng này."))
    tags = [f"o{own.pk}"]
    if perms.can_read_all(user):
        return tags, kind
    agency = perms.reporter_agency(user)
    if agency is None or kind not in (None, "task"):
        return tags + ["knone"], kind  # a reporter reads only tasks of their agency
    return tags + [f"a{agency.pk}"], "task"


def _known(tags: list[str]) -> Any:
    offices = [int(t[1:]) for t in tags if t.startswith("o")]

    def known(keys: set[str]) -> dict[str, set[str]]:
        rows = Alias.objects.filter(key__in=keys)
        if offices:
            rows = rows.filter(office_id__in=offices)
        owners = {(kind, pk) for kind, pk in rows.values_list("kind", "object_id")[:50]}
        if not owners:
            return {}
        spellings: dict[tuple[str, int], set[str]] = defaultdict(set)
        for kind, pk, key in Alias.objects.filter(object_id__in={pk for _kind, pk in owners}).values_list(
            "kind", "object_id", "key"
        ):
            if (kind, pk) in owners:
                spellings[(kind, pk)].add(key)
        out: dict[str, set[str]] = defaultdict(set)
        for keys_of in spellings.values():
            for key in keys_of & keys:
                out[key] |= keys_of
        return out

    return known


def _url(entry: Entry) -> str:
    names = {
        Entry.Kind.DOCUMENT: "document_detail",
        Entry.Kind.TASK: "task_detail",
        Entry.Kind.PARTNER: "partner_detail",
        Entry.Kind.AGENCY: "agency_detail",
        Entry.Kind.AGREEMENT: "agreement_detail",
    }
    if entry.kind in names:
        return reverse(names[entry.kind], args=[entry.object_id])
    if entry.document_id:
        return reverse("document_detail", args=[entry.document_id])
    return reverse("event_list")


def _int(value: Any, name: str, low: int, high: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SearchError(_("%(name)s không hợp lệ: %(value)r") % {"name": name, "value": str(value)[:40]}) from None
    if not low <= number <= high:
        raise SearchError(_("%(name)s phải từ %(low)s đến %(high)s.") % {"name": name, "low": low, "high": high})
    return number


def search(
    text: str,
    *,
    user: Any = None,
    office: Office | None = None,
    kind: str | None = None,
    partner: Any = None,
    agency: Any = None,
    year: Any = None,
    limit: int = 20,
    offset: int = 0,
) -> Results:
    """Records matching ``text`` that ``user`` may read (with no user: of ``office``, or all), best first.

    Raises ``QueryError``/``SearchError`` (``HoptacError``s) with a message for a query or filter
    that cannot be searched; never anything else for bad input.
    """
    if kind in ("", None):
        kind = None
    elif kind not in KINDS:
        raise SearchError(
            _("Loại không hợp lệ: %(kind)r (chọn một trong: %(kinds)s).")
            % {"kind": str(kind)[:40], "kinds": ", ".join(KINDS)}
        )
    partner_id = _int(partner, _("Đối tác"), 1, 2**62)
    agency_id = _int(agency, _("Cơ quan"), 1, 2**62)
    year_n = _int(year, _("Năm"), 1900, 2200)
    limit = _int(limit, _("Số kết quả"), 1, MAX_LIMIT) or 20
    offset = _int(offset, _("Vị trí"), 0, engine.RANK_WINDOW) or 0
    tags, kind = _scope(user, office, kind)
    if kind:
        tags.append(f"k{kind}")
    tags += [f"p{partner_id}"] if partner_id else []
    tags += [f"a{agency_id}"] if agency_id else []
    tags += [f"y{year_n}"] if year_n else []
    try:
        index.flush()
        query = parse(text, _known(tags))
        exact = engine.find(query.groups, tags, limit=limit, offset=offset)
        found = [(pk, score, False) for pk, score in exact.hits]
        total, capped = exact.total, exact.capped
        if len(found) < limit and not capped:
            alike = ocr.similar([g.word for g in query.groups if g.word])
            for g in query.groups:
                g.fuzzy += [(w,) for w in alike.get(g.word, [])] if g.word else []
            if query.has_fuzzy:
                loose = engine.find(
                    query.groups,
                    tags,
                    limit=limit - len(found),
                    offset=max(0, offset - exact.total),
                    tolerant=True,
                )
                found += [(pk, score, True) for pk, score in loose.hits]
                total += loose.total
                capped = capped or loose.capped
        hits = _hits(query.groups, found)
    except QueryError:
        raise
    except DatabaseError as exc:
        log.exception("search failed")
        raise SearchError(
            _("Không tìm được: chỉ mục tìm kiếm bị lỗi (%(error)s); hãy chạy `hoptac search --rebuild`.")
            % {"error": type(exc).__name__}
        ) from None
    return Results(query.text, hits, total, capped, offset, limit, query.dropped)


def _hits(groups: Any, found: list[tuple[int, float, bool]]) -> list[Hit]:
    if not found:
        return []
    entries = Entry.objects.defer("head", "body", "tags").in_bulk([pk for pk, _, _ in found])
    doc_ids = [e.object_id for e in entries.values() if e.kind == Entry.Kind.DOCUMENT]
    texts = dict(Document.objects.filter(pk__in=doc_ids).values_list("pk", "text")) if doc_ids else {}
    exact, tolerant = matcher(groups), matcher(groups, tolerant=True)
    hits = []
    for pk, score, approximate in found:
        e = entries.get(pk)
        if e is None:
            continue
        m = tolerant if approximate else exact
        source = texts.get(e.object_id, "") if e.kind == Entry.Kind.DOCUMENT else e.text
        hits.append(
            Hit(
                kind=e.kind,
                id=e.object_id,
                title=e.title,
                filename=e.filename,
                document_id=e.document_id,
                score=score,
                snippet=snippet(source or e.title, m),
                title_marked=mark_all(e.title, m),
                approximate=approximate,
                url=_url(e),
            )
        )
    return hits
