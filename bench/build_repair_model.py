"""Build the syllable trigram model of ``hoptac.extract.repair`` (``hoptac/extract/data/repair_model.pkl.xz``).

Trained on the shared corpus (``../shared/corpus/text-vi.txt.xz``) without its held-out documents
(every tenth, ``held_out(i)``; ``bench/repair_bench.py`` measures on them), on the samples but
000 (an OCR-damaged text) and on the names of the vocabulary (``hoptac/extract/data``), which
count five times.

    .venv/bin/python bench/build_repair_model.py [--corpus PATH] [--max-mb 46] [--min-tri 2]

Syllables: words whose folded spelling has a Vietnamese syllable's shape, with at most one tone
mark, seen at least ``--min-uni`` times; any other word is ``<u>``, numbers ``<n>``, punctuation
``<p>``. Counts: every unigram and bigram, the trigrams seen at least ``--min-tri`` times.
"""

from __future__ import annotations

import argparse
import lzma
import pickle
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hoptac.extract.clean import normalize_tones  # noqa: E402
from hoptac.extract.repair import BOS, NUM, PUNCT, SYLLABLE_RE, UNK, fold, model_path, tokens  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "text-vi.txt.xz"
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
ALPHABET = set("abcdefghijklmnopqrstuvwxyzđ")


def held_out(index: int) -> bool:
    """The corpus documents kept out of training, for measuring: one in ten."""
    return index % 10 == 0


def corpus_documents(path: Path, held: bool, max_chars: int | None = None) -> Iterator[str]:
    """The training documents (``held`` False) or the held-out ones (True), NFC with one tone placement."""
    seen = 0
    with lzma.open(path, "rt", encoding="utf-8") as f:
        for i, doc in enumerate(f.read().split("\f")):
            if held_out(i) != held:
                continue
            doc = normalize_tones(unicodedata.normalize("NFC", doc))
            yield doc
            seen += len(doc)
            if max_chars is not None and seen >= max_chars:
                return


def extra_lines() -> Iterator[tuple[str, int]]:
    """(line, weight): the clean samples once, the vocabulary's names five times."""
    for p in sorted((ROOT / "hoptac" / "samples").glob("*.txt")):
        if p.name.startswith("000_"):
            continue  # the OCR-damaged sample
        for line in p.read_text(encoding="utf-8").splitlines():
            yield normalize_tones(unicodedata.normalize("NFC", line)), 1
    for p in sorted((ROOT / "hoptac" / "extract" / "data").glob("*.tsv")):
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                continue
            for cell in line.split("\t"):
                if cell.strip():
                    yield normalize_tones(unicodedata.normalize("NFC", cell)), 5


def is_syllable(word: str) -> bool:
    if not set(word) <= ALPHABET | set("áàảãạăắằẳẵặâấầẩẫậéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵ"):
        return False
    if sum(c in TONES for c in unicodedata.normalize("NFD", word)) > 1:
        return False
    return bool(SYLLABLE_RE.match(fold(word)))


def lines_of(args: argparse.Namespace) -> Iterator[tuple[list[str], int]]:
    for doc in corpus_documents(args.corpus, held=False, max_chars=int(args.max_mb * 1024 * 1024)):
        for line in doc.split("\n"):
            toks = tokens(line)
            if toks:
                yield toks, 1
    for line, weight in extra_lines():
        toks = tokens(line)
        if toks:
            yield toks, weight


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--max-mb", type=float, default=46.0, help="train on at most this much of the corpus")
    ap.add_argument("--min-uni", type=int, default=2)
    ap.add_argument("--min-tri", type=int, default=2)
    ap.add_argument("--out", type=Path, default=model_path())
    args = ap.parse_args(argv)
    started = time.monotonic()

    words: Counter[str] = Counter()
    for toks, weight in lines_of(args):
        for t in toks:
            words[t] += weight
    vocab = [BOS, NUM, PUNCT, UNK]
    vocab += sorted(w for w, n in words.items() if n >= args.min_uni and w not in vocab and is_syllable(w))
    ids = {w: i for i, w in enumerate(vocab)}
    unk = ids[UNK]
    v = len(vocab)
    print(f"{len(vocab)} syllables ({time.monotonic() - started:.0f} s)", file=sys.stderr)

    uni = [0] * v
    bi: Counter[int] = Counter()
    tri: Counter[int] = Counter()
    for toks, weight in lines_of(args):
        seq = [0, 0] + [ids.get(t, unk) for t in toks]
        for k in range(2, len(seq)):
            a, b, c = seq[k - 2], seq[k - 1], seq[k]
            uni[c] += weight
            bi[b * v + c] += weight
            tri[(a * v + b) * v + c] += weight
    # The context count of a line's first trigram, <s> <s>: the number of lines.
    bos_lines = sum(n for key, n in tri.items() if key // (v * v) == 0 and (key // v) % v == 0)
    bi[0] = bos_lines  # <s> <s>
    trimmed = {k: n for k, n in tri.items() if n >= args.min_tri}
    print(f"{len(bi)} bigrams, {len(tri)} trigrams, {len(trimmed)} kept ({time.monotonic() - started:.0f} s)",
          file=sys.stderr)
    model = {"vocab": vocab, "uni": uni, "bi": dict(bi), "tri": trimmed}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with lzma.open(args.out, "wb", preset=6) as f:
        pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL)
    # The syllable list that tells damaged text from clean without loading the model.
    valid = sorted(w for w in vocab if not w.startswith("<"))
    syllables = args.out.with_name("syllables.txt")
    syllables.write_text(
        "# Accented Vietnamese syllables the repair model knows (bench/build_repair_model.py writes this):\n"
        "# a paragraph made mostly of them is clean text, and the model need not be loaded to say so.\n"
        + "\n".join(valid) + "\n",
        encoding="utf-8",
    )
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1024 / 1024:.1f} MB) in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
