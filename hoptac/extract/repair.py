"""Repair of OCR-damaged Vietnamese: diacritics and the usual OCR confusions, with a syllable trigram.

An OCR run without the Vietnamese model (sample 000) prints "Phoi hop chat ché véi Phong Vin hoa";
this module gives back "Phối hợp chặt chẽ với Phòng Văn hóa". It is a noisy channel:

- candidates: every accented syllable whose folded spelling (no diacritics, đ → d) is within one
  or two edits of the printed token's, after the usual confusions (1 → l, I → l, P → Đ, w → ư,
  "ir" → ư, 6 → ô); an edit costs, diacritics are free;
- a syllable trigram over the training text (stupid backoff) scores the sequences, and a beam
  search keeps the best.

The model (``data/repair_model.pkl.xz``) is built by ``bench/build_repair_model.py`` from the
shared corpus (one document in ten held out for measuring), the samples and the vocabulary.

Only damaged text is touched: ``is_damaged`` says whether a paragraph's syllables are mostly
not accented Vietnamese ones; ``repair_text`` repairs the damaged lines of a text and returns
each change with its original (``Repair``), so a review screen can show both.
"""

from __future__ import annotations

import lzma
import math
import pickle
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "Repair",
    "fold",
    "is_damaged",
    "is_syllable",
    "model_path",
    "repair_line",
    "repair_lines",
    "repair_text",
    "tokens",
]

MODEL_FILE = "repair_model.pkl.xz"
# A word may hold an "&" the OCR printed for a vowel with two marks ("Nguy&n", "g&").
TOKEN_RE = re.compile(r"[^\W_]+(?:&[^\W_]*)*|&(?=[^\W_])[^\W_]+|[^\w\s]+")
WORD_RE = re.compile(r"[^\W_]+(?:&[^\W_]*)*")
NUM, PUNCT, UNK, BOS = "<n>", "<p>", "<u>", "<s>"

# The folded shape of a Vietnamese syllable: onset, vowels, coda.
SYLLABLE_RE = re.compile(r"^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?[aeiouy]{1,3}(ng|nh|ch|[cmnpt])?$")
_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"}

BEAM = 24
CANDIDATES = 16  # 12 lost "tự" for "ty" among the many one-edit syllables (bench: 95.5% → 95.7%)
EDIT_COST = 6.0  # log-score of one edit between the printed and the candidate's folded spelling
KEEP_BONUS = 0.9  # the printed syllable itself, when it is an accented Vietnamese syllable
BACKOFF = math.log(0.4)


def fold(text: str) -> str:
    """Lower case, no diacritics, đ → d."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c))


def has_marks(word: str) -> bool:
    return any(c in _MARKS for c in unicodedata.normalize("NFD", word)) or "đ" in word.lower()


def tokens(text: str, lower: bool = True) -> list[str]:
    """The model's tokens of a line: words (lower case), ``<n>`` for numbers, ``<p>`` for punctuation."""
    out = []
    for tok in TOKEN_RE.findall(text):
        if not tok[0].isalnum():
            out.append(PUNCT)
        elif tok.isdigit():
            out.append(NUM)
        else:
            out.append(tok.lower() if lower else tok)
    return out


# ---------------------------------------------------------------------------------------------
# The model.


def model_path() -> Path:
    return Path(__file__).with_name("data") / MODEL_FILE


