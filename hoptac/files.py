"""Reading a user's file or upload: its size is checked before a byte of it is read."""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath
from typing import Any

from hoptac.errors import HoptacError, os_reason

__all__ = ["check_size", "read_file", "read_upload", "short_name"]


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def check_size(name: str, size: int, max_bytes: int) -> None:
    """Refuse with one line a file of ``size`` bytes above ``max_bytes``."""
    if size > max_bytes:
        raise HoptacError(f"{name}: tệp quá lớn ({_mb(size)} MB; giới hạn {_mb(max_bytes)} MB)")


def read_file(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """A regular file's bytes, its size checked first (a 4 GB file is refused at once, never read)."""
    p = Path(path)
    try:
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            raise HoptacError(f"{p}: là thư mục, không phải tệp")
        if not stat.S_ISREG(st.st_mode):
            raise HoptacError(f"{p}: không phải tệp thông thường")
        check_size(str(p), st.st_size, max_bytes)
        with open(p, "rb") as f:
            data = f.read(max_bytes + 1)  # the file may have grown since
    except FileNotFoundError:
        raise HoptacError(f"{p}: không tìm thấy tệp") from None
    except OSError as exc:
        raise HoptacError(f"{p}: không đọc được tệp ({os_reason(exc)})") from None
    if len(data) > max_bytes:
        raise HoptacError(f"{p}: tệp quá lớn (hơn {_mb(max_bytes)} MB)")
    return data


def read_upload(upload: Any, max_bytes: int) -> bytes:
    """An uploaded file's bytes (Django ``UploadedFile``), its size checked first."""
    check_size(upload.name or "tệp", upload.size or 0, max_bytes)
    data: bytes = upload.read(max_bytes + 1)
    check_size(upload.name or "tệp", len(data), max_bytes)
    return data


def short_name(name: str, limit: int) -> str:
    """``name`` cut to ``limit`` characters, keeping its extension (which says what the file is)."""
    if len(name) <= limit:
        return name
    suffix = PurePosixPath(name).suffix
    if not suffix or len(suffix) >= limit // 2:
        return name[:limit]
    return name[: limit - len(suffix)] + suffix
