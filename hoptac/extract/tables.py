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
_ROW_LABEL_RE = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*|[IVX]{1,5}|[A-Z])\.?$")
_STT_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")


def is_header_row(cells: list[str]) -> bool:
    """Whether a row names the columns of a data table (at least two column words)."""
    if len(cells) < 3 or any(len(c) > _MAX_HEADER_CELL for c in cells):
        return False  # column names are short; a layout table holds whole paragraphs
    hits = sum(1 for c in cells if _HEADER_WORD_RE.search(fold_same_length(c.strip(" *\ue000")).lower()))
    return hits >= 2


def _rows(segments: list[list[str]]) -> list[list[str]]:
    """Rows of cells from the segments between "|" lines. An empty segment ends a row, unless the
    row is short of the header's width and what follows does not open a row (a row label: "5",
    "II", "B"): then it is an empty cell."""
    cells = [_cell_text(seg) for seg in segments]
    rows: list[list[str]] = []
    row: list[str] = []
    width = 0
    for i, (seg, cell) in enumerate(zip(segments, cells, strict=True)):
        if seg:
            row.append(cell)
            continue
        following = next((c for s, c in zip(segments[i + 1 :], cells[i + 1 :], strict=True) if s), "")
        # Two empty segments in a row are an empty last cell and the boundary after it.
        next_empty = i + 1 < len(segments) and not segments[i + 1]
        opens_row = bool(_ROW_LABEL_RE.match(following)) and not next_empty
        single_number = len(row) == 1 and _STT_RE.match(row[0])
        if width and row and len(row) < width and (len(row) > 1 or single_number) and not opens_row:
            row.append("")
            continue
        if row:
            rows.append(row)
            if not width:
                width = len(row)
        row = []
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


_APPENDIX_LINE_RE = re.compile(r"^[\ue000*\s]*PH[ỤU] L[ỤU]C\b")


def _run(lines: list[str], i: int) -> tuple[list[tuple[int, list[str]]], int]:
    """The segments between "|" lines from the "|" at ``i`` (each with the index of the "|" that
    opens it), up to a blank line after a "|" or a stretch too long to be a cell, and the index
    of the run's last "|"."""
    segments: list[tuple[int, list[str]]] = []
    seg: list[str] = []
    opened = i
    last_pipe = i
    for j in range(i + 1, len(lines)):
        line = lines[j]
        if line == "|":
            segments.append((opened, seg))
            seg, opened, last_pipe = [], j, j
        elif not line.strip(" \ue000"):
            if j == last_pipe + 1 and (j + 1 >= len(lines) or lines[j + 1] != "|"):
                break  # a blank line after a "|" ends the run; between two "|" it is an empty cell
        elif _APPENDIX_LINE_RE.match(line):
            break  # "PHỤ LỤC II" between two tables: the next table starts its own run
        else:
            seg.append(line)
            if len(seg) > _MAX_CELL_LINES:
                break
    return segments, last_pipe


def _cell_text(seg: list[str]) -> str:
    """A cell's lines as one text, without the heading marks of bold cells ("**TT**")."""
    return " ".join(x.replace("\ue000", "").strip(" *") for x in seg if x.strip())


def _first_header(segments: list[tuple[int, list[str]]]) -> int | None:
    """The index of the segment that opens the first row naming columns, if any."""
    row_start = 0
    for k, (_at, seg) in enumerate([*segments, (0, [])]):
        if seg:
            continue
        cells = [_cell_text(s) for _a, s in segments[row_start:k]]
        if is_header_row(cells):
            return row_start
        row_start = k + 1
    return None


def pipe_cell_tables(lines: list[str]) -> list[str]:
    """``lines`` with each cell-per-line data table turned into one Markdown row per line.

    Each run of "|" lines is read once: a data table may start at any row of it (a page that
    wraps its whole text in a layout table holds the task table as rows further down).
    """
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
        segments, last_pipe = _run(lines, i)
        k = _first_header(segments)
        rows = _rows([seg for _at, seg in segments[k:]]) if k is not None else []
        if k is None or not rows or not is_header_row(rows[0]):
            out.extend(lines[i : last_pipe + 1])
            i = last_pipe + 1
            continue
        start = segments[k][0]
        out.extend(lines[i:start])
        out.extend(_render(r) for r in rows)
        i = last_pipe + 1
    return out