class Model:
    """Syllables, their folded spellings and trigram counts; ids are indexes in ``vocab``."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.vocab: list[str] = data["vocab"]
        self.ids = {w: i for i, w in enumerate(self.vocab)}
        self.uni: list[int] = data["uni"]
        self.bi: dict[int, int] = data["bi"]
        self.tri: dict[int, int] = data["tri"]
        self.total = sum(self.uni)
        self.size = len(self.vocab)
        self.by_fold: dict[str, list[int]] = {}
        for i, w in enumerate(self.vocab):
            if not w.startswith("<"):
                self.by_fold.setdefault(fold(w), []).append(i)
        for ids in self.by_fold.values():
            ids.sort(key=lambda i: -self.uni[i])
        self.folds = list(self.by_fold)
        self.valid = {w for w in self.vocab if not w.startswith("<")}

    def logp(self, a: int, b: int, c: int) -> float:
        """Stupid-backoff log score of ``c`` after ``a b``."""
        v = self.size
        ab = self.bi.get(a * v + b)
        if ab:
            abc = self.tri.get((a * v + b) * v + c)
            if abc:
                return math.log(abc / ab)
        bc = self.bi.get(b * v + c)
        if bc:
            return BACKOFF + math.log(bc / max(self.uni[b], 1))
        return 2 * BACKOFF + math.log(max(self.uni[c], 0.5) / self.total)


@lru_cache(maxsize=1)
def load_model() -> Model | None:
    path = model_path()
    if not path.is_file():
        return None
    with lzma.open(path, "rb") as f:
        return Model(pickle.load(f))  # noqa: S301 - our own file, shipped inside the package


# ---------------------------------------------------------------------------------------------
# Candidates: the noisy channel.

_DIGITS = str.maketrans({"1": "l", "0": "o", "6": "o", "3": "e", "8": "a", "9": "g", "@": "a"})


def _variants(printed: str) -> dict[str, float]:
    """Folded spellings the printed token may stand for, with their cost in edits."""
    base = fold(printed).translate(_DIGITS)
    out = {base: 0.0}
    if "&" in base or "4" in base:  # a vowel the OCR could not read
        out = {base.replace("&", v).replace("4", v): 0.2 for v in "aeo"}
    if printed[:1] == "I" and len(printed) > 1:
        out["l" + base[1:]] = 0.3
    if printed[:1] == "P":
        out["d" + base[1:]] = 0.3
    for a, b in (("ir", "u"), ("it", "u"), ("tr", "u"), ("w", "u"), ("ii", "u"), ("iu", "u")):
        if a in base[1:]:
            out.setdefault(base[0] + base[1:].replace(a, b), 0.4)
    return out


class Repairer:
    def __init__(self, model: Model) -> None:
        self.m = model
        self._cands: dict[str, list[tuple[int, float]]] = {}

    def candidates(self, printed: str) -> list[tuple[int, float]]:
        """(syllable id, channel log score) for a printed word token, best first."""
        cached = self._cands.get(printed)
        if cached is not None:
            return cached
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        m = self.m
        lower = printed.lower()
        scores: dict[int, float] = {}
        for variant, cost in _variants(printed).items():
            if not variant.isalpha() or not variant.isascii():
                continue
            limit = 1 if len(variant) <= 3 else 2
            found = process.extract(
                variant, m.folds, scorer=Levenshtein.distance, score_cutoff=limit, limit=None
            )
            for key, dist, _ in found:
                penalty = -EDIT_COST * (dist + cost)
                for rank, i in enumerate(m.by_fold[key][:8]):
                    s = penalty - 0.05 * rank
                    if s > scores.get(i, -1e9):
                        scores[i] = s
        own = m.ids.get(lower)
        if own is not None and has_marks(lower):
            scores[own] = scores.get(own, 0.0) + KEEP_BONUS
        prior = {i: s + 0.25 * math.log(max(m.uni[i], 1) / m.total) for i, s in scores.items()}
        best = sorted(prior, key=lambda i: -prior[i])[:CANDIDATES]
        result = [(i, scores[i]) for i in best]
        if not result:  # an unknown word (a name, an abbreviation): kept as printed
            result = [(m.ids[UNK], 0.0)]
        self._cands[printed] = result
        return result

    def decode(self, toks: list[str]) -> list[int | None]:
        """Best syllable id for each token (None: keep the token as printed)."""
        m = self.m
        bos = m.ids[BOS]
        beam: dict[tuple[int, int], tuple[float, tuple[int | None, ...]]] = {(bos, bos): (0.0, ())}
        for tok in toks:
            if tok in (NUM, PUNCT):
                options: list[tuple[int, float]] = [(m.ids[tok], 0.0)]
                fixed = True
            elif _abbreviation(tok):
                options, fixed = [(m.ids[UNK], 0.0)], True
            else:
                options = self.candidates(tok)
                fixed = False
            nxt: dict[tuple[int, int], tuple[float, tuple[int | None, ...]]] = {}
            for (a, b), (score, path) in beam.items():
                for c, channel in options:
                    s = score + channel + m.logp(a, b, c)
                    key = (b, c)
                    if key not in nxt or s > nxt[key][0]:
                        nxt[key] = (s, (*path, None if fixed or c == m.ids[UNK] else c))
            beam = dict(sorted(nxt.items(), key=lambda kv: -kv[1][0])[:BEAM])
        best = max(beam.values(), key=lambda sp: sp[0])
        return list(best[1])


def _abbreviation(word: str) -> bool:
    """UBND, HĐND, KG-VX: capitals that are no syllable, not even after the OCR confusions."""
    if not (len(word) > 1 and word.isupper()):
        return False
    return not any(SYLLABLE_RE.match(v) for v in _variants(word))


@lru_cache(maxsize=1)
def _repairer() -> Repairer | None:
    model = load_model()
    return Repairer(model) if model is not None else None


def _cased(word: str, printed: str) -> str:
    letters = [c for c in printed if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    if len(letters) > 1 and upper * 2 > len(letters):
        return word.upper()
    if printed[:1].isupper() and not (printed[:1] == "I" and word[:1] == "l"):
        return word[:1].upper() + word[1:]
    return word


def repair_line(line: str) -> str:
    """The line with every word token replaced by the model's best syllable (no damage test)."""
    rep = _repairer()
    if rep is None or not line.strip():
        return line
    spans = [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(line)]
    chosen = rep.decode(tokens(line, lower=False))
    out: list[str] = []
    pos = 0
    for (start, end, printed), c in zip(spans, chosen, strict=True):
        out.append(line[pos:start])
        if c is None:
            out.append(printed)
        else:
            out.append(_cased(rep.m.vocab[c], printed))
        pos = end
    out.append(line[pos:])
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Which text is damaged.


