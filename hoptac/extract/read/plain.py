"""Plain text (.txt, .md): decoded, legacy font encodings converted, binary refused."""

from __future__ import annotations

import re

from hoptac.errors import ReadError
from hoptac.extract.encodings import decode, fix_legacy

# Signatures of files that are not text, to say what they are instead.
_MAGIC = (
    (b"%PDF-", "tệp PDF"),
    (b"PK\x03\x04", "tệp nén zip hoặc Office"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "tệp Office cũ (.doc/.xls)"),
    (b"\x89PNG", "ảnh PNG"),
    (b"\xff\xd8\xff", "ảnh JPEG"),
    (b"GIF8", "ảnh GIF"),
    (b"{\\rtf", "tệp RTF"),
)
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _not_text(source: str, data: bytes) -> ReadError:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return ReadError(source, f"không phải tệp văn bản (có vẻ là {what})")
    return ReadError(source, "không phải tệp văn bản")


def _decode_text(data: bytes, source: str) -> tuple[str, str]:
    if data.startswith(tuple(magic for magic, _ in _MAGIC)):
        raise _not_text(source, data)
    try:
        text, encoding = decode(data)
    except UnicodeError:
        raise ReadError(source, "không giải mã được nội dung văn bản") from None
    _check_text(text, data, source)
    return text, encoding


def _check_text(text: str, data: bytes, source: str) -> None:
    """Binary data decodes to something too, but full of control characters."""
    sample = text[:65536]
    if "\x00" in sample or len(_CONTROL_RE.findall(sample)) > len(sample) // 100:
        raise _not_text(source, data)


def _read_text(data: bytes, source: str) -> tuple[str, str]:
    text, encoding = _decode_text(data, source)
    return fix_legacy(text), encoding
