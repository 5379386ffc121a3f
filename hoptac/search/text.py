"""The search tokens: one function turns any text (a document, a query) into the ASCII tokens both
databases index, so SQLite and PostgreSQL find exactly the same things.

- Latin text is folded (NFC, marks dropped, đ → d, lower case): "Bảo Lạc", "BAO LAC", "hoà" and
  "hòa" give the same tokens; the fold keeps one character per character, so token offsets are
  offsets in the text and snippets can be cut from it.
- Document numbers are also one token each: "57-KL/TW" → ``57kltw``, "72/2015/NĐ-CP" →
  ``722015ndcp``, placed where they stand in the text.
- Scripts written without spaces (Chinese, Japanese kana, Lao, Thai, Khmer, Myanmar) become
  overlapping pairs of characters ("那坡县" → 那坡, 坡县; a Lao consonant keeps its vowel and tone
  signs); every non-ASCII token is then written as ``x`` + its UTF-8 in hex, so the databases'
  tokenizers only ever see ``[a-z0-9]`` words and cannot disagree about a script.

Django-free: the index and the benchmark use it directly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from hoptac.extract.text import fold_same_length

__all__ = [
    "MAX_INDEX_CHARS",
    "Token",
    "fold",
    "index_text",
    "is_syllable",
    "number_token",
    "ocr_words",
    "tokens",
]

# A longer text is indexed by its beginning: PostgreSQL refuses a tsvector over 1 MB.
MAX_INDEX_CHARS = 300_000

# "57-KL/TW", "481/KH-UBND", "72/2015/NĐ-CP", "3089/BTTTT-TTĐN", typed in any case ("57-kl/tw").
NUMBER_RE = re.compile(
    r"(?<![\w/.-])(\d{1,5}[a-z]?(?:/\d{4})?[/-][A-ZĐ][A-ZĐ0-9&]*(?:[-/.][A-ZĐ][A-ZĐ0-9&]*)*)(?![\w/])",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[a-z0-9]+|[^\x00-\x7f]+")
_NOT_ALNUM_RE = re.compile(r"[^a-z0-9]+")

# Scripts without spaces between words: indexed as character pairs.
_NO_SPACE = (
    (0x0E00, 0x0E7F),  # Thai
    (0x0E80, 0x0EFF),  # Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x2FFFF),  # CJK extensions B and later
)


@dataclass(frozen=True)
class Token:
    """One index token and where it stands in the (NFC) text it came from."""

    text: str
    start: int
    end: int
    kind: str  # word | number | pair (characters of a script without spaces) | other (non-Latin word)


def fold(text: str) -> str:
    """NFC, no marks, đ → d, lower case, same length as the NFC text."""
    return fold_same_length(unicodedata.normalize("NFC", text))


def number_token(number: str) -> str:
    """ "57-KL/TW" → ``57kltw``: the one token a document number is indexed and searched as."""
    return _NOT_ALNUM_RE.sub("", fold(number))


def _hex(text: str) -> str:
    return "x" + text.encode("utf-8").hex()


def _no_space(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _NO_SPACE)


def _other_tokens(run: str, offset: int) -> Iterator[Token]:
    """Tokens of a run of non-ASCII characters (after folding: other scripts and punctuation)."""
    clusters: list[tuple[int, int]] = []  # spans of no-space clusters in a row
    word_start = -1

    def pairs() -> Iterator[Token]:
        if len(clusters) == 1:
            s, e = clusters[0]
            yield Token(_hex(run[s:e]), offset + s, offset + e, "pair")
        for (s, _), (_, e) in zip(clusters, clusters[1:], strict=False):
            yield Token(_hex(run[s:e]), offset + s, offset + e, "pair")
        clusters.clear()

    for i, ch in enumerate(run):
        cat = unicodedata.category(ch)
        if cat[0] == "M":  # a mark belongs to the character before it
            if clusters and clusters[-1][1] == i:
                clusters[-1] = (clusters[-1][0], i + 1)
            continue
        if _no_space(ch) and cat[0] in "LN":
            if word_start >= 0:
                yield Token(_hex(run[word_start:i].casefold()), offset + word_start, offset + i, "other")
                word_start = -1
            if clusters and clusters[-1][1] != i:
                yield from pairs()
            clusters.append((i, i + 1))
            continue
        if clusters:
            yield from pairs()
        if cat[0] in "LN":
            if word_start < 0:
                word_start = i
        elif word_start >= 0:
            yield Token(_hex(run[word_start:i].casefold()), offset + word_start, offset + i, "other")
            word_start = -1
    if clusters:
        yield from pairs()
    if word_start >= 0:
        yield Token(_hex(run[word_start:].casefold()), offset + word_start, offset + len(run), "other")


def tokens(text: str, *, numbers: bool = True) -> list[Token]:
    """The tokens of ``text`` in reading order (a document number right after its parts)."""
    text = unicodedata.normalize("NFC", text)
    folded = fold_same_length(text)
    out: list[Token] = []
    for m in _WORD_RE.finditer(folded):
        word = m[0]
        if word.isascii():
            out.append(Token(word, m.start(), m.end(), "word"))
        else:
            out.extend(_other_tokens(word, m.start()))
    if numbers and any(ch.isdigit() for ch in text):
        found = [Token(number_token(m[1]), m.start(1), m.end(1), "number") for m in NUMBER_RE.finditer(text)]
        if found:
            # A number goes right after its parts, so the phrase "57 kl tw" stays whole too.
            out = sorted(out + found, key=lambda t: t.end - 0.5 if t.kind == "number" else t.start)
    return out


def index_text(*parts: str, limit: int = MAX_INDEX_CHARS) -> str:
    """The space-separated tokens of ``parts``: what the full-text index stores."""
    words: list[str] = []
    size = 0
    for part in parts:
        if not part:
            continue
        for tok in tokens(part[:limit]):
            words.append(tok.text)
            size += len(tok.text) + 1
        if size >= limit:
            break
    return " ".join(words)


# Vietnamese syllables, folded: an onset and a rhyme. A word that is none is OCR damage ("thea" for
# "thỏa", "hiru" for "hữu") or a foreign word: the words the OCR-tolerant pass may match.
_ONSETS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnrstvx]"
_RHYME_TEXT = (  # by first vowel
    "a ac ach ai am an ang anh ao ap at au ay "
    "e ec ech em en eng enh eo ep et eu "
    "i ia ich iec iem ien ieng iep iet ieu im in inh ip it iu "
    "o oa oac oach oai oam oan oang oanh oao oap oat oay "
    "oc oe oen oeo oet oi om on ong ooc oong op ot "
    "u ua uan uang uanh uat uay uc ue uech uen uenh uet ui um un ung uo "
    "uoc uoi uom uon uong uop uot uou up ut uu uy uya uych uyen uyet uynh uyt uyu "
    "y ye yen yet yeu"
)
_RHYMES = _RHYME_TEXT.split()
_SYLLABLE_RE = re.compile(rf"(?:{_ONSETS})?(?:{'|'.join(sorted(_RHYMES, key=len, reverse=True))})")


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """Whether a folded word can be a Vietnamese syllable ("thoa", "nguyen"; not "thea", "poan")."""
    return _SYLLABLE_RE.fullmatch(word) is not None


def ocr_words(index: str) -> set[str]:
    """The words of an index text that are not Vietnamese syllables (OCR damage, foreign words)."""
    return {w for w in set(index.split()) if 3 <= len(w) <= 24 and w.isalpha() and not is_syllable(w)}
