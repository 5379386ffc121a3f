"""Robustness and false positives of ``hoptac extract`` on the real legal-database corpus.

Runs ``hoptac.extract.extract_file`` over every document of a folder (default
``../shared/corpus/legal-db`` beside the repository: 440 public laws, decrees, circulars,
decisions, notices and a few plans, see that folder's README) and reports:

- tracebacks (the goal is none; each is printed with its document);
- seconds per document: max and p95 (the goal is at most 2 s each). Each document is extracted in
  a worker process, timed there with ``time.perf_counter`` around ``extract_file``; a document
  that has not answered after ``--hard-timeout`` seconds has its worker killed and counts as over;
- per detected ``document.kind``: how many documents yield tasks, events, parties and budget lines
  (non-empty lists), and the document kind printed in the database's metadata ("Loại văn bản")
  beside it;
- every document whose detected kind is not ``ke_hoach`` and that yields tasks, events, parties or
  budget lines, with the first few of each (and the text around each budget line), so that a
  developer can look at the false positives.

Writes ``bench/out/legal_db.json``. Exits 1 when a document raised or took more than the budget.

    .venv/bin/python bench/legal_db.py                    # all documents, one worker
    .venv/bin/python bench/legal_db.py --limit 40         # a quick look
    .venv/bin/python bench/legal_db.py --corpus DIR --workers 2 --budget 2
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import re
import shlex
import subprocess
import sys
import time
import traceback
from collections import Counter
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, cast

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "legal-db"
DEFAULT_OUT = BENCH_DIR / "out" / "legal_db.json"
FIELDS = ("tasks", "events", "parties", "budget")
PLAN_KIND = "ke_hoach"
SUFFIXES = {".md", ".txt", ".html", ".htm", ".docx", ".pdf"}

# "**Loại văn bản:** | Quyết định |" in the database's metadata block, over one or several lines.
_PRINTED_KIND_RE = re.compile(r"Loại văn bản:?[\s*|:]*([^\n|*]+)")


def printed_kind(text: str) -> str | None:
    """The database's own "Loại văn bản" (document type), when the page has the metadata block."""
    m = _PRINTED_KIND_RE.search(text[:20000])
    return m[1].strip() if m else None


def _snippet(text: str, span: tuple[int, int], before: int = 70, after: int = 30) -> str:
    start, end = span
    if start == end == 0:
        return ""
    return " ".join(text[max(0, start - before) : end + after].split())


def _examples(ex: Any, k: int) -> dict[str, list[str]]:
    """The first ``k`` items of each field, as short readable strings."""
    return {
        "tasks": [f"{t.ref} {t.title[:100]}" for t in ex.tasks[:k]],
        "events": [f"{e.date} {e.kind}: {e.title[:100]}" for e in ex.events[:k]],
        "parties": [f"{p.name} ({p.country})" for p in ex.parties[:k]],
        "budget": [f"{b.amount:,} {b.currency} in «{_snippet(ex.text, b.span)}»" for b in ex.budget[:k]],
    }


def extract_one(path: str, examples: int = 3) -> dict[str, Any]:
    """Extract one document: its kind, counts, examples, seconds, and the traceback if it raised."""
    from hoptac.extract import extract_file

    out: dict[str, Any] = {"file": os.path.basename(path), "bytes": os.path.getsize(path)}
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            out["printed_kind"] = printed_kind(fh.read(20000))
    except OSError:
        out["printed_kind"] = None
    start = time.perf_counter()
    try:
        ex = extract_file(path)
    except Exception as exc:
        out["seconds"] = time.perf_counter() - start
        out["error"] = f"{type(exc).__name__}: {exc}"[:500]
        out["traceback"] = traceback.format_exc()
        return out
    out["seconds"] = time.perf_counter() - start
    out["error"] = None
    out["kind"] = ex.document.kind
    out["counts"] = {
        "tasks": len(ex.tasks),
        "events": len(ex.events),
        "parties": len(ex.parties),
        "budget": len(ex.budget),
        "references": len(ex.references),
    }
    out["examples"] = _examples(ex, examples)
    return out


# -- workers: one process each, killed and replaced when a document hangs ------------------------


def _worker(conn: Connection, examples: int) -> None:
    from hoptac.extract import extract_text

    extract_text("Số: 1/KH-UBND\nBắc Giang, ngày 5 tháng 9 năm 2018\nKẾ HOẠCH\nThử\nI. NỘI DUNG\n1. Việc.")
    conn.send("ready")
    while True:
        try:
            path = conn.recv()
        except EOFError:
            return
        if path is None:
            return
        conn.send(extract_one(path, examples))


class Worker:
    def __init__(self, ctx: Any, examples: int) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, examples), daemon=True)
        self.proc.start()
        child.close()
        self.conn.recv()  # warm: imports and one small extraction done before any timing
        self.path: str | None = None
        self.sent = 0.0

    def send(self, path: str) -> None:
        self.path, self.sent = path, time.perf_counter()
        self.conn.send(path)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join()
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(5)
        if self.proc.is_alive():
            self.kill()


