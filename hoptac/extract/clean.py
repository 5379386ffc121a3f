"""Stage 2, clean: raw text → the cleaned text that every span points into.

Unicode NFC with one tone placement ("hoà" → "hòa", the placement official documents use),
markup removed (Markdown emphasis and headings, inline HTML such as ``<sup>1</sup>`` footnote
marks and ``<b>`` stamps), whitespace tidied, and hard-wrapped lines joined back into
paragraphs, one paragraph per line.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["clean", "normalize_tones"]

_TONES = {"\u0300": 0, "\u0301": 1, "\u0303": 2, "\u0309": 3, "\u0323": 4}
_TONE_MARKS = list(_TONES)


def _toned(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


def _build_tone_table() -> dict[str, str]:
    """'oà' → 'òa' for the open diphthongs oa, oe, uy, in every case combination."""
    table: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for f in (first, first.upper()):
            for s in (second, second.upper()):
                for mark in _TONE_MARKS:
                    table[f + _toned(s, mark)] = _toned(f, mark) + s
    return table


_TONE_TABLE = _build_tone_table()
# Only at the end of a syllable ("hoàn" keeps its mark on a), and not after q ("quý").
_SECONDS = "".join(sorted({pair[1] for pair in _TONE_TABLE}))
_TONE_PAIR_RE = re.compile("(?<![qQ])([oOuU][" + _SECONDS + "])(?![^\\W\\d_])")


def normalize_tones(text: str) -> str:
    """Put the tone mark of a final oa/oe/uy on its first vowel, as official documents do."""
    return _TONE_PAIR_RE.sub(lambda m: _TONE_TABLE.get(m.group(1), m.group(1)), text)


_FOOTNOTE_TAG_RE = re.compile(r"<(sup|sub)\b[^>]*>[^<]{0,12}</\1\s*>", re.IGNORECASE)
_BLOCK_TAG_RE = re.compile(r"</?(p|div|br|tr|li|h[1-6]|table|ul|ol)\b[^>]*>", re.IGNORECASE)
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\b[^<>]{0,200}>")
_MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_MD_STRONG_RE = re.compile(r"\*\*|__")
_MD_EM_RE = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_MD_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_MD_BULLET_RE = re.compile(r"^([ \t]*)\*[ \t]+", re.MULTILINE)
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u00ad]")

# A line that starts a new block even when the line before it does not end a sentence.
_LINE_START_RE = re.compile(
    r"""^(?:
        [-+•–*]\s                                  # bullet
      | \(?[0-9IVXLC]{1,5}(?:\.[0-9]{1,3})*[.)]\s?  # numbered item: 1. 1.2. II. 3)
      | [a-zđ]\)\s                                  # lettered item: a)
      | \|                                          # table row
      | (?:Số|Số\s*hiệu|Kính\s+gửi|Nơi\s+nhận|Căn\s+cứ|Thời\s+gian|Cơ\s+quan|Đơn\s+vị|TM\.|KT\.|T/M)\b
      | [^\W\d_][^,\n]{0,40},\s+ngày\b              # place and date line
      | [^\W\d_][^\W\d_ ]*(?:\ [^\W\d_]+){0,4}:\s   # a "Label: value" line
    )""",
    re.VERBOSE,
)
_SENTENCE_END_RE = re.compile(r"[.:;!?]\s*$|\./\.\s*$")


def _is_caps(line: str) -> bool:
    return line.isupper() and sum(c.isalpha() for c in line[:8]) >= 3


def _joins(prev: str, nxt: str, blank_between: bool) -> bool:
    """Whether ``nxt`` continues the paragraph that ``prev`` ends."""
    if not prev or not nxt or prev.startswith("|") or nxt.startswith("|"):
        return False
    if _SENTENCE_END_RE.search(prev) or _LINE_START_RE.match(nxt):
        return False
    if _is_caps(prev) or _is_caps(nxt):
        return False
    first = nxt[0]
    if blank_between:
        # A page break inside a sentence: the next page starts in lower case.
        return first.islower()
    return True


def _reflow(lines: list[str]) -> list[str]:
    out: list[str] = []
    blank = False
    for line in lines:
        if not line:
            blank = True
            continue
        if out and _joins(out[-1], line, blank):
            out[-1] = out[-1] + " " + line
        else:
            out.append(line)
        blank = False
    return out


def _strip_markup(text: str) -> str:
    if "<" in text:
        text = _FOOTNOTE_TAG_RE.sub("", text)
        text = _BLOCK_TAG_RE.sub("\n", text)
        text = _TAG_RE.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    text = _MD_ESCAPE_RE.sub(r"\1", text)
    text = _MD_HEADING_RE.sub("", text)
    text = _MD_STRONG_RE.sub("", text)
    text = _MD_BULLET_RE.sub(r"\1- ", text)
    return _MD_EM_RE.sub(r"\1", text)


def clean(raw: str) -> str:
    """The cleaned text: one paragraph per line, NFC, one tone placement, no markup."""
    text = unicodedata.normalize("NFC", raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub("", text)
    text = _strip_markup(text)
    text = normalize_tones(text)
    lines = [line.strip() for line in _SPACES_RE.sub(" ", text).split("\n")]
    return "\n".join(_reflow(lines))
