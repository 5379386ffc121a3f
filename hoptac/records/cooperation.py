"""Agreements and events from an extraction: the cooperation a document records.

Agreements are the extractor's proposals (``agreements``: kind, parties, signing date, period, status), as the
officer reviewed them; an extraction made before the extractor proposed any gets ``fallback_agreements``, read
from the header of a memorandum, agreement or cover letter. Each agreement is recorded once per office: another
document about it is linked and fills what was not known. Foreign parties are partners; Vietnamese ones are
co-signatories. Events are one record per event (kind, day, partner), dated as precisely as printed.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from hoptac.records.models import Agreement, Document, Event, Office, Partner
from hoptac.records.resolve import Changes, canonical_partner, is_foreign, partner_named
from hoptac.records.text import name_key

__all__ = [
    "AGREEMENT_KINDS",
    "agreement_proposals",
    "build_agreements",
    "build_events",
    "event_date",
    "fallback_agreements",
    "iso_date",
    "party_rows",
    "prepare",
]

AGREEMENT_KINDS = {"thoa_thuan": "thoa_thuan", "ban_ghi_nho": "ban_ghi_nho", "bien_ban": "bien_ban"}
AGREEMENT_WORDS = (
    ("ý định thư", "y_dinh_thu"),
    ("bản ghi nhớ", "ban_ghi_nho"),
    ("thỏa thuận", "thoa_thuan"),
    ("thoả thuận", "thoa_thuan"),
)
EVENT_KINDS = set(Event.Kind.values)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date(text: Any) -> date | None:
    if not isinstance(text, str) or not ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def event_date(text: Any) -> tuple[date | None, str]:
    """An event's date and its precision: "2022-11-24" (day), "2022-11" (month: its first day), "2022"."""
    if not isinstance(text, str):
        return None, str(Event.Precision.DAY)
    if d := iso_date(text):
        return d, str(Event.Precision.DAY)
    m = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if m and 1 <= int(m[2]) <= 12 and 1900 <= int(m[1]) <= 2200:
        return date(int(m[1]), int(m[2]), 1), str(Event.Precision.MONTH)
    if re.fullmatch(r"\d{4}", text) and 1900 <= int(text) <= 2200:
        return date(int(text), 1, 1), str(Event.Precision.YEAR)
    return None, str(Event.Precision.DAY)


def party_rows(office: Office, names: list[dict[str, Any]], shared: Changes) -> tuple[list[Partner], list[str]]:
    """(the foreign parties as partners, the Vietnamese ones as canonically spelled names)."""
    partners: list[Partner] = []
    domestic: list[str] = []
    for p in names:
        name = " ".join(str(p.get("name") or "").split())
        if not name:
            continue
        country = str(p.get("country") or "").strip().upper()[:2]
        if is_foreign(country):
            partner = partner_named(office, name, country, shared)
            if partner not in partners:
                partners.append(partner)
        else:
            canonical = canonical_partner(name, country or "VN")[0]
            if canonical not in domestic:
                domestic.append(canonical)
    return partners, domestic


def build_agreements(doc: Document, extraction: dict[str, Any], shared: Changes) -> list[Agreement]:
    """The agreements the (reviewed) extraction proposes: each recorded once per office, the document linked."""
    out: list[Agreement] = []
    for prop in agreement_proposals(extraction):
        partners, domestic = party_rows(doc.office, prop.get("parties") or [], shared)
        kind = prop.get("kind") if prop.get("kind") in Agreement.Kind.values else str(Agreement.Kind.THOA_THUAN)
        signed = iso_date(prop.get("signed"))
        period = prop.get("period") or {}
        start, end = period.get("from"), period.get("to")
        status = prop.get("status") if prop.get("status") in Agreement.Status.values else str(Agreement.Status.SIGNED)
        found = None
        if partners:
            same = Agreement.objects.filter(office=doc.office, kind=kind, parties__in=partners).distinct()
            for cand in same.order_by("id"):
                if signed is None or cand.signed_on is None or cand.signed_on == signed:
                    found = cand
                    break
        if found is not None:
            # Another document about the same agreement: it fills what was not known yet.
            before: dict[str, Any] = {}
            for field, value in (("signed_on", signed), ("start_year", start), ("end_year", end)):
                if value and not getattr(found, field):
                    before[field] = None
                    setattr(found, field, value)
            if doc.reviewed and not found.reviewed:
                before["reviewed"] = False
                found.reviewed = True
            if before:
                found.save(update_fields=list(before))
                shared.append((found, before))
            found.documents.add(doc)
            out.append(found)
            continue
        agreement = Agreement.objects.create(
            office=doc.office,
            kind=kind,
            title=(prop.get("title") or doc.title or doc.filename).strip(),
            signed_on=signed,
            start_year=start if isinstance(start, int) else None,
            end_year=end if isinstance(end, int) else None,
            status=status,
            cosignatories=domestic,
            reviewed=doc.reviewed,
        )
        agreement.parties.set(partners)
        agreement.documents.add(doc)
        out.append(agreement)
    return out


