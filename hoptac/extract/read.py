"""Stage 1, read: a file → Unicode text, one paragraph per line.

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

import codecs
import contextlib
import dataclasses
import io
import itertools
import json
import logging
import os
import re
import signal
import stat
import subprocess
import sys
import time
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Any

from hoptac.errors import ReadError
from hoptac.extract.encodings import (
    decode,
    decode_legacy,
    fix_legacy,
    fix_legacy_lines,
    has_unicode_vietnamese,
    legacy_font_encoding,
    legacy_verdicts,
)
from hoptac.extract.ocr import IMAGE_FORMATS, OcrText, ocr_image, ocr_pdf
from hoptac.extract.ocr import missing as missing_ocr
from hoptac.extract.office import OFFICE_FORMATS, to_docx
from hoptac.extract.text import roman as roman_numeral

try:
    import resource
except ImportError:  # pragma: no cover - Windows: PDFs are read in-process there
    resource = None  # type: ignore[assignment]

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
_NO_TEXT_LAYER = "tệp PDF không có lớp chữ (có thể là bản scan, cần OCR)"

MB = 1024 * 1024
MAX_PDF_PAGES = 2000
MAX_PDF_SECONDS = 120.0  # wall-clock budget of one PDF (about 60 ms a page is usual)
MAX_PDF_MEMORY = 1024 * MB  # address space of the child process that reads a PDF
# A .docx is a zip: what it may unpack to, in all and per member compared with its packed size.
MAX_DOCX_UNPACKED = 100 * MB
MAX_DOCX_RATIO = 200
MAX_DOCX_MEMBERS = 5000
# The XML parts are parsed into trees of about 30 times their size: a 300-page document has 5 MB.
MAX_DOCX_XML = 16 * MB
MAX_NESTING = 100  # tables in tables, content controls in content controls …
# Each HTML element costs about 400 bytes parsed; a long page saved from Word has some 100,000.
MAX_HTML_TAGS = 300_000

# pdfminer logs through the logging module; with no handler configured, Python's last-resort
# handler would print its warnings to stderr, next to our one-line error.
for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


@dataclass(frozen=True)
class RawDocument:
    source: str  # the file name, without its folder
    format: str  # txt, md, html, docx, pdf; jpg, png, tif; doc, rtf, odt
    text: str
    encoding: str | None = None
    # OCR'd text (an image, or a PDF without a text layer): each word's offsets in ``text`` and confidence.
    ocr: OcrText | None = None


def _mb(size: int) -> str:
    """A size in MB the Vietnamese way: '20', '0,5', '1024'."""
    text = f"{size / MB:.3f}".rstrip("0").rstrip(".")
    return "< 0,001" if text == "0" and size else text.replace(".", ",")


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


def _strerror(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or type(exc).__name__


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
            if exc.reason != _NO_TEXT_LAYER:
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


# ---------------------------------------------------------------------------------------------
# Plain text.

# Signatures of files that are not text, to say what they are instead.
_MAGIC = (
    (b"%PDF-", "tệp PDF"),
    (b"PK\x03\x04", "tệp nén zip hoặc Office"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "tệp Office cũ (.doc/.xls)"),
    (b"\x89PNG", "ảnh PNG"),
    (b"\xff\xd8\xff", "ảnh JPEG"),
    (b"GIF8", "ảnh GIF"),
    (b"{\\rtf", "tệp RTF"),
)
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _not_text(source: str, data: bytes) -> ReadError:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return ReadError(source, f"không phải tệp văn bản (có vẻ là {what})")
    return ReadError(source, "không phải tệp văn bản")


def _decode_text(data: bytes, source: str) -> tuple[str, str]:
    if data.startswith(tuple(magic for magic, _ in _MAGIC)):
        raise _not_text(source, data)
    try:
        text, encoding = decode(data)
    except UnicodeError:
        raise ReadError(source, "không giải mã được nội dung văn bản") from None
    _check_text(text, data, source)
    return text, encoding


def _check_text(text: str, data: bytes, source: str) -> None:
    """Binary data decodes to something too, but full of control characters."""
    sample = text[:65536]
    if "\x00" in sample or len(_CONTROL_RE.findall(sample)) > len(sample) // 100:
        raise _not_text(source, data)


def _read_text(data: bytes, source: str) -> tuple[str, str]:
    text, encoding = _decode_text(data, source)
    return fix_legacy(text), encoding


# ---------------------------------------------------------------------------------------------
# HTML.

_META_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(rb"""<\?xml[^>]{0,100}encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
# Pages of the TCVN3 era declared a Western code page and relied on a .Vn font: ignore such a
# declaration and detect, so the legacy text can be recognised.
_WESTERN = {"ascii", "latin-1", "iso8859-1", "iso8859-15", "cp1252"}


