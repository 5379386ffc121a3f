"""Extraction → the ``hoptac-extraction/1`` JSON object, and a readable Vietnamese summary."""

from __future__ import annotations

from typing import Any

from hoptac.extract.model import FORMAT, Extraction, Named, When

__all__ = ["summary", "to_dict"]


def _value(item: Named | None) -> str | None:
    return item.name if item else None


def _when(w: When) -> dict[str, Any]:
    return {
        "yearly": w.yearly,
        "ongoing": w.ongoing,
        "years": list(w.years),
        "from_year": w.from_year,
        "due": w.due,
    }


def to_dict(ex: Extraction) -> dict[str, Any]:
    d = ex.document
    header = {"number": d.number, "issuer": d.issuer, "place": d.place, "date": d.date, "title": d.title}
    document: dict[str, Any] = {"kind": d.kind, **{k: _value(v) for k, v in header.items()}}
    document["signers"] = [s.name for s in d.signers]
    document["spans"] = {k: list(v.span) for k, v in header.items() if v}
    document["signer_spans"] = [list(s.span) for s in d.signers]
    return {
        "format": FORMAT,
        "source": ex.source,
        "document": document,
        "parties": [{"name": p.name, "country": p.country, "span": list(p.span)} for p in ex.parties],
        # The scorer compares the period object whole, so its span sits beside it.
        "period": {"from": ex.period.start, "to": ex.period.end} if ex.period else None,
        "period_span": list(ex.period.span) if ex.period else None,
        "tasks": [
            {
                "ref": t.ref,
                "title": t.title,
                "lead": [a.name for a in t.lead],
                "support": [a.name for a in t.support],
                "when": _when(t.when),
                "span": list(t.span),
                "lead_spans": [list(a.span) for a in t.lead],
                "support_spans": [list(a.span) for a in t.support],
            }
            for t in ex.tasks
        ],
        "reporting": [
            {
                "from": [a.name for a in r.sources],
                "to": r.to.name,
                "due": r.due,
                "yearly": r.yearly,
                "span": list(r.span),
            }
            for r in ex.reporting
        ],
        "budget": [{"amount": b.amount, "currency": b.currency, "span": list(b.span)} for b in ex.budget],
        "references": [
            {"kind": r.kind, "number": r.number, "date": r.date, "issuer": r.issuer, "span": list(r.span)}
            for r in ex.references
        ],
        "events": [{"date": e.date, "kind": e.kind, "title": e.title, "span": list(e.span)} for e in ex.events],
        # Beyond the format (the scorer ignores it): OCR repairs and unsure words, and agreements
        # proposed for the records.
        "repairs": [{"span": [a, b], "original": o, "repaired": ex.text[a:b]} for a, b, o in ex.repairs],
        "uncertain": [{"span": [a, b], "word": ex.text[a:b], "confidence": round(c)} for a, b, c in ex.uncertain],
        "agreements": [
            {
                "kind": a.kind,
                "title": a.title,
                "parties": [{"name": p.name, "country": p.country} for p in a.parties],
                "signed": a.signed,
                "period": {"from": a.period.start, "to": a.period.end} if a.period else None,
                "status": a.status,
                "span": list(a.span),
            }
            for a in ex.agreements
        ],
    }


KIND_LABELS = {
    "ke_hoach": "Kế hoạch",
    "cong_van": "Công văn",
    "ban_ghi_nho": "Bản ghi nhớ",
    "thoa_thuan": "Thỏa thuận",
    "bien_ban": "Biên bản",
    "tin_bai": "Tin bài",
    "bao_cao": "Báo cáo",
    "quyet_dinh": "Quyết định",
    "thong_bao": "Thông báo",
    "khac": "Khác",
}
EVENT_LABELS = {"hoi_dam": "Hội đàm", "ky_ket": "Ký kết", "tham": "Thăm", "hoi_nghi": "Hội nghị", "khac": "Khác"}


def _when_text(w: When) -> str:
    parts = []
    if w.yearly:
        parts.append("Hằng năm")
    if w.ongoing:
        parts.append("Thường xuyên")
    if w.years:
        parts.append("Năm " + ", ".join(map(str, w.years)))
    if w.from_year:
        parts.append(f"Từ năm {w.from_year}")
    if w.due:
        parts.append(f"Hạn {w.due}")
    return "; ".join(parts) or "—"


def _table(rows: list[list[str]], headers: list[str]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    widths = [min(w, 60) for w in widths]

    def line(cells: list[str]) -> str:
        return " | ".join(str(c)[: widths[i]].ljust(widths[i]) for i, c in enumerate(cells))

    return [line(headers), "-+-".join("-" * w for w in widths), *(line(r) for r in rows)]


def summary(ex: Extraction) -> str:
    """A readable Vietnamese summary of one extraction, for the terminal."""
    d = ex.document
    out = [f"== {ex.source} ==", f"Loại văn bản: {KIND_LABELS.get(d.kind, d.kind)}"]
    for label, item in (
        ("Số, ký hiệu", d.number),
        ("Cơ quan ban hành", d.issuer),
        ("Địa danh", d.place),
        ("Ngày", d.date),
        ("Trích yếu", d.title),
    ):
        out.append(f"{label}: {item.name if item else '—'}")
    out.append("Người ký: " + (", ".join(s.name for s in d.signers) or "—"))
    out.append("Các bên: " + (", ".join(f"{p.name} ({p.country})" for p in ex.parties) or "—"))
    if ex.period:
        out.append(f"Giai đoạn: {ex.period.start}-{ex.period.end}")
    if ex.budget:
        out.append("Kinh phí: " + ", ".join(f"{b.amount:,} {b.currency}".replace(",", ".") for b in ex.budget))
    if ex.tasks:
        out.append(f"\nNhiệm vụ ({len(ex.tasks)}):")
        rows = [
            [
                t.ref,
                t.title,
                ", ".join(a.name for a in t.lead) or "—",
                ", ".join(a.name for a in t.support) or "—",
                _when_text(t.when),
            ]
            for t in ex.tasks
        ]
        out += _table(rows, ["Mục", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời gian"])
    if ex.reporting:
        out.append("\nChế độ báo cáo:")
        for r in ex.reporting:
            who = ", ".join(a.name for a in r.sources) or "Các cơ quan"
            out.append(f"- {who} → {r.to.name}: {r.due or 'không nêu hạn'}{' (hằng năm)' if r.yearly else ''}")
    if ex.references:
        out.append(f"\nVăn bản dẫn chiếu ({len(ex.references)}):")
        for ref in ex.references:
            extra = ", ".join(x for x in (ref.date, ref.issuer) if x)
            out.append(f"- {ref.kind} {ref.number}" + (f" ({extra})" if extra else ""))
    if ex.events:
        out.append("\nSự kiện:")
        for e in ex.events:
            out.append(f"- {e.date} {EVENT_LABELS.get(e.kind, e.kind)}: {e.title}")
    return "\n".join(out)
