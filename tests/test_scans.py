"""Scans, photos and old word-processor files: real Tesseract and LibreOffice, no mocks.

Each bad input must end in one ``ReadError`` line, within bounded time.
"""

from __future__ import annotations

import shutil
import struct
import time
import zlib
from pathlib import Path

import pytest

from hoptac.errors import ReadError
from hoptac.extract import extract_bytes, repair
from hoptac.extract.read import read_bytes, read_path

FIXTURES = Path(__file__).parent / "fixtures"
FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
LINES = [
    "ỦY BAN NHÂN DÂN HUYỆN BẢO LẠC",
    "KẾ HOẠCH",
    "Tuyên truyền nội dung Thỏa thuận thiết lập quan hệ hữu nghị",
    "giữa huyện Bảo Lạc, tỉnh Cao Bằng và huyện Na Pô, thành phố Bách Sắc.",
]

needs_ocr = pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract-ocr, tesseract-ocr-vie")
needs_office = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs libreoffice-writer-nogui")


def _page(angle: float = 1.5):
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 42) if FONT.exists() else ImageFont.load_default(42)
    im = Image.new("L", (2480, 800), 255)
    draw = ImageDraw.Draw(im)
    for i, line in enumerate(LINES):
        draw.text((150, 100 + i * 80), line, font=font, fill=0)
    return im.rotate(angle, expand=True, fillcolor=255)


def _bytes(im, fmt: str, **kw) -> bytes:
    import io

    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


@needs_ocr
def test_image_with_vietnamese_text_reads():
    raw = read_bytes(_bytes(_page(), "PNG", dpi=(300, 300)), "trang.png")
    assert raw.format == "png" and raw.ocr is not None
    assert "huyện Bảo Lạc, tỉnh Cao Bằng" in raw.text
    assert "Thỏa thuận thiết lập quan hệ hữu nghị" in raw.text
    assert all(0 <= w.conf <= 100 for w in raw.ocr.words)
    assert raw.text[raw.ocr.words[0].start : raw.ocr.words[0].end] == "ỦY"


def test_ocr_can_be_deferred():
    """Within ``ocr_deferred()`` a scan stops where OCR would start (the web upload reads it in the background);
    a PDF with a text layer and a broken one are read, or refused, as ever."""
    from hoptac.extract.read import OcrNeeded, ocr_deferred

    with ocr_deferred():
        for data, name in ((_bytes(_page(), "PNG"), "anh.png"), (_bytes(_page().convert("RGB"), "PDF"), "scan.pdf")):
            with pytest.raises(OcrNeeded):
                read_bytes(data, name)
        assert "Ủy ban nhân dân" in read_bytes((FIXTURES / "vietnamese.pdf").read_bytes(), "a.pdf").text
        with pytest.raises(ReadError, match="hỏng") as info:
            read_bytes(b"%PDF-1.4 hong", "hong.pdf")
        assert not isinstance(info.value, OcrNeeded)


@needs_ocr
def test_turned_photo_and_multipage_tiff():
    turned = _page().rotate(90, expand=True, fillcolor=255)
    assert "Bách Sắc" in read_bytes(_bytes(turned, "JPEG", quality=70, dpi=(300, 300)), "anh.jpg").text
    im = _page()
    raw = read_bytes(_bytes(im, "TIFF", save_all=True, append_images=[im], dpi=(300, 300)), "hai.tif")
    assert raw.ocr is not None and raw.ocr.pages == 2 and raw.text.count("KẾ HOẠCH") == 2


@needs_ocr
def test_scanned_pdf_now_reads():
    pdf = _bytes(_page().convert("RGB"), "PDF", resolution=300)
    ex = extract_bytes(pdf, "ke-hoach-scan.pdf")
    assert ex.document.kind == "ke_hoach"
    # The fixture scan.pdf has drawings and no text at all: read by OCR, and still one line.
    with pytest.raises(ReadError, match="không có lớp chữ") as info:
        read_path(FIXTURES / "scan.pdf")
    assert "\n" not in str(info.value)