def _decode_html(data: bytes, source: str) -> tuple[str, str]:
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        head = data[:4096]
        found = _META_CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
        if found:
            try:
                name = codecs.lookup(found.group(1).decode("ascii")).name
            except LookupError:
                name = ""
            if name and name not in _WESTERN:
                try:
                    text = unicodedata.normalize("NFC", data.decode(name))
                except UnicodeError:
                    pass  # a wrong declaration: detect instead
                else:
                    _check_text(text, data, source)
                    return text, {"cp1258": "windows-1258"}.get(name, name)
    return _decode_text(data, source)


_SKIP_TAGS = {"script", "style", "head", "noscript", "template", "svg", "math", "iframe", "object", "select"}
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "caption", "tr", "section", "article", "header", "footer", "nav", "aside", "main",
    "blockquote", "pre", "hr", "address", "figure", "figcaption", "form", "fieldset", "legend",
    "center", "body", "html",
}  # fmt: skip
_CELL_TAGS = {"td", "th"}
# Emphasis: a paragraph whose text is all inside these (or styled bold or italic) is a heading.
_EMPHASIS_TAGS = {"b", "strong", "i", "em", "h1", "h2", "h3", "h4", "h5", "h6"}
_EMPHASIS_STYLE_RE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)|font-style\s*:\s*(?:italic|oblique)", re.I)
_HIDDEN_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_WS_RE = re.compile(r"\s+")
_UNIT_SUP = {"2": "²", "3": "³"}
_TAG_RE = re.compile("<[A-Za-z]")


