"""Render the compiled report of seed 001 to PNG pages, to look at it as a reader would.

    .venv/bin/python bench/render_report.py [--out bench/out/report] [--year 2024] [--dpi 80]

In a throw-away data directory: reads hoptac/samples/001 with the real extractor (``hoptac
ingest``), fills in the year's progress as the agencies would (a text per lead agency and task,
statuses and percents, two agencies' difficulties and proposals), writes the report as DOCX with
``hoptac report``, converts it to PDF with LibreOffice and to one PNG per page with pdftoppm.
Needs ``libreoffice-writer-nogui`` and ``poppler-utils`` (Debian); prints what it wrote.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "hoptac" / "samples" / "001_f97b477c60d4a584.txt"
STATES = ("done", "in_progress", "pending", "cancelled")


def fill_progress(year: int) -> int:
    """The year's progress of every plan, as the agencies would report it; returns the plan's id."""
    from hoptac.cycle import rules
    from hoptac.cycle.models import AgencyReport
    from hoptac.records.models import Agency, Occurrence, Plan, ProgressReport

    plan = Plan.objects.get()
    rules.sync(plan.office)
    occs = Occurrence.objects.filter(task__plan=plan, year=year).select_related("task")
    for i, occ in enumerate(occs.order_by("task__position", "due")):
        state = STATES[i % len(STATES)]
        percent = {"done": 100, "in_progress": 40 + i, "pending": 0, "cancelled": 0}[state]
        for agency in occ.task.lead.all():
            ProgressReport.objects.get_or_create(
                office=plan.office,
                occurrence=occ,
                agency=agency,
                defaults={
                    "status": state,
                    "percent": percent,
                    "text": f"{agency.name} đã triển khai nhiệm vụ {occ.task.ref} năm {year}, "
                    "phối hợp chặt chẽ với tỉnh Xay Sôm Bun; kết quả bước đầu khả quan.",
                },
            )
        occ.status, occ.percent = state, percent
        occ.save()
    for name, hard, ask in (
        ("Sở Y tế", "Thiếu phiên dịch tiếng Lào chuyên ngành y tế.", "Bố trí kinh phí phiên dịch năm sau."),
        ("Sở Ngoại vụ", "Lịch làm việc của đoàn tỉnh bạn thay đổi nhiều lần.", "Sớm thống nhất lịch đoàn năm sau."),
    ):
        agency = Agency.objects.get(office=plan.office, name=name)
        AgencyReport.objects.get_or_create(
            office=plan.office,
            plan=plan,
            agency=agency,
            year=year,
            defaults={"difficulties": hard, "proposals": ask},
        )
    return int(plan.pk)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "report")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(
                f"render_report: {tool} is missing (apt-get install libreoffice-writer-nogui poppler-utils)",
                file=sys.stderr,
            )
            return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hoptac-render-") as data:
        os.environ["HOPTAC_DATA_DIR"] = data
        os.environ.pop("HOPTAC_DATABASE_URL", None)
        from hoptac.cli import main as hoptac

        if hoptac(["ingest", "-q", str(SAMPLE)]) != 0:
            return 1
        plan = fill_progress(args.year)
        docx = args.out / f"bao-cao-{args.year}.docx"
        pdf = args.out / f"bao-cao-{args.year}.pdf"
        for target in (docx, pdf):
            if hoptac(["report", "--year", str(args.year), "--plan", str(plan), "-o", str(target)]) != 0:
                return 1
    for old in args.out.glob("page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", str(pdf), str(args.out / "page")], check=True)
    pages = sorted(args.out.glob("page-*.png"))
    print(f"{len(pages)} pages: {pages[0]} … {pages[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
