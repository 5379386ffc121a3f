"""The extraction score on the development set (19 real documents, tests/dev) must not drop below
the bar: overall F1 0.85, and tasks 0.80 (issue 10 asks 0.90 / 0.85; the bar leaves room)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from hoptac.extract import extract_file

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "dev"
BAR = 0.85
TASK_BAR = 0.80


def _scorer():
    spec = importlib.util.spec_from_file_location("score", ROOT / "tests" / "gold" / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def figures() -> dict[str, float]:
    score = _scorer()
    total = score.Tally()
    docs = {p.stem: p for p in (DEV / "docs").iterdir()}
    for gpath in sorted((DEV / "gold").glob("*.json")):
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        score.score_doc(gold, extract_file(docs[gpath.stem]).to_dict(), total)
    return {f: total.f1(f) for f in score.FIELDS}


def test_every_dev_document_has_gold() -> None:
    assert sorted(p.stem for p in (DEV / "docs").iterdir()) == sorted(p.stem for p in (DEV / "gold").glob("*.json"))


def test_overall_f1_on_dev(figures: dict[str, float]) -> None:
    overall = sum(figures.values()) / len(figures)
    assert overall >= BAR, f"overall F1 {overall:.3f} < {BAR}: {figures}"


def test_task_f1_on_dev(figures: dict[str, float]) -> None:
    assert figures["tasks"] >= TASK_BAR, figures
