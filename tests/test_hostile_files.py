"""Hostile files are refused with one line, within bounded memory and time.

Each file is read by ``read_path`` in a fresh interpreter whose address space is limited
(RLIMIT_AS) and which must finish before a timeout: a reader that inflated a bomb or looped
would die of MemoryError or be killed, and the test would fail. The assertions are on the
one-line message, never on timings; limits that would take minutes at their defaults
(the PDF time budget) are lowered in the child.
"""

from __future__ import annotations

import functools
import io
import os
import subprocess
import sys
import textwrap
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024
MEMORY_LIMIT = 1536 * MB  # the whole reading process: interpreter, libraries, the file, the work
TIMEOUT = 120  # seconds; each case takes a few, this only catches a reader that does not stop

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS and sparse files as on Linux")

_READER = textwrap.dedent(
    """
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
    from hoptac.errors import ReadError
    from hoptac.extract import read
    from hoptac.extract.read import docx, html, pdf
    for assignment in sys.argv[3:]:
        name, value = assignment.split("=")
        module = next(m for m in (pdf, docx, html, read) if hasattr(m, name))
        setattr(module, name, type(getattr(module, name))(value))
    try:
        doc = read.read_path(sys.argv[1])
    except ReadError as exc:
        print(exc)
        sys.exit(3)
    print("read", len(doc.text), "characters")
    """
)


def read_limited(path: Path, *settings: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``read_path(path)`` in a child with limited memory and time."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", _READER, str(path), str(MEMORY_LIMIT), *settings],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
    )
    return proc.returncode, proc.stdout, proc.stderr


def assert_refused(path: Path, reason: str, *settings: str) -> None:
    code, out, err = read_limited(path, *settings)
    assert code == 3, f"exit {code}; stdout {out!r}; stderr {err[-2000:]!r}"
    lines = out.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}: "), out
    assert reason in lines[0], lines[0]
    assert "Traceback" not in err


# ---------------------------------------------------------------------------------------------
# Builders.


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _docx_parts() -> dict[str, bytes]:
    import docx

    d = docx.Document()
    d.add_paragraph("Ủy ban nhân dân tỉnh Bắc Giang")
    buf = io.BytesIO()
    d.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _document_xml(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document {W_NS}><w:body>{body}</w:body></w:document>'.encode()


@functools.cache
def _deflated(byte: bytes, size: int, zlib_wrapper: bool = False) -> bytes:
    """``byte * size`` deflated without ever being held: a 16 MB block compressed once after a full
    flush (so it does not depend on what came before) and repeated."""
    chunk = byte * (16 * MB)
    count = size // len(chunk)
    z = zlib.compressobj(9, zlib.DEFLATED, 15 if zlib_wrapper else -15)
    head = z.compress(chunk) + z.flush(zlib.Z_FULL_FLUSH)
    block = z.compress(chunk) + z.flush(zlib.Z_FULL_FLUSH)
    out = head + block * (count - 1) + b"\x03\x00"  # an empty final block
    if zlib_wrapper:
        checksum = 1
        for _ in range(count):
            checksum = zlib.adler32(chunk, checksum)
        out += checksum.to_bytes(4, "big")
    return out


def _zip_bomb_docx() -> bytes:
    """A real .docx whose document.xml says it unpacks to 2 GB (it does: zeros, deflated)."""
    parts = _docx_parts()
    plain = _zip({k: v for k, v in parts.items() if k != "word/document.xml"})
    raw = _deflated(b"\0", 2048 * MB)
    return _append_member(plain, "word/document.xml", raw, 2048 * MB, 0)


def _lying_zip_bomb_docx() -> bytes:
    """The same bomb whose directory claims 100 KB: zipfile stops at the declared size."""
    parts = _docx_parts()
    plain = _zip({k: v for k, v in parts.items() if k != "word/document.xml"})
    raw = _deflated(b"\0", 2048 * MB)
    return _append_member(plain, "word/document.xml", raw, 100 * 1024, 0)


def _append_member(archive: bytes, name: str, deflated: bytes, size: int, crc: int) -> bytes:
    """``archive`` with one more member, written by hand so its declared size can be anything."""
    import struct

    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        infos = zf.infolist()
    end = archive.rindex(b"PK\x05\x06")
    directory_start = struct.unpack("<I", archive[end + 16 : end + 20])[0]
    entries, directory = archive[:directory_start], archive[directory_start:end]
    encoded = name.encode()
    offset = len(entries)
    local = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(deflated), size, len(encoded), 0)
    central = struct.pack(
        "<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(deflated), size, len(encoded), 0, 0, 0, 0, 0, offset
    )
    entries += local + encoded + deflated
    directory += central + encoded
    count = len(infos) + 1
    tail = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(entries), 0)
    return entries + directory + tail


