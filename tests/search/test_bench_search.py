"""bench/search_speed.py's corpus and queries: small, deterministic, varied; every query searchable."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from search_speed import make_small, queries  # noqa: E402


def test_documents_are_small_deterministic_and_varied() -> None:
    docs = [make_small(0, i) for i in range(80)]
    assert docs == [make_small(0, i) for i in range(80)]
    assert all(300 <= len(d["text"].encode("utf-8")) <= 6000 for d in docs)
    assert {"ke_hoach", "cong_van", "tin_bai", "khac"} <= {d["kind"] for d in docs}
    assert len({d["province"] for d in docs}) > 15 and len({d["partner"] for d in docs}) > 10
    assert sum(1 for d in docs if d["number"]) > 40 and all(d["title"] for d in docs)
    assert any("Théa" in d["text"] or "huyén" in d["text"] for d in docs)  # the OCR-damaged pages


def test_queries_are_varied_and_read() -> None:
    from hoptac.search.query import parse

    qs = queries(200, 0, ["123/KH-UBND", "45-KL/TW"], [2021, 2022])
    assert len(qs) == 200 and len({q["q"] for q in qs}) > 80
    texts = " ".join(q["q"] for q in qs)
    assert "广西" in texts or "那坡" in texts
    assert "KH-UBND" in texts and "Sở" in texts and any(q.get("kind") for q in qs) and any(q.get("year") for q in qs)
    for q in qs:
        assert parse(q["q"]).groups


@pytest.mark.parametrize("seed", [0, 1])
def test_seeds_differ(seed: int) -> None:
    assert make_small(seed, 3) != make_small(seed + 10, 3)
