"""``hoptac ingest FOLDER`` killed with SIGKILL midway: no document half-stored, a re-run finishes the rest.

The folder holds 40 distinct plans and letters from bench/make_corpus.py. The same folder is first
ingested without interruption into a reference installation. Then, in a fresh installation, an
ingest is killed (SIGKILL: no handler, no cleanup runs) three times: once while it reads the
document after the fifth, then twice at the worst moment, once 15 and 25 documents are stored: the
next document's file is on disk, its rows are not committed (the process is frozen with SIGSTOP
to make sure of that before the kill). After every kill:

- every stored document has exactly what the reference has for the same file: its plan, tasks,
  task-agency links, occurrences, events, links to cited documents, one audit row, and a stored
  file with its content; after the first kill and at the end, its tasks are those the extractor
  finds in that file;
- no agency or partner exists that no stored document names (beyond the reference's own), and
  no plan is left without its tasks;
- a file without its document exists only for a kill between the file and the rows: one per such
  kill, holding (the start of) the document in hand, which is not stored at all.

Then a last run finishes: it reports the rest as new and the known ones as known, every file of the
folder is stored exactly once, equal to the reference, and no file is left without its document: a
document's file is named by its content hash, so the run that stores the document a killed run had
in hand takes over the file that run left. Runs on SQLite (the SQLite pass) and PostgreSQL (the
PostgreSQL pass).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.records.test_backup import PG_URL, env_for, fresh_postgres, hoptac, python

ROOT = Path(__file__).resolve().parents[2]
COUNT = 40
KILL_AT = (5, 15, 25)

# What is stored, per document (by content hash), and what is left over.
STATE = """
import hashlib, json, sys
from pathlib import Path
from hoptac.web import setup
setup()
from django.conf import settings
from django.db.models import Count, Q
from hoptac.extract import extract_file
from hoptac.records.models import Agency, AuditLog, Document, DocumentLink, Event, Occurrence, Partner, Plan, Task
check_extraction = sys.argv[1] == "1"
media = Path(settings.MEDIA_ROOT)
docs = {}
for d in Document.objects.order_by("id"):
    plan = Plan.objects.filter(document=d).first()
    tasks = Task.objects.filter(plan__document=d)
    path = media / d.file.name if d.file.name else None
    info = {
        "file": d.file.name,
        "filename": d.filename,
        "plan": plan is not None,
        "tasks": tasks.count(),
        "task_titles": sorted(tasks.values_list("title", flat=True)),
        "lead": Task.lead.through.objects.filter(task__plan__document=d).count(),
        "support": Task.support.through.objects.filter(task__plan__document=d).count(),
        "occurrences": Occurrence.objects.filter(task__plan__document=d).count(),
        "events": Event.objects.filter(document=d).count(),
        "links": DocumentLink.objects.filter(source=d).count(),
        "audit": AuditLog.objects.filter(action="ingest", document=d).count(),
        "file_ok": path is not None and path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == d.sha256,
    }
    if check_extraction:
        found = [t["title"] for t in extract_file(path).to_dict()["tasks"] if t.get("title")]
        info["extracted_titles"] = sorted(found)
    docs.setdefault(d.sha256, []).append(info)
stored = {d.file.name for d in Document.objects.exclude(file="")}
folder = media / "documents"
files = {str(p.relative_to(media)) for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()
agencies = Agency.objects.annotate(n=Count("lead_tasks") + Count("support_tasks")).filter(n=0)
partners = Partner.objects.filter(plans=None, agreements=None, events=None)
print(json.dumps({
    "docs": docs,
    "strays": sorted(files - stored),
    "idle_agencies": sorted(agencies.values_list("key", flat=True)),
    "idle_partners": sorted(partners.values_list("key", flat=True)),
    "plans_without_tasks": Plan.objects.filter(tasks=None).count(),
}, ensure_ascii=False))
"""


def corpus(folder: Path) -> dict[str, Path]:
    """The documents, by content hash."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from make_corpus import make_corpus
    finally:
        sys.path.pop(0)
    paths = make_corpus(folder, COUNT, seed=7)
    by_hash = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in paths}
    assert len(by_hash) == COUNT
    return by_hash


@contextlib.contextmanager
def installation(tmp: Path, kind: str) -> Iterator[tuple[dict[str, str], Callable[[], tuple[int, set[str]]]]]:
    """(environment, a probe) of a new installation; the probe gives the number of documents stored
    and the files not (yet) theirs: a document's file is written inside its transaction."""
    data = tmp / f"data-{kind}"

    def unclaimed(names: set[str]) -> set[str]:
        return on_disk(data) - names

    if kind == "sqlite":
        env = env_for(data, "sqlite")
        hoptac(env, "manage", "migrate", "-v", "0")

        def probe() -> tuple[int, set[str]]:
            with contextlib.closing(sqlite3.connect(f"file:{data / 'hoptac.sqlite3'}?mode=ro", uri=True)) as db:
                names = {row[0] for row in db.execute("SELECT file FROM records_document")}
            return len(names), unclaimed(names)

        yield env, probe
        return
    import psycopg

    with fresh_postgres() as url:
        env = env_for(data, url)
        hoptac(env, "manage", "migrate", "-v", "0")
        with psycopg.connect(url, autocommit=True) as conn:

            def probe() -> tuple[int, set[str]]:
                names = {row[0] for row in conn.execute("SELECT file FROM records_document")}
                return len(names), unclaimed(names)

            yield env, probe


