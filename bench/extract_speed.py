"""How fast is ``hoptac extract`` on real documents, and how much memory does one big input take?

Measures, in one run, on the real legal-database corpus (``../shared/corpus/legal-db`` beside the
repository: 440 public Vietnamese legal documents in the database's Markdown) when it exists, else
on a corpus generated from the seed samples (``bench/make_corpus.py``; ``--generated`` forces it):

a. one process: documents/s and MB/s of ``extract_file`` over every file;
b. all cores: the same with a ``multiprocessing.Pool`` of ``os.cpu_count()`` workers;
c. the floor: reading each file and NFC-normalising it (``unicodedata.normalize``), one
   process, best of 3 passes;
d. the ratio pipeline / floor (one process);
e. peak memory of extracting ONE input at the size limit (default 20 MB) in a fresh subprocess:
   ``ru_maxrss`` after the extraction minus ``ru_maxrss`` after the imports, and the absolute
   peak. The input concatenates the corpus's documents (in name order, from the first again when
   they run out); on the generated corpus, the seed samples (``--big-from`` chooses).

MB means 2**20 bytes, as in the 20 MB input limit. Every file is read once before timing, so
all passes run on a warm page cache. Prints a table and writes ``bench/out/extract_speed.json``.

    .venv/bin/python bench/extract_speed.py              # legal-db (all 440), 20 MB big input
    .venv/bin/python bench/extract_speed.py --quick      # first 200 documents, 2 MB big input
    .venv/bin/python bench/extract_speed.py --limit 50 --big-mb 1 --workers 1   # a quick look
    .venv/bin/python bench/extract_speed.py --generated  # the old corpus: 2,000 recombined seeds
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import unicodedata
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from make_corpus import GENERATOR_VERSION, MANIFEST, SAMPLES_DIR, make_corpus  # noqa: E402

MB = 2**20
GOAL_MB_S_PER_CORE = 2.0
GOAL_PEAK_MB = 200.0
DEFAULT_OUT = BENCH_DIR / "out" / "extract_speed.json"
DEFAULT_LEGAL_DB = REPO.parent / "shared" / "corpus" / "legal-db"
DOC_SUFFIXES = (".txt", ".md")

# Runs in a fresh interpreter. On Linux, ru_maxrss survives exec: a child started by this
# (large) benchmark process would report the benchmark's own peak. A fork starts a new count,
# so the measurement runs in a grandchild forked from the small fresh interpreter.
MEMORY_CHILD = r"""
import json, os, resource, sys, time

if hasattr(os, "fork"):
    pid = os.fork()
    if pid:
        _, status = os.waitpid(pid, 0)
        sys.exit(os.waitstatus_to_exitcode(status))

def maxrss():
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r if sys.platform == "darwin" else r * 1024  # bytes on macOS, KiB on Linux