def _deep_xml_docx() -> bytes:
    """document.xml nesting 40,000 elements (under 1 MB): libxml2 stops at 256."""
    parts = _docx_parts()
    parts["word/document.xml"] = _document_xml("<w:sdt><w:sdtContent>" * 20_000 + "</w:sdtContent></w:sdt>" * 20_000)
    return _zip(parts)


def _deep_tables_docx() -> bytes:
    """Tables in tables 200 deep: under libxml2's limit of depth, over the reader's."""
    parts = _docx_parts()
    cell = "<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    parts["word/document.xml"] = _document_xml("<w:tbl><w:tr><w:tc>" * 80 + cell + "</w:tc></w:tr></w:tbl>" * 80)
    return _zip(parts)


def _big_xml_docx() -> bytes:
    """A document.xml of 40 MB of tiny paragraphs made hard to compress: parsed, it would take gigabytes."""
    import random

    rnd = random.Random(0)
    paragraphs = [f'<w:p w:rsidR="{rnd.getrandbits(32):08X}"><w:r><w:t>x</w:t></w:r></w:p>' for _ in range(700_000)]
    parts = _docx_parts()
    parts["word/document.xml"] = _document_xml("".join(paragraphs))
    return _zip(parts)


def _pdf(objects: dict[int, bytes]) -> bytes:
    """A PDF of ``objects`` (object 1 the catalog) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def _stream(data: bytes, attributes: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), attributes) + data + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %s >>"


def _one_page_pdf(content: bytes, extra: dict[int, bytes] | None = None, resources: bytes = b"") -> bytes:
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: PAGE % (b"<< /Font << /F1 5 0 R >> %s >>" % resources, b"4 0 R"),
        4: content,
        5: FONT,
    }
    return _pdf({**objects, **(extra or {})})


def _text(line: str) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % line.encode("latin-1")


def _flate_bomb_pdf() -> bytes:
    """A page whose content stream inflates to 2 GB of spaces (2 MB on disk)."""
    return _one_page_pdf(_stream(_deflated(b" ", 2048 * MB, zlib_wrapper=True), b"/Filter /FlateDecode"))


def _object_stream_bomb_pdf() -> bytes:
    """The page tree lives in a compressed object stream that inflates to 2 GB."""
    header = b"3 0 4 100 "
    body = header.ljust(100) + PAGE % (b"<< >>", b"[]")
    # Two zlib streams back to back inflate as the first alone; pdfminer then retries the whole
    # data leniently (decompress_corrupted). One stream: the objects, then 2 GB of spaces.
    z = zlib.compressobj(9)
    start = z.compress(body) + z.flush(zlib.Z_FULL_FLUSH)
    spaces = _deflated(b" ", 2048 * MB)
    checksum = 1
    checksum = zlib.adler32(body, checksum)
    for _ in range(128):
        checksum = zlib.adler32(b" " * (16 * MB), checksum)
    deflated = start + spaces + checksum.to_bytes(4, "big")
    objstm = _stream(deflated, b"/Type /ObjStm /N 2 /First %d /Filter /FlateDecode" % len(header))
    # A cross-reference stream pointing objects 3 and 4 into the object stream (object 6).
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    pages = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    out = bytearray(b"%PDF-1.5\n")
    offsets = {}
    for number, body_ in ((1, catalog), (2, pages), (6, objstm)):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body_ + b"\nendobj\n"
    rows = [b"\x00\x00\x00\x00\xff\xff"]
    for number in range(1, 7):
        if number in offsets:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00")
        elif number in (3, 4):
            rows.append(b"\x02" + (6).to_bytes(4, "big") + bytes([number - 3]))
        else:
            rows.append(b"\x00\x00\x00\x00\x00\xff")
    xref_offset = len(out)
    out += b"7 0 obj\n" + _stream(b"".join(rows), b"/Type /XRef /Size 8 /W [1 4 1] /Root 1 0 R") + b"\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


def _many_pages_pdf(count: int = 150_000) -> bytes:
    """150,000 pages (small ones: 4 MB in all)."""
    pages = {3 + i: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] >>" for i in range(count)}
    kids = b" ".join(b"%d 0 R" % n for n in pages)
    tree = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)}
    return _pdf({**tree, **pages})


def _nested_forms_pdf() -> bytes:
    """Forms drawing forms: three levels of 1,000 calls each is 10^9 drawings of a word."""
    calls = b" ".join([b"q /X Do Q"] * 1000)
    form = b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << %s >>"
    extra = {6: _stream(_text("lap lai"), form % b"/Font << /F1 5 0 R >>")}
    for number in (7, 8):
        extra[number] = _stream(calls, form % (b"/XObject << /X %d 0 R >>" % (number - 1)))
    return _one_page_pdf(_stream(calls), extra, resources=b"/XObject << /X 8 0 R >>")


def _deep_page_tree_pdf(depth: int = 50_000) -> bytes:
    """A page tree 50,000 levels deep."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    for i in range(depth):
        objects[2 + i] = b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (3 + i)
    objects[2 + depth] = b"<< /Type /Page /MediaBox [0 0 9 9] >>"
    return _pdf(objects)


