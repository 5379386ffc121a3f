"""The command line on a first run (issue 13): a closed pipe, ``hoptac plans``, an empty database, search hits
that say what they are, argparse in Vietnamese with the mistyped option named, the extraction summary's dates."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hoptac.cli import main, vn_dates
from hoptac.cliparse import translate
from hoptac.dates import vn_date
from hoptac.errors import os_reason

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "hoptac" / "samples" / "001_f97b477c60d4a584.txt"


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "HOPTAC_DATABASE_URL"}
    env["HOPTAC_DATA_DIR"] = str(tmp_path / "data")
    return env


@pytest.mark.parametrize("args", [["extract", str(SAMPLE)], ["extract", "--json", str(SAMPLE)]])
def test_closed_pipe_is_not_a_traceback(tmp_path: Path, args: list[str]) -> None:
    # `hoptac … | head -1`: the reader goes away after a line; no BrokenPipeError traceback, exit 0
    cmd = f"{sys.executable} -m hoptac {' '.join(args)} | head -1"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, cwd=ROOT, env=_env(tmp_path), timeout=120
    )
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    assert done.returncode == 0 and done.stdout.count("\n") == 1


def test_search_json_closed_pipe(tmp_path: Path) -> None:
    env = _env(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "hoptac", "ingest", "-q", str(SAMPLE)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    cmd = f"{sys.executable} -m hoptac search Xay Sôm Bun --json --limit 50 | head -2"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )
    assert "Traceback" not in done.stderr and done.returncode == 0, done.stderr


def test_plans_lists_ids_and_report_points_to_it(db: Any, capsys: Any) -> None:
    from hoptac.records.models import Office
    from tests.records.conftest import SEED_001, load_gold

    bg = Office.objects.create(code="bg", name="Sở Ngoại vụ tỉnh Bắc Giang")
    assert main(["plans"]) == 0
    assert "Chưa có kế hoạch nào" in capsys.readouterr().out
    plan = load_gold(bg, SEED_001).plan
    assert main(["plans"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.strip().startswith(str(plan.pk)))
    assert "2021–2025" in line and "Xay Sôm Bun" in line and "[bg]" in line
    assert main(["report", "--year", "2024", "--plan", "999999", "-o", "x.docx"]) == 2
    assert "không có kế hoạch 999999 (số của các kế hoạch: hoptac plans)" in capsys.readouterr().err


def test_search_on_an_empty_database_says_so(db: Any, capsys: Any) -> None:
    assert main(["search", "Bảo Lạc"]) == 2
    err = capsys.readouterr().err
    assert "chưa có văn bản nào" in err and "hoptac ingest hoptac/samples/" in err and "hoptac serve --demo" in err


def test_search_hits_say_kind_date_and_partner(db: Any, capsys: Any) -> None:
    from hoptac.records.models import Event, Office, Partner
    from tests.records.conftest import SEED_001, load_gold

    bg = Office.objects.create(code="bg", name="Sở Ngoại vụ tỉnh Bắc Giang")
    doc = load_gold(bg, SEED_001)
    partner = Partner.objects.filter(office=bg, name__contains="Xay Sôm Bun").first()
    sentence = "Đoàn công tác khảo sát thực tế tại tỉnh Xay Sôm Bun và ký bản ghi nhớ"
    for when in ("2022-02", "2022-05"):  # two events read from one sentence
        event = Event.objects.create(office=bg, title=sentence, date_text=when, document=doc)
        event.parties.add(partner)
    assert main(["search", "khảo sát thực tế bản ghi nhớ", "--kind", "event", "--office", "bg"]) == 0
    out = capsys.readouterr().out
    heads = [x for x in out.splitlines() if x[:1].isdigit() and ". [" in x]
    assert len(heads) == 2 and heads[0] != heads[1].replace("2.", "1.", 1)
    assert all("[Sự kiện #" in h and "Xay Sôm Bun" in h for h in heads)
    assert any("tháng 02/2022" in h for h in heads) and any("tháng 05/2022" in h for h in heads)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["report", "--yaer", "2024", "-o", "x.docx"], "không có tùy chọn --yaer (có phải --year?)"),
        (["extract", "--jsn", "a.txt"], "không có tùy chọn --jsn (có phải --json?)"),
        (["report", "-o", "x.docx"], "thiếu tham số bắt buộc: --year"),
        (["search", "a", "--kind", "zzz"], "lựa chọn không hợp lệ: 'zzz'"),
        (["search", "a", "--limit", "x"], "tham số --limit: không phải là số: 'x'"),
        (["nothing"], "lựa chọn không hợp lệ: 'nothing'"),
    ],
)
def test_argparse_speaks_vietnamese(capsys: Any, args: list[str], says: str) -> None:
    with pytest.raises(SystemExit) as exc:
        main(args)
    err = capsys.readouterr().err
    assert exc.value.code == 2 and says in err and "cách dùng: hoptac" in err, err
    for english in ("usage:", "error:", "invalid", "required", "unrecognized", "expected"):
        assert english not in err


def test_help_is_vietnamese(capsys: Any) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    out = capsys.readouterr().out
    assert "cách dùng:" in out and "tùy chọn:" in out and "hiện hướng dẫn này" in out and "options:" not in out
    assert translate("argument --x: expected one argument") == "tham số --x: cần một giá trị"


def test_system_errors_in_vietnamese(tmp_path: Path, capsys: Any) -> None:
    target = tmp_path / "a-file"
    target.write_text("x")
    assert main(["extract", str(SAMPLE), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert "không tạo được thư mục (đã có một tệp trùng tên)" in err and "File exists" not in err
    assert os_reason(PermissionError(13, "Permission denied")) == "không có quyền truy cập"


def test_extract_summary_dates() -> None:
    assert vn_dates("Hạn --10-31") == "Hạn 31/10 hằng năm"
    assert vn_dates("Ngày: 2022-08-25; Ngày: 2022-08; Giai đoạn: 2021-2025") == (
        "Ngày: 25/08/2022; Ngày: tháng 08/2022; Giai đoạn: 2021-2025"
    )
    assert vn_date("2022-08") == "tháng 08/2022" and vn_date("--11-15") == "15/11 hằng năm"
    out = subprocess.run(
        [sys.executable, "-m", "hoptac", "extract", str(SAMPLE)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=120,
    ).stdout
    assert "Hạn 31/10 hằng năm" in out and "--10-31" not in out


def test_demo_has_sample_progress_marked_as_such(db: Any) -> None:
    import io

    from hoptac.records import demo
    from hoptac.records.models import Occurrence, ProgressReport

    out = io.StringIO()
    office = demo.load(out)
    reports = ProgressReport.objects.filter(office=office)
    assert reports.count() >= 20 and all(r.text.startswith(demo.SAMPLE_MARK) for r in reports)
    assert "Báo cáo tiến độ mẫu" in out.getvalue()
    assert Occurrence.objects.filter(office=office, percent__gt=0).count() >= 20
    demo.load(io.StringIO())  # again: nothing new
    assert ProgressReport.objects.filter(office=office).count() == reports.count()
