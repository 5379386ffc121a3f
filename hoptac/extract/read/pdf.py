"""PDF: the text layer, page by page, its lines joined back into paragraphs; read in a child
process with a memory limit and a deadline."""

from __future__ import annotations

import io
import itertools
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hoptac.errors import ReadError
from hoptac.extract.encodings import fix_legacy
from hoptac.extract.read.common import _LEADING_LABEL_RE, _WS_RE, MB, _emphasise, _strerror

try:
    import resource
except ImportError:  # pragma: no cover - Windows: PDFs are read in-process there
    resource = None  # type: ignore[assignment]

NO_TEXT_LAYER = "tệp PDF không có lớp chữ (có thể là bản scan, cần OCR)"

MAX_PDF_PAGES = 2000
MAX_PDF_SECONDS = 120.0  # wall-clock budget of one PDF (about 60 ms a page is usual)
MAX_PDF_MEMORY = 1024 * MB  # address space of the child process that reads a PDF

# pdfminer logs through the logging module; with no handler configured, Python's last-resort
# handler would print its warnings to stderr, next to our one-line error.
for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


_CID_RE = re.compile(r"\(cid:\d+\)")


def _read_pdf(data: bytes, source: str) -> str:
    if b"%PDF" not in data[:1024]:
        raise ReadError(source, "tệp PDF hỏng (thiếu phần đầu %PDF)")
    if _PDF_SANDBOX:
        return fix_legacy(_pdf_text_in_child(data, source))
    return fix_legacy(_pdf_text(data, source, MAX_PDF_PAGES, MAX_PDF_SECONDS))


# Where ``resource`` exists (not on Windows) a PDF is read in a child process with limits.
_PDF_SANDBOX = resource is not None
_PDF_CHILD = "from hoptac.extract.read.pdf import _pdf_child; _pdf_child()"
_TOO_SLOW = "tệp PDF cần quá nhiều thời gian để đọc (giới hạn {} giây)"
_TOO_HUNGRY = "tệp PDF bất thường, cần quá nhiều bộ nhớ để đọc (giới hạn {} MB)"