def _deep_array_pdf(depth: int = 1_000_000) -> bytes:
    """A page whose media box is an array nested a million deep."""
    pdf = _one_page_pdf(_stream(_text("Xin chao")), {6: b"[" * depth + b"]" * depth})
    return pdf.replace(b"/MediaBox [0 0 595 842]", b"/MediaBox 6 0 R     ")


def _many_chars_pdf() -> bytes:
    """One page drawing 15 million characters (a 15 MB content stream)."""
    return _one_page_pdf(_stream(b"BT /F1 1 Tf (" + b"x" * (15 * MB) + b") Tj ET"))


# ---------------------------------------------------------------------------------------------
# Cases: (file name, builder, reason in the message, reader limits set in the child).

CASES: list[tuple[str, str, Callable[[], bytes], str, tuple[str, ...]]] = [
    ("docx zip bomb", "bom.docx", _zip_bomb_docx, "bom nén", ()),
    ("docx zip bomb lying about its size", "noi-doi.docx", _lying_zip_bomb_docx, "tệp .docx hỏng", ()),
    ("docx deep xml", "sau.docx", _deep_xml_docx, "lồng nhau quá sâu", ()),
    ("docx tables in tables", "bang.docx", _deep_tables_docx, "lồng nhau quá sâu", ()),
    ("docx huge xml", "lon.docx", _big_xml_docx, "giới hạn 16 MB", ()),
    ("pdf flate bomb", "bom.pdf", _flate_bomb_pdf, "cần quá nhiều bộ nhớ", ()),
    ("pdf object stream bomb", "objstm.pdf", _object_stream_bomb_pdf, "cần quá nhiều bộ nhớ", ()),
    ("pdf many pages", "trang.pdf", _many_pages_pdf, "có hơn 2000 trang", ()),
    ("pdf nested forms", "form.pdf", _nested_forms_pdf, "cần quá nhiều", ("MAX_PDF_SECONDS=3",)),
    ("pdf deep page tree", "cay.pdf", _deep_page_tree_pdf, "lồng nhau quá sâu", ()),
    ("pdf deep array", "mang.pdf", _deep_array_pdf, "tệp PDF hỏng", ()),
    ("pdf many characters", "chu.pdf", _many_chars_pdf, "cần quá nhiều", ("MAX_PDF_SECONDS=3",)),
    ("html many tags", "the.html", lambda: b"<p>x" * (3 * MB), "300000", ()),
]


@pytest.mark.parametrize(("case", "name", "make", "reason", "settings"), CASES, ids=[c[0] for c in CASES])
def test_hostile_file_is_refused(
    tmp_path: Path, case: str, name: str, make: Callable[[], bytes], reason: str, settings: tuple[str, ...]
) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    assert path.stat().st_size <= 20 * MB  # under the size limit: the reader itself must refuse it
    assert_refused(path, reason, *settings)


def test_sparse_gigabyte_is_refused_by_its_size(tmp_path: Path) -> None:
    """1 GB that takes no disk: refused from stat, under a memory limit it could not be read in."""
    for suffix in (".txt", ".pdf", ".docx"):
        path = tmp_path / f"thua{suffix}"
        with open(path, "wb") as f:
            f.truncate(1024 * MB)
        assert_refused(path, "tệp quá lớn (1024 MB; giới hạn 20 MB)")


def test_a_real_pdf_still_reads_in_the_child() -> None:
    """The same limits let an ordinary document through."""
    code, out, err = read_limited(ROOT / "tests" / "fixtures" / "vietnamese.pdf")
    assert code == 0 and out.startswith("read "), err
