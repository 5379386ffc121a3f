"""Measure the diacritic/OCR repair (``hoptac.extract.repair``) on held-out official text.

Lines of the corpus documents held out of training (``build_repair_model.held_out``) that read as
official prose (a Vietnamese line of 8–80 words, no table row), damaged by ``bench/damage.py``
the way sample 000 is damaged, then repaired. Syllable accuracy: the share of the original's
word tokens that come back exactly (case-insensitive), before and after repair.

    .venv/bin/python bench/repair_bench.py [--lines 1000] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from build_repair_model import CORPUS, corpus_documents  # noqa: E402
from damage import damage  # noqa: E402

from hoptac.extract import repair  # noqa: E402

OFFICIAL = ("Điều", "Ủy ban", "quy định", "cơ quan", "thực hiện", "tỉnh", "Bộ", "Sở", "theo", "nhiệm vụ")


def official_lines(count: int, seed: int) -> list[str]:
    lines = []
    for doc in corpus_documents(CORPUS, held=True):
        for line in doc.split("\n"):
            line = line.strip().strip("*#- ")
            words = repair.WORD_RE.findall(line)
            if "|" in line or not 8 <= len(words) <= 80 or not any(k in line for k in OFFICIAL):
                continue
            if repair.is_damaged(line):
                continue  # not clean Vietnamese prose to start with
            lines.append(line)
    random.Random(seed).shuffle(lines)
    return lines[:count]


def words(text: str) -> list[str]:
    return [w.lower() for w in repair.WORD_RE.findall(text)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", type=int, default=0, help="print this many (damaged, repaired, original) triples")
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    repair.load_model()
    load = time.monotonic() - t0
    lines = official_lines(args.lines, args.seed)
    total = before = after = 0
    detected = 0
    t1 = time.monotonic()
    for k, line in enumerate(lines):
        broken = damage(line, seed=args.seed * 100_003 + k)
        fixed = repair.repair_line(broken)
        detected += repair.is_damaged(broken)
        gold, b, a = words(line), words(broken), words(fixed)
        assert len(gold) == len(b) == len(a), (line, broken, fixed)
        total += len(gold)
        before += sum(x == y for x, y in zip(gold, b, strict=True))
        after += sum(x == y for x, y in zip(gold, a, strict=True))
        if k < args.show:
            print(f"- {broken}\n+ {fixed}\n= {line}\n")
    spent = time.monotonic() - t1
    size = repair.model_path().stat().st_size
    print(f"held-out lines {len(lines)}, syllables {total}")
    print(f"syllable accuracy: damaged {before / total:.1%} → repaired {after / total:.1%}")
    print(f"damaged lines detected as damaged: {detected / len(lines):.1%}")
    print(f"model {size / 1024 / 1024:.1f} MB, loads in {load:.1f} s; repair {total / spent:.0f} syllables/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
