"""Load benchmark of the records system at national scale, on SQLite or PostgreSQL.

    python bench/load_records.py                 # 34 provinces x 200 agreements, 1,000,000 occurrences
    python bench/load_records.py --scale 0.01    # a hundredth of that, for a quick look
    HOPTAC_DATABASE_URL=postgresql://... python bench/load_records.py

Fills a fresh database (``--data-dir``, a temporary directory by default) with generated records,
starts ``hoptac serve`` on a free loopback port, and has ``--clients`` concurrent clients request the
dashboard, a filtered task list and the API task list as officers of random provinces. Prints p50/p95
per page and exits 1 when a p95 is over ``--goal-ms`` (300 ms). Traffic goes to 127.0.0.1 only; every
loop is bounded by ``--requests``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

PROVINCES = 34
AGREEMENTS = 200
OCCURRENCES = 1_000_000
# Five plan years ending next year, so that some occurrences are overdue, some due this month and some ahead.
YEARS = (date.today().year - 3, date.today().year + 1)
AGENCIES = 40


def populate(scale: float, seed: int, out: Any) -> None:
    """Generated records, and one officer per office (``canbo00``, ``canbo01``, …)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from hoptac.records.models import (
        Agency,
        Agreement,
        Document,
        Occurrence,
        Office,
        Partner,
        Plan,
        Profile,
        Task,
    )

    rng = random.Random(seed)
    # --scale keeps each province national-sized and takes fewer provinces (at least one).
    provinces = max(1, round(PROVINCES * scale))
    agreements = AGREEMENTS
    years = YEARS[1] - YEARS[0] + 1
    tasks_per_plan = math.ceil(OCCURRENCES / PROVINCES / agreements / years)
    User = get_user_model()
    started = time.perf_counter()
    for p in range(provinces):
        with transaction.atomic():
            office = Office.objects.create(code=f"tinh-{p:02d}", name=f"Sở Ngoại vụ tỉnh {p:02d}")
            agencies = Agency.objects.bulk_create(
                [Agency(office=office, name=f"Sở số {a:02d}", key=f"so so {a:02d}") for a in range(AGENCIES)]
            )
            partners = Partner.objects.bulk_create(
                [
                    Partner(
                        office=office,
                        name=f"tỉnh Đối tác {i}",
                        key=f"doitac{i}",
                        country="LA",
                        level="province",
                    )
                    for i in range(max(1, agreements // 10))
                ]
            )
            docs = Document.objects.bulk_create(
                [
                    Document(
                        office=office,
                        filename=f"kh-{p}-{i}.txt",
                        sha256=f"{p:04d}{i:060d}",
                        kind="ke_hoach",
                        title=f"Kế hoạch số {i}",
                        reviewed=True,
                    )
                    for i in range(agreements)
                ]
            )
            ags = Agreement.objects.bulk_create(
                [
                    Agreement(
                        office=office,
                        title=f"Thỏa thuận {i}",
                        start_year=YEARS[0],
                        end_year=YEARS[1],
                        status="in_force",
                    )
                    for i in range(agreements)
                ]
            )
            plans = Plan.objects.bulk_create(
                [
                    Plan(
                        office=office,
                        document=d,
                        title=d.title,
                        start_year=YEARS[0],
                        end_year=YEARS[1],
                        agreement=a,
                    )
                    for d, a in zip(docs, ags, strict=True)
                ]
            )
            Plan.partners.through.objects.bulk_create(
                [
                    Plan.partners.through(plan_id=pl.pk, partner_id=partners[i % len(partners)].pk)
                    for i, pl in enumerate(plans)
                ]
            )
            tasks = Task.objects.bulk_create(
                [
                    Task(
                        office=office,
                        plan=pl,
                        ref=f"II.{t}",
                        title=f"Nhiệm vụ {t} của kế hoạch {pl.pk}",
                        when={"yearly": True},
                        position=t,
                        status=rng.choice(["pending", "in_progress", "done"]),
                    )
                    for pl in plans
                    for t in range(tasks_per_plan)
                ],
                batch_size=2000,
            )
            Task.lead.through.objects.bulk_create(
                [Task.lead.through(task_id=t.pk, agency_id=rng.choice(agencies).pk) for t in tasks],
                batch_size=5000,
            )
            Task.support.through.objects.bulk_create(
                [Task.support.through(task_id=t.pk, agency_id=rng.choice(agencies).pk) for t in tasks],
                batch_size=5000,
            )
            Occurrence.objects.bulk_create(
                [
                    Occurrence(
                        office=office,
                        task=t,
                        year=y,
                        due=date(y, rng.randint(1, 12), 28),
                        status=rng.choice(["pending", "pending", "in_progress", "done"]),
                        percent=rng.randint(0, 100),
                    )
                    for t in tasks
                    for y in range(YEARS[0], YEARS[1] + 1)
                ],
                batch_size=5000,
            )
            user = User.objects.create_user(username=f"canbo{p:02d}", password="bench-password")
            Profile.objects.create(user=user, office=office, role="officer")
        print(
            f"  office {p + 1}/{provinces}: {len(tasks) * years} occurrences "
            f"({time.perf_counter() - started:.0f} s)",
            file=out,
            flush=True,
        )
    total = Occurrence.objects.count()
    print(
        f"populated {provinces} offices, {provinces * agreements} agreements, {total:,} occurrences "
        f"in {time.perf_counter() - started:.0f} s",
        file=out,
        flush=True,
    )


def prepare() -> str:
    """What an office's first dashboard view would do: compute the office's summary (hoptac.records.summary).
    The generated rows were written in bulk, past the audit log that marks summaries stale."""
    from hoptac.records import summary
    from hoptac.records.models import Office

    ids = list(Office.objects.values_list("pk", flat=True))
    for pk in ids:
        summary.refresh(pk)
    return f"dashboard summaries of {len(ids)} offices computed"


def sessions_for_officers() -> list[dict[str, Any]]:
    """Per generated office: its officer's new session cookie and API token, and ids to filter on."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from hoptac.records.models import Agency, ApiToken, Partner, Profile

    sessions: list[dict[str, Any]] = []
    users = get_user_model().objects.filter(username__startswith="canbo").order_by("username")
    for user in users:
        office_id = Profile.objects.get(user=user).office_id
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "hoptac.records.auth.ProfileBackend"  # as a real login records it
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        sessions.append(
            {
                "cookie": session.session_key,
                "token": ApiToken.issue(user).key,
                "agencies": list(Agency.objects.filter(office_id=office_id).values_list("pk", flat=True)),
                "partners": list(Partner.objects.filter(office_id=office_id).values_list("pk", flat=True)),
            }
        )
    return sessions


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fetch(url: str, headers: dict[str, str]) -> tuple[float, str | None]:
    """The time of one request in ms (a new connection each, as separate browsers make), and what went
    wrong: an HTTP status other than 200, a timeout. http.client rather than urllib: the clients share
    the server's two cores, so the lighter they are the less they weigh on what is measured."""
    parts = urllib.parse.urlsplit(url)
    start = time.perf_counter()
    error = None
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    try:
        conn.request("GET", f"{parts.path}?{parts.query}" if parts.query else parts.path, headers=headers)
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            error = f"HTTP {resp.status}"
    except OSError as exc:
        error = type(exc).__name__
    finally:
        conn.close()
    return (time.perf_counter() - start) * 1000, error


def run_load(
    base: str, sessions: list[dict[str, Any]], clients: int, requests: int, seed: int
) -> dict[str, Any]:
    rng = random.Random(seed)
    cookie = lambda s: {"Cookie": f"sessionid={s['cookie']}"}  # noqa: E731
    pages = {
        "dashboard": lambda s: (f"{base}/", cookie(s)),
        "task list (filtered)": lambda s: (
            f"{base}/tasks/?agency={rng.choice(s['agencies'])}&year={rng.randint(*YEARS)}&status=pending",
            cookie(s),
        ),
        "API task list": lambda s: (
            f"{base}/api/tasks?partner={rng.choice(s['partners'])}&limit=50",
            {"Authorization": f"Bearer {s['token']}"},
        ),
    }
    results: dict[str, Any] = {}
    for name, make in pages.items():
        jobs = [make(rng.choice(sessions)) for _ in range(requests)]
        # Warm up: every server thread opens its database connection and fills its caches once; a server
        # that has been up for a while has done that long ago.
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(lambda job: _fetch(*job), [make(rng.choice(sessions)) for _ in range(clients * 3)]))
        started, cpu = time.perf_counter(), time.process_time()
        with ThreadPoolExecutor(clients) as pool:
            answers = list(pool.map(lambda job: _fetch(*job), jobs))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        times = sorted(ms for ms, _ in answers)
        errors = [e for _, e in answers if e]
        results[name] = {
            "requests": len(times),
            "per_s": round(len(times) / elapsed, 1),
            "client_cpu_ms": round(cpu * 1000 / len(times), 2),
            "errors": len(errors),
            "first_error": errors[0] if errors else None,
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, math.ceil(len(times) * 0.95) - 1)], 1),
            "max_ms": round(times[-1], 1),
        }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="fraction of the 34 provinces to generate (default 1)"
    )
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--requests", type=int, default=400, help="requests per page (default 400)")
    parser.add_argument("--goal-ms", type=float, default=300.0, help="p95 goal in ms (default 300)")
    parser.add_argument(
        "--data-dir", type=Path, help="HOPTAC_DATA_DIR to fill (default: a new temporary one)"
    )
    parser.add_argument("--workers", type=int, help="server processes (default: hoptac serve's)")
    parser.add_argument("--threads", type=int, help="threads per server process (default: hoptac serve's)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the records already in --data-dir (from an earlier run)"
    )
    parser.add_argument("--json", type=Path, help="write the results here too")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 1 or args.clients < 1 or args.requests < 1:
        parser.error("--scale must be in (0, 1], --clients and --requests positive")
    if args.data_dir:
        return measure(args, args.data_dir)
    data_dir = Path(tempfile.mkdtemp(prefix="hoptac-bench-"))
    try:
        return measure(args, data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)  # the generated SQLite database: hundreds of MB


