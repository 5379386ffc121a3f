"""Backup and restore: the whole state in one file, readable by any database hoptac runs on.

``backup(path)`` writes a gzipped tar archive holding

- ``manifest.json``: format and version, hoptac's version, the source database, the number of
  rows of every model and the size and sha256 of every member;
- ``data.jsonl``: every row of every model, one JSON object a line, as Django's ``dumpdata``
  writes it (content types and permissions are left out: ``migrate`` makes them, and rows that
  point to them do so by natural key; so is the search index, rebuilt after a restore; so are
  login sessions and failed-login counters; calendar keys are written as random stand-ins and
  renewed on restore);
- ``files/…``: the uploaded files the rows refer to (``MEDIA_ROOT``, under ``HOPTAC_DATA_DIR``).

It can run while the application serves: the rows are read in one transaction (REPEATABLE READ on
PostgreSQL, a read transaction on SQLite in WAL mode), so a write that lands meanwhile is either
wholly in the backup or not at all; a file is only ever written before the row that refers to it
commits, so every file the rows name is complete on disk.

``restore(path)`` loads such a file into the configured database, which must be empty (after
``migrate``): it checks the archive and every file's hash first, loads all rows in one
transaction, checks the counts, puts the files in place and only then commits; any failure
leaves the database and the data directory as they were. PostgreSQL sequences are reset by
``loaddata``, so new rows after a restore get fresh ids. SQLite → PostgreSQL and back both work:
the dump is logical, not a copy of database files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import secrets
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from hoptac import __version__
from hoptac.errors import HoptacError, os_reason

__all__ = ["FORMAT", "VERSION", "BackupError", "BackupResult", "backup", "read_manifest", "restore", "verify"]

FORMAT = "hoptac-backup"
VERSION = 1
# Made by ``migrate`` in every database, with ids of its own: never dumped, referred to by natural key.
EXCLUDED = ("contenttypes", "auth.permission")
# Apps whose tables only index the others: not dumped, rebuilt by their command when restored.
DERIVED = {"search": "rebuild_search_index"}
# Passing state, not records: failed-login counters (django-axes), which expire within the hour, and
# login sessions, which are live credentials (a restored installation asks everyone to log in again).
TRANSIENT = ("axes", "sessions")
# Secrets in URLs (calendar subscriptions): never written to a backup as they are, and renewed on
# restore, so neither the live key nor the one in the file opens anything afterwards.
RENEWED = {"cycle.calendartoken": "key"}
CHUNK = 1024 * 1024
# About 150 bytes a stored file: millions of files. Past that, a manifest is not one hoptac wrote.
MAX_MANIFEST = 512 * 1024 * 1024


class BackupError(HoptacError):
    """A backup that cannot be written or restored; the message is one line."""


@dataclass
class BackupResult:
    path: Path
    rows: int
    files: int
    size: int  # bytes of the archive
    missing: list[str]  # files the rows name that were not on disk (backup only)


# ---------------------------------------------------------------------------------------------
# Backup.


def _models() -> list[Any]:
    """Every model whose rows are the state: concrete, managed, not made by ``migrate``."""
    from django.apps import apps

    out = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.app_label in ("contenttypes", *DERIVED, *TRANSIENT):
            continue
        if meta.label_lower in EXCLUDED:
            continue
        out.append(model)
    return out


def _counts() -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in _models()}


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent read of the whole database that does not hold writers back."""
    from django.db import connection, transaction

    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        # Django would BEGIN IMMEDIATE (our setting), which takes the write lock; a deferred
        # transaction reads a snapshot in WAL mode while the application goes on writing.
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("không sao lưu được bên trong một giao dịch đang mở")
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")  # nothing was written
        return
    with transaction.atomic():  # pragma: no cover - hoptac runs on SQLite and PostgreSQL only
        yield


def _dump(path: Path) -> None:
    """Every row, as ``dumpdata --natural-foreign --format jsonl`` writes it but with exact times.

    (``dumpdata`` rounds times to the millisecond, as JavaScript has them.)
    """
    from django.apps import apps
    from django.core import serializers
    from django.core.serializers.json import DjangoJSONEncoder

    class ExactEncoder(DjangoJSONEncoder):
        def default(self, o: Any) -> Any:
            if isinstance(o, dt.datetime | dt.time):
                return o.isoformat()
            return super().default(o)

    wanted = set(_models())
    models = serializers.sort_dependencies([(a, None) for a in apps.get_app_configs()], allow_cycles=True)
    with open(path, "w", encoding="utf-8") as stream:
        for model in models:
            if model in wanted:
                rows = model._base_manager.order_by(model._meta.pk.name).iterator()
                secret = RENEWED.get(model._meta.label_lower)
                if secret:
                    rows = (_with_new_secret(row, secret) for row in rows)
                serializers.serialize(
                    "jsonl",
                    rows,
                    stream=stream,
                    use_natural_foreign_keys=True,
                    cls=ExactEncoder,
                )


def _with_new_secret(row: Any, field: str) -> Any:
    setattr(row, field, secrets.token_urlsafe(24))
    return row