def _pdf_text_in_child(data: bytes, source: str) -> str:
    """``_pdf_text`` in ``python -c _PDF_CHILD``: the file on stdin, JSON back on stdout."""
    limits = [str(MAX_PDF_PAGES), str(MAX_PDF_SECONDS), str(MAX_PDF_MEMORY)]
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    try:
        proc = subprocess.run(
            [sys.executable, "-P", "-c", _PDF_CHILD, *limits],  # -P: not the current folder's modules
            input=data,
            capture_output=True,
            timeout=MAX_PDF_SECONDS + 15,  # the child keeps its own budget; this is for a child stuck inside a page
            env=env,
        )
    except subprocess.TimeoutExpired:
        raise ReadError(source, _TOO_SLOW.format(f"{MAX_PDF_SECONDS:g}")) from None
    except OSError as exc:
        raise ReadError(source, f"không chạy được tiến trình đọc PDF ({_strerror(exc)})") from None
    try:
        answer = json.loads(proc.stdout)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        answer = {}
    if isinstance(answer.get("text"), str):
        return str(answer["text"])
    if isinstance(answer.get("error"), str):
        raise ReadError(source, answer["error"])
    # Killed by its limits: out of address space (a MemoryError, or a failed allocation in C),
    # or out of CPU time (SIGXCPU); anything else is a crash on a broken file.
    if b"MemoryError" in proc.stderr or b"Cannot allocate memory" in proc.stderr:
        raise ReadError(source, _TOO_HUNGRY.format(MAX_PDF_MEMORY // MB))
    if proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise ReadError(source, _TOO_SLOW.format(f"{MAX_PDF_SECONDS:g}"))
    raise ReadError(source, "tệp PDF hỏng, không đọc được")


def _pdf_child() -> None:
    """The PDF reading process: ``MAX_PAGES SECONDS MEMORY`` in argv, the file on stdin."""
    max_pages, seconds, memory = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    data = sys.stdin.buffer.read()
    if resource is not None:
        for kind, limit in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CPU, int(seconds) + 10)):
            hard = resource.getrlimit(kind)[1]
            limit = limit if hard == resource.RLIM_INFINITY else min(limit, hard)  # only lowered
            resource.setrlimit(kind, (limit, limit))
    # This process is the reader's alone: an alarm can stop pdfminer in the middle of a page.
    signal.signal(signal.SIGALRM, _out_of_time)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        answer = {"text": _pdf_text(data, "", max_pages, seconds)}
    except ReadError as exc:
        answer = {"error": exc.reason}
    except MemoryError:
        answer = {"error": _TOO_HUNGRY.format(memory // MB)}
    except _OutOfTime:
        answer = {"error": _TOO_SLOW.format(f"{seconds:g}")}
    signal.setitimer(signal.ITIMER_REAL, 0)
    sys.stdout.write(json.dumps(answer))


class _OutOfTime(Exception):
    """The PDF child's time budget is spent."""


def _out_of_time(signum: int, frame: Any) -> None:
    raise _OutOfTime


def _pdf_text(data: bytes, source: str, max_pages: int, seconds: float) -> str:
    """The text layer, page by page; every failure a ``ReadError``."""
    import pdfplumber
    from pdfminer.pdfpage import PDFPage

    deadline = time.monotonic() + seconds
    pages: list[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pdf = pdfplumber.open(io.BytesIO(data))
            # Counted lazily first, and refused before ``with``: pdfplumber's close() builds every page.
            count = sum(1 for _ in itertools.islice(PDFPage.create_pages(pdf.doc), max_pages + 1))
            if count > max_pages:
                raise ReadError(source, f"tệp PDF có hơn {max_pages} trang (giới hạn {max_pages} trang)")
            with pdf:
                for page in pdf.pages:
                    if time.monotonic() > deadline:
                        raise ReadError(source, _TOO_SLOW.format(f"{seconds:g}"))
                    pages.append(_page_text(page))
                    page.close()  # frees the page's parsed objects
    except ReadError:
        raise
    except Exception as exc:
        for kind in (MemoryError, _OutOfTime):  # pdfplumber wraps what pdfminer raises
            if _caused_by(exc, kind):
                raise kind from exc
        raise ReadError(source, _pdf_failure(exc)) from exc
    text = "\n\n".join(_join_split_rows([p.strip("\n") for p in pages if p.strip()]))
    if not _CID_RE.sub("", text).strip():
        if "(cid:" in text:
            raise ReadError(source, "phông chữ trong PDF không có bảng mã Unicode, không lấy được chữ")
        raise ReadError(source, NO_TEXT_LAYER)
    return text


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """``exc`` is, wraps (as cause, context or first argument) or was raised while handling a ``kind``."""
    seen: set[int] = set()
    stack: list[object] = [exc]
    while stack:
        e = stack.pop()
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        if isinstance(e, kind):
            return True
        seen.add(id(e))
        stack += [e.__cause__, e.__context__, *e.args[:1]]
    return False


def _pdf_failure(exc: BaseException) -> str:
    names = " ".join(type(e).__name__ for e in (exc, exc.__cause__, exc.__context__) if e is not None)
    if "Password" in names or "Encryption" in names:
        return "tệp PDF có mật khẩu hoặc bị mã hóa, không đọc được"
    if _caused_by(exc, RecursionError):
        return "tệp PDF bất thường: cấu trúc lồng nhau quá sâu"
    return "tệp PDF hỏng, không đọc được"


def _center_y(obj: dict[str, Any]) -> float:
    return (float(obj["top"]) + float(obj["bottom"])) / 2


def _inside(obj: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    x = (float(obj["x0"]) + float(obj["x1"])) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= _center_y(obj) <= bbox[3]


def _page_text(page: Any) -> str:
    """The page's text, paragraphs rebuilt (one a line, emphasised ones as "**text**"), with ruled
    tables as "| a | b |" rows in their place among them."""
    tables = []
    for table in sorted(page.find_tables(), key=lambda t: t.bbox[1]):
        rows = [[_WS_RE.sub(" ", cell or "").strip() for cell in row] for row in table.extract()]
        rows = [row for row in rows if any(row)]
        if not rows or max(len(row) for row in rows) < 2:
            continue
        # One row is a table only at the top of the page: the rest of a row the page break cut.
        if len(rows) >= 2 or not any(_above(c, table.bbox[1]) for c in page.chars):
            tables.append((table.bbox, rows))
    if not tables:
        return _paragraphs(page)
    # The page without the tables' characters, then cut into bands between table tops.
    rest = page.filter(lambda o: o.get("object_type") != "char" or not any(_inside(o, b) for b, _ in tables))
    right = _right_margin(rest)
    parts: list[str] = []
    top = float("-inf")
    for bbox, rows in tables:
        parts.append(_band(rest, top, bbox[1], right))
        parts.append("\n".join("| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in rows))
        top = bbox[1]
    parts.append(_band(rest, top, float("inf"), right))
    return "\n".join(part for part in parts if part.strip())


def _above(char: dict[str, Any], top: float) -> bool:
    """A character above ``top`` that is not a page number."""
    return float(char["bottom"]) <= top and not (char.get("text") or " ").isspace() and not char["text"].isdigit()


def _band(page: Any, top: float, bottom: float, right: float | None) -> str:
    band = page.filter(lambda o: o.get("object_type") != "char" or top <= _center_y(o) < bottom)
    return _paragraphs(band, right)


def _right_margin(page: Any) -> float | None:
    """Where the page's lines end at the most: the right edge of the text area."""
    try:
        lines = page.extract_text_lines(return_chars=False)
    except Exception:
        return None
    return max((float(line["x1"]) for line in lines), default=None)


_BOLD_FONT_RE = re.compile(r"bold|black|heavy|semibold|demi|italic|oblique", re.IGNORECASE)


@dataclass
class _PdfLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    first_word: float  # width of the first word
    emphasised: bool  # every letter (but a leading numbering label's) bold or italic
    plain_label: bool  # … and the numbering label is not

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _pdf_line(line: dict[str, Any]) -> _PdfLine | None:
    text = _WS_RE.sub(" ", str(line.get("text") or "")).strip()
    chars = [c for c in line.get("chars") or () if str(c.get("text") or "").strip()]
    if not text or not chars:
        return None
    label = _LEADING_LABEL_RE.match(text)
    skip = len(label.group().replace(" ", "")) if label else 0  # chars of the label (no spaces among chars)
    letters = [c for c in chars[skip:] if str(c["text"]).isalpha()]
    emphasised = len(letters) > 3 and all(_BOLD_FONT_RE.search(str(c.get("fontname") or "")) for c in letters)
    plain_label = (
        emphasised and skip > 0 and not all(_BOLD_FONT_RE.search(str(c.get("fontname") or "")) for c in chars[:skip])
    )
    x0 = float(line["x0"])
    first = next(
        (i for i in range(1, len(chars)) if float(chars[i]["x0"]) - float(chars[i - 1]["x1"]) > 1.5), len(chars)
    )
    first_word = float(chars[first - 1]["x1"]) - x0
    return _PdfLine(
        text, x0, float(line["x1"]), float(line["top"]), float(line["bottom"]), first_word, emphasised, plain_label
    )


def _paragraphs(page: Any, right: float | None = None) -> str:
    """The page's lines joined back into paragraphs, one a line.

    A line continues the paragraph above when the line above is full (the first word of this
    one would not have fitted after it), this one is no more indented than the paragraph's
    lines, the gap between them is a line's, and both are printed alike (emphasised or not).
    A paragraph all in bold or italic is a heading: "**text**", its label left out if plain.
    """
    try:
        raw = page.extract_text_lines(return_chars=True)
    except Exception:
        return str(page.extract_text() or "")
    lines = [x for x in map(_pdf_line, raw) if x is not None]
    if right is None:
        right = max((x.x1 for x in lines), default=0.0)
    paragraphs: list[list[_PdfLine]] = []
    for line in lines:
        para = paragraphs[-1] if paragraphs else None
        if para is not None and _continues(para, line, right):
            para.append(line)
        else:
            paragraphs.append([line])
    out = []
    for para in paragraphs:
        text = " ".join(x.text for x in para)
        if all(x.emphasised for x in para):
            label = _LEADING_LABEL_RE.match(text) if para[0].plain_label else None
            text = text[: label.end()] + _emphasise(text[label.end() :]) if label else _emphasise(text)
        out.append(text)
    return "\n".join(out)


def _continues(para: list[_PdfLine], line: _PdfLine, right: float) -> bool:
    prev = para[-1]
    if line.emphasised != prev.emphasised or line.top < prev.bottom - 1:
        return False
    if line.top - prev.bottom > 0.6 * max(prev.height, 1.0):
        return False
    left = prev.x0 if len(para) == 1 else min(x.x0 for x in para[1:])
    if line.x0 > left + 2:
        return False
    space = 0.3 * prev.height
    return prev.x1 + space + line.first_word >= right - 2


def _join_split_rows(pages: list[str]) -> list[str]:
    """A table row cut by a page break: the next page starts with the rest of its cells, the first
    (the row number) empty. They are joined back into one row."""
    out: list[str] = []
    for page in pages:
        if out:
            last_line = out[-1].rsplit("\n", 1)[-1]
            first_line, _, rest = page.partition("\n")
            above, below = _row_cells(last_line), _row_cells(first_line)
            if above and below and len(above) == len(below) and not below[0]:
                merged = [" ".join(x for x in (a, b) if x) for a, b in zip(above, below, strict=True)]
                row = "| " + " | ".join(merged) + " |"
                out[-1] = out[-1][: len(out[-1]) - len(last_line)] + row
                if rest.strip():
                    out[-1] += "\n" + rest
                continue
        out.append(page)
    return out


def _row_cells(line: str) -> list[str] | None:
    if len(line) > 1 and line.startswith("|") and line.endswith("|"):
        return [c.strip() for c in line[1:-1].split("|")]
    return None
