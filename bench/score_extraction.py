#!/usr/bin/env python3
"""Extraction accuracy on the samples and the development set, field by field.

    bench/score_extraction.py [--dev DIR] [--heldout DIR] [--verbose]

Extracts every sample (hoptac/samples), every document of the development set (tests/dev, a copy
of ../shared/extraction/dev, or --dev) and every annotated document of the held-out set
(bench/heldout: plans of ../shared/corpus/legal-db annotated by RULES.md, see its README), scores
each against its gold with the format's own scorer (tests/gold/score.py) and prints the per-field
F1 table.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "gold"))

import score  # noqa: E402  (the format's scorer, standard library only)

from hoptac.extract import extract_file  # noqa: E402

DEFAULT_DEV = ROOT / "tests" / "dev"  # a copy of ../shared/extraction/dev
DEFAULT_HELDOUT = ROOT / "bench" / "heldout"


def run(docs: list[Path], gold_dir: Path, verbose: bool) -> dict:
    with tempfile.TemporaryDirectory() as out:
        for doc in docs:
            ex = extract_file(doc).to_dict()
            (Path(out) / f"{doc.stem}.json").write_text(json.dumps(ex, ensure_ascii=False), encoding="utf-8")
        args = [str(gold_dir), out, "--json"] + (["--verbose"] if verbose else [])
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            score.main(args)
        lines = buf.getvalue().splitlines()
        figures = next(line for line in lines if line.startswith('{"fields"'))
        if verbose:
            print("\n".join(line for line in lines if not line.startswith(("{", "totals", "overall"))))
        return json.loads(figures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--heldout", type=Path, default=DEFAULT_HELDOUT)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    sets = {"samples": (sorted((ROOT / "hoptac" / "samples").glob("*.txt")), ROOT / "tests" / "gold")}
    if (args.dev / "docs").is_dir():
        sets["dev"] = (sorted((args.dev / "docs").iterdir()), args.dev / "gold")
    if (args.heldout / "gold").is_dir():
        annotated = {g.stem for g in (args.heldout / "gold").glob("*.json")}
        docs = sorted(d for d in (args.heldout / "docs").iterdir() if d.stem in annotated)
        sets["held-out"] = (docs, args.heldout / "gold")
    results = {name: run(docs, gold, args.verbose) for name, (docs, gold) in sets.items()}
    names = list(results)
    print(f"{'field':<18}" + "".join(f"{n:>10}" for n in names))
    for field in score.FIELDS:
        print(f"{field:<18}" + "".join(f"{results[n]['fields'].get(field, 0):>10.3f}" for n in names))
    print(f"{'overall':<18}" + "".join(f"{results[n]['overall']:>10.3f}" for n in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
