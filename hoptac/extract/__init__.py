"""The extractor: a Vietnamese official document → ``hoptac-extraction/1``.

A pipeline of small stages, each a module named after it:
read (file → text) → clean (normalised text, spans point here) → structure (header, sections,
numbered items, tables) → find (dates, numbers, agencies, timings …) → resolve (the
``Extraction``). Free of Django, so ``hoptac extract`` needs no database.
"""

from __future__ import annotations

import dataclasses
import os

from hoptac.errors import ExtractError, HoptacError, ReadError
from hoptac.extract.clean import clean_document
from hoptac.extract.model import Extraction
from hoptac.extract.read import DEFAULT_MAX_BYTES, RawDocument, read_bytes, read_path
from hoptac.extract.resolve import resolve
from hoptac.extract.uncertain import uncertain_words

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ExtractError",
    "Extraction",
    "HoptacError",
    "ReadError",
    "extract_bytes",
    "extract_file",
    "extract_text",
]


def extract_text(text: str, source: str = "<text>") -> Extraction:
    """Extract from text already decoded to Unicode (any normalisation form, any markup)."""
    return resolve(clean_document(text), source)


def _extract_raw(raw: list[RawDocument]) -> Extraction:
    # At the size limit every copy counts: the raw text is let go as soon as it is cleaned,
    # which is why the document comes in a list the caller no longer holds.
    doc = raw.pop()
    source, text, ocr = doc.source, doc.text, doc.ocr
    del doc
    cleaned = clean_document(text, ocr is not None)
    del text
    ex = resolve(cleaned, source)
    if ocr is None:
        return ex
    return dataclasses.replace(ex, uncertain=uncertain_words(ocr, ex.text))


def extract_file(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Extraction:
    """Read and extract one file; raises ``ReadError`` naming the file and the reason."""
    return _extract_raw([read_path(path, max_bytes)])


def extract_bytes(data: bytes, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Extraction:
    """Extract from an upload's bytes; ``source`` (the file name) picks the reader."""
    return _extract_raw([read_bytes(data, source, max_bytes)])
