"""The simulated-users load test (bench/load_users.py) runs end to end on a small scale: a few users on SQLite
for 20 s sign in through the login form, do every action of their role without an error, and every progress
report and uploaded document they were told was saved is stored exactly once. Its speed is the benchmark's
business, measured there, not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

OFFICER_KINDS = {"dashboard", "task list", "task detail", "partner list", "partner detail", "document list"}
OFFICER_KINDS |= {"document detail", "search", "report (form)", "upload page", "upload", "upload review"}
OFFICER_KINDS |= {"upload save"}
REPORTER_KINDS = {"report (API)", "API token", "API tasks", "API occurrences"}


def test_load_users_smoke(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOPTAC_", "DJANGO_"))}
    out = tmp_path / "load_users.json"
    args = ["--sqlite", "--duration", "20", "--users", "6", "--offices", "1", "--json", str(out)]
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load_users.py"), "--data-dir", str(tmp_path / "data"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["ok"] is True and result["problems"] == []
    assert result["database"] == "sqlite3" and result["users"] == 6
    assert result["data"]["officers"] == 2 and result["data"]["reporters"] == 4
    kinds = result["kinds"]
    assert {"login (GET)", "login (POST)"} | OFFICER_KINDS | REPORTER_KINDS <= set(kinds)
    assert kinds["login (POST)"]["requests"] == 6
    for name, kind in kinds.items():
        assert kind["requests"] > 0 and kind["errors"] == 0, (name, kind)
        assert 0 < kind["p50_ms"] <= kind["p95_ms"] <= kind["max_ms"]
    assert result["totals"]["errors"] == 0
    assert result["totals"]["requests"] == sum(k["requests"] for k in kinds.values())
    assert result["server"]["workers"] >= 1 and result["server"]["requests_per_s"] > 0
    reports = result["reports"]
    assert reports["accepted"] > 0 and set(reports["by_channel"]) == {"form", "api"}
    assert reports["stored_exactly_once"] == reports["accepted"]
    for problem in ("missing", "duplicates", "unexpected", "refused_but_stored", "attachment_lost"):
        assert reports[problem] == [], problem
    uploads = result["uploads"]
    assert uploads["saved"] > 0 and uploads["stored_exactly_once"] == uploads["saved"]
    assert uploads["missing"] == [] and uploads["duplicates"] == []
