"""OCR: scanned PDFs and images (.jpg, .png, .tif, multi-page TIFF) → text, with word confidences.

Tesseract 4/5 with Debian's Vietnamese model (``tesseract-ocr``, ``tesseract-ocr-vie``), run as
the ``tesseract`` command, one process per page, each with ``OMP_THREAD_LIMIT=1`` (its own
threads spin on a small machine: 1.1–1.5 s a page against 7–10 s), a deadline and an
address-space limit; pages run in parallel, one per core. A PDF's pages are rendered by
poppler's ``pdftoppm``. Before reading, each page is turned upright (Tesseract's orientation
detection, OSD), cleaned of specks and deskewed (``imaging``). A page with ruled tables
(``grid``) is read in two passes: the page with its tables whitened (page layout, psm 3), and
the tables' cells stacked in one image (one block, psm 6); the cells' words make "| … |" rows.

Bounds: pages per document, pixels per page (a larger page is refused before it is decoded),
seconds per page and per document, memory per Tesseract process. Every failure is a
``ReadError`` with one line; without Tesseract, the line says what to install.

The text follows the readers' convention as a PDF's text layer does: the lines as printed,
a blank line between Tesseract's paragraphs (``clean`` joins wrapped lines), table rows as the
other readers write them. Each word keeps its
confidence (``OcrWord``), with its offsets in the text.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hoptac.errors import ReadError
from hoptac.extract.grid import Box, Key, Mosaic, Table, blank_tables, find_tables, mosaic
from hoptac.extract.imaging import despeckle, has_ink, is_blank, skew_angle, whiten

__all__ = [
    "IMAGE_FORMATS",
    "LOW_CONFIDENCE",
    "OcrText",
    "OcrWord",
    "missing",
    "ocr_image",
    "ocr_pdf",
    "reporting",
]

IMAGE_FORMATS = ("jpg", "png", "tif")
DPI = 300
MAX_PAGES = 200
MAX_PAGE_PIXELS = 50_000_000  # an A4 page at 600 dpi is 35 megapixels
PAGE_SECONDS = 60.0
MAX_SECONDS = 900.0
MAX_MEMORY = 1024 * 1024 * 1024  # address space of one Tesseract or pdftoppm process
LOW_CONFIDENCE = 60.0  # Tesseract's word confidence (0–100) below which a word is worth a look
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils"

ProgressFn = Callable[[int, int], None]  # (pages done, pages in all)
_progress: ContextVar[ProgressFn | None] = ContextVar("hoptac_ocr_progress", default=None)


@contextlib.contextmanager
def reporting(callback: ProgressFn | None) -> Iterator[None]:
    """Within the block, OCR calls ``callback(done, total)`` after each page (the CLI's progress bar)."""
    token = _progress.set(callback)
    try:
        yield
    finally:
        _progress.reset(token)


@dataclass(frozen=True)
class OcrWord:
    page: int  # from 1
    start: int  # offsets in OcrText.text
    end: int
    conf: float  # Tesseract's confidence, 0–100


@dataclass(frozen=True)
class OcrText:
    text: str
    words: tuple[OcrWord, ...]
    pages: int
    seconds: float

    def low_confidence(self, threshold: float = LOW_CONFIDENCE) -> list[OcrWord]:
        return [w for w in self.words if w.conf < threshold]


def missing() -> str | None:
    """What is missing to OCR, as an install line, or None when Tesseract and its Vietnamese model are here."""
    exe = shutil.which("tesseract")
    if exe is None:
        return f"cần cài Tesseract để đọc bản scan ({INSTALL})"
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, timeout=20, text=True)
    except (OSError, subprocess.TimeoutExpired):
        return f"không chạy được Tesseract; cài lại: {INSTALL}"
    langs = set((out.stdout + out.stderr).split())
    if "vie" not in langs:
        return "Tesseract thiếu mô hình tiếng Việt (apt-get install tesseract-ocr-vie)"
    return None


def _require(source: str, need_poppler: bool) -> None:
    problem = missing()
    if problem is None and need_poppler and not (shutil.which("pdftoppm") and shutil.which("pdfinfo")):
        problem = f"cần cài poppler-utils để đọc PDF scan ({INSTALL})"
    if problem:
        raise ReadError(source, problem)


# ---------------------------------------------------------------------------------------------
# Processes with limits.


