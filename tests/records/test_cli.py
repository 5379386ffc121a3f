"""``hoptac ingest`` and the environment checks: one line per error, non-zero exit, the rest carries on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hoptac.cli import main
from hoptac.records.models import Document, Office
from hoptac.web import config


def test_ingest_reports_each_bad_path_and_goes_on(db: Any, tmp_path: Path, capsys: Any) -> None:
    Office.objects.create(code="bg", name="Bắc Giang")
    good = tmp_path / "a.txt"
    good.write_text("CÔNG VĂN\nVề việc thử nghiệm.\n", encoding="utf-8")
    empty = tmp_path / "b.txt"
    empty.write_bytes(b"")
    code = main(["ingest", "-q", str(good), str(empty), str(tmp_path / "missing.txt")])
    out, err = capsys.readouterr()
    assert code == 1
    lines = [x for x in err.splitlines() if x.startswith("hoptac:")]
    assert len(lines) == 2 and any("missing.txt" in x for x in lines) and any("b.txt" in x for x in lines)
    assert "Traceback" not in err
    assert "1 văn bản mới" in out
    assert Document.objects.count() == 1
    assert main(["ingest", "-q", str(tmp_path / "a.txt")]) == 0
    assert Document.objects.count() == 1
    assert "0 văn bản mới, 1 đã có" in capsys.readouterr().out


def test_ingest_folder(db: Any, tmp_path: Path, capsys: Any) -> None:
    Office.objects.create(code="bg", name="Bắc Giang")
    (tmp_path / "sub").mkdir()
    for i in range(3):
        (tmp_path / "sub" / f"{i}.txt").write_text(f"THÔNG BÁO số {i}\nNội dung.\n", encoding="utf-8")
    (tmp_path / "sub" / "ignore.bin").write_bytes(b"\0")
    assert main(["ingest", "-q", "--office", "bg", str(tmp_path)]) == 0
    assert Document.objects.count() == 3


def test_ingest_unknown_office(db: Any, tmp_path: Path, capsys: Any) -> None:
    assert main(["ingest", "--office", "nowhere", str(tmp_path)]) == 2
    assert "không có văn phòng 'nowhere'" in capsys.readouterr().err


def test_ingest_needs_an_office_choice_when_there_are_several(db: Any, tmp_path: Path, capsys: Any) -> None:
    Office.objects.create(code="a", name="A")
    Office.objects.create(code="b", name="B")
    assert main(["ingest", str(tmp_path)]) == 2
    assert "--office" in capsys.readouterr().err


def test_serve_rejects_bad_port(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--port", "70000"])
    assert exc.value.code == 2
    assert "65535" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HOPTAC_DATABASE_URL": "mysql://u@h/db"}, "không hỗ trợ"),
        ({"HOPTAC_DATABASE_URL": "postgresql://u@h:5432/"}, "thiếu tên"),
        ({"HOPTAC_DATABASE_URL": "postgresql://u@h:notaport/x"}, "không hợp lệ"),
        ({"HOPTAC_DEBUG": "maybe"}, "HOPTAC_DEBUG"),
        ({"HOPTAC_SECRET_KEY": "short"}, "quá ngắn"),
        ({"HOPTAC_ALLOWED_HOSTS": "a b"}, "không hợp lệ"),
    ],
)
def test_config_errors_are_one_line(monkeypatch: Any, tmp_path: Path, env: dict[str, str], message: str) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(config.ConfigError) as exc:
        data = config.data_dir()
        config.database(data)
        config.allowed_hosts(config.debug())
        config.secret_key(data)
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_config_defaults(monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setenv("HOPTAC_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.delenv("HOPTAC_DATABASE_URL", raising=False)
    monkeypatch.delenv("HOPTAC_SECRET_KEY", raising=False)
    data = config.data_dir()
    assert data == (tmp_path / "d").resolve()
    db = config.database(data)
    assert db["ENGINE"] == "django.db.backends.sqlite3" and db["NAME"] == str(data / "hoptac.sqlite3")
    key = config.secret_key(data)
    assert len(key) >= 32 and config.secret_key(data) == key  # kept in the data directory
    monkeypatch.setenv("HOPTAC_DATABASE_URL", "postgresql://hoptac:pw@127.0.0.1:5433/hoptac")
    pg = config.database(data)
    assert (pg["ENGINE"], pg["NAME"], pg["PORT"]) == ("django.db.backends.postgresql", "hoptac", 5433)


def test_extract_does_not_import_django() -> None:
    import subprocess
    import sys

    code = "import sys, hoptac.cli; hoptac.cli.build_parser(); print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_run_uses_the_configured_database(db: Any) -> None:
    import os

    from django.db import connection

    url = os.environ.get("HOPTAC_DATABASE_URL", "")
    assert connection.vendor == ("postgresql" if url.startswith("postgres") else "sqlite")


def test_ingest_does_not_follow_links_out_of_the_folder(db: Any, tmp_path: Path, capsys: Any) -> None:
    """A link leaving the folder is skipped with one line; a link inside it, and plain files, are ingested."""
    Office.objects.create(code="bg", name="Bắc Giang")
    outside = tmp_path / "ngoai"
    outside.mkdir()
    (outside / "mat.txt").write_text("CÔNG VĂN MẬT\nKhông được nhập.\n", encoding="utf-8")
    folder = tmp_path / "vao"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("THÔNG BÁO số 1\nNội dung.\n", encoding="utf-8")
    (folder / "sub" / "ban-sao.txt").symlink_to(folder / "a.txt")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "mat.txt").symlink_to(outside / "mat.txt")
    (folder / "ngoai").symlink_to(outside, target_is_directory=True)
    assert main(["ingest", "-q", "--office", "bg", str(folder)]) == 1
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert sorted(lines) == [
        f"hoptac: {folder / name}: bỏ qua liên kết trỏ ra ngoài thư mục {folder}" for name in ("mat.txt", "passwd.txt")
    ]
    assert "1 văn bản mới, 1 đã có, 2 lỗi" in out
    assert [d.filename for d in Document.objects.all()] == ["a.txt"]
    assert not Document.objects.filter(text__contains="root:").exists()


@pytest.mark.parametrize(("command", "name", "code"), [("ingest", "to.txt", 1), ("import", "to.xlsx", 2)])
def test_a_file_size_is_checked_before_reading(tmp_path: Path, command: str, name: str, code: int) -> None:
    """A 3 GB sparse file is refused by its size, quickly, in a process that could not even hold it."""
    import resource
    import subprocess
    import sys
    import time

    from tests.records.test_backup import env_for

    big = tmp_path / name
    with open(big, "wb") as f:
        f.truncate(3 * 1024**3)
    env = env_for(tmp_path / "data", "sqlite")

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "hoptac", command, str(big)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cap,
    )
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == code and lines == [f"hoptac: {big}: tệp quá lớn (3072,0 MB; giới hạn 20,0 MB)"], lines
    assert time.monotonic() - start < 60


@pytest.mark.skipif(__import__("shutil").which("tesseract") is None, reason="needs tesseract-ocr, tesseract-ocr-vie")
def test_ingest_and_extract_show_the_ocr_of_each_page(db: Any, tmp_path: Path, capsys: Any) -> None:
    """A scan's pages are counted on stderr while OCR runs (on a terminal, or with --progress)."""
    from tests.test_scans import _page

    Office.objects.create(code="bg", name="Bắc Giang")
    scan = tmp_path / "ke-hoach.tif"
    page = _page()
    page.save(scan, "TIFF", save_all=True, append_images=[page], dpi=(300, 300))
    assert main(["extract", "--progress", str(scan)]) == 0
    out, err = capsys.readouterr()
    assert "OCR ke-hoach.tif" in err and "2/2" in err and "trang" in err and "Bảo Lạc" in out
    assert main(["ingest", "--progress", str(scan)]) == 0
    out, err = capsys.readouterr()
    assert "OCR ke-hoach.tif" in err and "2/2" in err and "1 văn bản mới" in out
    assert "huyện Bảo Lạc" in Document.objects.get().text
    # Quiet: no bar at all.
    other = tmp_path / "cong-van.png"
    _page(-1.0).save(other, dpi=(300, 300))
    assert main(["ingest", "-q", "--progress", str(other)]) == 0
    assert "OCR" not in capsys.readouterr().err and Document.objects.count() == 2
