"""Stage 5, resolve: cleaned text → Extraction. (Placeholder.)"""

from __future__ import annotations

from hoptac.extract.model import DocumentInfo, Extraction

__all__ = ["resolve"]


def resolve(text: str, source: str) -> Extraction:
    return Extraction(source=source, text=text, document=DocumentInfo())
