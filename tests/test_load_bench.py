"""The records load benchmark (bench/load_records.py) runs end to end on a small scale: data generated,
summaries computed, ``hoptac serve`` started, every page answered without error. Its speed is the
benchmark's business, measured there, not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_load_benchmark_smoke(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOPTAC_", "DJANGO_"))}
    out = tmp_path / "load.json"
    args = ["--scale", "0.03", "--clients", "4", "--requests", "12", "--goal-ms", "600000", "--json", str(out)]
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load_records.py"), "--data-dir", str(tmp_path / "data"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["database"] == "sqlite3"
    assert set(result["results"]) == {"dashboard", "task list (filtered)", "API task list"}
    for page in result["results"].values():
        assert page["requests"] == 12 and page["errors"] == 0
    assert "30,000 occurrences" in run.stderr