class _HtmlText:
    """The visible text of an lxml HTML tree: blocks as paragraphs, table rows as "| a | b |"."""

    def __init__(self) -> None:
        self.blocks: list[str | list[str]] = []  # a paragraph, or a table row's cells
        self.buf: list[str] = []  # text of the paragraph (or table cell) being read
        self.row: list[str] | None = None
        self.tables = 0  # depth of <table>: a table inside a cell is flattened into the cell
        self.pre = 0
        self.lists: list[list[int]] = []  # [next number] for <ol>, [] for <ul>
        self.emphasis = 0  # depth of bold, italic and heading elements
        self.label = ""  # the list label that starts the paragraph being read
        self.plain: list[str] = []  # the paragraph's text printed plain
        self.emphasised = False  # … and text printed bold or italic

    def flush(self) -> None:
        text = "".join(self.buf)
        self.buf = []
        plain = "".join(self.plain).strip()
        label = self.label
        heading = self.emphasised_heading(text, plain, label)
        self.label, self.plain, self.emphasised = "", [], False
        if self.row is not None:
            return  # text between cells of a row is not a paragraph of its own
        if heading:
            if not label and plain:  # a printed label left plain: "1.1. <b>Tên</b>"
                found = _LEADING_LABEL_RE.match(text)
                label = found.group() if found else ""
            text = label + _emphasise(text[len(label) :])
        lines = [_WS_RE.sub(" ", line).strip() for line in text.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append(text)

    def add(self, text: str | None) -> None:
        if text:
            self.buf.append(text if self.pre else _WS_RE.sub(" ", text))
            if text.strip():
                if self.emphasis:
                    self.emphasised = True
                else:
                    self.plain.append(text)

    def emphasised_heading(self, text: str, plain: str, label: str) -> bool:
        """Bold or italic all through, but for the list label or a printed label left plain."""
        if not self.emphasised or (label and not text.startswith(label)):
            return False
        return not plain or (not label and bool(_PLAIN_LABEL_RE.fullmatch(plain)) and text.lstrip().startswith(plain))

    def walk(self, el: Any, depth: int = 0) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or depth > 300:
            return  # comments, processing instructions; absurd nesting
        if tag in _SKIP_TAGS or el.get("hidden") is not None or _HIDDEN_RE.search(el.get("style") or ""):
            return
        if tag in ("sup", "sub"):
            self.sup(el)
            return
        self.start(tag, el)
        emphasis = tag in _EMPHASIS_TAGS or bool(_EMPHASIS_STYLE_RE.search(el.get("style") or ""))
        self.emphasis += emphasis
        self.add(el.text)
        for child in el:
            self.walk(child, depth + 1)
            self.add(child.tail)
        self.emphasis -= emphasis
        self.end(tag)

    def sup(self, el: Any) -> None:
        """Footnote marks go; the 2 of "m²" stays."""
        mark = el.text_content().strip()
        before = "".join(self.buf).rstrip()
        if mark in _UNIT_SUP and re.search(r"\d\s*[kcd]?m$", before):
            self.buf.append(_UNIT_SUP[mark])

    def start(self, tag: str, el: Any) -> None:
        flat = self.tables > 1  # inside a nested table: everything is cell text
        if tag == "table":
            self.tables += 1
            if self.tables == 1:
                self.flush()
        elif tag == "tr" and not flat and self.tables:
            self.flush()
            self.row = []
        elif tag in _CELL_TAGS and not flat and self.row is not None:
            self.buf = []
        elif tag in _CELL_TAGS or (tag in _BLOCK_TAGS and self.tables):
            self.buf.append(" ")  # a block inside a cell: a space between its pieces
        elif tag == "br":
            self.buf.append("\n")
        elif tag == "ol":
            self.flush()
            start = el.get("start", "1").strip()
            self.lists.append([int(start) if start.isdigit() else 1])
        elif tag == "ul":
            self.flush()
            self.lists.append([])
        elif tag == "li":
            self.flush()
            counter = self.lists[-1] if self.lists else []
            if counter:
                self.label = f"{counter[0]}. "
                counter[0] += 1
            else:
                self.label = "- "
            self.buf.append(self.label)
        elif tag in _BLOCK_TAGS:
            self.flush()
        if tag == "pre":
            self.pre += 1

    def end(self, tag: str) -> None:
        if tag == "pre":
            self.pre -= 1
        flat = self.tables > 1
        if tag == "table":
            self.tables -= 1
            if self.tables == 0:
                self.row = None
                self.flush()
        elif tag in _CELL_TAGS and not flat and self.row is not None:
            self.row.append(_WS_RE.sub(" ", "".join(self.buf)).strip())
            self.buf = []
        elif tag == "tr" and not flat and self.row is not None:
            if any(self.row):
                self.blocks.append(self.row)
            self.row = None
        elif tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()
        elif tag in _BLOCK_TAGS and tag != "br" and not self.tables:
            self.flush()


def _read_html(data: bytes, source: str) -> tuple[str, str]:
    import lxml.html
    from lxml import etree

    text, encoding = _decode_html(data, source)
    tags = len(_TAG_RE.findall(text))
    if tags > MAX_HTML_TAGS:
        raise ReadError(source, f"tệp HTML bất thường ({tags} thẻ; giới hạn {MAX_HTML_TAGS})")
    try:
        parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
        root = lxml.html.document_fromstring(text.encode("utf-8", errors="replace"), parser=parser)
    except (etree.ParserError, ValueError):
        raise ReadError(source, "tệp rỗng (không có chữ)") from None
    except Exception as exc:
        raise ReadError(source, "tệp HTML hỏng, không đọc được") from exc
    reader = _HtmlText()
    reader.walk(root)
    reader.row = None
    reader.flush()
    return _render(reader.blocks), encoding


_LETTER_RE = re.compile(r"[^\W\d_]")
# A numbering label printed plain before an emphasised heading: "II.", "1.2.", "a)", "-".
_PLAIN_LABEL_RE = re.compile(r"(?:[IVX]{1,5}|\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđ])[.)]|[-+•]")
_LEADING_LABEL_RE = re.compile(rf"\s*(?:{_PLAIN_LABEL_RE.pattern})\s*")


def _emphasise(text: str) -> str:
    """A paragraph printed wholly bold or italic, as the Markdown heading the cleaner knows:
    "**text**" on each of its lines (line breaks inside it are kept)."""
    out = []
    for line in text.split("\n"):
        core = line.strip().replace("*", "")
        out.append(f"**{core}**" if len(_LETTER_RE.findall(core)) > 3 else line)
    return "\n".join(out)


def _render(blocks: list[str | list[str]], fix: bool = True) -> str:
    """Paragraphs separated by a blank line, table rows one per line; legacy text converted."""
    units: list[str] = []
    for block in blocks:
        units += [block] if isinstance(block, str) else block
    fixed = iter(fix_legacy_lines(units) if fix else units)
    out: list[str] = []
    previous_row = False
    for block in blocks:
        if isinstance(block, str):
            out.append(("\n\n" if out else "") + next(fixed))
            previous_row = False
        else:
            cells = [next(fixed) for _ in block]
            row = "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"
            out.append(("\n" if previous_row else "\n\n" if out else "") + row)
            previous_row = True
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# .docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _check_docx_zip(data: bytes, source: str) -> None:
    """Refuse what is not a Word document, and zip bombs, from the zip's directory alone."""
    if data.startswith(_OLE_MAGIC):  # also how Word stores a password-protected .docx
        raise ReadError(source, "tệp Word cũ (.doc) hoặc .docx có mật khẩu; hãy mở bằng Word và lưu lại dạng .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except Exception:  # BadZipFile, a truncated directory, absurd offsets …
        raise ReadError(source, "tệp .docx hỏng hoặc bị cắt cụt (không phải tệp zip hợp lệ)") from None
    names = {info.filename for info in infos}
    if "word/document.xml" not in names:
        kinds = (("xl/workbook.xml", "tệp Excel"), ("ppt/presentation.xml", "tệp PowerPoint"))
        kind = next((k for member, k in kinds if member in names), "tệp zip khác")
        raise ReadError(source, f"không phải tài liệu Word: thiếu word/document.xml ({kind})")
    if len(infos) > MAX_DOCX_MEMBERS:
        raise ReadError(source, f"tệp .docx bất thường ({len(infos)} thành phần)")
    total = xml = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_DOCX_UNPACKED or (info.file_size > MB and ratio > MAX_DOCX_RATIO):
            size = _mb(max(total, info.file_size))
            raise ReadError(source, f"tệp .docx bất thường, có thể là bom nén (giải nén ra hơn {size} MB)")
        if info.filename.lower().endswith((".xml", ".rels")):
            xml += info.file_size
            if xml > MAX_DOCX_XML:
                raise ReadError(
                    source, f"tệp .docx quá lớn để đọc (phần XML hơn {_mb(xml)} MB; giới hạn {_mb(MAX_DOCX_XML)} MB)"
                )


def _read_docx(data: bytes, source: str) -> str:
    import docx

    _check_docx_zip(data, source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = docx.Document(io.BytesIO(data))
            try:
                numbering = getattr(document.part.part_related_by(_RT_NUMBERING), "element", None)
            except KeyError:
                numbering = None
            reader = _DocxText(document.styles.element, numbering)
            reader.body(document.element.body)
            return reader.render()
    except _TooDeep:
        raise ReadError(source, "tệp .docx bất thường: bảng lồng nhau quá sâu") from None
    except Exception as exc:
        deep = "depth" in str(exc).lower()  # libxml2 refuses elements nested over 256 deep
        reason = "tệp .docx bất thường: cấu trúc XML lồng nhau quá sâu" if deep else "tệp .docx hỏng, không đọc được"
        raise ReadError(source, reason) from exc


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _val(el: Any, path: str) -> str | None:
    """The w:val of the first element at ``path`` under ``el`` (tags without the w: namespace)."""
    if el is None:
        return None
    found = el.find("/".join(W + part for part in path.split("/")))
    return None if found is None else found.get(W + "val")


def _on(el: Any, path: str) -> bool:
    """An on/off property (w:b, w:vanish, w:isLgl …): present and not switched off."""
    found = None if el is None else el.find("/".join(W + part for part in path.split("/")))
    return found is not None and found.get(W + "val", "true") not in ("0", "false", "off")


class _Styles:
    """Paragraph and run properties inherited through styles (basedOn chains)."""

    def __init__(self, styles: Any) -> None:
        self.by_id: dict[str, Any] = {}
        self.default_paragraph: str | None = None
        self.default_font: str | None = None
        if styles is None:
            return
        for style in styles.iter(W + "style"):
            style_id = style.get(W + "styleId")
            if style_id:
                self.by_id[style_id] = style
                if style.get(W + "type") == "paragraph" and style.get(W + "default") in ("1", "true"):
                    self.default_paragraph = style_id
        defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        self.default_font = _font_of(defaults)

    def chain(self, style_id: str | None) -> Iterator[Any]:
        """The style and the styles it is based on, nearest first (cycles cut)."""
        seen: set[str] = set()
        while style_id and style_id not in seen and len(seen) < 50:
            seen.add(style_id)
            style = self.by_id.get(style_id)
            if style is None:
                return
            yield style
            style_id = _val(style, "basedOn")

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """(numId, ilvl) a paragraph style gives its paragraphs."""
        for style in self.chain(style_id):
            num_id = _val(style, "pPr/numPr/numId")
            if num_id is not None:
                ilvl = _val(style, "pPr/numPr/ilvl")
                return num_id, None if ilvl is None else _int(ilvl, 0)
        return None, None

    def font(self, run: Any, paragraph_style: str | None) -> str | None:
        """The Latin font a run is drawn with: its own, its character style's, its paragraph
        style's, the default paragraph style's, then the document default."""
        own = _font_of(run.find(W + "rPr"))
        if own:
            return own
        for style in self.chain(_val(run, "rPr/rStyle")):
            font = _font_of(style.find(W + "rPr"))
            if font:
                return font
        for style in self.chain(paragraph_style or self.default_paragraph):
            font = _font_of(style.find(W + "rPr"))
            if font:
                return font
        return self.default_font

    def emphasised(self, run: Any, paragraph_style: str | None) -> bool:
        """Whether a run is printed bold or italic: its own w:b/w:i, else its character style's,
        else its paragraph style's (a switch set off nearer wins)."""
        sources = [run.find(W + "rPr")]
        sources += [style.find(W + "rPr") for style in self.chain(_val(run, "rPr/rStyle"))]
        sources += [style.find(W + "rPr") for style in self.chain(paragraph_style or self.default_paragraph)]
        found = {}
        for rpr in sources:
            if rpr is None:
                continue
            for tag in ("b", "i"):
                if tag not in found and rpr.find(W + tag) is not None:
                    found[tag] = _on(rpr, tag)
        return any(found.values())


def _font_of(rpr: Any) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(W + "rFonts")
    if fonts is None:
        return None
    # Word draws the characters above 0x7F, where legacy letters live, in the hAnsi font.
    return fonts.get(W + "hAnsi") or fonts.get(W + "ascii")


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = ""
    start: int = 1
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 = never
    legal: bool = False  # w:isLgl: every number of the label in decimal
    suffix: str = "tab"
    style: str | None = None


def _level(lvl: Any) -> _Level:
    restart = _val(lvl, "lvlRestart")
    return _Level(
        fmt=_val(lvl, "numFmt") or "decimal",
        text=_val(lvl, "lvlText") or "",
        start=_int(_val(lvl, "start"), 0),  # the schema's default is 0
        restart=None if restart is None else _int(restart, 0),
        legal=_on(lvl, "isLgl"),
        suffix=_val(lvl, "suff") or "tab",
        style=_val(lvl, "pStyle"),
    )


def _format_number(n: int, fmt: str) -> str:
    if n <= 0 or n >= 4000 or fmt in ("decimal", "ordinal"):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperRoman", "lowerRoman"):
        roman = roman_numeral(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)  # Word: Z, AA, BB …
        return letter if fmt == "upperLetter" else letter.lower()
    return str(n)


class _Numbering:
    """Word's automatic numbering (numbering.xml), counted in document order as Word does."""

    def __init__(self, numbering: Any, styles: _Styles) -> None:
        self.styles = styles
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_link: dict[str, str] = {}  # abstractNum → numbering style it takes its levels from
        # numId → (abstractNumId, levels replaced by the instance, levels whose start it overrides)
        self.nums: dict[str, tuple[str, dict[int, _Level], dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}  # per abstractNum: level → current value
        self.used: set[str] = set()
        if numbering is None:
            return
        for abstract in numbering.iter(W + "abstractNum"):
            abstract_id = abstract.get(W + "abstractNumId") or ""
            self.abstract[abstract_id] = {
                _int(lvl.get(W + "ilvl"), 0): _level(lvl) for lvl in abstract.findall(W + "lvl")
            }
            link = _val(abstract, "numStyleLink")
            if link:
                self.style_link[abstract_id] = link
        for num in numbering.iter(W + "num"):
            num_id = num.get(W + "numId") or ""
            replaced: dict[int, _Level] = {}
            starts: dict[int, int] = {}
            for override in num.findall(W + "lvlOverride"):
                ilvl = _int(override.get(W + "ilvl"), 0)
                lvl = override.find(W + "lvl")
                if lvl is not None:
                    replaced[ilvl] = _level(lvl)
                start = _val(override, "startOverride")
                if start is not None:
                    starts[ilvl] = _int(start, 1)
            self.nums[num_id] = (_val(num, "abstractNumId") or "", replaced, starts)

    def levels(self, num_id: str) -> tuple[str, dict[int, _Level]] | None:
        entry = self.nums.get(num_id)
        if entry is None:
            return None
        abstract_id, replaced, starts = entry
        if abstract_id in self.style_link:  # the levels live in the numbering style's list
            linked, _ = self.styles.numbering(self.style_link[abstract_id])
            linked_entry = self.nums.get(linked or "")
            if linked_entry is not None and linked_entry[0] not in self.style_link:
                abstract_id = linked_entry[0]
        levels = dict(self.abstract.get(abstract_id, {}))
        levels.update(replaced)
        for ilvl, start in starts.items():
            if ilvl in levels:
                levels[ilvl] = dataclasses.replace(levels[ilvl], start=start)
        return abstract_id, levels

    def label(self, paragraph: Any) -> str:
        """The number Word shows before ``paragraph`` ("1.2. ", "a) ", "- "), or ""."""
        ppr = paragraph.find(W + "pPr")
        style_id = _val(ppr, "pStyle")
        num_id = _val(ppr, "numPr/numId")
        ilvl_text = _val(ppr, "numPr/ilvl")
        ilvl = None if ilvl_text is None else _int(ilvl_text, 0)
        if num_id is None:
            num_id, style_ilvl = self.styles.numbering(style_id)
            ilvl = ilvl if ilvl is not None else style_ilvl
        if not num_id or num_id == "0":
            return ""
        found = self.levels(num_id)
        if found is None:
            return ""
        abstract_id, levels = found
        if ilvl is None:  # a level may name the style that uses it
            ilvl = next((i for i, lv in levels.items() if style_id and lv.style == style_id), 0)
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.used:
            self.used.add(num_id)
            for restarted in self.nums[num_id][2]:  # startOverride: this list starts afresh
                counters.pop(restarted, None)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [d for d in counters if d > ilvl]:
            lv = levels.get(deeper)
            if lv is None or ilvl < (lv.restart if lv.restart is not None else deeper):
                del counters[deeper]
        if level.fmt == "bullet":
            return "- "
        if level.fmt == "none" or not level.text:
            return ""

        def number(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lv = levels.get(k, _Level())
            value = counters.get(k, lv.start)
            return _format_number(value, "decimal" if level.legal else lv.fmt)

        label = re.sub(r"%([1-9])", number, level.text).strip()
        return label + ("" if level.suffix == "nothing" else " ")


# Run content: text, and the special characters python-docx's run.text also knows.
_RUN_TEXT: dict[str, Callable[[Any], str]] = {
    W + "t": lambda el: el.text or "",
    W + "tab": lambda el: "\t",
    W + "ptab": lambda el: "\t",
    W + "br": lambda el: "\n",
    W + "cr": lambda el: "\n",
    W + "noBreakHyphen": lambda el: "-",
    # In a .Vn font the soft hyphen's code 0xAD is the letter ư (decoded later if legacy).
    W + "softHyphen": lambda el: "\xad",
}
# Containers whose runs belong to the paragraph; w:del and w:moveFrom hold deleted text.
_INLINE = {W + t for t in ("hyperlink", "ins", "smartTag", "sdt", "sdtContent", "customXml", "fldSimple", "moveTo")}


class _TooDeep(Exception):
    """Tables in tables (or content controls) nested beyond ``MAX_NESTING``."""


@dataclass
class _Run:
    text: str
    legacy: tuple[str, bool] | None  # the legacy font's (encoding, capitals only)
    emphasised: bool = False  # printed bold or italic


@dataclass
class _Unit:
    """A paragraph or a table cell, as runs, with the number Word puts before it."""

    label: str
    runs: list[_Run]

    @property
    def raw(self) -> str:
        return "".join(r.text for r in self.runs)

    def emphasised(self) -> int | None:
        """All its text printed bold or italic (a heading), but for a numbering label left plain:
        the length of that label (0 if none), else None."""
        shown = [r for r in self.runs if r.text.strip()]
        if not shown or not shown[-1].emphasised:
            return None
        plain = list(itertools.takewhile(lambda r: not r.emphasised, shown))
        if not all(r.emphasised for r in shown[len(plain) :]):
            return None
        if not plain:
            return 0
        label = "".join(r.text for r in self.runs[: self.runs.index(plain[-1]) + 1])
        return len(label) if _PLAIN_LABEL_RE.fullmatch(label.strip()) else None

    def converted(self, trust_fonts: bool) -> str:
        """Runs in a legacy font decoded, each with its own encoding and case."""
        return "".join(
            decode_legacy(r.text, *r.legacy)
            if r.legacy and (trust_fonts or not has_unicode_vietnamese(r.text))
            else r.text
            for r in self.runs
        )


class _DocxText:
    """Body paragraphs and tables of a .docx in document order, with numbering and legacy fonts.

    Blocks are paragraphs (``_Unit``) and table rows (lists of ``_Unit``, one per cell).
    """

    def __init__(self, styles: Any, numbering: Any) -> None:
        self.styles = _Styles(styles)
        self.numbering = _Numbering(numbering, self.styles)
        self.blocks: list[_Unit | list[_Unit]] = []

    def body(self, body: Any) -> None:
        self.blocks_of(body, self.blocks, 0)

    def blocks_of(self, container: Any, out: list[_Unit | list[_Unit]], depth: int) -> None:
        if depth > MAX_NESTING:
            raise _TooDeep
        for child in container:
            tag = child.tag
            if tag == W + "p":
                self.paragraph(child, out, depth)
            elif tag == W + "tbl":
                self.table(child, out, depth + 1)
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    self.blocks_of(content, out, depth + 1)
            elif tag == W + "customXml":
                self.blocks_of(child, out, depth + 1)

    def paragraph(self, p: Any, out: list[_Unit | list[_Unit]], depth: int) -> None:
        """The paragraph (numbered as Word shows it), then the text boxes anchored in it."""
        label = self.numbering.label(p)  # counted even when the paragraph is empty, as Word does
        style_id = _val(p.find(W + "pPr"), "pStyle")
        runs: list[_Run] = []
        boxes: list[_Unit | list[_Unit]] = []
        stack = list(reversed(p))
        while stack:
            el = stack.pop()
            if el.tag == W + "r":
                if not _on(el, "rPr/vanish"):  # hidden text is not shown
                    text = "".join(_RUN_TEXT[c.tag](c) for c in el if c.tag in _RUN_TEXT)
                    font = legacy_font_encoding(self.styles.font(el, style_id))
                    runs.append(_Run(text, font, self.styles.emphasised(el, style_id)))
                for box in self.text_boxes(el):
                    self.blocks_of(box, boxes, depth + 1)
            elif el.tag in _INLINE:
                stack += reversed(el)
        unit = _Unit(label, runs)
        if unit.raw.strip():
            out.append(unit)
        out += boxes

    @staticmethod
    def text_boxes(r: Any) -> Iterator[Any]:
        """w:txbxContent of the drawings in a run (of a choice and its fallback, the choice)."""
        for child in r:
            if child.tag == MC + "AlternateContent":
                choice = child.find(MC + "Choice")
                roots = [choice] if choice is not None else []
            elif child.tag in (W + "drawing", W + "pict"):
                roots = [child]
            else:
                continue
            for root in roots:
                for box in root.iter(W + "txbxContent"):
                    if not any(a.tag == W + "txbxContent" for a in box.iterancestors()):
                        yield box

    def table(self, tbl: Any, out: list[_Unit | list[_Unit]], depth: int) -> None:
        above: dict[int, _Unit] = {}  # grid column → the cell, for vertically merged cells
        for tr in self.children(tbl, W + "tr"):
            column = _int(_val(tr, "trPr/gridBefore"), 0)
            cells: list[_Unit] = []
            for tc in self.children(tr, W + "tc"):
                tc_pr = tc.find(W + "tcPr")
                merge = None if tc_pr is None else tc_pr.find(W + "vMerge")
                if merge is not None and merge.get(W + "val", "continue") == "continue":
                    cell = above.get(column, _Unit("", []))
                else:
                    cell = self.cell(tc, depth)
                above[column] = cell
                cells.append(cell)
                column += max(_int(_val(tc_pr, "gridSpan"), 1), 1)
            if any(c.raw.strip() for c in cells):
                out.append(cells)

    def cell(self, tc: Any, depth: int) -> _Unit:
        """A cell as one unit: its paragraphs (and nested tables) joined by spaces."""
        inner: list[_Unit | list[_Unit]] = []
        self.blocks_of(tc, inner, depth + 1)
        runs: list[_Run] = []
        for block in inner:
            for unit in [block] if isinstance(block, _Unit) else block:
                runs += [_Run(" ", None), _Run(unit.label, None), *unit.runs]
        return _Unit("", runs)

    @staticmethod
    def children(el: Any, tag: str) -> Iterator[Any]:
        """Children with ``tag``, also those wrapped in content controls or custom XML."""
        for child in el:
            if child.tag == tag:
                yield child
            elif child.tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    yield from _DocxText.children(content, tag)
            elif child.tag == W + "customXml":
                yield from _DocxText.children(child, tag)

    def render(self) -> str:
        """The text, legacy runs decoded: by their font when the document's fonts can be trusted
        (no Unicode-only letter in a legacy-font run), else where the text reads as legacy."""
        units = [u for b in self.blocks for u in ([b] if isinstance(b, _Unit) else b)]
        trust_fonts = not any(r.legacy and has_unicode_vietnamese(r.text) for u in units for r in u.runs)
        verdicts = dict(zip(map(id, units), legacy_verdicts([u.raw for u in units]), strict=True))

        def text(unit: _Unit, paragraph: bool = False) -> str:
            hinted = any(r.legacy for r in unit.runs)
            verdict = verdicts[id(unit)]
            if hinted and (trust_fonts or verdict):
                body = unit.converted(trust_fonts)
            elif verdict:
                body = decode_legacy(unit.raw, verdict)
            else:
                body = unit.raw
            plain = unit.emphasised() if paragraph else None
            if plain == 0:
                body = _emphasise(body)
            elif plain and (label := _LEADING_LABEL_RE.match(body)):
                body = body[: label.end()] + _emphasise(body[label.end() :])
            return (unit.label + body).strip()

        blocks: list[str | list[str]] = [
            text(b, paragraph=True) if isinstance(b, _Unit) else [_WS_RE.sub(" ", text(c)).strip() for c in b]
            for b in self.blocks
        ]
        return _render(blocks, fix=False)


# ---------------------------------------------------------------------------------------------
# PDF

_CID_RE = re.compile(r"\(cid:\d+\)")


def _read_pdf(data: bytes, source: str) -> str:
    if b"%PDF" not in data[:1024]:
        raise ReadError(source, "tệp PDF hỏng (thiếu phần đầu %PDF)")
    if _PDF_SANDBOX:
        return fix_legacy(_pdf_text_in_child(data, source))
    return fix_legacy(_pdf_text(data, source, MAX_PDF_PAGES, MAX_PDF_SECONDS))


# Where ``resource`` exists (not on Windows) a PDF is read in a child process with limits.
_PDF_SANDBOX = resource is not None
_PDF_CHILD = "from hoptac.extract.read import _pdf_child; _pdf_child()"
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
        raise ReadError(source, "tệp PDF không có lớp chữ (có thể là bản scan, cần OCR)")
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
