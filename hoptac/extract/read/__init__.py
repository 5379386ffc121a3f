"""Stage 1, read: a file → Unicode text, one paragraph per line.

One module per format: ``plain`` (.txt, .md), ``html``, ``docx``, ``pdf``; scans and old word-processor
files go through ``ocr`` and ``office`` first. This module picks the reader and guards sizes.

Formats: .txt and .md (decoded as they are), .html/.htm (visible text), .docx (body paragraphs
and tables in document order, with Word's automatic numbering written out) and .pdf (the text
layer, page by page, its lines joined back into paragraphs). Legacy Vietnamese font encodings
(TCVN3, VNI) are converted to Unicode wherever they turn up; see ``encodings``.

Every reader writes what the cleaner expects, so that every format reaches the same blocks:
one paragraph a line; a paragraph printed wholly bold or italic (a Word run's w:b/w:i, its
styles', ``<b>``/``<strong>``/``<i>``/``<em>``/``<h1>``…, a bold or italic PDF font) as the
Markdown heading "**text**", a plain numbering label kept outside ("1.1. **Tên**"); list items
with their printed label ("II. ", "1.1. ", "a) ", "- "); table rows as "| c1 | c2 | c3 |", a
PDF row cut by a page break joined back into one.

Every failure, whatever the bytes, is a ``ReadError`` naming the file and saying why in one
short Vietnamese line. Hostile files are refused before any work that could blow up: the
size is checked with ``stat`` before reading, a .docx's declared unpacked sizes (all parts,
and the XML parts that get parsed) before unzipping, an HTML page's number of tags before
parsing. A PDF is read in a child process with a memory limit and a deadline, because
pdfminer inflates compressed streams without limit and draws forms inside forms as often as
a page asks: there a PDF bomb costs the child its memory, not the server; the page count is
checked before extracting and the time budget between pages.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

from hoptac.errors import ReadError
from hoptac.extract.ocr import IMAGE_FORMATS, OcrText, ocr_image, ocr_pdf
from hoptac.extract.ocr import missing as missing_ocr
from hoptac.extract.office import OFFICE_FORMATS, to_docx
from hoptac.extract.read.common import _mb, _strerror
from hoptac.extract.read.docx import _read_docx
from hoptac.extract.read.html import _read_html
from hoptac.extract.read.pdf import NO_TEXT_LAYER, _read_pdf
from hoptac.extract.read.plain import _read_text

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SUPPORTED_SUFFIXES",
    "OcrNeeded",
    "RawDocument",
    "ocr_deferred",
    "read_bytes",
    "read_path",
]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
# Read by OCR (``ocr``) and through LibreOffice (``office``); .jpeg and .tiff are .jpg and .tif.
SCAN_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
OFFICE_SUFFIXES = (".doc", ".rtf", ".odt")
_ALIASES = {".htm": "html", ".jpeg": "jpg", ".tiff": "tif"}


@dataclass(frozen=True)
class RawDocument:
    source: str  # the file name, without its folder
    format: str  # txt, md, html, docx, pdf; jpg, png, tif; doc, rtf, odt
    text: str
    encoding: str | None = None
    # OCR'd text (an image, or a PDF without a text layer): each word's offsets in ``text`` and confidence.
    ocr: OcrText | None = None


def _too_big(source: str, size: int, max_bytes: int) -> ReadError:
    return ReadError(source, f"tệp quá lớn ({_mb(size)} MB; giới hạn {_mb(max_bytes)} MB)")


def _format(source: str) -> str:
    suffix = Path(source).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES + SCAN_SUFFIXES + OFFICE_SUFFIXES:
        shown = f"({suffix}) " if suffix else ""
        known = ", ".join(SUPPORTED_SUFFIXES + SCAN_SUFFIXES + OFFICE_SUFFIXES)
        raise ReadError(source, f"định dạng tệp {shown}không được hỗ trợ; hỗ trợ: {known}")
    return _ALIASES.get(suffix, suffix[1:])


def read_path(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    """Read one file; ``ReadError`` names the path as given and says why it cannot be read."""
    source = os.fspath(path)
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise ReadError(source, "không tìm thấy tệp") from None
    except PermissionError:
        raise ReadError(source, "không có quyền đọc tệp") from None
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte in the name …
        raise ReadError(source, f"không đọc được tệp ({_strerror(exc)})") from None
    if stat.S_ISDIR(st.st_mode):
        raise ReadError(source, "đây là thư mục, không phải tệp")
    if not stat.S_ISREG(st.st_mode):
        raise ReadError(source, "không phải tệp thông thường")
    fmt = _format(source)
    if st.st_size > max_bytes:
        raise _too_big(source, st.st_size, max_bytes)
    if st.st_size == 0:
        raise ReadError(source, "tệp rỗng")
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)  # the file may have grown since stat
    except PermissionError:
        raise ReadError(source, "không có quyền đọc tệp") from None
    except OSError as exc:
        raise ReadError(source, f"không đọc được tệp ({_strerror(exc)})") from None
    if len(data) > max_bytes:
        raise _too_big(source, len(data), max_bytes)
    return _read(data, source, Path(source).name, fmt)


def read_bytes(data: bytes, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    """Read an upload's bytes; ``source`` (its file name) picks the reader by its extension."""
    fmt = _format(source)
    if len(data) > max_bytes:
        raise _too_big(source, len(data), max_bytes)
    # A browser may send "C:\\fakepath\\x.docx": split on either kind of slash.
    return _read(data, source, PureWindowsPath(source).name, fmt)


