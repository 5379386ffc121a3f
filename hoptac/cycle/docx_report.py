"""The compiled report as a .docx laid out as a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP).

A4, margins 20 mm top and bottom, 30 mm left, 15 mm right; Times New Roman (LibreOffice shows it
with the metric-compatible Liberation Serif); body 14 pt, justified, first line indented. A
borderless two-column header table carries the issuing body with the number and symbol on the
left, the national name and motto with the place and date on the right, each with its short
rule; then the kind ("BÁO CÁO") and the title; the body grouped by the plan's sections, then the year's
cooperation activities (talks, visits, signings, delegations); and a second borderless table with the
recipients ("Nơi nhận") and the signature block. Pages from the second on are numbered at the top centre.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from hoptac.cycle.models import CompiledReport
from hoptac.cycle.report import PlanPart, TaskLine, cooperation_events, event_line, plans_of, task_lines
from hoptac.records.text import name_key

__all__ = ["FONT", "date_line", "render_docx"]

FONT = "Times New Roman"
BODY_PT = 14
TEXT_WIDTH_MM = 210 - 30 - 15
LEFT_COL_MM = 62
RIGHT_COL_MM = TEXT_WIDTH_MM - LEFT_COL_MM
MOTTO_RULE_MM = 62  # "Độc lập - Tự do - Hạnh phúc" in 14 pt bold is about this long
ROMAN = ("I", "II", "III", "IV", "V")


def date_line(place: str, when: date | None, year: int) -> str:
    """ "Bắc Giang, ngày 05 tháng 02 năm 2024": a day below 10 and the months 1 and 2 take a leading zero."""
    head = f"{place}, " if place else ""
    if when is None:
        return f"{head}ngày      tháng      năm {year}"
    month = f"{when.month:02d}" if when.month < 3 else str(when.month)
    return f"{head}ngày {when.day:02d} tháng {month} năm {when.year}"


def _fonts(element: object, size: float | None = None) -> None:
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    if size:
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), str(int(size * 2)))


def _para(
    container: object,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align: int | None = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = False,
    after: float = 6,
    before: float = 0,
    upper: bool = False,
) -> Paragraph:
    p: Paragraph = container.add_paragraph()  # type: ignore[attr-defined]
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(before)
    fmt.line_spacing = 1.15
    if indent:
        fmt.first_line_indent = Mm(12.7)
    if text:
        _run(p, text.upper() if upper else text, size=size, bold=bold, italic=italic)
    return p


def _run(p: Paragraph, text: str, *, size: float = BODY_PT, bold: bool = False, italic: bool = False) -> None:
    run = p.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)
    run.font.name = FONT
    _fonts(run._r, size)


def _rule(container: object, width_mm: float, column_mm: float) -> None:
    """A short centred horizontal rule: the bottom border of an empty paragraph indented to ``width_mm``."""
    p = _para(container, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, size=4)
    side = max(0.0, (column_mm - width_mm) / 2)
    p.paragraph_format.left_indent = Mm(side)
    p.paragraph_format.right_indent = Mm(side)
    p.paragraph_format.line_spacing = Pt(2)
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    border.append(bottom)
    ppr.append(border)


def _borderless(table: object) -> None:
    tbl = table._tbl  # type: ignore[attr-defined]
    tblpr = tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblpr.append(borders)


def _widths(table: object, *widths_mm: float) -> list[_Cell]:
    """Fixed column widths (Word reads the cells', LibreOffice the grid's): the row's cells, emptied."""
    table.autofit = False  # type: ignore[attr-defined]
    tblpr = table._tbl.tblPr  # type: ignore[attr-defined]
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    cells = []
    for i, width in enumerate(widths_mm):
        table.columns[i].width = Mm(width)  # type: ignore[attr-defined]
        cells.append(_cell(table.rows[0].cells[i], width))  # type: ignore[attr-defined]
    return cells


def _cell(cell: _Cell, width_mm: float) -> _Cell:
    cell.width = Mm(width_mm)
    # a new cell holds one empty paragraph: drop it so the first line is the first added
    first = cell.paragraphs[0]
    first._p.getparent().remove(first._p)
    return cell


def _split_issuer(issuer: str) -> list[str]:
    """ "Ủy ban nhân dân tỉnh Bắc Giang" → ["ỦY BAN NHÂN DÂN", "TỈNH BẮC GIANG"]."""
    key = name_key(issuer)
    head = "ủy ban nhân dân"
    if key.startswith(name_key(head)) and len(issuer) > len(head) + 1:
        return [issuer[: len(head)].upper(), issuer[len(head) :].strip().upper()]
    return [issuer.upper()]


def _header(doc: object, report: CompiledReport) -> None:
    table = doc.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borderless(table)
    left, right = _widths(table, LEFT_COL_MM, RIGHT_COL_MM)
    center = WD_ALIGN_PARAGRAPH.CENTER
    if report.parent_body:
        _para(left, report.parent_body.upper(), size=13, align=center, after=0)
    for line in _split_issuer(report.issuer):
        _para(left, line, size=13, bold=True, align=center, after=0)
    _rule(left, 22, LEFT_COL_MM)
    number = report.number or " " * 6
    _para(left, f"Số: {number}/{report.symbol}", size=13, align=center, before=6, after=0)
    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True, align=center, after=0)
    _para(right, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True, align=center, after=0)
    _rule(right, MOTTO_RULE_MM, RIGHT_COL_MM)
    _para(right, date_line(report.place, report.date, report.year), size=14, italic=True, align=center, before=6)