def run(paths: list[str], workers: int, hard_timeout: float, examples: int, progress: bool) -> list[dict[str, Any]]:
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else None)
    pool = [Worker(ctx, examples) for _ in range(max(1, min(workers, len(paths))))]
    todo = list(reversed(paths))
    results: list[dict[str, Any]] = []
    busy: dict[Connection, Worker] = {}
    for w in pool:
        if todo:
            w.send(todo.pop())
            busy[w.conn] = w
    while busy:
        now = time.perf_counter()
        deadline = min(w.sent for w in busy.values()) + hard_timeout
        ready = wait(list(busy), timeout=max(0.0, deadline - now))
        for conn in ready:
            w = busy.pop(cast(Connection, conn))
            try:
                results.append(w.conn.recv())
            except EOFError:  # the worker died (a crash in C code, the OOM killer …)
                assert w.path is not None
                results.append(_died(w.path, time.perf_counter() - w.sent, f"worker exited {w.proc.exitcode}", False))
                w.kill()
                w = Worker(ctx, examples)
                pool.append(w)
            if progress and len(results) % 50 == 0:
                print(f"  {len(results)}/{len(paths)}", flush=True)
            if todo:
                w.send(todo.pop())
                busy[w.conn] = w
        now = time.perf_counter()
        for conn, w in list(busy.items()):
            if now - w.sent >= hard_timeout:
                assert w.path is not None
                results.append(_died(w.path, now - w.sent, f"no answer after {hard_timeout:g} s: killed", True))
                del busy[conn]
                w.kill()
                w = Worker(ctx, examples)
                if todo:
                    w.send(todo.pop())
                    busy[w.conn] = w
                pool.append(w)
    for w in pool:
        if w.proc.is_alive():
            w.stop()
    return sorted(results, key=lambda r: r["file"])


def _died(path: str, seconds: float, why: str, timed_out: bool) -> dict[str, Any]:
    """The record of a document whose worker crashed (an error) or was killed (over the budget)."""
    return {
        "file": os.path.basename(path),
        "bytes": os.path.getsize(path),
        "printed_kind": None,
        "seconds": seconds,
        "error": None if timed_out else why,
        "traceback": None if timed_out else why,
        "timed_out": timed_out,
        "killed": why if timed_out else None,
    }


# -- summary and report ----------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(-(-q * len(ordered) // 1)) - 1))]


