"""Tables pasted one cell per line, as legal-database pages print them.

    |
    STT
    |
    Tên nhiệm vụ
    |
    |
    1
    |
    Triển khai nền tảng đào tạo
    trực tuyến …
    |

A "|" line separates cells; two in a row end one table row and start the next. A cell may run
over several lines and a group row ("I. NÂNG CAO NHẬN THỨC …") has a single cell. Data tables
(their first row names columns such as STT, Nội dung, Cơ quan chủ trì) become one Markdown row
per line, "| 1 | Triển khai … | Sở KH&CN | … |", which the structure stage reads like any other
table. Layout tables (the two-column header of issuing body and motto) are left as they are.
"""

from __future__ import annotations

import re

from hoptac.extract.text import fold_same_length

__all__ = ["is_header_row", "pipe_cell_tables"]

_MAX_CELL_LINES = 60
_MAX_HEADER_CELL = 80
_HEADER_WORD_RE = re.compile(
    r"^(?:stt|tt|so tt)$|noi dung|nhiem vu|chu tri|phoi hop|thoi gian|thoi han|tien do|san pham|^ten\b|hoat dong"
)
_STT_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")


def is_header_row(cells: list[str]) -> bool:
    """Whether a row names the columns of a data table (at least two column words)."""
    if len(cells) < 3 or any(len(c) > _MAX_HEADER_CELL for c in cells):
        return False  # column names are short; a layout table holds whole paragraphs
    hits = sum(1 for c in cells if _HEADER_WORD_RE.search(fold_same_length(c.strip(" *\ue000")).lower()))
    return hits >= 2


def _rows(segments: list[list[str]]) -> list[list[str]]:
    """Rows of cells from the segments between "|" lines (an empty segment is a boundary or an
    empty cell, decided by the header's width)."""
    cells = [" ".join(x.replace("\ue000", "").strip() for x in seg if x.strip()) for seg in segments]
    rows: list[list[str]] = []
    row: list[str] = []
    width = 0
    for i, (seg, cell) in enumerate(zip(segments, cells, strict=True)):
        if seg:
            row.append(cell)
            continue
        # An empty segment: the end of a row, unless the row is short of cells.
        single_number = len(row) == 1 and _STT_RE.match(row[0])
        if width and row and len(row) < width and (len(row) > 1 or single_number):
            row.append("")
            continue
        if row:
            rows.append(row)
            if not width:
                width = len(row)
        row = []
        del i
    if row:
        rows.append(row)
    return _split_unbounded(rows)


def _split_unbounded(rows: list[list[str]]) -> list[list[str]]:
    """Rows pasted without a boundary between them: cut at the header's width, which ends
    where the first row number stands."""
    if not rows:
        return rows
    first = rows[0]
    width = next((k for k in range(2, len(first)) if _STT_RE.match(first[k]) and is_header_row(first[:k])), 0)
    if not width:
        return rows
    out: list[list[str]] = []
    for row in rows:
        if len(row) > width and len(row) % width == 0 or row is first:
            out.extend(row[k : k + width] for k in range(0, len(row), width))
        else:
            out.append(row)
    return out


def _render(row: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "/") for c in row) + " |"


def pipe_cell_tables(lines: list[str]) -> list[str]:
    """``lines`` with each cell-per-line data table turned into one Markdown row per line."""
    if "|" not in lines:
        return lines
    out: list[str] = []
    i = 0
    n = len(lines)
    while i < n:
        if lines[i] != "|":
            out.append(lines[i])
            i += 1
            continue
        # Collect the run: segments between "|" lines, until a blank line after a "|" or a
        # stretch too long to be a cell.
        segments: list[list[str]] = []
        seg: list[str] = []
        j = i + 1
        last_pipe = i
        while j < n:
            line = lines[j]
            if line == "|":
                segments.append(seg)
                seg = []
                last_pipe = j
            elif not line.strip(" \ue000"):
                if j == last_pipe + 1:
                    break
            else:
                seg.append(line)
                if len(seg) > _MAX_CELL_LINES:
                    break
            j += 1
        rows = _rows(segments)
        if not rows or not is_header_row(rows[0]):
            out.append(lines[i])
            i += 1
            continue
        out.extend(_render(r) for r in rows)
        i = last_pipe + 1
    return out
