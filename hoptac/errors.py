"""The one exception hierarchy of hoptac.

    HoptacError
    └── ExtractError          anything the extractor refuses
        └── ReadError         a file that cannot be read (missing, empty, too big, corrupt, unknown type)

Every boundary (CLI, web views, API) catches HoptacError and shows ``str(error)``: one line
that names the file and the reason, never a traceback.
"""

from __future__ import annotations

import errno

__all__ = ["ExtractError", "HoptacError", "ReadError", "os_reason"]


class HoptacError(Exception):
    """Base of every error a user can cause."""


class ExtractError(HoptacError):
    """The extractor cannot process this input."""


class ReadError(ExtractError):
    """A file could not be read; ``source`` names it and ``reason`` says why (in Vietnamese)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


# The system's error texts are English ("File exists"); a Vietnamese message says them in Vietnamese.
OS_REASONS = {
    errno.EEXIST: "đã có một tệp trùng tên",
    errno.ENOENT: "không tìm thấy tệp hoặc thư mục",
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "không được phép",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.EISDIR: "đây là thư mục",
    errno.ENOSPC: "hết chỗ trên đĩa",
    errno.EROFS: "ổ đĩa chỉ đọc",
    errno.EADDRINUSE: "cổng đang được dùng",
    errno.EADDRNOTAVAIL: "địa chỉ không có trên máy này",
    errno.ENAMETOOLONG: "tên quá dài",
    errno.EMFILE: "mở quá nhiều tệp",
    errno.EDQUOT: "vượt hạn mức đĩa",
}


def os_reason(exc: OSError) -> str:
    """Why ``exc`` happened, in Vietnamese where the error number is known (the system's text otherwise)."""
    if exc.errno in OS_REASONS:
        return OS_REASONS[exc.errno]
    return exc.strerror or type(exc).__name__
