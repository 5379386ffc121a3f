"""Stage 1, read: a file → Unicode text. (Placeholder: plain UTF-8 text only.)"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from hoptac.errors import ReadError

__all__ = ["DEFAULT_MAX_BYTES", "SUPPORTED_SUFFIXES", "RawDocument", "read_bytes", "read_path"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")


@dataclass(frozen=True)
class RawDocument:
    source: str  # the file name, without its folder
    format: str  # txt, md, html, docx, pdf
    text: str
    encoding: str | None = None


def read_path(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ReadError(str(path), "không đọc được tệp") from exc
    return read_bytes(data, p.name, max_bytes)


def read_bytes(data: bytes, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    return RawDocument(source, "txt", data.decode("utf-8-sig"), "utf-8")