def on_disk(data: Path) -> set[str]:
    folder = data / "files" / "documents"
    return {str(p.relative_to(folder.parent)) for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def state(env: dict[str, str], check_extraction: bool = False) -> dict[str, Any]:
    return dict(json.loads(python(env, STATE, "1" if check_extraction else "0")))


Probe = Callable[[], tuple[int, set[str]]]


def kill_when(env: dict[str, str], folder: Path, probe: Probe, at: int, mid_write: set[str] | None) -> None:
    """Start ``hoptac ingest FOLDER`` and SIGKILL it once ``at`` documents are stored. With ``mid_write``
    (the strays already there), at the worst moment after that: the next document's file is written,
    its rows are not committed. The process is stopped (SIGSTOP) to make sure of it before the kill."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "hoptac", "ingest", "-q", str(folder)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    try:
        while True:
            stored, unclaimed = probe()
            if stored >= at and mid_write is None:
                break
            if stored >= at and mid_write is not None and unclaimed - mid_write:
                os.kill(proc.pid, signal.SIGSTOP)
                if probe()[1] - mid_write:  # still so, now that it cannot move
                    break
                os.kill(proc.pid, signal.SIGCONT)
            assert proc.poll() is None, f"ingest ended before it could be killed at {at} documents"
            assert time.monotonic() < deadline, "ingest too slow"
            time.sleep(0.002)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert at <= probe()[0] < COUNT


def check(got: dict[str, Any], reference: dict[str, Any], docs: dict[str, Path], data: Path, kills: int) -> None:
    for digest, copies in got["docs"].items():
        assert digest in docs and len(copies) == 1, f"{digest[:12]} stored {len(copies)} times"
        stored, expected = copies[0], reference["docs"][digest][0]
        same = [k for k in expected if k != "file"]  # the stored name may differ, not the content
        assert {k: stored[k] for k in same} == {k: expected[k] for k in same}, stored["filename"]
        assert stored["file_ok"] and stored["audit"] == 1, stored["filename"]
        if "extracted_titles" in stored:
            assert stored["task_titles"] == stored["extracted_titles"], stored["filename"]
    assert set(got["idle_agencies"]) <= set(reference["idle_agencies"])
    assert set(got["idle_partners"]) <= set(reference["idle_partners"])
    assert got["plans_without_tasks"] <= reference["plans_without_tasks"]
    # A file whose rows died with the process: one per kill at most, holding the start of one of
    # the folder's documents, at that document's name (the next run of it takes the file over).
    assert len(got["strays"]) <= kills, got["strays"]
    contents = [p.read_bytes() for p in docs.values()]
    for name in got["strays"]:
        part = (data / "files" / name).read_bytes()
        assert any(c.startswith(part) for c in contents), name
        assert Path(name).name.split(".")[0] in docs, name  # named by the content it is to hold


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_sigkill_midway_then_rerun(tmp_path: Path, kind: str) -> None:
    if kind == "postgresql" and not PG_URL:
        pytest.skip("no PostgreSQL configured (HOPTAC_DATABASE_URL): test.sh's PostgreSQL pass runs this")
    if kind == "sqlite" and PG_URL:
        pytest.skip("runs on the SQLite pass")
    folder = tmp_path / "van-ban"
    docs = corpus(folder)
    reference_env = env_for(tmp_path / "reference", "sqlite")
    hoptac(reference_env, "ingest", "-q", str(folder))
    reference = state(reference_env)
    assert len(reference["docs"]) == COUNT and not reference["strays"]
    assert sum(d[0]["tasks"] for d in reference["docs"].values()) > 10 * COUNT  # plans with tasks, mostly

    data = tmp_path / f"data-{kind}"
    with installation(tmp_path, kind) as (env, probe):
        # Killed while reading the next document, then twice with its file written, its rows not committed.
        for kills, (at, mid_write) in enumerate(zip(KILL_AT, (False, True, True), strict=True), start=1):
            earlier = set(state(env)["strays"])
            kill_when(env, folder, probe, at, earlier if mid_write else None)
            got = state(env, check_extraction=kills == 1)
            check(got, reference, docs, data, kills)
            if mid_write:
                new = set(got["strays"]) - earlier
                assert len(new) == 1  # the file of the document in hand, whose rows are not there
        before = len(got["docs"])
        out = hoptac(env, "ingest", "-q", str(folder)).stdout
        assert f"Đã nhập {COUNT - before} văn bản mới, {before} đã có, 0 lỗi" in out
        final = state(env, check_extraction=True)
        check(final, reference, docs, data, len(KILL_AT))
        assert sorted(final["docs"]) == sorted(docs)  # every document, once (check: no copies)
        assert not final["strays"], final["strays"]  # the files the kills left were taken over
