"""The report's task table as .xlsx, with Vietnamese column labels, that imports back without loss.

Sheet "Nhiệm vụ": one row per task occurrence of the year and reporting agency (a task with
several lead agencies has a row for each: each agency's own text), plus one row for a task with
no occurrence that year. Columns a clerk edits: "Tình trạng", "Tiến độ (%)", "Nội dung báo cáo".
The others are read only (grey); the "Mã …" columns tie a row to its records. Sheet "Thông tin"
names the office, year, plan or partner. ``import_xlsx`` checks every row first and changes
nothing when any row is wrong; a changed text becomes a new progress report of that agency, so
the next export shows exactly what was imported.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from hoptac.cycle.models import CompiledReport
from hoptac.cycle.report import open_report, plans_of, status_label, task_lines
from hoptac.errors import HoptacError
from hoptac.records import audit
from hoptac.records.limits import MAX_TEXT
from hoptac.records.models import Agency, Occurrence, Office, Partner, Plan, ProgressReport, Status, Task
from hoptac.sheets import xlsx_cell

__all__ = ["COLUMNS", "FORMAT", "ImportResult", "export_xlsx", "import_xlsx", "read_rows"]

FORMAT = "hoptac-bang-nhiem-vu/1"
SHEET = "Nhiệm vụ"
INFO = "Thông tin"
COLUMNS = (
    ("stt", "STT", 6),
    ("ref", "Mục", 9),
    ("title", "Nhiệm vụ", 60),
    ("lead", "Cơ quan chủ trì", 30),
    ("support", "Cơ quan phối hợp", 30),
    ("year", "Năm", 7),
    ("due", "Hạn", 12),
    ("agency", "Cơ quan báo cáo", 28),
    ("status", "Tình trạng", 16),
    ("percent", "Tiến độ (%)", 10),
    ("text", "Nội dung báo cáo", 70),
    ("task_id", "Mã nhiệm vụ", 11),
    ("occurrence_id", "Mã kỳ", 9),
    ("agency_id", "Mã cơ quan", 11),
)
EDITABLE = {"status", "percent", "text"}
MAX_BYTES = 20 * 1024 * 1024


def _labels() -> dict[str, str]:
    return {value: status_label(value) for value in Status.values}


def export_xlsx(report: CompiledReport) -> bytes:
    plans = list(plans_of(report).select_related("document"))
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    head = Font(bold=True)
    grey = PatternFill("solid", fgColor="EEEEEE")
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, (_key, label, width) in enumerate(COLUMNS, 1):
        cell = ws.cell(row=1, column=i, value=label)
        cell.font = head
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = "A2"
    row = 1
    for part in task_lines(plans, report.year):
        for line in part.lines:
            task = line.task
            base = {
                "ref": task.ref,
                "title": task.title,
                "lead": "; ".join(a.name for a in line.leads),
                "support": "; ".join(a.name for a in task.support.all()),
                "task_id": task.pk,
            }
            slots: list[tuple[Occurrence | None, Agency | None, str]] = list(line.slots) or [(None, None, "")]
            for occ, agency, text in slots:
                row += 1
                values = {
                    **base,
                    "stt": row - 1,
                    "year": occ.year if occ else None,
                    "due": occ.due if occ else None,
                    "agency": agency.name if agency else "",
                    "status": status_label(occ.status if occ else task.status),
                    "percent": occ.percent if occ else None,
                    "text": text,
                    "occurrence_id": occ.pk if occ else None,
                    "agency_id": agency.pk if agency else None,
                }
                for i, (key, _label, _w) in enumerate(COLUMNS, 1):
                    cell = xlsx_cell(ws.cell(row=row, column=i), values[key])
                    cell.alignment = wrap
                    if key == "due" and values[key] is not None:
                        cell.number_format = "DD/MM/YYYY"
                    if key not in EDITABLE:
                        cell.fill = grey
    choices = DataValidation(type="list", formula1='"' + ",".join(_labels().values()) + '"', allow_blank=False)
    choices.error = "Chọn một tình trạng trong danh sách."
    ws.add_data_validation(choices)
    status_col = next(i for i, c in enumerate(COLUMNS, 1) if c[0] == "status")
    letter = ws.cell(row=1, column=status_col).column_letter
    if row > 1:
        choices.add(f"{letter}2:{letter}{row}")
    info = wb.create_sheet(INFO)
    for r, (label, value) in enumerate(
        (
            ("Định dạng", FORMAT),
            ("Văn phòng", report.office.code),
            ("Năm", report.year),
            ("Kế hoạch", report.plan_id or ""),
            ("Đối tác", report.partner_id or ""),
            ("Tên", report.title),
            ("Hướng dẫn", "Sửa các cột Tình trạng, Tiến độ (%), Nội dung báo cáo; giữ nguyên các cột Mã."),
        ),
        1,
    ):
        info.cell(row=r, column=1, value=label).font = head
        xlsx_cell(info.cell(row=r, column=2), value)
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 90
    fixed = datetime(report.year, 1, 1)
    wb.properties.creator = "hoptac"
    wb.properties.created = wb.properties.modified = fixed
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class ImportResult:
    report: CompiledReport
    rows: int = 0
    texts: int = 0
    statuses: int = 0
    warnings: list[str] = field(default_factory=list)


def _open(data: bytes, name: str) -> Any:
    if len(data) > MAX_BYTES:
        raise HoptacError(f"{name}: tệp quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if sum(i.file_size for i in z.infolist()) > 20 * MAX_BYTES:
                raise HoptacError(f"{name}: tệp nén bất thường (quá lớn khi giải nén)")
        return load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise HoptacError(f"{name}: không phải tệp Excel (.xlsx) đọc được") from None


def _info(wb: Any, name: str) -> dict[str, Any]:
    if INFO not in wb.sheetnames or SHEET not in wb.sheetnames:
        raise HoptacError(f"{name}: thiếu trang “{SHEET}” hoặc “{INFO}” (hãy dùng tệp do hoptac xuất)")
    info = {str(r[0]).strip(): r[1] for r in wb[INFO].iter_rows(min_row=1, max_col=2, values_only=True) if r[0]}
    if info.get("Định dạng") != FORMAT:
        raise HoptacError(f"{name}: không phải bảng nhiệm vụ của hoptac ({FORMAT})")
    return info


def read_rows(wb: Any, name: str) -> list[tuple[int, dict[str, Any]]]:
    ws = wb[SHEET]
    rows = ws.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    by_label = {label: key for key, label, _w in COLUMNS}
    missing = [label for _k, label, _w in COLUMNS if label not in header]
    if missing:
        raise HoptacError(f"{name}: thiếu cột {', '.join(missing)}")
    index = {by_label[h]: i for i, h in enumerate(header) if h in by_label}
    out = []
    for n, values in enumerate(rows, 2):
        if not any(v not in (None, "") for v in values):
            continue
        out.append((n, {key: values[i] if i < len(values) else None for key, i in index.items()}))
    return out


def _int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    text = str(value).strip().rstrip("%").strip()
    return int(text) if text.isdigit() else -1


def import_xlsx(data: bytes, name: str, office: Office, user: Any = None) -> ImportResult:
    """Apply the edited statuses, percents and texts of an exported table; all rows or none."""
    wb = _open(data, name)
    info = _info(wb, name)
    if str(info.get("Văn phòng") or "") != office.code:
        raise HoptacError(f"{name}: bảng của văn phòng {info.get('Văn phòng')!r}, không phải {office.code!r}")
    year = _int(info.get("Năm"))
    if not year or year < 0:
        raise HoptacError(f"{name}: trang “{INFO}” thiếu năm")
    plan_id, partner_id = _int(info.get("Kế hoạch")), _int(info.get("Đối tác"))
    plan = Plan.objects.filter(office=office, pk=plan_id).first() if plan_id else None
    partner = Partner.objects.filter(office=office, pk=partner_id).first() if partner_id else None
    if (plan_id and plan is None) or (partner_id and partner is None):
        raise HoptacError(f"{name}: kế hoạch hoặc đối tác của bảng không còn trong văn phòng")
    report = open_report(office, year, plan, partner, save=False)
    plans = list(plans_of(report))
    by_label = {v.casefold(): k for k, v in _labels().items()}
    tasks = {t.pk: t for t in Task.objects.filter(plan__in=plans)}
    occurrences = {o.pk: o for o in Occurrence.objects.filter(task__in=tasks.values(), year=year)}
    agencies = {a.pk: a for a in Agency.objects.filter(office=office)}
    current = {(occ_id, agency_id): text for occ_id, agency_id, text in _current_texts(occurrences)}
    errors: list[str] = []
    occ_state: dict[int, tuple[str, int, int]] = {}
    task_state: dict[int, tuple[str, int]] = {}
    new_texts: list[tuple[Occurrence, Agency | None, str]] = []
    rows = read_rows(wb, name)
    for n, row in rows:
        task_id, occ_id, agency_id = _int(row["task_id"]), _int(row["occurrence_id"]), _int(row["agency_id"])
        task = tasks.get(task_id or 0)
        if task is None:
            errors.append(f"dòng {n}: mã nhiệm vụ {row['task_id']!r} không thuộc báo cáo này")
            continue
        status = by_label.get(str(row["status"] or "").strip().casefold())
        if status is None:
            errors.append(
                f"dòng {n}: tình trạng {row['status']!r} không hợp lệ (chọn: {', '.join(_labels().values())})"
            )
            continue
        text = _plain_text(row["text"])
        if occ_id is None:
            if text:
                errors.append(f"dòng {n}: nhiệm vụ không có kỳ trong năm {year}, không ghi được nội dung báo cáo")
            elif task_state.setdefault(task.pk, (status, n))[0] != status:
                errors.append(f"dòng {n}: tình trạng khác với dòng {task_state[task.pk][1]} của cùng nhiệm vụ")
            continue
        occ = occurrences.get(occ_id)
        if occ is None or occ.task_id != task.pk:
            errors.append(f"dòng {n}: mã kỳ {row['occurrence_id']!r} không thuộc nhiệm vụ này trong năm {year}")
            continue
        percent = _int(row["percent"])
        if percent is None or not 0 <= percent <= 100:
            errors.append(f"dòng {n}: tiến độ {row['percent']!r} phải là số từ 0 đến 100")
            continue
        seen = occ_state.setdefault(occ.pk, (status, percent, n))
        if seen[:2] != (status, percent):
            errors.append(f"dòng {n}: tình trạng hoặc tiến độ khác với dòng {seen[2]} của cùng kỳ")
            continue
        if agency_id is not None and agency_id not in agencies:
            errors.append(f"dòng {n}: mã cơ quan {row['agency_id']!r} không thuộc văn phòng")
            continue
        if len(text) > MAX_TEXT:
            errors.append(f"dòng {n}: nội dung báo cáo quá dài (tối đa {MAX_TEXT} ký tự, đang có {len(text)})")
            continue
        if text != _plain_text(current.get((occ.pk, agency_id))):
            if not text:
                errors.append(f"dòng {n}: không xóa được nội dung đã báo cáo (hãy ghi nội dung mới)")
                continue
            new_texts.append((occ, agencies.get(agency_id) if agency_id else None, text))
    if errors:
        shown = "; ".join(errors[:5]) + (f"; và {len(errors) - 5} lỗi khác" if len(errors) > 5 else "")
        raise HoptacError(f"{name}: {shown}. Không có thay đổi nào được lưu.")
    result = ImportResult(report, rows=len(rows))
    with transaction.atomic():
        for occ, agency, text in new_texts:
            status, percent, _n = occ_state[occ.pk]
            ProgressReport.objects.create(
                office_id=occ.office_id,
                occurrence=occ,
                status=status,
                percent=percent,
                text=text,
                agency=agency,
                author=user if getattr(user, "is_authenticated", False) else None,
            )
            result.texts += 1
        for occ_id, (status, percent, _n) in occ_state.items():
            occ = occurrences[occ_id]
            if (occ.status, occ.percent) == (status, percent) and not any(o.pk == occ_id for o, _a, _t in new_texts):
                continue
            before = audit.snapshot(occ, ("status", "percent"))
            occ.status, occ.percent, occ.last_report_at = status, percent, timezone.now()
            occ.save(update_fields=["status", "percent", "last_report_at"])
            audit.log(
                user,
                "import",
                occ,
                before=before,
                after={"status": status, "percent": percent},
                summary=f"Nhập bảng {name}: {occ.task}"[:500],
            )
            result.statuses += 1
            _settle_task(occ.task_id, tasks, user, name)
        for task_id, (status, _n) in task_state.items():
            task = tasks[task_id]
            if task.status != status:
                before = {"status": task.status}
                task.status = status
                task.save(update_fields=["status"])
                audit.log(
                    user,
                    "import",
                    task,
                    before=before,
                    after={"status": status},
                    summary=f"Nhập bảng {name}: {task}"[:500],
                )
                result.statuses += 1
    return result


def _plain_text(value: Any) -> str:
    """A text as the table carries it: XML turns CR LF (what browsers send) into LF, and edges are trimmed."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def _current_texts(occurrences: dict[int, Occurrence]) -> list[tuple[int, int | None, str]]:
    latest: dict[tuple[int, int | None], str] = {}
    for r in ProgressReport.objects.filter(occurrence_id__in=occurrences).order_by("created_at", "id"):
        latest[(r.occurrence_id, r.agency_id)] = r.text
    return [(o, a, t) for (o, a), t in latest.items()]


def _settle_task(task_id: int, tasks: dict[int, Task], user: Any, name: str) -> None:
    """The task's own status follows its occurrences, as a progress report on the task page does."""
    task = tasks[task_id]
    closed = (Status.DONE, Status.CANCELLED)
    open_left = Occurrence.objects.filter(task_id=task_id).exclude(status__in=closed).exists()
    new = Status.IN_PROGRESS if open_left else Status.DONE
    if task.status != new:
        before = {"status": task.status}
        task.status = new
        task.save(update_fields=["status"])
        audit.log(user, "import", task, before=before, after={"status": new}, summary=f"Nhập bảng {name}: {task}"[:500])


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None