def _renew_secrets() -> None:
    """Every key of ``RENEWED`` given a fresh value (after loading a backup)."""
    from django.apps import apps

    for label, field in RENEWED.items():
        app_label, model_name = label.split(".")
        if not apps.is_installed(f"hoptac.{app_label}"):
            continue
        for row in apps.get_model(app_label, model_name)._base_manager.all():
            _with_new_secret(row, field).save(update_fields=[field])


def _referenced_files() -> list[str]:
    """The names (relative to MEDIA_ROOT) in every file field of every row."""
    from django.db import models

    names: set[str] = set()
    for model in _models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                values = model._base_manager.exclude(**{field.attname: ""}).values_list(field.attname, flat=True)
                names.update(v for v in values if v)
    return sorted(names)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _safe_name(name: str) -> PurePosixPath | None:
    """A stored file name as a relative path that stays inside the media folder, or None."""
    p = PurePosixPath(name)
    if p.is_absolute() or not p.parts or any(part in ("", ".", "..") for part in p.parts) or "\\" in name:
        return None
    return p


def backup(path: str | os.PathLike[str]) -> BackupResult:
    """Write the whole state to ``path`` (replaced at the end, never left half-written)."""
    from django.conf import settings
    from django.db import connection

    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise BackupError(f"{target}: thư mục {folder} không tồn tại")
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix=".hoptac-backup-", dir=folder) as work:
        data = Path(work) / "data.jsonl"
        with _snapshot():
            counts = _counts()
            _dump(data)
            names = _referenced_files()
        files: dict[str, dict[str, Any]] = {}
        missing: list[str] = []
        for name in names:
            source = media / name
            if _safe_name(name) is None or not source.is_file():
                missing.append(name)
                continue
            files[name] = {"sha256": _sha256_file(source), "size": source.stat().st_size}
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "hoptac": __version__,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": connection.vendor,
            "counts": counts,
            "data": {"name": "data.jsonl", "sha256": _sha256_file(data), "size": data.stat().st_size},
            "files": files,
            "missing_files": missing,
        }
        archive = Path(work) / "backup.tar.gz"
        with tarfile.open(archive, "w:gz", format=tarfile.PAX_FORMAT) as tar:
            # The manifest first: reading it does not unpack the rest.
            _add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            tar.add(data, arcname="data.jsonl")
            for name in files:
                tar.add(media / name, arcname=f"files/{name}", recursive=False)
        # Read back what was written (a file that changed meanwhile, a full disk …) before it counts.
        try:
            verify(archive)
        except BackupError as exc:
            why = str(exc).removeprefix(f"{archive}: ")
            raise BackupError(f"{target}: bản sao lưu vừa ghi không đọc lại được ({why}); chưa ghi gì") from None
        try:
            os.replace(archive, target)
        except OSError as exc:
            raise BackupError(f"{target}: không ghi được tệp sao lưu ({os_reason(exc)})") from None
    return BackupResult(target, sum(counts.values()), len(files), target.stat().st_size, missing)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


# ---------------------------------------------------------------------------------------------
# Restore.


def _open(path: Path) -> tarfile.TarFile:
    if not path.exists():
        raise BackupError(f"{path}: không tìm thấy tệp sao lưu")
    if not path.is_file():
        raise BackupError(f"{path}: không phải tệp")
    try:
        return tarfile.open(path, "r:gz")
    except (tarfile.TarError, OSError, EOFError):
        raise BackupError(f"{path}: không phải tệp sao lưu của hoptac (không đọc được dạng .tar.gz)") from None


