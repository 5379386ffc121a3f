"""``hoptac extract`` on bad files: one line on stderr naming the file and the reason, no traceback,
a non-zero exit, and the good files of the same run still extracted."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from hoptac.cli import main

ROOT = Path(__file__).parent.parent
GOOD = ROOT / "hoptac" / "samples" / "001_f97b477c60d4a584.txt"
FIXTURES = Path(__file__).parent / "fixtures"


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"\0" * (30 * 1024 * 1024))
    return out.getvalue()


def _sparse(folder: Path) -> Path:
    path = folder / "lon.txt"
    with open(path, "wb") as f:
        f.truncate(1024**3)
    return path


# (case, how to make the file, reason it must give)
BAD: list[tuple[str, Callable[[Path], Path], str]] = [
    ("missing", lambda d: d / "khong-co.txt", "không tìm thấy tệp"),
    ("directory", lambda d: d, "đây là thư mục"),
    ("empty", _write("rong.txt", b""), "tệp rỗng"),
    ("whitespace only", _write("trang.md", b"  \n\n\t "), "tệp rỗng"),
    ("binary", _write("nhi-phan.txt", bytes(range(256)) * 20), "không phải tệp văn bản"),
    ("unknown extension", _write("bang.xlsx", b"abc"), "không được hỗ trợ; hỗ trợ: .txt, .md, .html"),
    ("sparse 1 GB", _sparse, "tệp quá lớn (1024 MB; giới hạn 20 MB)"),
    ("truncated docx", _write("cut.docx", b"PK\x03\x04\x14\x00\x06\x00" + b"x" * 100), "tệp .docx hỏng"),
    ("docx zip bomb", _write("bom.docx", _zip_bomb()), "bom nén"),
    ("not a Word file", _write("khac.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512), "tệp Word cũ"),
    ("corrupt pdf", _write("hong.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF"), "tệp PDF hỏng"),
    ("pdf without text", _write("scan.pdf", (FIXTURES / "scan.pdf").read_bytes()), "không có lớp chữ"),
]


def _one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(("case", "make", "reason"), BAD, ids=[b[0] for b in BAD])
def test_bad_file(tmp_path, capsys, case, make, reason):
    path = make(tmp_path)
    start = time.perf_counter()
    code = main(["extract", str(path)])
    assert time.perf_counter() - start < (60 if case == "pdf without text" else 5)  # a scan is OCR'd first
    out, err = capsys.readouterr()
    assert code != 0
    assert out == ""
    line = _one_error_line(err)
    assert line == f"hoptac: {path}: {line.split(': ', 2)[2]}"  # names the file as it was given
    assert reason in line


def test_size_limit_option(tmp_path, capsys):
    code = main(["extract", "--max-size", "0.001", str(GOOD)])
    _, err = capsys.readouterr()
    assert code != 0
    size = f"{GOOD.stat().st_size / 1024 / 1024:.3f}".rstrip("0").replace(".", ",")
    assert _one_error_line(err) == f"hoptac: {GOOD}: tệp quá lớn ({size} MB; giới hạn 0,001 MB)"


def test_good_file_still_extracted_with_json(tmp_path, capsys):
    bad = tmp_path / "rong.txt"
    bad.write_bytes(b"")
    code = main(["extract", "--json", str(bad), str(GOOD), str(tmp_path / "khong-co.pdf")])
    out, err = capsys.readouterr()
    assert code != 0
    assert err.splitlines() == [f"hoptac: {bad}: tệp rỗng", f"hoptac: {tmp_path / 'khong-co.pdf'}: không tìm thấy tệp"]
    result = json.loads(out)
    assert result["source"] == GOOD.name
    assert result["format"] == "hoptac-extraction/1"


def test_good_file_still_written_with_output_dir(tmp_path, capsys):
    bad = tmp_path / "hong.docx"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    out_dir = tmp_path / "ket-qua"
    code = main(["extract", "-o", str(out_dir), str(bad), str(GOOD)])
    _, err = capsys.readouterr()
    assert code != 0
    assert "hong.docx" in _one_error_line(err)
    written = json.loads((out_dir / f"{GOOD.stem}.json").read_text(encoding="utf-8"))
    assert written["source"] == GOOD.name
    assert not (out_dir / "hong.json").exists()


def test_real_process(tmp_path):
    """The installed entry point: exit status and stderr as a user sees them."""
    sparse = _sparse(tmp_path)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "hoptac", "extract", "--json", str(sparse), str(GOOD)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode != 0
    assert _one_error_line(proc.stderr) == f"hoptac: {sparse}: tệp quá lớn (1024 MB; giới hạn 20 MB)"
    assert json.loads(proc.stdout)["source"] == GOOD.name
