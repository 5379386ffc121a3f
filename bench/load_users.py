"""Simulated users against ``hoptac serve`` on loopback: officers and agency reporters for a few minutes.

    python bench/load_users.py                          # PostgreSQL (throw-away cluster), 50 users, 300 s
    python bench/load_users.py --sqlite --duration 20 --users 6 --offices 1       # a quick look
    HOPTAC_DATABASE_URL=postgresql://... python bench/load_users.py               # an empty database of yours

1. Database: a throw-away PostgreSQL cluster (``.ci/postgres.sh``, stopped at the end), or the empty one
   named by ``HOPTAC_DATABASE_URL``, or SQLite in the data directory with ``--sqlite``.
2. Data: the demo office with the shipped sample documents (``hoptac.records.demo``), ``--offices``
   generated provinces (``load_records.populate``: 200 plans, 6,000 tasks and 30,000 occurrences each,
   indexed for search), and ``--users`` accounts with random passwords, spread over the offices: one in
   four an officer, the others reporters of agencies that lead tasks.
3. ``hoptac serve`` on a free 127.0.0.1 port (its default workers), then every user, in its own thread,
   signs in through the login form (CSRF cookie and token, password) and, until ``--duration`` is up,
   does what its role does, with 0.5-2 s of thinking between actions: officers open the dashboard, filter
   the task list, read tasks, partners and documents, search (with and without diacritics), sometimes
   report progress and upload a document (upload, review page, save); reporters list their tasks, read
   them and report progress through the task page (sometimes with an attached file) or through the API
   (``POST /api/token``, then ``POST /api/occurrences/<id>/reports``). Each user first does every one of
   its actions once, in random order, so that a short run covers them all.
4. Every request is timed; an error is an unexpected status (a page answers 200, a form 302), a
   connection error or a timeout. Each progress report carries a unique marker
   (``load-<user>-<n>-<hex>``); at the end the database is asked how often each marker is stored: every
   report the server accepted exactly once, none it refused, and those that timed out are listed with
   what happened to them. Uploaded documents are checked the same way (by content hash).

Prints a table per request kind (count, p50, p95, max, errors) and the checks; writes JSON to
``--json`` (``bench/out/load_users.json``). Exits 1 on any error, any report or document not stored
exactly once, 2 when it cannot set up.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import io
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SAMPLES = ROOT / "hoptac" / "samples"
THINK = (0.5, 2.0)
SERVER_LOG_ERRORS = ("Traceback", "Internal Server Error", "[ERROR]", "[CRITICAL]", "WORKER TIMEOUT")
RAMP_S = 30.0  # users arrive over the first RAMP_S seconds (at most a tenth of the run)

SEARCHES = [
    "Xay Sôm Bun",
    "xay som bun",
    "thông tin đối ngoại",
    "thong tin doi ngoai",
    "Bắc Giang",
    "bac giang",
    "Sở Văn hóa, Thể thao và Du lịch",
    "so van hoa",
    "hợp tác kinh tế",
    "hop tac kinh te",
    "Na Pô",
    "na po",
    "Quảng Tây",
    "quang tay",
    "hội đàm trực tuyến",
    "hoi dam truc tuyen",
    "Malypho",
    "Bản ghi nhớ hợp tác hữu nghị",
    "ban ghi nho",
    "giao lưu hữu nghị",
    "Cao Bằng",
    "cao bang",
    "489-CV/TU",
    "57-KL/TW",
    "Sở Ngoại vụ",
    "so ngoai vu",
    "Nhiệm vụ 12",
    "kế hoạch số 7",
    "Sở số 05",
    "tỉnh Đối tác 3",
    "doi tac",
    "đào tạo nguồn nhân lực",
    "dao tao",
    "Lào",
    "Trung Quốc",
]
REPORT_TEXTS = [
    "Đã phối hợp tổ chức đoàn công tác sang làm việc với tỉnh bạn.",
    "Đang triển khai; đã trao đổi văn bản với phía bạn về nội dung hợp tác.",
    "Hoàn thành hội nghị sơ kết; đã gửi báo cáo kết quả về Sở Ngoại vụ.",
    "Chưa triển khai do chờ ý kiến của phía bạn; dự kiến thực hiện trong quý tới.",
    "Đã tiếp đoàn đại biểu, ký biên bản ghi nhớ về giao lưu văn hóa, thể thao.",
]
AGENCY_NAMES = [
    "Sở Ngoại vụ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Kế hoạch và Đầu tư",
    "Sở Công Thương",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Bộ Chỉ huy Quân sự tỉnh",
    "Công an tỉnh",
    "Sở Nông nghiệp và Phát triển nông thôn",
]
TASK_TITLES = [
    "Tổ chức đoàn công tác của tỉnh sang thăm, làm việc tại tỉnh bạn",
    "Phối hợp tổ chức Hội nghị xúc tiến thương mại, đầu tư giữa hai tỉnh",
    "Trao đổi đoàn giáo viên, học sinh; tiếp nhận lưu học sinh sang học tập",
    "Tổ chức giao lưu văn hóa, thể thao nhân dịp kỷ niệm ngày thiết lập quan hệ",
    "Hỗ trợ đào tạo cán bộ, công chức trong lĩnh vực y tế",
    "Phối hợp quản lý biên giới, phòng chống tội phạm xuyên biên giới",
    "Xây dựng và triển khai chương trình thông tin đối ngoại",
]
PARTNERS = ["Xay Sôm Bun", "Luông Pha Bang", "Hủa Phăn", "Chăm Pa Sắc", "Viêng Chăn", "Quảng Tây", "Vân Nam"]


# --- arguments -------------------------------------------------------------------------------------------


def _positive(kind: type, low: float, high: float, what: str) -> Any:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what}: not a number: {text!r}") from None
        if not low <= value <= high:  # NaN too
            raise argparse.ArgumentTypeError(f"{what} must be between {low:g} and {high:g}, not {text}")
        return value

    return parse


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--duration", type=_positive(float, 5, 86400, "--duration"), default=300.0, help="seconds (default 300)"
    )
    parser.add_argument("--users", type=_positive(int, 1, 500, "--users"), default=50, help="simulated users (50)")
    parser.add_argument(
        "--offices",
        type=_positive(int, 0, 34, "--offices"),
        default=3,
        help="generated provinces beside the demo office, 30,000 occurrences each (default 3)",
    )
    parser.add_argument("--sqlite", action="store_true", help="SQLite in the data directory instead of PostgreSQL")
    parser.add_argument("--data-dir", type=Path, help="HOPTAC_DATA_DIR, empty or new; kept (default: temporary)")
    parser.add_argument("--json", type=Path, default=OUT / "load_users.json", help="results (%(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the data and the users' choices")
    parser.add_argument("--workers", type=_positive(int, 1, 64, "--workers"), help="hoptac serve --workers")
    parser.add_argument("--threads", type=_positive(int, 1, 64, "--threads"), help="hoptac serve --threads")
    parser.add_argument(
        "--timeout", type=_positive(float, 1, 600, "--timeout"), default=30.0, help="per request, s (30)"
    )
    args = parser.parse_args(argv)
    if args.data_dir is not None and args.data_dir.exists():
        if not args.data_dir.is_dir():
            parser.error(f"--data-dir {args.data_dir}: not a directory")
        if any(args.data_dir.iterdir()):
            parser.error(f"--data-dir {args.data_dir}: not empty (give a new or empty directory)")
    if args.json.exists() and args.json.is_dir():
        parser.error(f"--json {args.json}: is a directory")
    return args


# --- setting up ------------------------------------------------------------------------------------------


@dataclass
class Account:
    username: str
    password: str
    role: str  # "officer" or "reporter"
    office: str
    agencies: list[int] = field(default_factory=list)  # the office's, for the task list's filters
    partners: list[int] = field(default_factory=list)
    years: tuple[int, int] = (2020, 2030)


def _hash_all(passwords: list[str]) -> list[str]:
    """PBKDF2 at Django's default cost is ~0.3 s a password; hashlib releases the GIL while it works."""
    from django.contrib.auth.hashers import make_password

    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        return list(pool.map(make_password, passwords))