def read_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of a backup file, checked for format and version."""
    p = Path(path)
    with _open(p) as tar:
        return _manifest(tar, p)


def _manifest(tar: tarfile.TarFile, path: Path) -> dict[str, Any]:
    try:
        member = tar.next()  # the first member
        f = tar.extractfile(member) if member is not None and member.name == "manifest.json" else None
        if f is None:
            raise BackupError(f"{path}: không phải tệp sao lưu của hoptac (thiếu manifest.json)")
        if member is not None and member.size > MAX_MANIFEST:
            raise BackupError(f"{path}: tệp sao lưu hỏng (manifest.json lớn bất thường)")
        manifest = json.load(f)  # streamed from the archive, whatever its size
    except (tarfile.TarError, OSError, EOFError, ValueError, zlib.error):
        raise BackupError(f"{path}: tệp sao lưu hỏng (không đọc được manifest.json)") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: không phải tệp sao lưu của hoptac (sai định dạng)")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"{path}: phiên bản định dạng sao lưu {manifest.get('version')!r} không được hỗ trợ (hỗ trợ {VERSION})"
        )
    if not isinstance(manifest.get("counts"), dict) or not isinstance(manifest.get("files"), dict):
        raise BackupError(f"{path}: tệp sao lưu hỏng (manifest.json thiếu thông tin)")
    return manifest


def _unpack(tar: tarfile.TarFile, manifest: dict[str, Any], staging: Path | None, path: Path) -> None:
    """Unpack data.jsonl and the files into ``staging`` in one pass, each checked against the manifest
    (with no ``staging``, only check them)."""
    expected = {"data.jsonl": manifest.get("data") or {}}
    expected.update({f"files/{name}": info for name, info in manifest["files"].items()})
    try:
        for member in tar:
            info = expected.pop(member.name, None)
            if info is None:
                continue  # the manifest, or a member this version does not know
            dest = staging / member.name if staging is not None else None
            _check_member(tar, member, info, dest, path)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile):
        raise BackupError(f"{path}: tệp sao lưu hỏng hoặc bị cắt cụt") from None
    except OSError as exc:
        raise BackupError(f"{path}: không giải nén được ({os_reason(exc)})") from None
    if expected:
        raise BackupError(f"{path}: tệp sao lưu thiếu {min(expected).removeprefix('files/')}")


def _check_member(
    tar: tarfile.TarFile, member: tarfile.TarInfo, info: dict[str, Any], dest: Path | None, path: Path
) -> None:
    """Check one member against its size and hash in the manifest, copying it to ``dest`` if given.

    The size comes first, from the member's header: a member larger than the manifest says is refused
    before a byte of it is written.
    """
    shown = member.name.removeprefix("files/")
    if not member.isfile():
        raise BackupError(f"{path}: {shown} trong tệp sao lưu không phải tệp thường")
    if not isinstance(info, dict) or member.size != info.get("size"):
        raise BackupError(f"{path}: {shown} trong tệp sao lưu bị hỏng (sai kích thước)")
    digest = hashlib.sha256()
    source = tar.extractfile(member)
    assert source is not None
    with contextlib.ExitStack() as stack:
        stack.enter_context(source)
        out = None
        if dest is not None:
            dest.parent.mkdir(parents=True, exist_ok=True)
            out = stack.enter_context(open(dest, "wb"))
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            if out is not None:
                out.write(chunk)
    if digest.hexdigest() != info.get("sha256"):
        raise BackupError(f"{path}: {shown} trong tệp sao lưu bị hỏng (sai mã băm)")


def verify(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a backup through: its manifest, and every member against its size and hash; the manifest."""
    p = Path(path)
    with _open(p) as tar:
        manifest = _manifest(tar, p)
        _unpack(tar, manifest, None, p)
    return manifest


def _non_empty() -> tuple[int, str]:
    """(rows, an example model) in the configured database, content types and permissions aside."""
    rows, example = 0, ""
    for label, count in _counts().items():
        if count:
            rows += count
            example = example or label
    return rows, example


def restore(path: str | os.PathLike[str]) -> BackupResult:
    """Load a backup into the configured, empty, migrated database and the data directory."""
    from django.apps import apps
    from django.conf import settings
    from django.core.management import CommandError, call_command
    from django.core.serializers.base import DeserializationError
    from django.db import DatabaseError, transaction

    source = Path(path)
    media = Path(settings.MEDIA_ROOT)
    with _open(source) as tar:
        manifest = _manifest(tar, source)
        rows, example = _non_empty()
        if rows:
            raise BackupError(
                f"cơ sở dữ liệu đích không trống ({rows} bản ghi, ví dụ {example}): "
                "chỉ khôi phục vào cơ sở dữ liệu trống"
            )
        names = list(manifest["files"])
        for name in names:
            if _safe_name(name) is None:
                raise BackupError(f"{source}: tên tệp không hợp lệ trong tệp sao lưu: {name!r}")
        media.mkdir(parents=True, exist_ok=True)
        # Everything is unpacked and checked beside the media folder (same file system) first.
        with tempfile.TemporaryDirectory(prefix=".hoptac-restore-", dir=media.parent) as work:
            staging = Path(work)
            data = staging / "data.jsonl"
            _unpack(tar, manifest, staging, source)
            placed: list[Path] = []
            try:
                with transaction.atomic():
                    call_command("loaddata", str(data), verbosity=0)
                    counts = _counts()
                    expected = {k: int(v) for k, v in manifest["counts"].items()}
                    wrong = sorted(k for k in set(counts) | set(expected) if counts.get(k, 0) != expected.get(k, 0))
                    if wrong:
                        k = wrong[0]
                        raise BackupError(
                            f"{source}: số bản ghi {k} sau khi nạp là {counts.get(k, 0)}, "
                            f"tệp sao lưu ghi {expected.get(k, 0)}: đã hủy khôi phục"
                        )
                    _renew_secrets()
                    for label, command in DERIVED.items():
                        if apps.is_installed(f"hoptac.{label}"):
                            call_command(command, stdout=io.StringIO())
                    for name in names:
                        final = media / name
                        final.parent.mkdir(parents=True, exist_ok=True)
                        os.replace(staging / "files" / name, final)
                        placed.append(final)
            except BackupError:
                _remove(placed)
                raise
            except (DeserializationError, DatabaseError, CommandError, OSError) as exc:
                _remove(placed)
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
                raise BackupError(f"{source}: không khôi phục được ({first}); cơ sở dữ liệu không thay đổi") from None
            except BaseException:
                _remove(placed)
                raise
    return BackupResult(source, sum(counts.values()), len(names), source.stat().st_size, [])


def _remove(paths: list[Path]) -> None:
    for p in paths:
        with contextlib.suppress(OSError):
            p.unlink()
