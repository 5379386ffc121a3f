"""The extraction score on the shipped sample documents must not drop below the bar."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from hoptac.extract import extract_file

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
SAMPLES = ROOT / "hoptac" / "samples"
BAR = 0.95


def _scorer():
    spec = importlib.util.spec_from_file_location("score", GOLD / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def predictions() -> dict[str, dict]:
    return {p.stem: extract_file(p).to_dict() for p in sorted(SAMPLES.glob("*.txt"))}


def test_every_sample_has_gold(predictions: dict[str, dict]) -> None:
    assert sorted(predictions) == sorted(p.stem for p in GOLD.glob("*.json"))


def test_overall_f1_on_samples(predictions: dict[str, dict]) -> None:
    score = _scorer()
    total = score.Tally()
    for gpath in sorted(GOLD.glob("*.json")):
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        score.score_doc(gold, predictions[gpath.stem], total)
    figures = {f: total.f1(f) for f in score.FIELDS}
    overall = sum(figures.values()) / len(figures)
    assert overall >= BAR, f"overall F1 {overall:.3f} < {BAR}: {figures}"
