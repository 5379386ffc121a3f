"""Words OCR was unsure of, found again in the cleaned text so that the review can mark them.

Cleaning moves text about (lines joined, specks dropped, damaged words repaired), so a word's
offsets in the OCR text do not hold in the cleaned one. The words keep their order, though: each
is looked for a little after the one before; a word cleaning dropped or changed is not found and
not marked (a repaired word is listed with its repair instead)."""

from __future__ import annotations

import unicodedata

from hoptac.extract.ocr import LOW_CONFIDENCE, OcrText

__all__ = ["uncertain_words"]

_LOOKAHEAD = 400  # characters: the most cleaning removes between two words (a run of specks, a page foot)


def uncertain_words(ocr: OcrText, text: str, threshold: float = LOW_CONFIDENCE) -> tuple[tuple[int, int, float], ...]:
    """(start, end, confidence) in ``text`` of each word OCR read below ``threshold``."""
    out: list[tuple[int, int, float]] = []
    pos = 0
    for word in ocr.words:
        printed = unicodedata.normalize("NFC", ocr.text[word.start : word.end]).strip()
        if not any(c.isalnum() for c in printed):
            continue  # a mark alone: cleaning drops most of these
        at = text.find(printed, pos, pos + _LOOKAHEAD + len(printed))
        if at < 0:
            continue
        pos = at + len(printed)
        if word.conf < threshold:
            out.append((at, pos, word.conf))
    return tuple(out)
