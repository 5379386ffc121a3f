"""``hoptac backup`` and ``hoptac restore``, run as a user runs them: separate processes on real databases.

A source installation (its own data directory and database) gets the five samples, users with
roles, permissions and a group, an API token, progress reports with attachments and the audit
rows all of that writes. Its backup is restored into a fresh installation, and every row of
every model is compared field by field (many-to-many links as pairs of ids, rows pointing at
permissions by their natural key), and every uploaded file by content.

Directions: SQLite → SQLite on the SQLite pass; SQLite → PostgreSQL and PostgreSQL → SQLite on the
PostgreSQL pass of test.sh (HOPTAC_DATABASE_URL names a server where fresh databases can be made),
skipped when none is configured.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import secrets
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "hoptac" / "samples"
PG_URL = os.environ.get("HOPTAC_DATABASE_URL", "")
NO_PG = "no PostgreSQL configured (HOPTAC_DATABASE_URL): test.sh's PostgreSQL pass runs this"

# Fills a new installation: what an office has after some use.
POPULATE = """
import sys
from hoptac.cli import main
assert main(["ingest", "-q", *sys.argv[1:]]) == 0  # migrates first
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from hoptac.records import progress
from hoptac.records.ingest import agency_named
from hoptac.records.models import ApiToken, Occurrence, Office, Profile
office = Office.objects.get()
User = get_user_model()
lan = User.objects.create_user("lan", password="mat-khau-thu-nghiem", first_name="Lan", email="lan@example.vn")
Profile.objects.create(user=lan, office=office, role=Profile.Role.OFFICER)
lan.user_permissions.add(Permission.objects.get(codename="view_document"))
group = Group.objects.create(name="Cán bộ đối ngoại")
group.permissions.add(Permission.objects.get(codename="change_task"))
lan.groups.add(group)
minh = User.objects.create_user("minh", password="mat-khau-thu-nghiem")
Profile.objects.create(user=minh, office=office, role=Profile.Role.REPORTER, agency=agency_named(office, "Sở Ngoại vụ"))
User.objects.create_superuser("quoc", password="mat-khau-thu-nghiem")
ApiToken.issue(lan)
for i, occurrence in enumerate(Occurrence.objects.order_by("id")[:3]):
    attachment = SimpleUploadedFile(f"Báo cáo {i}.txt", f"Nội dung báo cáo {i}".encode()) if i < 2 else None
    progress.submit(lan, occurrence, status="in_progress", percent=10 * (i + 1),
                    text=f"Đợt {i}: đang triển khai.", attachment=attachment)
"""

# Every row of every model as plain JSON, independent of the serializer backup uses.
SNAPSHOT = """
import datetime, decimal, json, sys
from hoptac.web import setup
setup()
from django.apps import apps
from django.db import models

