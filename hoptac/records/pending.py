"""Uploads waiting for their review: ``MEDIA_ROOT/pending/<user id>/<sha256>/{name,data}``, and for a scan
the background OCR's ``ocr.json`` and ``result.json`` beside them (``ocr_jobs``).

Each file is written under a temporary name and renamed into place, so a reader never sees half of
it; the review checks the bytes against the digest in its URL; what is left waiting for more than
a day is removed (``hoptac manage clean_pending_uploads``, and each time ``hoptac serve`` starts).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings

PENDING_DIR = "pending"
MAX_AGE = 24 * 3600  # seconds


def root() -> Path:
    return Path(settings.MEDIA_ROOT) / PENDING_DIR


def folder(user: Any, digest: str) -> Path:
    """An upload waiting for its review, seen only by whoever uploaded it."""
    return root() / str(user.pk) / digest


def _write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(user: Any, digest: str, name: str, data: bytes) -> None:
    where = folder(user, digest)
    where.mkdir(parents=True, exist_ok=True)
    _write(where / "data", data)
    _write(where / "name", name.encode("utf-8"))


def exists(user: Any, digest: str) -> bool:
    return (folder(user, digest) / "data").is_file()


def load(user: Any, digest: str) -> tuple[str, bytes] | None:
    """(name, bytes) of a waiting upload whose bytes still have ``digest``; None otherwise."""
    where = folder(user, digest)
    try:
        name = (where / "name").read_text(encoding="utf-8")
        data = (where / "data").read_bytes()
    except (OSError, UnicodeDecodeError):
        return None
    if hashlib.sha256(data).hexdigest() != digest:
        return None
    return name, data


def write_json(user: Any, digest: str, name: str, value: Any) -> None:
    """Write ``name`` in an upload's folder, which must still be there (one removed is not made again)."""
    _write(folder(user, digest) / name, json.dumps(value, ensure_ascii=False).encode("utf-8"))


def read_json(user: Any, digest: str, name: str) -> tuple[Any, float] | None:
    """(the value, seconds since it was written) of ``name`` in an upload's folder; None if missing or unreadable."""
    path = folder(user, digest) / name
    try:
        age = time.time() - path.stat().st_mtime
        return json.loads(path.read_bytes()), age
    except (OSError, ValueError):
        return None


def remove(user: Any, digest: str) -> None:
    shutil.rmtree(folder(user, digest), ignore_errors=True)


def clean(max_age: float = MAX_AGE) -> int:
    """Remove the uploads left waiting for more than ``max_age`` seconds; how many were removed."""
    removed = 0
    limit = time.time() - max_age
    base = root()
    if not base.is_dir():
        return 0
    for user_dir in base.iterdir():
        if not user_dir.is_dir():
            continue
        for item in user_dir.iterdir():
            try:
                old = item.lstat().st_mtime < limit
            except OSError:
                continue
            if old:
                if item.is_dir() and not item.is_symlink():
                    shutil.rmtree(item, ignore_errors=True)
                else:
                    item.unlink(missing_ok=True)
                removed += 1
    return removed
