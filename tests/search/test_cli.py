"""``hoptac search``: hits as text or JSON, scoped by --office/--user, one line and exit 2 for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hoptac.cli import main
from tests.records.conftest import ROOT, SAMPLES, SEED_000
from tests.search.conftest import SEED_002, Corpus

pytestmark = pytest.mark.django_db


def test_json_hits(corpus: Corpus, capsys: Any) -> None:
    assert main(["search", "481/KH-UBND", "--json", "--office", "bac-giang"]) == 0
    data = json.loads(capsys.readouterr().out)
    hit = data["hits"][0]
    assert {"kind", "id", "title", "file", "snippet", "score"} <= set(hit)
    assert (hit["kind"], hit["id"], hit["file"]) == ("document", corpus.docs[SEED_002].pk, f"{SEED_002}.txt")
    assert "481/KH-UBND" in hit["snippet"] and data["total"] == len(data["hits"]) == 1


def test_text_hits_and_filters(corpus: Corpus, capsys: Any) -> None:
    assert main(["search", "Bảo", "Lạc", "--kind", "document", "--office", "ha-giang"]) == 0
    out = capsys.readouterr().out
    assert f"{SEED_000}.txt" in out and "«" in out and "1 kết quả" in out
    assert main(["search", "Sở", "Y", "tế", "--kind", "task", "--agency", "Sở Y tế", "--office", "bac-giang"]) == 0
    out = capsys.readouterr().out
    assert "[Nhiệm vụ #" in out and "[Văn bản" not in out
    assert main(["search", "Bảo Lạc", "--partner", "Na Pô", "--office", "ha-giang", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["hits"]
    assert main(["search", "zzzyyyxxx"]) == 0
    assert "Không tìm thấy kết quả nào." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search"], "Hãy nhập từ khóa"),
        (["search", ""], "Hãy nhập từ khóa"),
        (["search", "x" * 10_240], "quá dài"),
        (["search", "!!!", "???"], "không có chữ hay số"),
        (["search", "a", "--office", "nowhere"], "không có văn phòng 'nowhere'"),
        (["search", "a", "--partner", "Atlantis"], "không có đối tác 'Atlantis'"),
        (["search", "a", "--agency", "Bộ Phép thuật"], "không có cơ quan 'Bộ Phép thuật'"),
        (["search", "a", "--user", "nobody"], "không có người dùng 'nobody'"),
        (["search", "a", "--limit", "0"], "phải từ 1 đến 100"),
        (["search", "a", "--year", "12"], "phải từ 1900 đến 2200"),
    ],
)
def test_bad_input_is_one_line(corpus: Corpus, capsys: Any, args: list[str], message: str) -> None:
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and err.startswith("hoptac: ") and message in err
    assert "Traceback" not in err and out == ""


def test_bad_kind_is_an_argparse_error(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["search", "a", "--kind", "zzz"])
    assert exc.value.code == 2 and "lựa chọn không hợp lệ" in capsys.readouterr().err


def test_environment_is_honoured(tmp_path: Path) -> None:
    """A fresh HOPTAC_DATA_DIR (SQLite): ingest, then search it from another process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HOPTAC_"))}
    env.update(HOPTAC_DATA_DIR=str(tmp_path), HOPTAC_SECRET_KEY="cli-test-secret-key-0123456789abcdefghijkl")
    run = [sys.executable, "-m", "hoptac"]
    subprocess.run([*run, "ingest", "-q", str(SAMPLES / f"{SEED_000}.txt")], env=env, cwd=ROOT, check=True, timeout=300)
    done = subprocess.run(
        [*run, "search", "Bảo", "Lạc", "--json"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)["hits"]
    assert (tmp_path / "hoptac.sqlite3").exists() and hits[0]["file"] == f"{SEED_000}.txt"
    bad = subprocess.run([*run, "search", '"'], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and bad.stderr.startswith("hoptac: ") and "Traceback" not in bad.stderr