def plain(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value

def natural(model):  # rows pointing at what migrate makes are compared by natural key
    return {o.pk: list(o.natural_key()) for o in model.objects.all()}

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
keys = {Permission: natural(Permission), ContentType: natural(ContentType)}
out = {}
for model in apps.get_models(include_auto_created=True):
    meta = model._meta
    if meta.app_label in ("contenttypes", "search") or meta.label_lower == "auth.permission":
        continue
    if not (meta.managed or meta.auto_created) or meta.proxy:
        continue
    rows = []
    for obj in model._base_manager.order_by("pk"):
        row = {}
        for field in meta.concrete_fields:
            value = plain(getattr(obj, field.attname))
            target = field.related_model if field.is_relation else None
            if target in keys and value is not None:
                value = keys[target][value]
            if isinstance(field, models.FileField):
                value = str(value or "")
            row[field.attname] = value
        if meta.auto_created:
            row.pop("id", None)  # a link's own id is the database's: only the pair counts
        rows.append(row)
    if meta.auto_created:
        rows.sort(key=lambda r: json.dumps(r, sort_keys=True))
    out[meta.label_lower] = rows
json.dump(out, sys.stdout, ensure_ascii=False, sort_keys=True)
"""


def env_for(data_dir: Path, database: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOPTAC_", "DJANGO_"))}
    env.update(
        HOPTAC_DATA_DIR=str(data_dir),
        HOPTAC_SECRET_KEY="test-only-secret-key-0123456789-abcdefghijklmnop",
        DJANGO_SETTINGS_MODULE="hoptac.web.settings",
        PYTHONPATH=str(ROOT),
    )
    if database != "sqlite":
        env["HOPTAC_DATABASE_URL"] = database
    return env


def hoptac(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "hoptac", *args], env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def python(env: dict[str, str], script: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


@contextlib.contextmanager
def fresh_postgres() -> Iterator[str]:
    """A new, empty database on the configured PostgreSQL server, dropped afterwards."""
    import psycopg

    name = f"hoptac_backup_{secrets.token_hex(4)}"
    parts = urlsplit(PG_URL)
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def installation(tmp: Path, kind: str) -> Iterator[dict[str, str]]:
    """The environment of a new installation on SQLite or on a fresh PostgreSQL database."""
    data = tmp / f"data-{kind}-{secrets.token_hex(3)}"
    if kind == "sqlite":
        yield env_for(data, "sqlite")
    else:
        with fresh_postgres() as url:
            yield env_for(data, url)


def media_files(env: dict[str, str]) -> dict[str, str]:
    media = Path(env["HOPTAC_DATA_DIR"]) / "files"
    return {
        str(p.relative_to(media)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(media.rglob("*"))
        if p.is_file()
    }


def populate(env: dict[str, str]) -> None:
    python(env, POPULATE, *sorted(str(p) for p in SAMPLES.glob("*.txt")))


def snapshot(env: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    return dict(json.loads(python(env, SNAPSHOT)))


def need(kind: str) -> None:
    if kind == "postgresql" and not PG_URL:
        pytest.skip(NO_PG)


@pytest.mark.parametrize(
    ("source_kind", "target_kind"),
    [("sqlite", "sqlite"), ("sqlite", "postgresql"), ("postgresql", "sqlite")],
    ids=["sqlite-to-sqlite", "sqlite-to-postgresql", "postgresql-to-sqlite"],
)
def test_restore_reproduces_every_record(tmp_path: Path, source_kind: str, target_kind: str) -> None:
    need(source_kind)
    need(target_kind)
    if PG_URL and source_kind == target_kind == "sqlite":
        pytest.skip("runs on the SQLite pass")
    archive = tmp_path / "sao-luu.tar.gz"
    with installation(tmp_path, source_kind) as source, installation(tmp_path, target_kind) as target:
        populate(source)
        before = snapshot(source)
        out = hoptac(source, "backup", str(archive)).stdout
        assert "Đã sao lưu" in out and str(archive) in out
        restored = hoptac(target, "restore", str(archive)).stdout
        assert restored.startswith("Đã khôi phục")
        after = snapshot(target)
        assert media_files(target) == media_files(source)

        # What the source holds: otherwise the comparison below proves little.
        assert len(before["records.document"]) == 5 and len(before["records.task"]) > 40
        assert len(before["records.progressreport"]) == 3 and len(before["auth.user"]) == 3
        assert len(before["records.auditlog"]) >= 8 and before["auth.user_user_permissions"]
        assert sum(1 for name in media_files(source) if name.startswith("reports/")) == 2
        assert sorted(after) == sorted(before)
        for label in before:
            assert len(after[label]) == len(before[label]), label
            for old, new in zip(before[label], after[label], strict=True):
                assert new == old, f"{label} {old.get('id')}"

        # The restored installation works: logins, new rows get fresh ids (PostgreSQL sequences).
        check = (
            "from hoptac.web import setup; setup()\n"
            "from django.contrib.auth import authenticate\n"
            "from hoptac.records.models import Office, Partner\n"
            "assert authenticate(username='lan', password='mat-khau-thu-nghiem') is not None\n"
            "p = Partner.objects.create(office=Office.objects.get(), name='Tỉnh Mới')\n"
            "print(p.pk > max(Partner.objects.exclude(pk=p.pk).values_list('pk', flat=True)))\n"
        )
        assert python(target, check).strip() == "True"


def _tamper(archive: Path, out: Path, change: Any) -> None:
    """Copy ``archive`` to ``out`` with ``change(name, data) -> data`` applied to each member."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(out, "w:gz") as dst:
        for member in src:
            f = src.extractfile(member)
            data = change(member.name, f.read() if f else b"")
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


def _version_2(name: str, data: bytes) -> bytes:
    if name != "manifest.json":
        return data
    manifest = json.loads(data)
    manifest["version"] = 2
    return json.dumps(manifest).encode()


def _bad_report(name: str, data: bytes) -> bytes:
    return b"noi dung da bi sua" if name.startswith("files/reports/") else data


def _bad_row(name: str, data: bytes) -> bytes:
    """A row that does not load, its hash fixed so only loading can tell."""
    return data.replace(b'"model": "records.task"', b'"model": "records.khongco"', 1) if name == "data.jsonl" else data


def _rehash(archive: Path) -> None:
    """Make the manifest agree with the members again (a backup written by a buggy version)."""
    with tarfile.open(archive, "r:gz") as tar:
        members = {m.name: f.read() for m in tar if (f := tar.extractfile(m)) is not None}
    manifest = json.loads(members["manifest.json"])
    data = members["data.jsonl"]
    manifest["data"] = {"name": "data.jsonl", "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    members["manifest.json"] = json.dumps(manifest).encode()
    _tamper(archive, archive.with_suffix(".tmp"), lambda name, old: members[name])
    archive.with_suffix(".tmp").replace(archive)


def test_bad_backups_are_refused_and_change_nothing(tmp_path: Path) -> None:
    """Each bad input: one line, non-zero exit, and the target stays empty (rows and files)."""
    if PG_URL:
        pytest.skip("SQLite only: runs on the SQLite pass")
    archive = tmp_path / "tot.tar.gz"
    with installation(tmp_path, "sqlite") as source:
        populate(source)
        proc = hoptac(source, "backup", str(tmp_path / "khong-co" / "x.tar.gz"), check=False)
        assert proc.returncode == 2 and proc.stderr.strip().splitlines() == [
            f"hoptac: {tmp_path / 'khong-co' / 'x.tar.gz'}: thư mục {tmp_path / 'khong-co'} không tồn tại"
        ]
        hoptac(source, "backup", str(archive))
        # The source itself is not empty: restoring into it is refused, and it keeps its rows.
        before = snapshot(source)
        proc = hoptac(source, "restore", str(archive), check=False)
        assert proc.returncode != 0 and "không trống" in proc.stderr
        assert snapshot(source) == before

    truncated = tmp_path / "cut.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    garbage = tmp_path / "rac.tar.gz"
    garbage.write_bytes(b"day khong phai tep sao luu" * 100)
    not_ours = tmp_path / "khac.tar.gz"
    with tarfile.open(not_ours, "w:gz") as tar:
        tar.add(SAMPLES / "000_eabd0ee19746f845.txt", arcname="a.txt")
    newer, bad_file, bad_row = tmp_path / "v2.tar.gz", tmp_path / "file.tar.gz", tmp_path / "row.tar.gz"
    _tamper(archive, newer, _version_2)
    _tamper(archive, bad_file, _bad_report)
    _tamper(archive, bad_row, _bad_row)
    _rehash(bad_row)
    cases = [
        (tmp_path / "khong-co.tar.gz", "không tìm thấy tệp sao lưu"),
        (garbage, "không phải tệp sao lưu của hoptac"),
        (not_ours, "thiếu manifest.json"),
        (truncated, "hỏng hoặc bị cắt cụt"),
        (newer, "phiên bản định dạng sao lưu 2 không được hỗ trợ"),
        (bad_file, "trong tệp sao lưu bị hỏng"),
        (bad_row, "cơ sở dữ liệu không thay đổi"),
    ]
    with installation(tmp_path, "sqlite") as target:
        hoptac(target, "manage", "migrate", "-v", "0")
        empty = snapshot(target)
        for path, message in cases:
            proc = hoptac(target, "restore", str(path), check=False)
            lines = proc.stderr.strip().splitlines()
            assert proc.returncode == 2, (path.name, proc.stderr[-2000:])
            assert len(lines) == 1 and message in lines[0], (path.name, lines)
            assert snapshot(target) == empty, path.name
            assert media_files(target) == {}, path.name
        assert hoptac(target, "restore", str(archive)).returncode == 0  # and the good one still loads


WRITER = """
import sys, time
from pathlib import Path
from hoptac.web import setup
setup()
from django.db import transaction
from hoptac.records import audit
from hoptac.records.models import Document
document = Document.objects.order_by("id").first()
stop = Path(sys.argv[1])
done = 0
print("ready", flush=True)
while not stop.exists():
    with transaction.atomic():  # three rows and the office's version bumped three times, or nothing
        for i in range(3):
            audit.log(None, "kiem_thu", document, summary=f"ghi {done}-{i}")
    done += 1
print(done, flush=True)
"""

COUNT = """
from hoptac.web import setup
setup()
from hoptac.records.models import AuditLog, Office
print(Office.objects.get().data_version, AuditLog.objects.filter(action="kiem_thu").count())
"""


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_backup_while_the_application_writes(tmp_path: Path, kind: str) -> None:
    """Transactions that land during the backup are in it whole or not at all."""
    need(kind)
    if PG_URL and kind == "sqlite":
        pytest.skip("runs on the SQLite pass")
    archive = tmp_path / "dang-chay.tar.gz"
    stop = tmp_path / "stop"
    with installation(tmp_path, kind) as source, installation(tmp_path, "sqlite") as target:
        populate(source)
        version_before, _ = map(int, python(source, COUNT).split())
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(stop)], env=source, stdout=subprocess.PIPE, text=True
        )
        try:
            assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
            time.sleep(0.3)  # the writer is well under way
            hoptac(source, "backup", str(archive))
        finally:
            stop.touch()
            out, _ = writer.communicate(timeout=60)
        written = int(out.strip())
        hoptac(target, "restore", str(archive))
        version, rows = map(int, python(target, COUNT).split())
        # Writes happened before the snapshot and after it: the backup ran while the writer did.
        assert 0 < rows < 3 * written
        assert rows % 3 == 0 and version - version_before == rows