class OcrNeeded(ReadError):
    """Raised within ``ocr_deferred()`` where reading would start OCR: the file is a scan."""


_defer_ocr: ContextVar[bool] = ContextVar("hoptac_defer_ocr", default=False)


@contextlib.contextmanager
def ocr_deferred() -> Iterator[None]:
    """Within the block, a file that needs OCR raises ``OcrNeeded`` instead of being OCR'd (which takes
    minutes): the web upload reads every other file at once and hands scans to a background job."""
    token = _defer_ocr.set(True)
    try:
        yield
    finally:
        _defer_ocr.reset(token)


def _ocr(data: bytes, source: str, fmt: str) -> OcrText:
    if _defer_ocr.get():
        raise OcrNeeded(source, "cần nhận dạng chữ (OCR)")
    return ocr_image(data, source) if fmt in IMAGE_FORMATS else ocr_pdf(data, source)


def _read(data: bytes, source: str, name: str, fmt: str) -> RawDocument:
    if not data or data.isspace():  # no copy of the bytes, as data.strip() would make
        raise ReadError(source, "tệp rỗng")
    encoding: str | None = None
    scanned: OcrText | None = None
    if fmt in ("txt", "md"):
        text, encoding = _read_text(data, source)
    elif fmt == "html":
        text, encoding = _read_html(data, source)
    elif fmt == "docx":
        text = _read_docx(data, source)
    elif fmt in IMAGE_FORMATS:
        scanned = _ocr(data, source, fmt)
        text = scanned.text
    elif fmt in OFFICE_FORMATS:
        text = _read_docx(to_docx(data, source, fmt), source)
    else:
        try:
            text = _read_pdf(data, source)
        except ReadError as exc:
            if exc.reason != NO_TEXT_LAYER:
                raise
            if missing_ocr():
                raise ReadError(source, f"tệp PDF không có lớp chữ (bản scan); {missing_ocr()}") from None
            scanned = _ocr(data, source, fmt)
            text = scanned.text
            if not text.strip():
                raise ReadError(source, "tệp PDF không có lớp chữ và OCR không nhận ra chữ nào") from None
    if not text or text.isspace():
        raise ReadError(source, "tệp rỗng (không có chữ)")
    return RawDocument(name, fmt, text, encoding, scanned)