def summarise(results: list[dict[str, Any]], budget: float) -> dict[str, Any]:
    seconds = [r["seconds"] for r in results]
    errors = [r for r in results if r.get("error")]
    over = [r for r in results if r["seconds"] > budget or r.get("timed_out")]
    by_kind: dict[str, dict[str, int]] = {}
    printed: dict[str, Counter[str]] = {}
    for r in results:
        if r.get("error") or r.get("timed_out"):
            continue
        row = by_kind.setdefault(r["kind"], {"documents": 0, **dict.fromkeys(FIELDS, 0), "any": 0})
        row["documents"] += 1
        hit = False
        for f in FIELDS:
            if r["counts"][f]:
                row[f] += 1
                hit = True
        row["any"] += hit
        printed.setdefault(r["kind"], Counter())[r.get("printed_kind") or "—"] += 1
    false_positives = [
        {
            "file": r["file"],
            "kind": r["kind"],
            "printed_kind": r.get("printed_kind"),
            "counts": {f: r["counts"][f] for f in FIELDS},
            "examples": {f: r["examples"][f] for f in FIELDS if r["counts"][f]},
        }
        for r in results
        if "kind" in r and r["kind"] != PLAN_KIND and any(r["counts"][f] for f in FIELDS)
    ]
    total_bytes = sum(r["bytes"] for r in results)
    return {
        "documents": len(results),
        "bytes": total_bytes,
        "errors": len(errors),
        "error_files": [{"file": r["file"], "error": r["error"]} for r in errors],
        "over_budget": [{"file": r["file"], "seconds": r["seconds"], "killed": bool(r.get("timed_out"))} for r in over],
        "seconds": {
            "total": sum(seconds),
            "max": max(seconds, default=0.0),
            "p95": _percentile(seconds, 0.95),
            "p50": _percentile(seconds, 0.50),
        },
        "mb_per_s_extract_only": total_bytes / 2**20 / max(sum(seconds), 1e-9),
        "slowest": [
            {"file": r["file"], "bytes": r["bytes"], "seconds": r["seconds"]}
            for r in sorted(results, key=lambda r: r["seconds"], reverse=True)[:5]
        ],
        "by_kind": dict(sorted(by_kind.items(), key=lambda kv: (-kv[1]["documents"], kv[0]))),
        "printed_kinds_by_kind": {k: dict(v.most_common()) for k, v in printed.items()},
        "non_plans_with_output": len(false_positives),
        "false_positives": false_positives,
    }


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, r in enumerate(rows):
        cells = zip(r, widths, strict=True)
        line = "  ".join(c.ljust(w) if i in (0, len(r) - 1) else c.rjust(w) for i, (c, w) in enumerate(cells))
        out.append(line.rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def report(summary: dict[str, Any], budget: float, show_examples: bool) -> str:
    s = summary["seconds"]
    lines = [
        f"documents: {summary['documents']} ({summary['bytes'] / 2**20:.1f} MB), "
        f"extraction {summary['mb_per_s_extract_only']:.2f} MB/s on the documents' own time",
        f"tracebacks: {summary['errors']}   (goal 0)",
        f"seconds per document: max {s['max']:.3f}, p95 {s['p95']:.3f}, p50 {s['p50']:.3f}"
        f"   (goal ≤ {budget:g} s each; {len(summary['over_budget'])} over)",
        "slowest: "
        + ", ".join(f"{r['file']} {r['seconds']:.2f} s ({r['bytes'] / 1024:.0f} KB)" for r in summary["slowest"]),
        "",
        "documents yielding each field (non-empty), by detected kind:",
    ]
    rows = [["kind", "docs", *FIELDS, "any", "printed kinds (metadata 'Loại văn bản')"]]
    totals = Counter[str]()
    for kind, row in summary["by_kind"].items():
        printed = summary["printed_kinds_by_kind"].get(kind, {})
        rows.append(
            [kind, str(row["documents"]), *(str(row[f]) for f in FIELDS), str(row["any"])]
            + [", ".join(f"{k} {v}" for k, v in list(printed.items())[:5])]
        )
        totals.update({k: v for k, v in row.items()})
    rows.append(["all", str(totals["documents"]), *(str(totals[f]) for f in FIELDS), str(totals["any"]), ""])
    lines += _table(rows)
    fps = summary["false_positives"]
    lines += ["", f"non-plans (kind ≠ {PLAN_KIND}) yielding tasks, events, parties or budget: {len(fps)}"]
    for fp in fps:
        counts = ", ".join(f"{f} {fp['counts'][f]}" for f in FIELDS if fp["counts"][f])
        lines.append(f"  {fp['file']}  {fp['kind']} (printed: {fp['printed_kind'] or '—'})  {counts}")
        if show_examples:
            for f, items in fp["examples"].items():
                for item in items:
                    lines.append(f"      {f}: {item[:160]}")
    for err in summary["error_files"]:
        lines += ["", f"TRACEBACK in {err['file']}: {err['error']}"]
    for r in summary["over_budget"]:
        lines.append(f"OVER BUDGET: {r['file']} {r['seconds']:.2f} s" + (" (killed)" if r["killed"] else ""))
    return "\n".join(lines)


def _git_commit() -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run hoptac extraction over the legal-database corpus.")
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help=f"folder of documents (default {DEFAULT_CORPUS})"
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents (sorted by name)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1: timings unskewed)")
    parser.add_argument("--budget", type=float, default=2.0, help="seconds allowed per document (default 2)")
    parser.add_argument(
        "--hard-timeout", type=float, default=60.0, help="kill a worker whose document takes longer, s (default 60)"
    )
    parser.add_argument("--examples", type=int, default=3, help="items of each field kept per document (default 3)")
    parser.add_argument("--brief", action="store_true", help="list the false positives without their items")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON output (default bench/out/legal_db.json)")
    args = parser.parse_args(argv)

    if not args.corpus.is_dir():
        print(f"legal_db.py: no corpus folder {args.corpus}", file=sys.stderr)
        return 2
    paths = sorted(str(p) for p in args.corpus.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    if args.limit is not None:
        paths = paths[: args.limit]
    if not paths:
        print(f"legal_db.py: no documents in {args.corpus}", file=sys.stderr)
        return 2
    command = shlex.join(getattr(sys, "orig_argv", [sys.executable, *sys.argv]))
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    print(f"command: {command}")
    print(f"started: {started}   python {platform.python_version()}   cpus: {os.cpu_count()}   load: {load}")
    print(f"git: {_git_commit() or 'unknown'}   corpus: {args.corpus} ({len(paths)} documents)", flush=True)

    wall = time.perf_counter()
    results = run(paths, args.workers, args.hard_timeout, args.examples, progress=len(paths) >= 100)
    wall = time.perf_counter() - wall
    summary = summarise(results, args.budget)
    for r in results:
        if r.get("traceback"):  # tracebacks first, each with its document
            print(f"\n== {r['file']}\n{r['traceback']}", end="")
    print()
    print(report(summary, args.budget, show_examples=not args.brief))
    print(f"\nwall {wall:.1f} s with {args.workers} worker(s)")

    out = {
        "benchmark": "legal_db",
        "command": command,
        "started": started,
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "load_average_start": load,
        "git_commit": _git_commit(),
        "corpus": str(args.corpus),
        "workers": args.workers,
        "budget_seconds": args.budget,
        "wall_seconds": wall,
        "summary": summary,
        "documents": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    failed = summary["errors"] > 0 or bool(summary["over_budget"])
    if failed:
        print(
            f"FAILED: {summary['errors']} traceback(s),"
            f" {len(summary['over_budget'])} document(s) over {args.budget:g} s"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