def measure(args: argparse.Namespace, data_dir: Path) -> int:
    os.environ["HOPTAC_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("HOPTAC_SECRET_KEY", "bench-secret-key-0123456789abcdefghijklmnopqrstuv")
    from hoptac.web import setup

    setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql" and not args.reuse:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from hoptac.records.models import Occurrence, Office

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {engine}; data: {data_dir}", file=sys.stderr)
    if args.reuse:
        if not Office.objects.filter(code__startswith="tinh-").exists():
            print(f"load_records: --reuse: {data_dir} holds no generated records", file=sys.stderr)
            return 2
        print(
            f"reusing {Office.objects.count()} offices, {Occurrence.objects.count():,} occurrences",
            file=sys.stderr,
        )
    else:
        if Office.objects.exists():
            print(f"load_records: {data_dir} holds records: give an empty --data-dir or --reuse", file=sys.stderr)
            return 2
        populate(args.scale, args.seed, sys.stderr)
    started = time.perf_counter()
    prepared = prepare()
    print(f"{prepared} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    sessions = sessions_for_officers()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    connection.close()
    port = _free_port()
    env = {**os.environ}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hoptac",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *(["--workers", str(args.workers)] if args.workers else []),
            *(["--threads", str(args.threads)] if args.threads else []),
        ],
        env=env,
        stderr=(data_dir / "serve.log").open("ab"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/login/", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None:
                    print("hoptac serve exited", file=sys.stderr)
                    return 2
                time.sleep(0.2)
        load_before = os.getloadavg()[0]
        results = run_load(base, sessions, args.clients, args.requests, args.seed)
        # This machine's other work competes for the same cores: say how busy it was.
        print(
            f"load average (1 min) before {load_before:.2f}, after {os.getloadavg()[0]:.2f}; "
            f"server: hoptac serve on 127.0.0.1, {os.cpu_count()} cores",
            file=sys.stderr,
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    ok = True
    print(
        f"{'page':<24} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'req/s':>7} {'errors':>7}  "
        f"goal p95 < {args.goal_ms:.0f} ms, no errors"
    )
    for name, r in results.items():
        good = r["p95_ms"] < args.goal_ms and not r["errors"]
        ok &= good
        print(
            f"{name:<24} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['max_ms']:>8} {r['per_s']:>7} {r['errors']:>7}  "
            f"{'ok' if good else 'OVER GOAL' if not r['errors'] else r['first_error']}"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {"database": engine, "scale": args.scale, "clients": args.clients, "results": results},
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
