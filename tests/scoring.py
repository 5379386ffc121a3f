"""The format's own scorer (tests/gold/score.py, standard library only), loaded once for the tests
that hold the extraction to its bar."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

from hoptac.extract import extract_file

GOLD = Path(__file__).resolve().parent / "gold"


def scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score", GOLD / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def field_f1(docs: dict[str, Path], gold_dir: Path) -> dict[str, float]:
    """Per-field F1 of extracting ``docs`` (stem → file) against the gold files in ``gold_dir``."""
    score = scorer()
    total = score.Tally()
    for gpath in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        score.score_doc(gold, extract_file(docs[gpath.stem]).to_dict(), total)
    return {f: total.f1(f) for f in score.FIELDS}