def create_data(args: argparse.Namespace, out: Any) -> tuple[list[Account], dict[str, Any]]:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Count

    from hoptac.records import demo
    from hoptac.records.models import Agency, Occurrence, Office, Partner, Profile, Task
    from hoptac.search import index

    sys.path.insert(0, str(ROOT / "bench"))
    import load_records

    started = time.perf_counter()
    demo.load(out)
    if args.offices:
        load_records.populate(args.offices / load_records.PROVINCES, args.seed, out)
        for office in Office.objects.filter(code__startswith="tinh-"):
            # populate writes in bulk, past the signals that index: index what a real office would have.
            index.rebuild(office)
    print(f"  {load_records.prepare()}", file=out)
    offices = list(Office.objects.order_by("code").exclude(code__startswith="tinh-")) + list(
        Office.objects.filter(code__startswith="tinh-").order_by("code")
    )
    leading: dict[int, list[int]] = {}
    for office in offices:
        leading[office.pk] = list(
            Agency.objects.filter(office=office)
            .annotate(n=Count("lead_tasks"))
            .filter(n__gt=0)
            .order_by("-n", "pk")
            .values_list("pk", flat=True)
        )
    rng = random.Random(args.seed)
    plan: list[tuple[str, str, Office, int | None]] = []
    per_office: Counter[int] = Counter()
    for i in range(args.users):
        office = offices[i % len(offices)]
        officer = (i // len(offices)) % 4 == 0 or not leading[office.pk]
        agency = None
        if not officer:
            agencies = leading[office.pk]
            agency = agencies[per_office[office.pk] % len(agencies)]
            per_office[office.pk] += 1
        role = "officer" if officer else "reporter"
        plan.append((f"load{i:03d}-{'cb' if officer else 'bc'}", role, office, agency))
    passwords = [f"{secrets.token_urlsafe(9)}-Mk{rng.randint(10, 99)}" for _ in plan]
    hashes = _hash_all(passwords)
    User = get_user_model()
    accounts: list[Account] = []
    years = (load_records.YEARS[0], load_records.YEARS[1])
    with transaction.atomic():
        for (username, role, office, agency), password, hashed in zip(plan, passwords, hashes, strict=True):
            user = User.objects.create(username=username, password=hashed, first_name=f"Người dùng {username}")
            Profile.objects.create(user=user, office=office, role=role, agency_id=agency)
            accounts.append(
                Account(
                    username,
                    password,
                    role,
                    office.code,
                    agencies=list(Agency.objects.filter(office=office).values_list("pk", flat=True)),
                    partners=list(Partner.objects.filter(office=office).values_list("pk", flat=True)),
                    years=years,
                )
            )
    data = {
        "offices": len(offices),
        "generated_offices": args.offices,
        "tasks": Task.objects.count(),
        "occurrences": Occurrence.objects.count(),
        "officers": sum(a.role == "officer" for a in accounts),
        "reporters": sum(a.role == "reporter" for a in accounts),
        "setup_s": round(time.perf_counter() - started, 1),
    }
    print(
        f"  {data['offices']} offices, {data['tasks']:,} tasks, {data['occurrences']:,} occurrences; "
        f"{data['officers']} officers and {data['reporters']} reporters ({data['setup_s']} s)",
        file=out,
        flush=True,
    )
    return accounts, data


# --- the clients -----------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("Location", "")).path


class Failed(Exception):
    """A request went wrong (already recorded). ``answered``: the server said no (an unexpected status);
    otherwise there was no answer (timeout, connection lost) and what the server did is not known."""

    def __init__(self, message: str, answered: bool) -> None:
        super().__init__(message)
        self.answered = answered

    @property
    def outcome(self) -> str:
        return "failed" if self.answered else "unknown"


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()
        self.samples: dict[str, list[str]] = defaultdict(list)

    def record(self, kind: str, ms: float, error: str | None) -> None:
        with self.lock:
            self.times[kind].append(ms)
            if error:
                self._error(kind, error)

    def fail(self, kind: str, error: str) -> None:
        """An error found after an answered request (a form missing from a page): counted, not timed."""
        with self.lock:
            self._error(kind, error)

    def _error(self, kind: str, error: str) -> None:
        self.errors[kind] += 1
        if len(self.samples[kind]) < 5:
            self.samples[kind].append(error)


@dataclass
class Submitted:
    marker: str
    user: str
    channel: str  # "form" or "api"
    occurrence: int
    outcome: str  # "ok", "failed" (the server said no) or "unknown" (no answer: timeout, connection lost)
    attachment: bool = False
    error: str = ""


@dataclass
class Uploaded:
    sha256: str
    user: str
    filename: str
    outcome: str
    document: int | None = None
    error: str = ""


class Shared:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reports: list[Submitted] = []
        self.uploads: list[Uploaded] = []

    def add_report(self, r: Submitted) -> None:
        with self.lock:
            self.reports.append(r)

    def add_upload(self, u: Uploaded) -> None:
        with self.lock:
            self.uploads.append(u)


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = f"----hoptacload{secrets.token_hex(12)}"
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode("utf-8") + b"\r\n")
    for name, (filename, data, ctype) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {ctype}\r\n\r\n".encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class FormInputs(HTMLParser):
    """The named inputs, textareas and selects of the first POST form with an ``action`` (the review form)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_form = False
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and a.get("method", "").lower() == "post" and "action" in a:
            self.in_form = True
        elif self.in_form and tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind == "checkbox":
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value") or "on"))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((a["name"], a.get("value", "")))
        elif self.in_form and tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text)))
            self._textarea = None
        elif tag == "form" and self.in_form:
            self.in_form, self.done = False, True


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
OCCURRENCE_SELECT = re.compile(r'<select name="occurrence"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')


def _links(page: str, prefix: str) -> list[int]:
    return [int(x) for x in re.findall(rf'href="/{prefix}/(\d+)/"', page)]


class User:
    def __init__(
        self, account: Account, base: str, stats: Stats, shared: Shared, rng: random.Random, timeout: float
    ) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.origin = base
        self.a = account
        self.stats = stats
        self.shared = shared
        self.rng = rng
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.token: str | None = None
        self.tasks: list[int] = []
        self.partner_ids: list[int] = []
        self.documents: list[int] = []
        self.n = 0

    # -- HTTP --

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        ctype: str | None = None,
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> Reply:
        h = {"Host": f"{self.host}:{self.port}", "Accept-Language": "vi", "User-Agent": "hoptac-load-users"}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            h["Origin"] = self.origin
            h["Referer"] = self.origin + path
            h["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        if ctype:
            h["Content-Type"] = ctype
        h.update(headers or {})
        start = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            data = resp.read()
            reply = Reply(resp.status, resp.headers, data)
        except (OSError, http.client.HTTPException) as exc:
            ms = (time.perf_counter() - start) * 1000
            error = f"{method} {path}: {type(exc).__name__}: {exc}"
            self.stats.record(kind, ms, error)
            raise Failed(error, False) from None
        finally:
            conn.close()
        ms = (time.perf_counter() - start) * 1000
        for raw in reply.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if reply.status not in expect:
            where = f" -> {reply.headers.get('Location')}" if reply.status in (301, 302, 303) else ""
            snippet = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", reply.text))[:160].strip()
            error = f"{method} {path}: HTTP {reply.status}{where} {snippet}"
            self.stats.record(kind, ms, error)
            raise Failed(error, True)
        self.stats.record(kind, ms, None)
        return reply

    def get(self, kind: str, path: str) -> str:
        return self.request(kind, "GET", path).text

    def post_form(self, kind: str, path: str, fields: dict[str, str] | list[tuple[str, str]]) -> Reply:
        body = urllib.parse.urlencode(fields).encode()
        return self.request(kind, "POST", path, body=body, ctype="application/x-www-form-urlencoded", expect=(302,))

    def api(self, kind: str, method: str, path: str, payload: Any = None, expect: tuple[int, ...] = (200,)) -> Any:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = json.dumps(payload).encode() if payload is not None else None
        reply = self.request(
            kind, method, path, body=body, ctype="application/json" if body else None, headers=headers, expect=expect
        )
        return json.loads(reply.body)

    # -- actions --

    def login(self) -> None:
        page = self.get("login (GET)", "/login/")
        token = CSRF_INPUT.search(page)
        if not token:
            self.stats.fail("login (GET)", "no csrfmiddlewaretoken on the login page")
            raise Failed("no csrf token", True)
        reply = self.post_form(
            "login (POST)",
            "/login/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "username": self.a.username,
                "password": self.a.password,
                "next": "",
            },
        )
        if reply.location != "/" or "sessionid" not in self.cookies:
            self.stats.fail("login (POST)", f"login: redirected to {reply.location!r}, no session")
            raise Failed("login refused", True)

    def dashboard(self) -> None:
        self.get("dashboard", "/")

    def task_list(self) -> None:
        params: dict[str, Any] = {}
        if self.a.role == "officer":
            r = self.rng.random()
            if r < 0.4 and self.a.agencies:
                params["agency"] = self.rng.choice(self.a.agencies)
            elif r < 0.6 and self.a.partners:
                params["partner"] = self.rng.choice(self.a.partners)
            if self.rng.random() < 0.5:
                params["year"] = self.rng.randint(*self.a.years)
            if self.rng.random() < 0.5:
                params["status"] = self.rng.choice(["pending", "in_progress", "done"])
            if self.rng.random() < 0.2:
                params["page"] = self.rng.randint(2, 4)
        elif self.rng.random() < 0.3:
            params["status"] = self.rng.choice(["pending", "in_progress"])
        page = self.get("task list", "/tasks/" + (f"?{urllib.parse.urlencode(params)}" if params else ""))
        found = _links(page, "tasks")
        if found:
            self.tasks = found
        elif not self.tasks and params:
            self.tasks = _links(self.get("task list", "/tasks/"), "tasks")

    def _a_task(self) -> int | None:
        if not self.tasks:
            self.task_list()
        return self.rng.choice(self.tasks) if self.tasks else None

    def task_detail(self) -> None:
        pk = self._a_task()
        if pk is not None:
            self.get("task detail", f"/tasks/{pk}/")

    def partners(self) -> None:
        self.partner_ids = _links(self.get("partner list", "/partners/"), "partners") or self.partner_ids

    def partner_detail(self) -> None:
        if not self.partner_ids:
            self.partners()
        if self.partner_ids:
            self.get("partner detail", f"/partners/{self.rng.choice(self.partner_ids)}/")

    def documents_list(self) -> None:
        self.documents = _links(self.get("document list", "/documents/"), "documents") or self.documents

    def document_detail(self) -> None:
        if not self.documents:
            self.documents_list()
        if self.documents:
            self.get("document detail", f"/documents/{self.rng.choice(self.documents)}/")

    def search(self) -> None:
        params: dict[str, Any] = {"q": self.rng.choice(SEARCHES)}
        if self.a.role == "officer" and self.rng.random() < 0.2:
            params["kind"] = self.rng.choice(["document", "task", "partner"])
        if self.rng.random() < 0.1:
            params["year"] = self.rng.randint(2021, 2026)
        self.get("search", "/search/?" + urllib.parse.urlencode(params))

    def _marker(self) -> str:
        self.n += 1
        return f"load-{self.a.username}-{self.n}-{uuid.uuid4().hex[:12]}"

    def _report_values(self, marker: str) -> tuple[str, int, str]:
        status = self.rng.choice(["pending", "in_progress", "in_progress", "in_progress", "done"])
        percent = {"pending": 0, "done": 100}.get(status, self.rng.randint(5, 95))
        return status, percent, f"{marker} {self.rng.choice(REPORT_TEXTS)} ({percent}%)"

    def report_form(self) -> None:
        pk = self._a_task()
        if pk is None:
            return
        path = f"/tasks/{pk}/"
        page = self.get("task detail", path)
        select = OCCURRENCE_SELECT.search(page)
        token = CSRF_INPUT.search(page)
        if not select or not token:
            self.stats.fail("report (form)", f"{path}: no report form")
            return
        occurrences = [int(x) for x in OPTION.findall(select.group(1))]
        if not occurrences:
            return
        occurrence = self.rng.choice(occurrences)
        marker = self._marker()
        status, percent, text = self._report_values(marker)
        fields = {
            "csrfmiddlewaretoken": token.group(1),
            "occurrence": str(occurrence),
            "status": status,
            "percent": str(percent),
            "text": text,
        }
        attach = self.rng.random() < 0.25
        record = Submitted(marker, self.a.username, "form", occurrence, "ok", attachment=attach)
        try:
            if attach:
                content = f"Biên bản làm việc kèm báo cáo {marker}\n{text}\n".encode()
                body, ctype = _multipart(fields, {"attachment": (f"bien-ban-{self.n}.txt", content, "text/plain")})
                reply = self.request("report (form)", "POST", path, body=body, ctype=ctype, expect=(302,))
            else:
                reply = self.post_form("report (form)", path, fields)
            if reply.location != path:
                record.outcome, record.error = "failed", f"redirected to {reply.location}"
        except Failed as exc:
            record.outcome, record.error = exc.outcome, str(exc)
        self.shared.add_report(record)
        if record.outcome == "ok":
            self.get("task detail", path)  # the browser follows the redirect

    def report_api(self) -> None:
        if self.token is None:
            self.token = self.api(
                "API token", "POST", "/api/token", {"username": self.a.username, "password": self.a.password}
            )["token"]
        tasks = self.api("API tasks", "GET", f"/api/tasks?limit=50&offset={self.rng.choice([0, 0, 0, 50])}")
        items = tasks["items"] or self.api("API tasks", "GET", "/api/tasks?limit=50")["items"]
        if not items:
            return
        task = self.rng.choice(items)["id"]
        occ = self.api("API occurrences", "GET", f"/api/occurrences?task={task}")["items"]
        if not occ:
            return
        occurrence = self.rng.choice(occ)["id"]
        marker = self._marker()
        status, percent, text = self._report_values(marker)
        record = Submitted(marker, self.a.username, "api", occurrence, "ok")
        try:
            self.api(
                "report (API)",
                "POST",
                f"/api/occurrences/{occurrence}/reports",
                {"status": status, "percent": percent, "text": text},
                expect=(201,),
            )
        except Failed as exc:
            record.outcome, record.error = exc.outcome, str(exc)
        self.shared.add_report(record)

    def upload(self) -> None:
        page = self.get("upload page", "/upload/")
        token = CSRF_INPUT.search(page)
        if not token:
            self.stats.fail("upload", "no csrf token on /upload/")
            return
        self.n += 1
        filename, data, ctype = make_upload(self.rng, f"{self.a.username}-{self.n}-{uuid.uuid4().hex[:8]}")
        record = Uploaded(hashlib.sha256(data).hexdigest(), self.a.username, filename, "ok")
        try:
            body, mtype = _multipart({"csrfmiddlewaretoken": token.group(1)}, {"file": (filename, data, ctype)})
            reply = self.request("upload", "POST", "/upload/", body=body, ctype=mtype, expect=(302,))
            review = reply.location
            if not review.startswith("/upload/"):
                record.outcome, record.error = "failed", f"upload redirected to {review} (already stored?)"
                self.stats.fail("upload", f"{filename}: {record.error}")
            else:
                form = FormInputs()
                form.feed(self.get("upload review", review))
                fields = form.fields
                if not any(k == "csrfmiddlewaretoken" for k, _ in fields):
                    fields.append(("csrfmiddlewaretoken", self.cookies.get("csrftoken", "")))
                saved = self.post_form("upload save", review, fields)
                if saved.location.startswith("/documents/"):
                    record.document = int(saved.location.strip("/").split("/")[-1])
                    self.get("document detail", saved.location)
                else:
                    record.outcome, record.error = "failed", f"saved to {saved.location}"
        except Failed as exc:
            record.outcome, record.error = exc.outcome, str(exc)
        self.shared.add_upload(record)

    def actions(self) -> list[tuple[Any, int]]:
        if self.a.role == "officer":
            return [
                (self.dashboard, 14),
                (self.task_list, 20),
                (self.task_detail, 14),
                (self.partners, 4),
                (self.partner_detail, 7),
                (self.documents_list, 4),
                (self.document_detail, 4),
                (self.search, 22),
                (self.report_form, 8),
                (self.upload, 3),
            ]
        return [
            (self.dashboard, 12),
            (self.task_list, 18),
            (self.task_detail, 18),
            (self.search, 10),
            (self.report_form, 28),
            (self.report_api, 14),
        ]

    def run(self, start_at: float, deadline: float) -> None:
        time.sleep(max(0.0, start_at - time.monotonic()))
        for _attempt in range(3):
            try:
                self.login()
                break
            except Failed:
                time.sleep(2)
        else:
            return
        weighted = self.actions()
        tour = [action for action, _ in weighted]
        self.rng.shuffle(tour)
        actions, weights = zip(*weighted, strict=True)
        while time.monotonic() < deadline:
            action = tour.pop() if tour else self.rng.choices(actions, weights)[0]
            try:
                action()
            except Failed:
                pass  # recorded already; the user goes on
            except Exception as exc:  # a bug of this script, or a page it cannot read: count it
                self.stats.fail("client", f"{action.__name__}: {type(exc).__name__}: {exc}")
            time.sleep(min(self.rng.uniform(*THINK), max(0.0, deadline - time.monotonic())))


def make_upload(rng: random.Random, tag: str) -> tuple[str, bytes, str]:
    """A small plan: a generated .txt (most), a generated .docx, or a sample plan with its own number."""
    year = rng.randint(2024, 2027)
    partner = rng.choice(PARTNERS)
    number = rng.randint(1, 999)
    tasks = rng.sample(TASK_TITLES, rng.randint(2, 5))
    lines = [
        "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG",
        f"Số: {number}/KH-UBND",
        f"Bắc Giang, ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} năm {year - 1}",
        "KẾ HOẠCH",
        f"Thực hiện Thỏa thuận hợp tác với tỉnh {partner} năm {year} (mã tải lên {tag})",
        "I. MỤC ĐÍCH, YÊU CẦU",
        f"Cụ thể hóa nội dung hợp tác giữa tỉnh Bắc Giang và tỉnh {partner} trong năm {year}.",
        "II. NỘI DUNG",
    ]
    for i, title in enumerate(tasks, 1):
        lead, support = rng.sample(AGENCY_NAMES, 2)
        lines.append(f"{i}. {title}.")
        lines.append(f"- Cơ quan chủ trì: {lead}; cơ quan phối hợp: {support}.")
        lines.append(f"- Thời gian thực hiện: Quý {rng.choice(['I', 'II', 'III', 'IV'])}/{year}.")
    lines += ["III. TỔ CHỨC THỰC HIỆN", "Sở Ngoại vụ theo dõi, tổng hợp, báo cáo UBND tỉnh.", "CHỦ TỊCH"]
    r = rng.random()
    if r < 0.2:
        import docx

        d = docx.Document()
        for line in lines:
            d.add_paragraph(line)
        buf = io.BytesIO()
        d.save(buf)
        ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        return f"ke-hoach-{tag}.docx", buf.getvalue(), ctype
    if r < 0.35:
        seed = (SAMPLES / "001_f97b477c60d4a584.txt").read_text(encoding="utf-8")
        text = seed.replace("Số: /KH-UBND", f"Số: {number}/KH-UBND", 1) + f"\n\nGhi chú: mã tải lên {tag}.\n"
        return f"ke-hoach-mau-{tag}.txt", text.encode("utf-8"), "text/plain"
    return f"ke-hoach-{tag}.txt", "\n\n".join(lines).encode("utf-8"), "text/plain"


# --- the server ------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _cpu_s(pid: int) -> float:
    """CPU seconds of a process and its descendants, the live ones and those already reaped."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    own = sum(int(x) for x in fields[11:15]) / tick  # utime, stime, cutime, cstime
    return own + sum(_cpu_s(child) for child in _children(pid))