def _run(args: list[str], timeout: float, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run a tool with one OpenMP thread, a deadline (it is killed then) and an address-space limit.

    The limit is set by util-linux's ``prlimit`` rather than a ``preexec_fn``, which is unsafe in
    a process with threads (pages run in a thread pool)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    prlimit = shutil.which("prlimit")
    if prlimit:
        args = [prlimit, f"--as={MAX_MEMORY}", "--", *args]
    return subprocess.run(args, input=data, capture_output=True, timeout=timeout, env=env)


# ---------------------------------------------------------------------------------------------
# Page images: upright, straight and clean (``imaging``), tables found (``grid``).


def _pixels_guard(source: str, width: int, height: int, page: int) -> None:
    if width * height > MAX_PAGE_PIXELS:
        raise ReadError(
            source,
            f"ảnh trang {page} quá lớn ({width}×{height} điểm ảnh; giới hạn {MAX_PAGE_PIXELS // 1_000_000} megapixel)",
        )


def _osd_rotation(path: str) -> int:
    """Degrees to turn the page clockwise to make it upright (Tesseract OSD), 0 when unsure."""
    try:
        proc = _run(["tesseract", path, "stdout", "--psm", "0"], PAGE_SECONDS / 3)
    except (OSError, subprocess.TimeoutExpired):
        return 0
    out = proc.stdout.decode("utf-8", "replace")
    rotate = re.search(r"Rotate:\s*(\d+)", out)
    conf = re.search(r"Orientation confidence:\s*([\d.]+)", out)
    if not rotate or not conf or float(conf.group(1)) < 2.0:
        return 0
    return int(rotate.group(1)) % 360


@dataclass(frozen=True)
class _Prepared:
    path: str | None  # the page as a PNG, its ruled tables whitened; None if nothing else is on it
    tables: list[Table]
    cells: Mosaic | None  # the tables' cells, stacked
    cells_path: str | None


def _prepare(gray: Any, work: Path, page: int, dpi: int) -> _Prepared | None:
    """Write the page upright, straight and without specks as a PNG, and its ruled tables' cells
    as a second one; None for a blank page."""
    from PIL import Image

    if is_blank(gray):
        return None
    path = str(work / f"p{page}.png")
    gray.save(path)
    rotation = _osd_rotation(path)
    if rotation:
        gray = gray.rotate(-rotation, expand=True)  # PIL turns counter-clockwise
    gray = despeckle(gray, dpi)
    angle = skew_angle(gray)
    if abs(angle) >= 0.2:
        gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    tables, erased = find_tables(gray)
    cells = mosaic(erased, tables) if tables else None
    cells_path = None
    if cells is not None:
        cells_path = str(work / f"p{page}-cells.png")
        cells.image.save(cells_path)
        gray = blank_tables(gray, tables)
        if not has_ink(gray, dpi):
            return _Prepared(None, tables, cells, cells_path)  # the table filled the page
    whiten(gray).save(path)
    return _Prepared(path, tables, cells, cells_path)


# ---------------------------------------------------------------------------------------------
# Tesseract.


Token = tuple[str, float | None]  # a word and its confidence; None for the "|" between table cells


@dataclass
class _Page:
    lines: list[list[Token]]  # [] marks a paragraph break; a table row starts and ends with "|"


def _tesseract(prepared: _Prepared, source: str, page: int, dpi: int) -> _Page:
    words = _words(_read(prepared.path, "3", source, page, dpi)) if prepared.path else []
    cells: dict[Key, list[Token]] = {}
    if prepared.cells is not None and prepared.cells_path is not None:
        # One cell under another: one uniform block of lines (psm 6).
        for word in _words(_read(prepared.cells_path, "6", source, page, dpi)):
            key = prepared.cells.seat(word.box.centre[1])
            if key is not None and word.text.strip("|¦_"):
                cells.setdefault(key, []).append((word.text.replace("|", "/"), word.conf))
    return _page(words, prepared.tables, cells)


def _read(path: str, psm: str, source: str, page: int, dpi: int) -> str:
    """Tesseract's TSV for an image."""
    args = ["tesseract", path, "stdout", "-l", "vie", "--psm", psm, "--dpi", str(dpi), "tsv"]
    try:
        proc = _run(args, PAGE_SECONDS)
    except subprocess.TimeoutExpired:
        raise ReadError(source, f"OCR trang {page} quá lâu (giới hạn {PAGE_SECONDS:g} giây một trang)") from None
    except OSError as exc:
        raise ReadError(source, f"không chạy được Tesseract ({exc.strerror}); {INSTALL}") from None
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace")
        if "alloc" in err.lower() or proc.returncode < 0:
            raise ReadError(source, f"OCR trang {page} cần quá nhiều bộ nhớ hoặc bị dừng")
        raise ReadError(source, f"Tesseract không đọc được trang {page}")
    return proc.stdout.decode("utf-8", "replace")


@dataclass(frozen=True)
class _Word:
    text: str
    conf: float
    line: tuple[str, str, str]  # Tesseract's (block, paragraph, line)
    box: Box


def _words(tsv: str) -> list[_Word]:
    words = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        try:
            conf = float(cols[10])
            left, top, width, height = (int(c) for c in cols[6:10])
        except ValueError:
            continue
        box = Box(left, top, left + width, top + height)
        words.append(_Word(cols[11].strip(), conf, (cols[2], cols[3], cols[4]), box))
    return words


def _page(words: list[_Word], tables: list[Table], cells: dict[Key, list[Token]]) -> _Page:
    """Tesseract's lines, a blank line between its paragraphs, and each table as "| cell | cell |"
    rows where it stood."""
    lines: list[list[Token]] = []
    tops: list[int] = []  # the top of each line, for placing the tables
    key: tuple[str, str, str] | None = None
    for word in words:
        if word.line != key:
            if key is not None and word.line[:2] != key[:2]:
                lines.append([])
                tops.append(word.box.top)
            lines.append([])
            tops.append(word.box.top)
            key = word.line
        lines[-1].append((word.text, word.conf))
    for number in reversed(range(len(tables))):
        rows = _rows(tables[number], number, cells)
        if rows:
            at = next((i for i, top in enumerate(tops) if top > tables[number].box.top), len(lines))
            lines[at:at] = [[], *rows, []]
            tops[at:at] = [tables[number].box.top] * (len(rows) + 2)
    return _Page(lines)


def _rows(table: Table, number: int, cells: dict[Key, list[Token]]) -> list[list[Token]]:
    rows = []
    for band, (_top, _bottom, spans) in enumerate(table.bands):
        texts = [cells.get((number, band, c), []) for c in range(len(spans))]
        if not any(texts):
            continue
        row: list[Token] = [("|", None)]
        for words in texts:
            row += [*words, ("|", None)]
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------
# Documents.


def _is_row(line: list[Token]) -> bool:
    return bool(line) and line[0] == ("|", None)


def _assemble(pages: list[_Page], seconds: float) -> OcrText:
    """The pages' text, a blank line between pages; a table that runs on over a page break stays one."""
    parts: list[str] = []
    words: list[OcrWord] = []
    pos = 0
    last: list[Token] = []
    for number, page in enumerate(pages, 1):
        lines = page.lines
        while lines and not lines[0]:
            lines = lines[1:]
        while lines and not lines[-1]:
            lines = lines[:-1]
        if not lines:
            continue
        if parts:
            gap = "\n" if _is_row(last) and _is_row(lines[0]) else "\n\n"
            parts.append(gap)
            pos += len(gap)
        for n, line in enumerate(lines):
            if n:
                parts.append("\n")
                pos += 1
            for i, (word, conf) in enumerate(line):
                if i:
                    parts.append(" ")
                    pos += 1
                if conf is not None:
                    words.append(OcrWord(number, pos, pos + len(word), conf))
                parts.append(word)
                pos += len(word)
        last = lines[-1]
    text = "".join(parts)
    return OcrText(text, tuple(words), len(pages), seconds)


def _run_pages(
    source: str, count: int, job: Callable[[int, Path], _Page], setup: Callable[[Path], object] | None = None
) -> OcrText:
    """``job(page, workdir)`` for pages 1..count, in parallel, in page order, within the budgets."""
    started = time.monotonic()
    progress = _progress.get()
    results: dict[int, _Page] = {}
    workers = max(1, min(os.cpu_count() or 1, 4, count))
    with tempfile.TemporaryDirectory(prefix="hoptac-ocr-") as tmp, ThreadPoolExecutor(workers) as pool:
        work = Path(tmp)
        if setup is not None:
            setup(work)
        futures: dict[Future[_Page], int] = {pool.submit(job, n, work): n for n in range(1, count + 1)}
        pending = set(futures)
        if progress is not None:
            progress(0, count)
        try:
            while pending:
                left = MAX_SECONDS - (time.monotonic() - started)
                if left <= 0:
                    raise ReadError(source, f"OCR quá lâu (giới hạn {MAX_SECONDS:g} giây một tệp)")
                done, pending = wait(pending, timeout=left, return_when=FIRST_COMPLETED)
                for future in done:
                    results[futures[future]] = future.result()  # a page's ReadError stops the document
                if progress is not None and done:
                    progress(len(results), count)
        finally:
            for future in pending:
                future.cancel()
    return _assemble([results[n] for n in range(1, count + 1)], time.monotonic() - started)


def _pdf_pages(data: bytes, source: str) -> tuple[int, list[tuple[float, float]]]:
    """The page count and each page's size in points (pdfinfo)."""
    try:
        proc = _run(["pdfinfo", "-f", "1", "-l", str(MAX_PAGES), "-"], 60, data)
    except subprocess.TimeoutExpired:
        raise ReadError(source, "tệp PDF cần quá nhiều thời gian để đọc") from None
    out = proc.stdout.decode("latin-1")
    err = proc.stderr.decode("latin-1")
    if proc.returncode != 0:
        if "password" in err.lower() or "encrypt" in err.lower():
            raise ReadError(source, "tệp PDF có mật khẩu hoặc bị mã hóa, không đọc được")
        raise ReadError(source, "tệp PDF hỏng, không đọc được")
    found = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    count = int(found.group(1)) if found else 0
    if count > MAX_PAGES:
        raise ReadError(source, f"bản scan có {count} trang, quá nhiều để OCR (giới hạn {MAX_PAGES} trang)")
    sizes = [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out, re.M)]
    return count, sizes