def _blank_pdf(pages: int) -> bytes:
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _huge_png(side: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" + b"\xff" * (side // 8)
    z = zlib.compressobj(9)
    body = b"".join(z.compress(row) for _ in range(side)) + z.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def _macro_odt() -> bytes:
    """An .odt whose Basic macro, bound to the document's load event, would write a file if run."""
    import io
    import zipfile

    marker = "/tmp/hoptac-macro-ran"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2">'
        "<office:scripts><office:event-listeners>"
        '<script:event-listener script:language="ooo:script" script:event-name="office:load" '
        'xlink:href="vnd.sun.star.script:Standard.Module1.Boom?language=Basic&amp;location=document"/>'
        "</office:event-listeners></office:scripts>"
        "<office:body><office:text><text:p>KẾ HOẠCH tuyên truyền</text:p></office:text></office:body>"
        "</office:document-content>"
    )
    module = (
        '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD '
        'OfficeDocument 1.0//EN" "module.dtd"><script:module xmlns:script="http://openoffice.org/2000/script" '
        'script:name="Module1" script:language="StarBasic">Sub Boom\n'
        f'Open "{marker}" For Output As #1\nPrint #1, "ran"\nClose #1\nEnd Sub\n</script:module>'
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
        z.writestr("Basic/Standard/Module1.xml", module)
        z.writestr("META-INF/manifest.xml", manifest)
    return buf.getvalue()


def _one_line(make, name: str, reason: str, seconds: float) -> None:
    started = time.monotonic()
    with pytest.raises(ReadError) as info:
        read_bytes(make(), name, max_bytes=50 * 1024 * 1024)
    assert reason in info.value.reason
    assert "\n" not in str(info.value)
    assert time.monotonic() - started < seconds


@needs_ocr
def test_500_page_blank_pdf():
    _one_line(lambda: _blank_pdf(500), "trang-trang.pdf", "quá nhiều để OCR", 60)


@needs_ocr
def test_huge_image():
    _one_line(lambda: _huge_png(20_000), "lon.png", "quá lớn", 30)


@needs_ocr
def test_corrupt_tiff():
    good = _bytes(_page(), "TIFF", compression="tiff_lzw")
    _one_line(lambda: good[:200] + b"\0" * 50 + good[250:4000], "hong.tif", "không đọc được", 30)


@needs_ocr
def test_encrypted_pdf():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="chu", user_password="khach")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Ke hoach")
    data = bytes(pdf.output())
    _one_line(lambda: data, "mat-khau.pdf", "mật khẩu", 60)


@needs_office
def test_macros_never_run(tmp_path):
    marker = Path("/tmp/hoptac-macro-ran")
    marker.unlink(missing_ok=True)
    raw = read_bytes(_macro_odt(), "macro.odt")
    assert "KẾ HOẠCH" in raw.text
    assert not marker.exists()


@needs_office
def test_doc_with_macros_and_not_a_doc(tmp_path):
    import subprocess

    (tmp_path / "m.odt").write_bytes(_macro_odt())
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "doc", "--outdir",
         str(tmp_path), str(tmp_path / "m.odt")],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    marker = Path("/tmp/hoptac-macro-ran")
    marker.unlink(missing_ok=True)
    if (tmp_path / "m.doc").exists():
        assert "KẾ HOẠCH" in read_bytes((tmp_path / "m.doc").read_bytes(), "macro.doc").text
        assert not marker.exists()
    _one_line(lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "hong.doc", "không chuyển đổi được", 130)
    _one_line(lambda: b"<html>", "gia.doc", "không phải tệp Word cũ", 5)


REPAIRS = [
    ("Phdi hop chat ché véi Phong Vin hoa - Thong tin", "Phối hợp chặt chẽ với Phòng Văn hóa - Thông tin"),
    ("giira huyén Bao Lac, tinh Cao Bing", "giữa huyện Bảo Lạc, tỉnh Cao Bằng"),
    ("véi huyén Na Po, thanh phd Bach Sic", "với huyện Na Pô, thành phố Bách Sắc"),
    ("Nguy&n Manh Hung", "Nguyễn Mạnh Hùng"),
    ("thiét 1ap quan hé hitu nghi", "thiết lập quan hệ hữu nghị"),
    # "ty" is one edit from many syllables; the words after it choose "tự", not the commoner "ủy".
    ("Khu ty tri dan téc Choang Quang Tay", "Khu tự trị dân tộc Choang Quảng Tây"),
]


@pytest.mark.parametrize(("damaged", "expected"), REPAIRS)
def test_repair_lines(damaged, expected):
    assert repair.repair_line(damaged) == expected


def test_repair_only_damaged_text_and_keeps_the_original():
    clean = "Phối hợp với Sở Ngoại vụ tổ chức đoàn công tác; UBND tỉnh, HĐND tỉnh."
    assert not repair.is_damaged(clean)
    assert not repair.is_damaged("The delegation visited Hanoi in October to sign the agreement.")
    text, repairs = repair.repair_text(clean + "\nPhdi hop chat ché véi Phong Vin hoa - Thong tin")
    assert text.split("\n")[0] == clean
    first = repairs[0]
    assert text[first.start : first.end] == "Phối" and first.original == "Phdi"


@needs_ocr
def test_words_ocr_was_unsure_of_are_found_in_the_cleaned_text():
    from PIL import ImageFilter

    from hoptac.extract import extract_bytes

    im = _page(0)
    box = (150, 260, 700, 340)  # the start of the third line, blurred past reading
    im.paste(im.crop(box).filter(ImageFilter.GaussianBlur(2.5)), box)
    ex = extract_bytes(_bytes(im, "PNG", dpi=(300, 300)), "trang.png")
    assert ex.uncertain
    third = ex.text.index("HOẠCH") + len("HOẠCH")
    for a, b, conf in ex.uncertain:
        assert 0 <= conf < 60 and ex.text[a:b].strip() and third <= a < ex.text.index("Bách Sắc")
    words = ex.to_dict()["uncertain"]
    assert [w["span"] for w in words] == [[a, b] for a, b, _c in ex.uncertain]