# Ten thousand stored files: a manifest well past 1 MiB.
MANY = """
import hashlib, sys
from pathlib import Path
from hoptac.cli import main
assert main(["ingest", "-q", sys.argv[1]]) == 0  # migrates first, makes the office
from django.conf import settings
from hoptac.records.models import Document, Office
office = Office.objects.get()
media = Path(settings.MEDIA_ROOT)
docs = []
for i in range(int(sys.argv[2])):
    data = f"Công văn số {i}".encode()
    digest = hashlib.sha256(data).hexdigest()
    name = f"documents/{digest[:2]}/{digest}.txt"
    (media / name).parent.mkdir(parents=True, exist_ok=True)
    (media / name).write_bytes(data)
    docs.append(Document(office=office, filename=f"cv-{i}.txt", sha256=digest, file=name, text=data.decode()))
Document.objects.bulk_create(docs, batch_size=1000)
"""


def test_a_backup_of_ten_thousand_files_restores(tmp_path: Path) -> None:
    """The manifest (here about 2 MB) is read whole, not its first 1 MiB."""
    if PG_URL:
        pytest.skip("SQLite only: runs on the SQLite pass")
    archive = tmp_path / "lon.tar.gz"
    with installation(tmp_path, "sqlite") as source, installation(tmp_path, "sqlite") as target:
        python(source, MANY, str(SAMPLES / "000_eabd0ee19746f845.txt"), "10000")
        hoptac(source, "backup", str(archive))
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.next()
            assert member is not None and member.name == "manifest.json" and member.size > 1024 * 1024
        out = hoptac(target, "restore", str(archive)).stdout
        assert out.startswith("Đã khôi phục") and "10001 tệp" in out
        assert media_files(target) == media_files(source)


