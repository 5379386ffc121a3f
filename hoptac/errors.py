"""The one exception hierarchy of hoptac.

    HoptacError
    └── ExtractError          anything the extractor refuses
        └── ReadError         a file that cannot be read (missing, empty, too big, corrupt, unknown type)

Every boundary (CLI, web views, API) catches HoptacError and shows ``str(error)``: one line
that names the file and the reason, never a traceback.
"""

from __future__ import annotations

__all__ = ["ExtractError", "HoptacError", "ReadError"]


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