def agreement_proposals(extraction: dict[str, Any]) -> list[dict[str, Any]]:
    """The agreements to record: the extraction's (as reviewed), or, for an extraction made before the
    extractor proposed any, what ``fallback_agreement`` reads from the document's own header."""
    if "agreements" in extraction:
        return [a for a in extraction.get("agreements") or [] if isinstance(a, dict)]
    return fallback_agreements(extraction)


def fallback_agreements(extraction: dict[str, Any]) -> list[dict[str, Any]]:
    """A memorandum or agreement the document is, or sends ("Về gửi Bản ghi nhớ hợp tác … giai đoạn
    2022-2026"), when a foreign party is named: one proposal for the review."""
    info = extraction.get("document") or {}
    parties = [p for p in extraction.get("parties") or [] if p.get("name")]
    if not any(is_foreign(p.get("country")) for p in parties):
        return []
    title = str(info.get("title") or "")
    kind = info.get("kind") if info.get("kind") in AGREEMENT_KINDS else None
    low = title.casefold()
    for word, k in AGREEMENT_WORDS:
        if word in low:
            kind = kind or k
            if info.get("kind") not in AGREEMENT_KINDS:
                title = title[low.index(word) :]
                title = title[0].upper() + title[1:]
            break
    if kind is None or info.get("kind") in ("tin_bai", "bao_cao"):
        return []
    own = info.get("kind") in AGREEMENT_KINDS
    carried_out = info.get("kind") == "ke_hoach"  # a plan that carries the agreement out: it is in force
    return [
        {
            "kind": kind,
            "title": title,
            "parties": [{"name": p["name"], "country": p.get("country")} for p in parties],
            "signed": info.get("date") if own else None,
            "period": extraction.get("period"),
            "status": "in_force" if carried_out else "signed",
            "span": (info.get("spans") or {}).get("title"),
        }
    ]


def prepare(extraction: dict[str, Any]) -> dict[str, Any]:
    """The extraction as the review shows it and ``hoptac ingest`` stores it: with the agreements to record."""
    out = dict(extraction)
    if not out.get("agreements"):
        out["agreements"] = fallback_agreements(out)
    return out


def _event_partners(e: dict[str, Any], parties: list[Partner]) -> list[Partner]:
    """The partner the review chose, else the document's partners the title names, else all of them."""
    chosen = name_key(str(e.get("partner") or ""))
    if chosen:
        return [p for p in parties if chosen in {name_key(n) for n in (p.name, *p.aliases)}][:1]
    title = name_key(str(e.get("title") or ""))
    named = [p for p in parties if any(name_key(n) and name_key(n) in title for n in (p.name, *p.aliases))]
    return named or parties


def _canonical_title(title: str, extraction: dict[str, Any]) -> str:
    """The parties in an event's title as the vocabulary spells them ("huyén Na Po" → "huyện Na Pô")."""
    for p in extraction.get("parties") or []:
        name = " ".join(str(p.get("name") or "").split())
        if name and name in title:
            title = title.replace(name, canonical_partner(name, str(p.get("country") or ""))[0])
    return title


def build_events(doc: Document, extraction: dict[str, Any], parties: list[Partner], agreements: list[Agreement]) -> int:
    """One record per event: the same kind on the same day with the same partner is recorded once (in this
    document or an earlier one)."""
    n = 0
    seen: set[tuple[str, str, tuple[int, ...]]] = set()
    place = (extraction.get("document") or {}).get("place") or ""
    for e in extraction.get("events") or []:
        if not e.get("title"):
            continue
        kind = e.get("kind") if e.get("kind") in EVENT_KINDS else str(Event.Kind.OTHER)
        day, precision = event_date(e.get("date"))
        partners = _event_partners(e, parties)
        key = (kind, str(e.get("date") or ""), tuple(sorted(p.pk for p in partners)))
        if key in seen:
            continue
        seen.add(key)
        if day is not None and partners:
            same = Event.objects.filter(office=doc.office, kind=kind, date=day, parties__in=partners)
            if same.exclude(document=doc).exists():
                continue
        agreement = next((a for a in agreements if day and a.signed_on == day), None)
        only = agreements[0] if len(agreements) == 1 else None
        if agreement is None and only is not None and (kind == Event.Kind.SIGNING or only.signed_on is None):
            agreement = only
        event = Event.objects.create(
            office=doc.office,
            kind=kind,
            date=day,
            date_precision=precision,
            date_text=str(e.get("date") or "")[:20],
            title=_canonical_title(" ".join(str(e["title"]).split()), extraction),
            place=place[:300],
            agreement=agreement,
            document=doc,
        )
        event.parties.set(partners)
        n += 1
    return n
