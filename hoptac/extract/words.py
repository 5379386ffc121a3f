"""The genre's words from ``data/document_words.toml``: kind words, type codes, event words."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from hoptac.extract.vocab import fold

__all__ = ["citation_kinds", "citation_symbols", "document_kinds", "event_patterns", "symbol_kinds"]


@cache
def _data() -> dict[str, Any]:
    raw = resources.files("hoptac.extract").joinpath("data/document_words.toml").read_text("utf-8")
    return tomllib.loads(raw)


@cache
def document_kinds() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(kind, folded kind words) in file order: the first kind whose word opens a line wins."""
    return tuple((kind, tuple(fold(w) for w in words)) for kind, words in _data()["document_kinds"].items())


@cache
def symbol_kinds() -> dict[str, str]:
    return dict(_data()["symbol_kinds"])


@cache
def citation_kinds() -> dict[str, str]:
    """Folded kind word → the kind as printed ("nghi dinh" → "Nghị định")."""
    return {fold(k): k for k in _data()["citations"]["kinds"]}


@cache
def citation_symbols() -> dict[str, str]:
    return dict(_data()["citations"]["symbols"])


@cache
def event_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (kind, re.compile("|".join(rf"\b{p}\b" for p in patterns)))
        for kind, patterns in _data()["event_patterns"].items()
    )