def _postmaster(pg_dir: str | None) -> int | None:
    """The PostgreSQL server's process, when it is the throw-away cluster of this run."""
    if not pg_dir:
        return None
    try:
        return int((Path(pg_dir) / "data" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class LoadMonitor(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(5):
            self.samples.append(os.getloadavg()[0])


# --- the run ---------------------------------------------------------------------------------------------


def _pct(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(len(ordered) * q) - 1)]


def summarise(stats: Stats) -> dict[str, Any]:
    kinds = {}
    for kind in sorted(stats.times):
        t = stats.times[kind]
        kinds[kind] = {
            "requests": len(t),
            "errors": stats.errors[kind],
            "p50_ms": round(statistics.median(t), 1),
            "p95_ms": round(_pct(t, 0.95), 1),
            "max_ms": round(max(t), 1),
            "error_samples": stats.samples[kind],
        }
    for kind in stats.errors:  # errors recorded without a request (a page without its form)
        kinds.setdefault(kind, {"requests": 0, "errors": stats.errors[kind], "error_samples": stats.samples[kind]})
    return kinds


def check_reports(shared: Shared) -> dict[str, Any]:
    from hoptac.records.models import Document, ProgressReport

    stored: Counter[str] = Counter()
    attachments: dict[str, bool] = {}
    for text, attachment in ProgressReport.objects.filter(text__startswith="load-").values_list("text", "attachment"):
        marker = text.split()[0]
        stored[marker] += 1
        attachments[marker] = bool(attachment)
    sent = {r.marker: r for r in shared.reports}
    ok = [r for r in shared.reports if r.outcome == "ok"]
    failed = [r for r in shared.reports if r.outcome == "failed"]
    unknown = [r for r in shared.reports if r.outcome == "unknown"]
    reports = {
        "accepted": len(ok),
        "by_channel": dict(Counter(r.channel for r in ok)),
        "with_attachment": sum(r.attachment for r in ok),
        "stored_exactly_once": sum(stored[r.marker] == 1 for r in ok),
        "missing": [r.marker for r in ok if stored[r.marker] == 0],
        "duplicates": sorted(m for m, n in stored.items() if n > 1),
        "attachment_lost": [r.marker for r in ok if r.attachment and not attachments.get(r.marker)],
        "refused": len(failed),
        "refused_but_stored": [r.marker for r in failed if stored[r.marker]],
        "refused_samples": [r.error for r in failed[:5]],
        "no_answer": len(unknown),
        "no_answer_stored": [r.marker for r in unknown if stored[r.marker] == 1],
        "no_answer_not_stored": [r.marker for r in unknown if stored[r.marker] == 0],
        "unexpected": sorted(m for m in stored if m not in sent),
        "stored_total": sum(stored.values()),
    }
    docs = Counter(
        Document.objects.filter(sha256__in=[u.sha256 for u in shared.uploads]).values_list("sha256", flat=True)
    )
    saved = [u for u in shared.uploads if u.outcome == "ok"]
    uploads = {
        "saved": len(saved),
        "stored_exactly_once": sum(docs[u.sha256] == 1 for u in saved),
        "missing": [u.filename for u in saved if docs[u.sha256] == 0],
        "duplicates": sorted(h for h, n in docs.items() if n > 1),
        "not_saved": [f"{u.filename}: {u.error}" for u in shared.uploads if u.outcome != "ok"][:10],
    }
    return {"reports": reports, "uploads": uploads}


def run(args: argparse.Namespace, data_dir: Path, database_url: str, pg_dir: str | None) -> int:
    os.environ["HOPTAC_DATA_DIR"] = str(data_dir)
    os.environ["HOPTAC_DATABASE_URL"] = database_url
    os.environ.setdefault("HOPTAC_SECRET_KEY", "load-users-secret-key-0123456789abcdefghijklmnop")
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)
    from hoptac.web import setup

    setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from hoptac.records.models import Office

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    if Office.objects.exists():
        print(f"load_users: the database ({engine}) holds records: give an empty one", file=sys.stderr)
        return 2
    print(f"database: {engine}; data: {data_dir}", file=sys.stderr)
    accounts, data = create_data(args, sys.stderr)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    connection.close()

    port = _free_port()
    log_path = data_dir / "serve.log"
    command = [
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
    ]
    with log_path.open("ab") as log:
        server = subprocess.Popen(command, env=dict(os.environ), stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    stats, shared = Stats(), Shared()
    monitor = LoadMonitor()
    workers: list[int] = []
    server_cpu, database_cpu, client_cpu = 0.0, None, 0.0
    try:
        up = time.monotonic()
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/login/")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
                conn.close()
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() - up > 120:
                print(f"load_users: hoptac serve did not start; see {log_path}:", file=sys.stderr)
                print(log_path.read_text(errors="replace")[-3000:], file=sys.stderr)
                return 2
            time.sleep(0.2)
        workers = _children(server.pid)
        postmaster = _postmaster(pg_dir)
        cpu_before = _cpu_s(server.pid), _cpu_s(postmaster) if postmaster else 0.0, time.process_time()
        load_before = os.getloadavg()[0]
        monitor.start()
        print(
            f"hoptac serve on {base} (pid {server.pid}, {len(workers)} workers); "
            f"{args.users} users for {args.duration:g} s ...",
            file=sys.stderr,
            flush=True,
        )
        started = time.monotonic()
        deadline = started + args.duration
        ramp = min(RAMP_S, args.duration / 10)
        users = [
            User(a, base, stats, shared, random.Random(f"{args.seed}-{i}"), args.timeout)
            for i, a in enumerate(accounts)
        ]
        threads = [
            threading.Thread(target=u.run, args=(started + ramp * i / len(users), deadline), daemon=True)
            for i, u in enumerate(users)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=max(1.0, deadline - time.monotonic()) + args.timeout * 4 + 60)
        elapsed = time.monotonic() - started
        stragglers = sum(t.is_alive() for t in threads)
        monitor.stop.set()
        workers = _children(server.pid) or workers  # at start-up gunicorn may not have forked them all yet
        server_cpu = _cpu_s(server.pid) - cpu_before[0]
        database_cpu = (_cpu_s(postmaster) - cpu_before[1]) if postmaster else None
        client_cpu = time.process_time() - cpu_before[2]
        load_after = os.getloadavg()[0]
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    if stragglers:
        stats.fail("client", f"{stragglers} users still busy after the run")
    kinds = summarise(stats)
    checks = check_reports(shared)
    log_text = log_path.read_text(errors="replace")
    log_errors = [line for line in log_text.splitlines() if any(m in line for m in SERVER_LOG_ERRORS)]
    total = [ms for t in stats.times.values() for ms in t]
    errors = sum(stats.errors.values())
    result: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "git": _git(),
        "database": engine,
        "users": args.users,
        "duration_s": args.duration,
        "elapsed_s": round(elapsed, 1),
        "seed": args.seed,
        "data": data,
        "server": {
            "workers": len(workers),
            "threads": args.threads or 1,
            "requests": len(total),
            "requests_per_s": round(len(total) / elapsed, 1),
            "cpu_s": round(server_cpu, 1),
            "cpu_ms_per_request": round(server_cpu * 1000 / max(1, len(total)), 1),
            "database_cpu_s": None if database_cpu is None else round(database_cpu, 1),
            "client_cpu_s": round(client_cpu, 1),
            "log_errors": len(log_errors),
            "log_samples": log_errors[:5],
        },
        "load_average": {
            "before": round(load_before, 2),
            "max": round(max(monitor.samples or [load_after]), 2),
            "mean": round(statistics.mean(monitor.samples or [load_after]), 2),
            "after": round(load_after, 2),
        },
        "totals": {
            "requests": len(total),
            "errors": errors,
            "p50_ms": round(statistics.median(total), 1) if total else None,
            "p95_ms": round(_pct(total, 0.95), 1) if total else None,
            "max_ms": round(max(total), 1) if total else None,
        },
        "kinds": kinds,
        **checks,
    }
    r, u = checks["reports"], checks["uploads"]
    problems = [
        *([f"{errors} request errors"] if errors else []),
        *([f"{len(r['missing'])} accepted reports not stored"] if r["missing"] else []),
        *([f"{len(r['duplicates'])} reports stored more than once"] if r["duplicates"] else []),
        *([f"{len(r['refused_but_stored'])} refused reports stored"] if r["refused_but_stored"] else []),
        *([f"{len(r['unexpected'])} stored reports nobody sent"] if r["unexpected"] else []),
        *([f"{len(r['attachment_lost'])} attachments lost"] if r["attachment_lost"] else []),
        *([f"{len(u['missing'])} saved uploads not stored"] if u["missing"] else []),
        *([f"{len(u['duplicates'])} uploads stored more than once"] if u["duplicates"] else []),
        *([f"{result['server']['log_errors']} errors in the server log"] if log_errors else []),
        *([f"{stragglers} users still busy"] if stragglers else []),
    ]
    result["problems"] = problems
    result["ok"] = not problems
    print_table(result)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"JSON: {args.json}")
    return 0 if result["ok"] else 1