def vmhwm():
    try:
        with open("/proc/self/status") as fh:
            return next(int(l.split()[1]) * 1024 for l in fh if l.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        return None

import hoptac.extract
from hoptac.extract import extract_file

baseline = maxrss()
out = {"baseline_rss_bytes": baseline}
start = time.perf_counter()
try:
    ex = extract_file(sys.argv[1], int(sys.argv[2]))
    out["counts"] = {
        "tasks": len(ex.tasks), "references": len(ex.references), "events": len(ex.events),
        "parties": len(ex.parties), "budget": len(ex.budget), "text_chars": len(ex.text),
    }
    out["error"] = None
except BaseException as exc:
    out["error"] = f"{type(exc).__name__}: {exc}"[:500]
out["seconds"] = time.perf_counter() - start
out["peak_rss_bytes"] = maxrss()
out["vmhwm_bytes"] = vmhwm()
print(json.dumps(out), flush=True)
os._exit(0)
"""


# -- workers (module level so that the pool can pickle them) --------------------------------


def _warm() -> None:
    from hoptac.extract import extract_text

    extract_text("Số: 1/KH-UBND\nBắc Giang, ngày 5 tháng 9 năm 2018\nKẾ HOẠCH\nThử\nI. NỘI DUNG\n1. Việc.")


def _extract_one(path: str) -> tuple[str, int, float, str | None]:
    """(name, bytes, seconds, error) for one file; an exception is recorded, not raised."""
    from hoptac.extract import extract_file

    size = os.path.getsize(path)
    start = time.perf_counter()
    try:
        extract_file(path)
        error = None
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
        if os.environ.get("HOPTAC_BENCH_TRACEBACK"):
            traceback.print_exc()
    return os.path.basename(path), size, time.perf_counter() - start, error


def _noop(_: int) -> int:
    return os.getpid()


# -- measurements ----------------------------------------------------------------------------


def _rate(n: int, nbytes: int, seconds: float) -> dict[str, float]:
    seconds = max(seconds, 1e-9)
    return {"seconds": seconds, "docs_per_s": n / seconds, "mb_per_s": nbytes / MB / seconds}


def measure_floor(paths: list[str], repeats: int = 3) -> dict[str, Any]:
    best = float("inf")
    total = 0
    for _ in range(repeats):
        total = 0
        start = time.perf_counter()
        for path in paths:
            with open(path, "rb") as fh:
                data = fh.read()
            total += len(data)
            unicodedata.normalize("NFC", data.decode("utf-8-sig"))
        best = min(best, time.perf_counter() - start)
    return {**_rate(len(paths), total, best), "repeats": repeats}


def _summarise(results: list[tuple[str, int, float, str | None]], wall: float) -> dict[str, Any]:
    nbytes = sum(r[1] for r in results)
    latencies = sorted(r[2] for r in results)
    errors = [(r[0], r[3]) for r in results if r[3]]
    slowest = sorted(results, key=lambda r: r[2], reverse=True)[:5]
    out: dict[str, Any] = _rate(len(results), nbytes, wall)
    out["errors"] = len(errors)
    out["error_examples"] = [f"{name}: {err}" for name, err in errors[:5]]
    if latencies:
        out["latency_ms"] = {
            "p50": 1000 * statistics.median(latencies),
            "p95": 1000 * latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))],
            "max": 1000 * latencies[-1],
        }
        # Throughput on the document's own time, without loop and pool overheads.
        out["mb_per_s_extract_only"] = nbytes / MB / max(sum(latencies), 1e-9)
    out["slowest"] = [{"file": r[0], "bytes": r[1], "ms": 1000 * r[2]} for r in slowest]
    return out


def measure_single(paths: list[str]) -> dict[str, Any]:
    _warm()
    start = time.perf_counter()
    results = [_extract_one(p) for p in paths]
    return _summarise(results, time.perf_counter() - start)


def measure_pool(paths: list[str], workers: int) -> dict[str, Any]:
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("fork" if "fork" in methods else None)
    chunksize = max(1, len(paths) // (workers * 16))
    with ctx.Pool(workers, initializer=_warm) as pool:
        pids = set(pool.map(_noop, range(workers * 4), chunksize=1))  # every worker started and warm
        start = time.perf_counter()
        results = list(pool.imap_unordered(_extract_one, paths, chunksize=chunksize))
        wall = time.perf_counter() - start
    out = _summarise(results, wall)
    out.update(
        workers=workers,
        workers_seen=len(pids),
        chunksize=chunksize,
        mb_per_s_per_core=out["mb_per_s"] / workers,
        start_method=ctx.get_start_method(),
    )
    return out


def build_big_input(path: Path, limit: int, sources: list[Path] | None = None, margin: int = 4096) -> dict[str, Any]:
    """Concatenate ``sources`` (default: the seed samples) into ``path`` until just under ``limit``
    bytes, cut at a line end; the sources start again from the first when they run out."""
    if not sources:
        sources = sorted(SAMPLES_DIR.glob("*.txt"))
    target = max(limit - margin, 1)
    parts: list[bytes] = []
    size = used = 0
    while size < target:
        part = sources[used % len(sources)].read_bytes().rstrip() + b"\n\n"
        parts.append(part)
        size += len(part)
        used += 1
    data = b"".join(parts)[:target]
    data = data[: data.rfind(b"\n") + 1] or data
    path.write_bytes(data)
    return {
        "input_bytes": len(data),
        "source_documents": len(sources),
        "documents_concatenated": used,
        "passes_over_sources": used / len(sources),
    }


def measure_memory(
    limit: int, timeout: float, sources: list[Path] | None = None, label: str = "seeds"
) -> dict[str, Any]:
    suffix = ".md" if sources and any(p.suffix == ".md" for p in sources) else ".txt"
    with tempfile.TemporaryDirectory(prefix="hoptac-bench-") as tmp:
        big = Path(tmp) / f"big_input{suffix}"
        built = build_big_input(big, limit, sources)
        size = built["input_bytes"]
        cmd = [sys.executable, "-c", MEMORY_CHILD, str(big), str(limit)]
        out: dict[str, Any] = {**built, "limit_bytes": limit, "built_from": label, "suffix": suffix}
        start = time.perf_counter()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            out.update(error=f"timed out after {timeout:.0f} s", seconds=timeout)
            return out
        wall = time.perf_counter() - start
    if proc.returncode != 0 or not proc.stdout.strip():
        out.update(error=f"child exited {proc.returncode}: {proc.stderr.strip()[-500:]}", seconds=wall)
        return out
    child = json.loads(proc.stdout.strip().splitlines()[-1])
    out.update(child)
    out["baseline_rss_mb"] = child["baseline_rss_bytes"] / MB
    out["peak_rss_mb"] = child["peak_rss_bytes"] / MB
    out["peak_rss_delta_mb"] = (child["peak_rss_bytes"] - child["baseline_rss_bytes"]) / MB
    out["mb_per_s"] = size / MB / max(child["seconds"], 1e-9)
    return out


# -- corpus ----------------------------------------------------------------------------------


def prepare_corpus(args: argparse.Namespace) -> tuple[list[str], dict[str, Any]]:
    info: dict[str, Any] = {}
    if args.corpus is None and not args.generated and DEFAULT_LEGAL_DB.is_dir():
        args.corpus = DEFAULT_LEGAL_DB
    if args.corpus is not None:
        folder = Path(args.corpus)
        existing = sorted(p for p in folder.iterdir() if p.suffix in DOC_SUFFIXES) if folder.is_dir() else []
        if existing:
            real = not (folder / MANIFEST).is_file()  # make_corpus writes a manifest beside its documents
            info.update(dir=str(folder), generated=False, reused=True, real_documents=real)
            paths = existing[: args.limit] if args.limit else existing
        else:
            start = time.perf_counter()
            paths = make_corpus(folder, args.count, args.seed)
            info.update(dir=str(folder), generated=True, generate_seconds=time.perf_counter() - start)
            info["real_documents"] = False
    else:
        folder = BENCH_DIR / "out" / f"corpus-{args.count}-s{args.seed}"
        manifest = folder / MANIFEST
        ok = False
        if manifest.is_file():
            meta = json.loads(manifest.read_text(encoding="utf-8"))
            ok = (meta.get("generator_version"), meta.get("count"), meta.get("seed")) == (
                GENERATOR_VERSION,
                args.count,
                args.seed,
            )
        if ok:
            paths = sorted(folder.glob("doc_*.txt"))
            ok = len(paths) == args.count
        if ok:
            info.update(dir=str(folder), generated=False, reused=True)
        else:
            start = time.perf_counter()
            paths = make_corpus(folder, args.count, args.seed)
            info.update(dir=str(folder), generated=True, generate_seconds=time.perf_counter() - start)
        info["real_documents"] = False
    sizes = [p.stat().st_size for p in paths]
    info.update(
        documents=len(paths),
        seed=args.seed,
        bytes=sum(sizes),
        mb=sum(sizes) / MB,
        min_bytes=min(sizes, default=0),
        median_bytes=int(statistics.median(sizes)) if sizes else 0,
        max_bytes=max(sizes, default=0),
    )
    return [str(p) for p in paths], info


def _load() -> str:
    """The 1/5/15-minute load average: other work on the machine skews every number here."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _git_commit() -> str | None:
    try:
        proc = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() or None


# -- report ----------------------------------------------------------------------------------


def _fmt(value: float | None, unit: str = "", digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}{unit}"


def _check(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "BELOW GOAL")


def report(res: dict[str, Any]) -> str:
    single, pool, floor, mem = res["single"], res["pool"], res["floor"], res["memory"]
    real = res["corpus"].get("real_documents")
    floor_mb_s = floor["mb_per_s"]

    def beside_floor(mb_s: float) -> str:
        return f" ({floor_mb_s / max(mb_s, 1e-9):,.0f}× slower than the floor)"

    rows: list[tuple[str, str, str, str]] = [
        (
            "corpus",
            f"{res['corpus']['documents']} {'real' if real else 'generated'} docs, {res['corpus']['mb']:.1f} MB"
            f" ({Path(res['corpus']['dir']).name})",
            "",
            "",
        ),
        (
            "floor: read + NFC, 1 process",
            f"{_fmt(floor['docs_per_s'], ' docs/s', 0)}, {_fmt(floor['mb_per_s'], ' MB/s', 1)}",
            "",
            "",
        ),
        (
            "pipeline, 1 process",
            f"{_fmt(single['docs_per_s'], ' docs/s', 1)}, {_fmt(single['mb_per_s'], ' MB/s')}"
            + beside_floor(single["mb_per_s"]),
            f"≥ {GOAL_MB_S_PER_CORE} MB/s",
            _check(single["mb_per_s"] >= GOAL_MB_S_PER_CORE),
        ),
        (
            f"pipeline, {pool['workers']} processes",
            f"{_fmt(pool['docs_per_s'], ' docs/s', 1)}, {_fmt(pool['mb_per_s'], ' MB/s')}",
            "",
            "",
        ),
        (
            "  per core",
            _fmt(pool["mb_per_s_per_core"], " MB/s") + beside_floor(pool["mb_per_s_per_core"]),
            f"≥ {GOAL_MB_S_PER_CORE} MB/s",
            _check(pool["mb_per_s_per_core"] >= GOAL_MB_S_PER_CORE),
        ),
        ("  speed-up over 1 process", _fmt(pool["speedup"], "×"), "", ""),
        ("ratio pipeline / floor (1 process)", _fmt(res["ratio_pipeline_to_floor"], "×", 1), "", ""),
        (
            "latency p50 / p95 / max",
            " / ".join(_fmt(single.get("latency_ms", {}).get(k), " ms", 1) for k in ("p50", "p95", "max")),
            "",
            "",
        ),
        (
            "extraction errors",
            f"{single['errors']} (1 proc), {pool['errors']} (pool)",
            "0",
            _check(single["errors"] == 0 and pool["errors"] == 0),
        ),
    ]
    big = f"big input {mem['input_bytes'] / MB:.1f} MB ({mem.get('built_from', 'seeds')})"
    if mem.get("error"):
        rows.append((big, f"FAILED: {mem['error']}", "", "BELOW GOAL"))
    else:
        rows += [
            (
                f"{big}: time",
                f"{_fmt(mem['seconds'], ' s')}, {_fmt(mem['mb_per_s'], ' MB/s')}",
                "",
                "",
            ),
            (
                "  peak RSS - baseline after imports",
                _fmt(mem["peak_rss_delta_mb"], " MB", 1),
                f"< {GOAL_PEAK_MB:.0f} MB",
                _check(mem["peak_rss_delta_mb"] < GOAL_PEAK_MB),
            ),
            (
                "  peak RSS, absolute",
                f"{_fmt(mem['peak_rss_mb'], ' MB', 1)} (baseline {_fmt(mem['baseline_rss_mb'], ' MB', 1)})",
                f"< {GOAL_PEAK_MB:.0f} MB",
                _check(mem["peak_rss_mb"] < GOAL_PEAK_MB),
            ),
        ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    heads = ("measure", "value", "goal", "")
    widths = [max(w, len(h)) for w, h in zip(widths, heads, strict=True)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths[:3]),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    if single["error_examples"]:
        lines.append("first errors: " + "; ".join(single["error_examples"][:3]))
    slow = ", ".join(f"{s['file']} {s['ms']:.0f} ms" for s in single.get("slowest", [])[:3])
    if slow:
        lines.append(f"slowest (1 process): {slow}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark hoptac extraction speed and peak memory.")
    parser.add_argument("--count", type=int, default=None, help="corpus size (default 2000; 200 with --quick)")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="the *.txt and *.md documents in DIR (a corpus is generated there if it holds none);"
        f" default {DEFAULT_LEGAL_DB} when it exists",
    )
    parser.add_argument(
        "--generated",
        action="store_true",
        help="the generated corpus of recombined seeds (bench/make_corpus.py) instead of legal-db",
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents of a real corpus")
    parser.add_argument(
        "--big-from",
        choices=("corpus", "seeds"),
        default=None,
        help="what the big input concatenates (default: the corpus's documents when they are real, else the seeds)",
    )
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 200 documents (the first 200 real ones), 2 MB big input"
    )
    parser.add_argument(
        "--big-mb", type=float, default=None, help="size limit of the big input (default 20; 2 with --quick)"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="pool size (default os.cpu_count())")
    parser.add_argument("--timeout", type=float, default=1800.0, help="time limit for the big input, s (default 1800)")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="JSON output (default bench/out/extract_speed.json)"
    )
    args = parser.parse_args(argv)
    if args.count is None:
        args.count = 200 if args.quick else 2000
    if args.quick and args.limit is None:
        args.limit = 200
    big_mb = args.big_mb if args.big_mb is not None else (2.0 if args.quick else 20.0)
    limit = int(big_mb * MB)

    command = shlex.join(getattr(sys, "orig_argv", [sys.executable, *sys.argv]))
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    header_load = _load()
    header = [
        f"command: {command}",
        f"cwd: {os.getcwd()}",
        f"started: {started}   python {platform.python_version()}   {platform.platform()}",
        f"cpus: {os.cpu_count()}   load average: {header_load}   git: {_git_commit() or 'unknown'}",
    ]
    print("\n".join(header), flush=True)

    paths, corpus = prepare_corpus(args)
    print(
        f"corpus: {corpus['documents']} {'real' if corpus['real_documents'] else 'generated'} documents,"
        f" {corpus['mb']:.1f} MB in {corpus['dir']} ({'generated' if corpus.get('generated') else 'reused'})",
        flush=True,
    )
    for p in paths:  # warm the page cache so that every pass reads from memory
        Path(p).read_bytes()

    print("measuring floor (read + NFC) ...", flush=True)
    floor = measure_floor(paths)
    print("measuring one process ...", flush=True)
    single = measure_single(paths)
    print(f"measuring {args.workers} processes ...", flush=True)
    pool = measure_pool(paths, args.workers)
    pool["speedup"] = single["seconds"] / pool["seconds"]
    print(f"measuring peak memory on a {big_mb:g} MB input ...", flush=True)
    big_from = args.big_from or ("corpus" if corpus["real_documents"] else "seeds")
    sources = [Path(p) for p in paths] if big_from == "corpus" else None
    label = f"{Path(corpus['dir']).name} documents" if big_from == "corpus" else "seeds"
    memory = measure_memory(limit, args.timeout, sources, label)

    result: dict[str, Any] = {
        "benchmark": "extract_speed",
        "command": command,
        "started": started,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "load_average_start": header_load,
        "load_average_end": _load(),
        "git_commit": _git_commit(),
        "mb": "2**20 bytes",
        "corpus": corpus,
        "floor": floor,
        "single": single,
        "pool": pool,
        "ratio_pipeline_to_floor": single["seconds"] / floor["seconds"],
        "ratio_per_core_to_floor": floor["mb_per_s"] / max(pool["mb_per_s_per_core"], 1e-9),
        "memory": memory,
        "goals": {"mb_per_s_per_core": GOAL_MB_S_PER_CORE, "peak_rss_mb": GOAL_PEAK_MB},
    }
    result["meets_goals"] = {
        "mb_per_s_per_core": single["mb_per_s"] >= GOAL_MB_S_PER_CORE
        and pool["mb_per_s_per_core"] >= GOAL_MB_S_PER_CORE,
        "peak_rss_mb": not memory.get("error") and memory["peak_rss_mb"] < GOAL_PEAK_MB,
        "no_errors": single["errors"] == 0 and pool["errors"] == 0 and not memory.get("error"),
    }
    print()
    print(report(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