def ocr_pdf(data: bytes, source: str) -> OcrText:
    """OCR every page of a PDF (one without a text layer)."""
    _require(source, need_poppler=True)
    count, sizes = _pdf_pages(data, source)
    if count == 0:
        raise ReadError(source, "tệp PDF không có trang nào")

    def job(page: int, work: Path) -> _Page:
        from PIL import Image

        w, h = sizes[page - 1] if page <= len(sizes) else (595.0, 842.0)
        # A page too large at 300 dpi is read at a lower resolution instead of being refused.
        dpi = int(min(DPI, (MAX_PAGE_PIXELS / max(w * h / 72 / 72, 1.0)) ** 0.5))
        if dpi < 72:
            raise ReadError(source, f"trang {page} của PDF quá lớn để OCR ({w:.0f}×{h:.0f} pt)")
        pdf = work / "in.pdf"
        args = ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-gray", "-png", "-singlefile"]
        try:
            proc = _run([*args, str(pdf)], PAGE_SECONDS)
        except subprocess.TimeoutExpired:
            raise ReadError(source, f"trang {page} của PDF vẽ quá lâu (giới hạn {PAGE_SECONDS:g} giây)") from None
        if proc.returncode != 0 or not proc.stdout:
            raise ReadError(source, f"không vẽ được trang {page} của PDF để OCR")
        with Image.open(io.BytesIO(proc.stdout)) as im:
            _pixels_guard(source, im.width, im.height, page)
            gray = im.convert("L")
        prepared = _prepare(gray, work, page, dpi)
        return _tesseract(prepared, source, page, dpi) if prepared else _Page([])

    # The file is written once before the pool starts, so that no two pages race to write it.
    return _run_pages(source, count, job, setup=lambda work: (work / "in.pdf").write_bytes(data))