def _page_numbers(section: object) -> None:
    section.different_first_page_header_footer = True  # type: ignore[attr-defined]
    p = section.header.paragraphs[0]  # type: ignore[attr-defined]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    _fonts(run._r, 13)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def _task(doc: object, number: str, line: TaskLine, year: int) -> None:
    task = line.task
    p = _para(doc, indent=True, after=3)
    _run(p, f"{number}. ", bold=True)
    _run(p, task.title.rstrip(". "), bold=True)
    if task.ref:
        _run(p, f" (mục {task.ref} của Kế hoạch)", italic=True)
    leads = "; ".join(a.name for a in line.leads) or "chưa giao cơ quan chủ trì"
    if line.occurrences:
        state = f"{line.status_label}, {line.percent or 0}%"
    else:
        state = f"{line.status_label} (không có kỳ thực hiện trong năm {year})"
    p = _para(doc, indent=True, after=3)
    _run(p, "Cơ quan chủ trì: ", italic=True)
    _run(p, f"{leads}. ")
    _run(p, "Tình trạng: ", italic=True)
    _run(p, f"{state}.")
    if line.texts:
        for agency, text in line.texts:
            p = _para(doc, indent=True, after=3)
            if agency is not None and (len(line.texts) > 1 or len(line.leads) != 1):
                _run(p, f"- {agency.name}: ", italic=True)
                _run(p, " ".join(text.split()))
            else:
                _run(p, "- " + " ".join(text.split()))
    elif line.occurrences:
        _para(doc, "- Chưa có báo cáo của cơ quan chủ trì.", italic=True, indent=True, after=3)


def _body(doc: object, report: CompiledReport, parts: list[PlanPart]) -> None:
    _para(doc, report.intro, indent=True)
    _para(doc, "I. KẾT QUẢ THỰC HIỆN", bold=True, indent=True, before=6)
    several = len(parts) > 1 or report.plan_id is None
    for pi, part in enumerate(parts, 1):
        if several:
            _para(doc, f"{ROMAN[0]}.{pi}. Kế hoạch: {part.plan.title}", bold=True, indent=True, before=6)
        for gi, group in enumerate(part.groups, 1):
            prefix = f"{pi}.{gi}" if several else str(gi)
            title = group.title if group.title[:2] != group.title[:2].upper() else group.title.capitalize()
            _para(doc, f"{prefix}. {title}", bold=True, indent=True, before=6)
            for ti, line in enumerate(group.lines, 1):
                _task(doc, f"{prefix}.{ti}", line, report.year)
    _para(doc, "II. HOẠT ĐỘNG HỢP TÁC TRONG NĂM", bold=True, indent=True, before=6)
    events = cooperation_events(report)
    for event in events:
        _para(doc, "- " + event_line(event), indent=True, after=3)
    if not events:
        _para(doc, f"Không có hoạt động hợp tác nào được ghi nhận trong năm {report.year}.", italic=True, indent=True)
    _para(doc, "III. KHÓ KHĂN, VƯỚNG MẮC", bold=True, indent=True, before=6)
    for text in report.difficulties.splitlines() or ["Không có."]:
        if text.strip():
            _para(doc, text.strip(), indent=True)
    _para(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ", bold=True, indent=True, before=6)
    for text in report.proposals.splitlines() or ["Không có."]:
        if text.strip():
            _para(doc, text.strip(), indent=True)
    closing = f"Trên đây là báo cáo {report.title[:1].lower() + report.title[1:]} của {report.issuer}./."
    _para(doc, closing, indent=True, before=6).paragraph_format.keep_with_next = True


def _signature(doc: object, report: CompiledReport) -> None:
    table = doc.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    _borderless(table)
    left, right = _widths(table, 80, TEXT_WIDTH_MM - 80)
    # the recipients and the signature stay on one page
    trpr = table.rows[0]._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    left_align = WD_ALIGN_PARAGRAPH.LEFT
    _para(left, "Nơi nhận:", size=12, bold=True, italic=True, align=left_align, after=0)
    lines = [x.strip().lstrip("-").strip().rstrip(";") for x in report.recipients.splitlines() if x.strip()]
    for i, line in enumerate(lines):
        end = "" if line.endswith(".") else ("." if i == len(lines) - 1 else ";")
        _para(left, f"- {line}{end}", size=11, align=left_align, after=0)
    center = WD_ALIGN_PARAGRAPH.CENTER
    for text in (report.signer_authority, report.signer_title):
        for part in text.splitlines():
            _para(right, part.upper(), size=14, bold=True, align=center, after=0)
    for _ in range(4):
        _para(right, "", align=center, after=6)
    _para(right, report.signer_name, size=14, bold=True, align=center, after=0)


def render_docx(report: CompiledReport) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element, BODY_PT)
    props = doc.core_properties
    props.title = report.title[:250]
    props.author = report.issuer[:250]
    props.language = "vi-VN"
    _page_numbers(section)
    _header(doc, report)
    _para(doc, "", after=0)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "BÁO CÁO", bold=True, align=center, after=0, before=6)
    _para(doc, report.title, bold=True, align=center, after=0)
    _rule(doc, 40, TEXT_WIDTH_MM)
    _para(doc, "", after=0)
    parts = task_lines(list(plans_of(report).select_related("document")), report.year)
    _body(doc, report, parts)
    _signature(doc, report)
    # python-docx's default document opens with an empty first paragraph: drop it
    first = doc.paragraphs[0]
    if not first.text and first._p.getnext() is not None and first._p.getnext().tag == qn("w:tbl"):
        first._p.getparent().remove(first._p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