def print_table(result: dict[str, Any]) -> None:
    s, la, d = result["server"], result["load_average"], result["data"]
    print(f"$ {result['command']}")
    print(
        f"python {result['python']} · {result['cpus']} CPUs · git {result['git']} · database {result['database']} · "
        f"{d['offices']} offices, {d['occurrences']:,} occurrences · {result['users']} users "
        f"({d['officers']} officers, {d['reporters']} reporters) for {result['elapsed_s']} s"
    )
    print(
        f"server: hoptac serve, {s['workers']} workers x {s['threads']} thread(s); {s['requests']:,} requests, "
        f"{s['requests_per_s']} req/s; CPU s: server {s['cpu_s']} ({s['cpu_ms_per_request']} ms/request), "
        f"PostgreSQL {'-' if s['database_cpu_s'] is None else s['database_cpu_s']}, clients {s['client_cpu_s']}"
    )
    print(f"load average (1 min) before {la['before']}, mean {la['mean']}, max {la['max']}, after {la['after']}")
    print()
    print(f"{'request':<18} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>7}")
    for kind, k in result["kinds"].items():
        if not k["requests"]:
            print(f"{kind:<18} {0:>7} {'':>8} {'':>8} {'':>8} {k['errors']:>7}")
            continue
        print(f"{kind:<18} {k['requests']:>7} {k['p50_ms']:>8} {k['p95_ms']:>8} {k['max_ms']:>8} {k['errors']:>7}")
    t = result["totals"]
    print(f"{'all':<18} {t['requests']:>7} {t['p50_ms']:>8} {t['p95_ms']:>8} {t['max_ms']:>8} {t['errors']:>7}")
    for kind, k in result["kinds"].items():
        for sample in k["error_samples"]:
            print(f"  error ({kind}): {sample}")
    r, u = result["reports"], result["uploads"]
    print()
    print(
        f"progress reports: {r['accepted']} accepted ({', '.join(f'{n} {c}' for c, n in r['by_channel'].items())}; "
        f"{r['with_attachment']} with a file), {r['stored_exactly_once']} stored exactly once, "
        f"{len(r['missing'])} missing, {len(r['duplicates'])} duplicated, {len(r['unexpected'])} unexpected; "
        f"{r['refused']} refused ({len(r['refused_but_stored'])} of them stored); "
        f"{r['no_answer']} without answer ({len(r['no_answer_stored'])} stored, "
        f"{len(r['no_answer_not_stored'])} not)"
    )
    print(
        f"uploaded documents: {u['saved']} saved, {u['stored_exactly_once']} stored exactly once, "
        f"{len(u['missing'])} missing, {len(u['duplicates'])} duplicated, {len(u['not_saved'])} not saved"
    )
    for line in result["server"]["log_samples"]:
        print(f"  server log: {line}")
    if result["ok"]:
        print("OK: no errors, every report and document stored exactly once")
    else:
        print(f"FAILED: {'; '.join(result['problems'])}")