def ocr_image(data: bytes, source: str) -> OcrText:
    """OCR an image; every frame of a multi-page TIFF is a page."""
    import warnings

    from PIL import Image, ImageSequence, UnidentifiedImageError

    _require(source, need_poppler=False)
    frames: list[Any] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Corrupt EXIF data" and the like: not the user's concern
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
            _pixels_guard(source, im.width, im.height, 1)
            for number, frame in enumerate(ImageSequence.Iterator(im), 1):
                if number > MAX_PAGES:
                    raise ReadError(source, f"ảnh có hơn {MAX_PAGES} trang (giới hạn {MAX_PAGES} trang)")
                _pixels_guard(source, frame.width, frame.height, number)
                frames.append((_dpi_of(frame), frame.convert("L")))
    except ReadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ReadError(source, f"ảnh quá lớn (giới hạn {MAX_PAGE_PIXELS // 1_000_000} megapixel)") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        what = "không nhận ra định dạng ảnh" if isinstance(exc, UnidentifiedImageError) else "ảnh hỏng"
        raise ReadError(source, f"{what}, không đọc được") from None

    def job(page: int, work: Path) -> _Page:
        dpi, gray = frames[page - 1]
        prepared = _prepare(gray, work, page, dpi)
        return _tesseract(prepared, source, page, dpi) if prepared else _Page([])

    return _run_pages(source, len(frames), job)


def _dpi_of(frame: Any) -> int:
    dpi = frame.info.get("dpi")
    try:
        value = int(round(float(dpi[0])))
    except (TypeError, ValueError, IndexError):
        return DPI
    return value if 70 <= value <= 1200 else DPI