def test_backup_reads_back_what_it_wrote(tmp_path: Path) -> None:
    """``verify`` reads a whole archive through; a member that does not match its manifest is refused."""
    if PG_URL:
        pytest.skip("SQLite only: runs on the SQLite pass")
    archive, bad = tmp_path / "tot.tar.gz", tmp_path / "hong.tar.gz"
    with installation(tmp_path, "sqlite") as source:
        populate(source)
        hoptac(source, "backup", str(archive))
    check = (
        "import sys\nfrom hoptac.backup import BackupError, verify\n"
        "try:\n    print(len(verify(sys.argv[1])['files']))\n"
        "except BackupError as exc:\n    print(exc)\n"
    )
    env = env_for(tmp_path / "none", "sqlite")
    assert python(env, check, str(archive)).strip() == "7"
    _tamper(archive, bad, lambda name, data: data[::-1] if name == "data.jsonl" else data)
    assert "data.jsonl trong tệp sao lưu bị hỏng (sai mã băm)" in python(env, check, str(bad))


def _oversized_data(name: str, data: bytes) -> bytes:
    """data.jsonl grown to 200 MB (zeros: a small archive), the manifest still saying its old size."""
    return data + b"\0" * (200 * 1024 * 1024) if name == "data.jsonl" else data


def test_an_oversized_member_is_refused_before_it_is_written(tmp_path: Path) -> None:
    """Restore stops at the size the manifest declares: with writes capped at 64 MB, the restore still
    fails on the size, not on the disk."""
    import resource

    if PG_URL:
        pytest.skip("SQLite only: runs on the SQLite pass")
    archive, big = tmp_path / "tot.tar.gz", tmp_path / "to.tar.gz"
    with installation(tmp_path, "sqlite") as source:
        populate(source)
        hoptac(source, "backup", str(archive))
    _tamper(archive, big, _oversized_data)
    assert big.stat().st_size < 10 * 1024 * 1024

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024 * 1024, 64 * 1024 * 1024))

    with installation(tmp_path, "sqlite") as target:
        hoptac(target, "manage", "migrate", "-v", "0")
        empty = snapshot(target)
        proc = subprocess.run(
            [sys.executable, "-m", "hoptac", "restore", str(big)],
            env=target,
            capture_output=True,
            text=True,
            timeout=300,
            preexec_fn=cap,
        )
        assert proc.returncode == 2 and proc.stderr.strip().splitlines() == [
            f"hoptac: {big}: data.jsonl trong tệp sao lưu bị hỏng (sai kích thước)"
        ]
        assert snapshot(target) == empty


