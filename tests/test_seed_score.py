"""The extraction score on the shipped sample documents must not drop below the bar."""

from __future__ import annotations

from pathlib import Path

from tests.scoring import GOLD, field_f1

SAMPLES = Path(__file__).resolve().parent.parent / "hoptac" / "samples"
BAR = 0.95


def test_every_sample_has_gold() -> None:
    assert sorted(p.stem for p in SAMPLES.glob("*.txt")) == sorted(p.stem for p in GOLD.glob("*.json"))


def test_overall_f1_on_samples() -> None:
    figures = field_f1({p.stem: p for p in SAMPLES.glob("*.txt")}, GOLD)
    overall = sum(figures.values()) / len(figures)
    assert overall >= BAR, f"overall F1 {overall:.3f} < {BAR}: {figures}"
