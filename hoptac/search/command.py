"""``hoptac search``: the search page's function on the command line (Django is set up only when run)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from hoptac.errors import HoptacError

__all__ = ["KINDS", "add_command", "run"]

KINDS = ("document", "task", "partner", "agency", "agreement", "event")
LABELS = {
    "document": "Văn bản",
    "task": "Nhiệm vụ",
    "partner": "Đối tác",
    "agency": "Cơ quan",
    "agreement": "Thỏa thuận",
    "event": "Sự kiện",
}


def add_command(sub: Any, django_setup: Callable[[], None]) -> None:
    """Add ``search`` to ``hoptac``'s subcommands; ``django_setup`` readies the database when it runs."""
    p = sub.add_parser("search", help="tìm văn bản, nhiệm vụ, đối tác, cơ quan, thỏa thuận, sự kiện")
    p.add_argument("query", nargs="*", metavar="TỪ_KHÓA", help="tên, số văn bản, cơ quan, đối tác … (dấu tùy ý)")
    p.add_argument("--json", action="store_true", help="in JSON: loại, số, tên, tệp, đoạn trích, điểm của mỗi kết quả")
    p.add_argument("--kind", choices=KINDS, help="chỉ tìm một loại")
    p.add_argument("--partner", metavar="TÊN|SỐ", help="chỉ kết quả liên quan đến đối tác này")
    p.add_argument("--agency", metavar="TÊN|SỐ", help="chỉ kết quả liên quan đến cơ quan này")
    p.add_argument("--year", type=int, metavar="NĂM", help="chỉ kết quả của năm này")
    p.add_argument("--office", metavar="MÃ", help="chỉ tìm trong văn phòng này (mặc định: mọi văn phòng)")
    p.add_argument("--user", metavar="TÊN_ĐĂNG_NHẬP", help="chỉ những gì người dùng này được xem")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="số kết quả (mặc định 20, tối đa 100)")
    p.add_argument("--offset", type=int, default=0, metavar="N", help="bỏ qua N kết quả đầu")
    p.add_argument("--rebuild", action="store_true", help="lập lại chỉ mục tìm kiếm trước (của --office, hoặc tất cả)")
    p.set_defaults(func=lambda args: run(args, django_setup))


def _resolve(kind: str, value: str | None, offices: list[int]) -> int | None:
    """A partner or agency given by number or by any of its names."""
    if value is None:
        return None
    if value.strip().isdigit():
        return int(value)
    from hoptac.search.models import Alias
    from hoptac.search.query import name_keys

    rows = Alias.objects.filter(kind=kind, key__in=name_keys(value) or {""})
    if offices:
        rows = rows.filter(office_id__in=offices)
    found = rows.values_list("object_id", flat=True).first()
    if found is None:
        raise HoptacError(f"không có {'đối tác' if kind == 'partner' else 'cơ quan'} {value!r}")
    return int(found)


def _marked(snippet: Any) -> str:
    return "".join(f"«{piece}»" if marked else piece for piece, marked in snippet.segments())


def _details(hits: list[Any]) -> dict[tuple[str, int], str]:
    """For each hit, what tells it apart from a hit of the same wording: its date and its partners."""
    from hoptac.dates import vn_date
    from hoptac.records.models import Agreement, Document, Event, Partner, Task

    out: dict[tuple[str, int], str] = {}
    ids: dict[str, list[int]] = {}
    for hit in hits:
        ids.setdefault(hit.kind, []).append(hit.id)

    def names(partners: Any) -> str:
        return ", ".join(p.name for p in partners)

    for e in Event.objects.filter(pk__in=ids.get("event", [])).prefetch_related("parties"):
        when = vn_date(e.date or e.date_text)
        out[("event", e.pk)] = "; ".join(x for x in (when, names(e.parties.all())) if x)
    for a in Agreement.objects.filter(pk__in=ids.get("agreement", [])).prefetch_related("parties"):
        when = f"ký {a.signed_on:%d/%m/%Y}" if a.signed_on else ""
        out[("agreement", a.pk)] = "; ".join(x for x in (when, names(a.parties.all())) if x)
    for d in Document.objects.filter(pk__in=ids.get("document", [])):
        out[("document", d.pk)] = "; ".join(x for x in (d.number, f"{d.date:%d/%m/%Y}" if d.date else "") if x)
    for t in Task.objects.filter(pk__in=ids.get("task", [])).select_related("plan__document"):
        plan = t.plan.document.number or f"kế hoạch {t.plan_id}"
        out[("task", t.pk)] = "; ".join(x for x in (t.ref, plan, names(t.plan.partners.all())) if x)
    for p in Partner.objects.filter(pk__in=ids.get("partner", [])):
        out[("partner", p.pk)] = "; ".join(x for x in (p.native_name, p.country) if x)
    return out


def _empty(office: Any) -> bool:
    from hoptac.records.models import Document

    docs = Document.objects.all()
    return not (docs.filter(office=office) if office else docs).exists()


def run(args: argparse.Namespace, django_setup: Callable[[], None]) -> int:
    django_setup()
    from django.contrib.auth import get_user_model

    from hoptac.records.ingest import get_office
    from hoptac.search import engine, index
    from hoptac.search.find import search

    office = get_office(args.office) if args.office else None
    user = None
    if args.user:
        user = get_user_model().objects.filter(username=args.user).first()
        if user is None:
            raise HoptacError(f"không có người dùng {args.user!r}")
    if args.rebuild:
        engine.install()  # the index itself too (triggers, columns, PostgreSQL's extensions), as migrate makes it
        n = index.rebuild(office)
        print(f"Đã lập lại chỉ mục tìm kiếm: {n} mục.", file=sys.stderr)
        if not args.query:
            return 0
    if _empty(office):
        where = f"Văn phòng {office.code}" if office else "Cơ sở dữ liệu"
        raise HoptacError(
            f"{where} chưa có văn bản nào để tìm. Nạp văn bản mẫu: hoptac ingest hoptac/samples/ "
            "(hoặc chạy hoptac serve --demo)"
        )
    offices = [office.pk] if office else []
    results = search(
        " ".join(args.query),
        user=user,
        office=office,
        kind=args.kind,
        partner=_resolve("partner", args.partner, offices),
        agency=_resolve("agency", args.agency, offices),
        year=args.year,
        limit=args.limit,
        offset=args.offset,
    )
    if args.json:
        print(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
        return 0
    details = _details(results.hits)
    for n, hit in enumerate(results.hits, results.offset + 1):
        about = details.get((hit.kind, hit.id), "")
        about = f" · {about}" if about else ""
        where = f" ({hit.filename})" if hit.filename else ""
        near = " [gần đúng]" if hit.approximate else ""
        print(f"{n}. [{LABELS.get(hit.kind, hit.kind)} #{hit.id}{about}] {hit.title}{where}{near}")
        if hit.snippet.text and hit.snippet.text != hit.title:
            print(f"   {_marked(hit.snippet)}")
    if not results.hits:
        print("Không tìm thấy kết quả nào.")
    else:
        shown = f"{results.offset + 1}–{results.offset + len(results.hits)}"
        total = f"hơn {results.total}" if results.capped else str(results.total)
        print(f"{total} kết quả (hiển thị {shown}).")
    if results.dropped:
        print(f"Bỏ qua: {', '.join(results.dropped)}", file=sys.stderr)
    return 0
