"""Damage Vietnamese text the way sample 000's OCR damaged it (an OCR without the Vietnamese model).

From sample 000 against its gold: most tone marks are lost ("Bảo Lạc" → "Bao Lac"); a vowel with
a circumflex, horn or breve and a tone often comes out as "é" ("Tuyên" → "Tuyén", "với" → "véi",
"tộc" → "téc"); ư as "w", "ir" or "i" ("nước" → "nwéc", "hữu" → "hiru", "giữa" → "giira"); ă as
"i" ("Bằng" → "Bing", "Sắc" → "Sic"); ô now and then as "d" or dropped ("nội" → "ndi", "hội" →
"hi"); đ as d and Đ as P ("Đoàn" → "Poan"); l as I or 1 ("lập" → "Iap", "1ap"). Tokens are never
split or joined, so a repaired text can be compared syllable by syllable.
"""

from __future__ import annotations

import random
import unicodedata

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
# A base vowel with its shape mark (circumflex, breve, horn) → what the OCR printed, with weights.
_SHAPED = {
    "â": [("a", 8), ("é", 1), ("á", 1)],
    "ê": [("e", 5), ("é", 5)],
    "ô": [("o", 12), ("é", 3), ("d", 2), ("", 1), ("ó", 2)],
    "ơ": [("o", 5), ("é", 3), ("e", 2)],
    "ư": [("u", 10), ("w", 4), ("ir", 3), ("i", 2), ("y", 1)],
    "ă": [("a", 6), ("i", 3), ("á", 1)],
}


def _pick(rng: random.Random, options: list[tuple[str, int]]) -> str:
    total = sum(w for _, w in options)
    x = rng.uniform(0, total)
    for text, w in options:
        x -= w
        if x <= 0:
            return text
    return options[-1][0]


def damage_word(word: str, rng: random.Random) -> str:
    if not any(c.isalpha() for c in word) or rng.random() < 0.08:
        return word  # a syllable the OCR got right
    out = []
    for ch in word:
        upper = ch.isupper()
        parts = unicodedata.normalize("NFD", ch.lower())
        base, marks = parts[0], set(parts[1:])
        tone = marks & _TONES
        shape = marks - _TONES
        if base == "đ" or (base == "d" and "\u0335" in marks):
            new = "P" if upper and rng.random() < 0.7 else ("D" if upper else "d")
            out.append(new)
            continue
        if shape:
            key = unicodedata.normalize("NFC", base + "".join(sorted(shape)))
            new = _pick(rng, _SHAPED.get(key, [(base, 1)]))
        elif tone:
            new = base if rng.random() < 0.85 else unicodedata.normalize("NFC", base + "\u0301")
        elif base == "l" and rng.random() < 0.05:
            new = "I" if rng.random() < 0.6 else "1"
            out.append(new)
            continue
        else:
            new = base
        out.append(new.upper() if upper else new)
    result = "".join(out)
    return result if any(c.isalpha() for c in result) else word


def damage(text: str, seed: int = 0) -> str:
    """The text with each word damaged independently; spaces and punctuation kept."""
    import re

    rng = random.Random(seed)
    return re.sub(r"[^\W\d_]+", lambda m: damage_word(m.group(), rng), text)
