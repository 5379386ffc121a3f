"""``hoptac remind``, ``hoptac report`` and ``hoptac import``: thin shells over the cycle's functions.

This module is imported when the parser is built, so it imports Django only inside the commands.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from hoptac.errors import HoptacError, os_reason

__all__ = ["add_commands"]

FORMATS = ("docx", "xlsx", "pdf")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày không hợp lệ: {text!r} (cần YYYY-MM-DD)") from None


def _year(text: str) -> int:
    if not text.isdigit() or not 1900 <= int(text) <= 2200:
        raise argparse.ArgumentTypeError(f"năm không hợp lệ: {text!r}")
    return int(text)


def _office(code: str | None) -> Any:
    from hoptac.records.ingest import get_office

    return get_office(code or os.environ.get("HOPTAC_OFFICE") or None)


def _remind(args: argparse.Namespace) -> int:
    from hoptac.cycle.remind import run

    office = _office(args.office) if (args.office or os.environ.get("HOPTAC_OFFICE")) else None
    day = args.date or date.today()
    result = run(day, office, dry_run=args.dry_run)
    verb = "Sẽ gửi" if args.dry_run else "Đã gửi"
    for agency, to, n in result.sent:
        print(f"{verb} {agency}: {n} việc → {', '.join(to)}")
    for agency in result.no_address:
        print(f"hoptac: {agency}: có việc đến hạn nhưng không có địa chỉ thư", file=sys.stderr)
    for line in result.failed:
        print(f"hoptac: không gửi được thư cho {line}", file=sys.stderr)
    print(
        f"Ngày {day:%d/%m/%Y}: {len(result.sent)} thư {'sẽ gửi' if args.dry_run else 'đã gửi'}, "
        f"{result.already} cơ quan đã nhận hôm nay, {result.nothing_due} cơ quan không có việc, "
        f"{len(result.no_address)} thiếu địa chỉ, {len(result.failed)} lỗi."
    )
    return 1 if result.failed else 0


def _report(args: argparse.Namespace) -> int:
    from hoptac.cycle.docx_report import render_docx
    from hoptac.cycle.pdf import docx_to_pdf
    from hoptac.cycle.report import open_report
    from hoptac.cycle.xlsx import export_xlsx
    from hoptac.records.models import Partner, Plan

    fmt = args.format or args.output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise HoptacError(f"{args.output}: không biết định dạng (dùng --format docx, xlsx hoặc pdf)")
    plan = partner = None
    if args.plan is not None:
        plan = Plan.objects.filter(pk=args.plan).select_related("office").first()
        if plan is None:
            raise HoptacError(f"không có kế hoạch {args.plan} (số của các kế hoạch: hoptac plans)")
    if args.partner is not None:
        partner = Partner.objects.filter(pk=args.partner).select_related("office").first()
        if partner is None:
            raise HoptacError(f"không có đối tác {args.partner} (số của các đối tác: hoptac search --kind partner)")
    owner = plan or partner
    office = _office(args.office) if args.office or owner is None else owner.office
    report = open_report(office, args.year, plan, partner)
    data = render_docx(report) if fmt in ("docx", "pdf") else export_xlsx(report)
    if fmt == "pdf":
        data = docx_to_pdf(data)
    try:
        args.output.write_bytes(data)
    except OSError as exc:
        raise HoptacError(f"{args.output}: không ghi được tệp ({os_reason(exc)})") from None
    size = f"{len(data):,}".replace(",", ".")  # the Vietnamese thousands separator
    print(f"Đã ghi {args.output} ({fmt.upper()}, {size} byte): {report.title}")
    return 0


def _plans(args: argparse.Namespace) -> int:
    from hoptac.records.models import Plan

    plans = Plan.objects.select_related("document", "office").order_by("office__code", "pk")
    if args.office or os.environ.get("HOPTAC_OFFICE"):
        plans = plans.filter(office=_office(args.office))
    rows = list(plans)
    if not rows:
        print("Chưa có kế hoạch nào. Nạp văn bản mẫu: hoptac ingest hoptac/samples/ (hoặc hoptac serve --demo).")
        return 0
    for plan in rows:
        years = f"{plan.start_year or '?'}–{plan.end_year or '?'}" if plan.start_year or plan.end_year else "—"
        number = plan.document.number or "—"
        title = " ".join(plan.title.split())
        title = title if len(title) <= 90 else title[:89] + "…"
        print(f"{plan.pk:>5}  {number:<18} {years:<10} {title}  [{plan.office.code}]")
    print(f"{len(rows)} kế hoạch. Xuất báo cáo một kế hoạch: hoptac report --year NĂM --plan SỐ -o bao-cao.docx")
    return 0


def _import(args: argparse.Namespace) -> int:
    from hoptac.cycle.xlsx import MAX_BYTES, import_xlsx
    from hoptac.files import read_file

    path: Path = args.file
    data = read_file(path, MAX_BYTES)
    result = import_xlsx(data, path.name, _office(args.office))
    print(
        f"Đã nhập {path.name}: {result.rows} dòng, {result.texts} nội dung báo cáo mới, "
        f"{result.statuses} thay đổi tình trạng/tiến độ."
    )
    return 0


def add_commands(sub: Any, django_setup: Callable[[], None]) -> None:
    """Add the cycle's subcommands to ``hoptac``'s parser; ``django_setup`` runs before each of them."""

    def wrap(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        def run(args: argparse.Namespace) -> int:
            django_setup()
            return command(args)

        return run

    office_help = "văn phòng (mặc định $HOPTAC_OFFICE hoặc văn phòng duy nhất)"
    p = sub.add_parser("remind", help="gửi thư nhắc việc hằng ngày cho các cơ quan (chạy bằng cron/systemd)")
    p.add_argument("--date", type=_date, help="ngày tính hạn, YYYY-MM-DD (mặc định hôm nay)")
    p.add_argument("--office", metavar="MÃ", help="chỉ một văn phòng (mặc định mọi văn phòng)")
    p.add_argument("--dry-run", action="store_true", help="chỉ in ra sẽ gửi gì, không gửi")
    p.set_defaults(func=wrap(_remind))
    p = sub.add_parser("report", help="xuất báo cáo tổng hợp năm (docx, xlsx, pdf)")
    p.add_argument("--year", type=_year, required=True, metavar="NĂM", help="năm báo cáo")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--plan", type=int, metavar="ID", help="một kế hoạch")
    which.add_argument("--partner", type=int, metavar="ID", help="mọi kế hoạch với một đối tác")
    p.add_argument("--format", choices=FORMATS, help="định dạng (mặc định theo đuôi tệp -o)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="tệp ghi ra")
    p.add_argument("--office", metavar="MÃ", help=office_help)
    p.set_defaults(func=wrap(_report))
    p = sub.add_parser("plans", help="liệt kê các kế hoạch: số (dùng cho report --plan), ký hiệu, tên, các năm")
    p.add_argument("--office", metavar="MÃ", help="chỉ một văn phòng (mặc định mọi văn phòng)")
    p.set_defaults(func=wrap(_plans))
    p = sub.add_parser("import", help="nhập lại bảng nhiệm vụ .xlsx đã xuất (tình trạng, tiến độ, nội dung)")
    p.add_argument("file", type=Path, metavar="FILE.xlsx")
    p.add_argument("--office", metavar="MÃ", help=office_help)
    p.set_defaults(func=wrap(_import))