def _git() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def _start_postgres(pg_dir: str) -> str:
    script = ROOT / ".ci" / "postgres.sh"
    done = subprocess.run([str(script), "start", pg_dir], capture_output=True, text=True)
    if done.returncode == 3:
        raise SystemExit("load_users: PostgreSQL is not installed (apt-get install postgresql), or use --sqlite")
    if done.returncode != 0 or not done.stdout.strip().startswith("postgres"):
        raise SystemExit(f"load_users: .ci/postgres.sh start failed:\n{done.stderr.strip()[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    keep = args.data_dir is not None
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="hoptac-load-users-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir = data_dir.resolve()
    pg_dir = None
    try:
        if args.sqlite:
            url = f"sqlite:///{data_dir / 'hoptac.sqlite3'}"
        elif os.environ.get("HOPTAC_DATABASE_URL", "").strip():
            url = os.environ["HOPTAC_DATABASE_URL"].strip()
        else:
            pg_dir = tempfile.mkdtemp(prefix="hoptac-load-pg-")
            os.rmdir(pg_dir)
            url = _start_postgres(pg_dir)
        return run(args, data_dir, url, pg_dir)
    finally:
        if pg_dir:
            subprocess.run([str(ROOT / ".ci" / "postgres.sh"), "stop", pg_dir], check=False)
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