def syllables_path() -> Path:
    return Path(__file__).with_name("data") / "syllables.txt"


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    """The syllables the model knows, from a small list shipped beside it: judging whether text is
    damaged must not load the trigram model (seconds and some 200 MB), only repairing it does."""
    path = syllables_path()
    if not path.is_file() or not model_path().is_file():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(x for x in lines if x and not x.startswith("#"))


def is_syllable(word: str) -> bool:
    """Whether ``word`` (lower case) is a Vietnamese syllable the model knows."""
    return word in _syllables()


@lru_cache(maxsize=131072)
def _word_info(w: str) -> tuple[int, int, int, int]:
    """(counted, Vietnamese-shaped when folded, a valid accented syllable, carrying diacritics) of
    one word; words repeat, so each is judged once."""
    valid = _syllables()
    lw = w.lower()
    if not w.isalpha() or len(w) > 7 or len(w) == 1 or (w.isupper() and lw not in valid):
        return 0, 0, 0, 0  # abbreviations (UBND, HĐND, LĐVP), initials and long foreign words
    shaped = any(SYLLABLE_RE.match(v) for v in _variants(w))
    return 1, int(shaped), int(lw in valid), int(has_marks(lw))


def _word_stats(words: list[str]) -> tuple[int, int, int, int]:
    """(words, Vietnamese-shaped when folded, valid accented syllables, carrying diacritics)."""
    if not words:
        return 0, 0, 0, 0
    n, shaped, good, marked = map(sum, zip(*map(_word_info, words), strict=True))
    return n, shaped, good, marked


def is_damaged(paragraph: str, lenient: bool = False) -> bool:
    """Whether a paragraph reads as Vietnamese that lost its diacritics or letters to OCR.

    Vietnamese by shape (most words fold to a syllable's shape: not English, not a list of codes)
    and yet few valid accented syllables, or few diacritics where Vietnamese prints them on about
    two syllables in three. ``lenient`` (a document already found damaged) judges short lines too.
    """
    if not _syllables():
        return False
    return _damaged_words(WORD_RE.findall(paragraph), lenient)


def _damaged_words(words: list[str], lenient: bool = False) -> bool:
    n, shaped, good, marked = _word_stats(words)
    if n < (2 if lenient else 4) or shaped < 0.6 * n:
        return False
    if good < 0.8 * n:
        return True
    return marked < 0.35 * n


def is_damaged_document(lines: list[str], sample: int = 1200) -> bool:
    """Whether a third or more of the document's words are in damaged paragraphs (judged on its
    first ``sample`` words: a scan is damaged throughout)."""
    if not _syllables():
        return False
    total = damaged = 0
    for line in lines:
        if total >= sample:
            break
        words = WORD_RE.findall(line)
        total += len(words)
        if _damaged_words(words):
            damaged += len(words)
    return total > 0 and damaged * 3 >= total


# ---------------------------------------------------------------------------------------------
# Text in, text and repairs out.


@dataclass(frozen=True)
class Repair:
    """One repaired word: ``text[start:end]`` of the repaired text was printed as ``original``."""

    start: int
    end: int
    original: str


def repair_text(text: str) -> tuple[str, tuple[Repair, ...]]:
    """Repair the damaged lines of ``text`` (one paragraph per line); the lines stay where they are."""
    lines, repairs = repair_lines(text.split("\n"))
    return "\n".join(lines), repairs


def repair_lines(lines: list[str]) -> tuple[list[str], tuple[Repair, ...]]:
    """``repair_text`` on the paragraphs as a list (``Repair`` offsets count a newline between
    them); a clean document's list is returned as it is, not copied."""
    if not is_damaged_document(lines) or _repairer() is None:
        # A cleanly printed document is left alone: its odd lines (English, web addresses, foreign
        # names) are not OCR damage, and rewriting them would put words in the document's mouth.
        return lines, ()
    lenient = True
    out: list[str] = []
    repairs: list[Repair] = []
    pos = 0
    for line in lines:
        if is_damaged(line, lenient):
            fixed = repair_line(line)
            repairs += _diff(line, fixed, pos)
        else:
            fixed = line
        out.append(fixed)
        pos += len(fixed) + 1
    return out, tuple(repairs)


def _diff(before: str, after: str, offset: int) -> list[Repair]:
    """Word-by-word changes (the repair keeps the tokens and what lies between them)."""
    old = list(TOKEN_RE.finditer(before))
    new = list(TOKEN_RE.finditer(after))
    if len(old) != len(new):
        return [Repair(offset, offset + len(after), before)]
    return [
        Repair(offset + b.start(), offset + b.end(), a.group())
        for a, b in zip(old, new, strict=True)
        if a.group() != b.group()
    ]