# A logged-in session, a calendar subscription and an API token, then what a backup file shows of them.
SECRETS = """
from hoptac.web import setup
setup()
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from hoptac.cycle.models import CalendarToken
lan = get_user_model().objects.get(username="lan")
session = SessionStore()
session["_auth_user_id"] = str(lan.pk)
session.create()
print(session.session_key, CalendarToken.for_user(lan).key)
"""

KEYS = """
from hoptac.web import setup
setup()
from django.contrib.sessions.models import Session
from hoptac.cycle.models import CalendarToken
from hoptac.records.models import ApiToken
print(Session.objects.count(), ApiToken.objects.count(), *CalendarToken.objects.values_list("key", flat=True))
"""


def test_a_backup_holds_no_session_and_no_live_calendar_key(tmp_path: Path) -> None:
    """Sessions are left out; a calendar key is neither in the file nor valid after a restore."""
    if PG_URL:
        pytest.skip("SQLite only: runs on the SQLite pass")
    archive = tmp_path / "bi-mat.tar.gz"
    with installation(tmp_path, "sqlite") as source, installation(tmp_path, "sqlite") as target:
        populate(source)
        session_key, calendar_key = python(source, SECRETS).split()
        hoptac(source, "backup", str(archive))
        with tarfile.open(archive, "r:gz") as tar:
            f = tar.extractfile("data.jsonl")
            assert f is not None
            data = f.read().decode()
        assert '"model": "sessions.session"' not in data and session_key not in data
        assert '"model": "cycle.calendartoken"' in data and calendar_key not in data
        (in_file,) = [json.loads(line)["fields"]["key"] for line in data.splitlines() if "cycle.calendartoken" in line]
        hoptac(target, "restore", str(archive))
        sessions, api_tokens, restored_key = python(target, KEYS).split()
        assert sessions == "0" and api_tokens == "1"
        assert restored_key not in (calendar_key, in_file)
