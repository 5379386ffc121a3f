"""The benchmark corpus generator (bench/make_corpus.py): distinct, deterministic, extractable."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from hoptac.extract import extract_file

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from make_corpus import MAX_BYTES, make_corpus  # noqa: E402


def _digests(paths: list[Path]) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return make_corpus(tmp_path_factory.mktemp("corpus"), 30, seed=1)


def test_writes_distinct_non_empty_documents(corpus: list[Path]) -> None:
    assert len(corpus) == 30
    assert all(p.is_file() and p.suffix == ".txt" for p in corpus)
    sizes = [p.stat().st_size for p in corpus]
    assert min(sizes) > 1000 and max(sizes) <= MAX_BYTES
    assert len(set(_digests(corpus))) == 30
    for p in corpus:
        text = p.read_bytes().decode("utf-8")  # valid UTF-8
        assert text.strip()


def test_manifest(corpus: list[Path]) -> None:
    meta = json.loads((corpus[0].parent / "corpus.json").read_text(encoding="utf-8"))
    assert meta["count"] == 30 and meta["seed"] == 1
    assert sum(meta["kinds"].values()) == 30
    assert meta["total_bytes"] == sum(p.stat().st_size for p in corpus)


def test_deterministic_for_a_seed(corpus: list[Path], tmp_path: Path) -> None:
    again = make_corpus(tmp_path / "again", 30, seed=1)
    assert [p.name for p in again] == [p.name for p in corpus]
    assert _digests(again) == _digests(corpus)
    # A shorter corpus of the same seed is a prefix; another seed gives other documents.
    prefix = make_corpus(tmp_path / "prefix", 5, seed=1)
    assert _digests(prefix) == _digests(corpus)[:5]
    other = make_corpus(tmp_path / "other", 5, seed=2)
    assert not set(_digests(other)) & set(_digests(corpus))


def test_regenerating_replaces_old_documents(tmp_path: Path) -> None:
    make_corpus(tmp_path, 6, seed=3)
    paths = make_corpus(tmp_path, 4, seed=3)
    assert sorted(tmp_path.glob("doc_*.txt")) == sorted(paths)


def test_every_document_extracts(corpus: list[Path]) -> None:
    for path in corpus:
        ex = extract_file(path)
        assert ex.source == path.name
        assert ex.text.strip()
        assert ex.to_dict()["source"] == path.name
