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
from dataclasses import dataclass

from hoptac.extract.repair import Repair, repair_lines
from hoptac.extract.tables import pipe_cell_tables
from hoptac.extract.text import is_caps

__all__ = ["Cleaned", "clean", "clean_document", "normalize_tones", "tidy_ocr_line"]

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
# The letters come first and the look-behind after them: a pattern that opens with a look-behind
# is tried at every position, one that opens with a character set is searched for.
_TONE_PAIR_RE = re.compile("([oOuU][" + _SECONDS + "])(?<![qQ]..)(?![^\\W\\d_])")


def normalize_tones(text: str) -> str:
    """Put the tone mark of a final oa/oe/uy on its first vowel, as official documents do."""
    return _TONE_PAIR_RE.sub(lambda m: _TONE_TABLE.get(m.group(1), m.group(1)), text)


_FOOTNOTE_TAG_RE = re.compile(r"<(sup|sub)\b[^>]*>[^<]{0,12}</\1\s*>", re.IGNORECASE)
_BLOCK_TAG_RE = re.compile(r"</?(p|div|br|tr|li|h[1-6]|table|ul|ol)\b[^>]*>", re.IGNORECASE)
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\b[^<>]{0,200}>")
_MD_HEADING_RE = re.compile(r"^(\ue000?)\s{0,3}#{1,6}\s+", re.MULTILINE)
_MD_STRONG_RE = re.compile(r"\*\*|__")
# A closing marker may follow a space at a line's end ("*Cần Thơ, ngày 21 tháng 11 năm 2025 *"),
# a converter's habit: a bullet's "* " never stands there.
_EM_CLOSE = r"(?:(?<=\S)\*(?![\w*])|[ \t]+\*(?=[ \t]*$))"
_MD_EM_RE = re.compile(r"\*(?<![\w*]\*)(?=\S)([^*\n]+?)" + _EM_CLOSE, re.MULTILINE)
_MD_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_MD_BULLET_RE = re.compile(r"^([ \t]*)\*[ \t]+", re.MULTILINE)
# Only what needs changing: runs of spaces and the other kinds of space (a lone " " stays).
_SPACE = "\t\u00a0\u2000-\u200b\u202f\u205f\u3000"  # the spaces other than " "
_SPACES_RE = re.compile(f"[ {_SPACE}](?:(?<=[{_SPACE}])|[ {_SPACE}]+)")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u00ad]")

# A line that starts a new block even when the line before it does not end a sentence.
_LINE_START_RE = re.compile(
    r"""^(?:
        [-+•–*]\s                                  # bullet
      | \(?(?:[0-9]{1,3}|[IVXLC]{1,5})(?:\.[0-9]{1,3})*[.)]\s?  # numbered item: 1. 1.2. II. 3) (not "2026)")
      | [a-zđ]\)\s                                  # lettered item: a)
      | \|                                          # table row
      | (?:Số|Số\s*hiệu|Kính\s+gửi|Nơi\s+nhận|Căn\s+cứ|Thời\s+gian|Cơ\s+quan|Đơn\s+vị|TM\.|KT\.|T/M)\b
      | [^\W\d_][^,\n]{0,40},\s+ngày\b              # place and date line
    )""",
    re.VERBOSE,
)
# A "Label: value" line starts a block when its label is capitalised: "nơi có nhiều lao động: …"
# after "khu công nghiệp," is the sentence running on.
_LABEL_LINE_RE = re.compile(r"[^\W\d_][^\W\d_ ]*(?: [^\W\d_]+){0,4}:\s")


# On a scan, labels OCR garbled start blocks too: "5, Ưu tiên …", "2Á Tuyên truyền …", "1: Sở …".
_OCR_LABEL_START_RE = re.compile(r"\d{1,2}(?:[,:;]|[^\W\d_])\s+[A-ZĐÀ-Ỹ]")


def _starts_block(line: str, scanned: bool = False) -> bool:
    return bool(
        _LINE_START_RE.match(line)
        or (_LABEL_LINE_RE.match(line) and not line[0].islower())
        or (scanned and _OCR_LABEL_START_RE.match(line))
    )


_SENTENCE_END_RE = re.compile(r"[.:;!?]\s*$|\./\.\s*$")


def _is_caps(line: str) -> bool:
    # Nine letters in ten: an OCR'd heading keeps a lower-case "l" for its "I." ("l MỤC ĐÍCH").
    return is_caps(line, 0.9) and sum(map(str.isalpha, line[:8])) >= 3


# A numbering label left alone on its line ("**1.****" then the text on the next line).
_BARE_LABEL_RE = re.compile(r"^(?:[IVX]{1,5}|\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđ])[.)]?$|^[-+•]$")
# A wrapped upper-case heading whose first line cannot end it ("III. NHIỆM VỤ," / "GIẢI PHÁP").
_OPEN_CAPS_END_RE = re.compile(r"(?:,|\bVÀ|\bCỦA|\bVỀ|\bTRONG|\bCHO|\bĐẾN|-|–)$")
# Put in front of a line whose text was all emphasised: it is a heading, its own block.
HEADING_MARK = "\ue000"


class _Reflow:
    """Joins lines into paragraphs as they arrive, so a large input is never held twice."""

    def __init__(self, wrapped: bool = True, scanned: bool = False) -> None:
        self.wrapped = wrapped  # the input is hard-wrapped: lines join back into paragraphs
        self.scanned = scanned  # the input came from OCR
        self.out: list[str] = []
        self.headings: set[int] = set()  # indexes in ``out`` of emphasised heading lines
        self.para: list[str] = []  # the lines of the open paragraph
        self.para_heading = False
        self.para_caps = False  # every line of the open paragraph is in capitals
        self.last_caps = False  # its last line is
        self.blank = False

    def _joins(self, nxt: str, nxt_caps: bool) -> bool:
        """Whether ``nxt`` continues the open paragraph."""
        first_line, last_line = self.para[0], self.para[-1]
        if first_line.startswith("|") or nxt.startswith("|"):
            return False
        if len(self.para) == 1 and _BARE_LABEL_RE.match(last_line):
            return True
        if self.para_heading:
            return False
        if nxt_caps and self.last_caps and _OPEN_CAPS_END_RE.search(last_line):
            return not _starts_block(nxt, self.scanned)
        if not self.wrapped:
            # Lines are paragraphs; only a sentence cut by a page break runs on, in lower case.
            return nxt[0].islower() and not _SENTENCE_END_RE.search(last_line) and not _starts_block(nxt, self.scanned)
        if _SENTENCE_END_RE.search(last_line) or _starts_block(nxt, self.scanned):
            return False
        if self.para_caps or nxt_caps:
            return False
        if self.blank:
            # A page break inside a sentence: the next page starts in lower case.
            return nxt[0].islower()
        return True

    def feed(self, line: str) -> None:
        heading = line.startswith(HEADING_MARK)
        if heading:
            line = line[1:].strip()
        if not line:
            self.blank = True
            return
        caps = _is_caps(line)  # once per line: a paragraph's lines are judged as they come
        if self.para and not (heading and not _BARE_LABEL_RE.match(self.para[-1])) and self._joins(line, caps):
            self.para.append(line)
            self.para_heading = self.para_heading or heading
            self.para_caps = self.para_caps and caps
        else:
            self._close()
            self.para = [line]
            self.para_heading = heading
            self.para_caps = caps
        self.last_caps = caps
        self.blank = False

    def _close(self) -> None:
        if self.para:
            if self.para_heading:
                self.headings.add(len(self.out))
            joined = self.para[0]
            for line in self.para[1:]:
                # Vietnamese syllables are not hyphenated at a line end: a word's "-" there joins a
                # compound ("1668/QĐ-" / "TTg", "2022-" / "2026").
                glued = joined[-1:] == "-" and joined[-2:-1].isalnum() and line[:1].isalnum()
                joined += line if glued else " " + line
            self.out.append(joined)
            self.para = []
            self.para_heading = False

    def finish(self) -> list[str]:
        self._close()
        return self.out


# Emphasis that runs over line ends: "**III. NHIỆM\nVỤ, GIẢI PHÁP**" is one heading.
# Matched left to right so that markers pair up as printed.
_WRAPPED_STRONG_RE = re.compile(r"\*\*([^*]{0,800}?)\*\*")
_WRAPPED_EM_RE = re.compile(r"\*(?<![*\w]\*)(?=\S)([^*]{0,800}?)" + _EM_CLOSE, re.MULTILINE)
_EMPHASIS_RE = re.compile(r"\*\*[^*\n]*\*\*|(?<![*\w])\*(?=\S)[^*\n]+?(?<=\S)\*(?![*\w])|__[^_\n]+__")
# What may stand outside the emphasis of a heading line: its numbering and punctuation.
_LABEL_OR_PUNCT_RE = re.compile(r"^[^\w]*(?:(?:[IVX]{1,5}|\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđ])[.)]?)?[^\w]*$")
_MD_HEADING_LINE_RE = re.compile(r"^\s{0,3}#{1,6}\s+\S")


def _unwrap(m: re.Match[str]) -> str:
    inner = m[1]
    if "\n" not in inner or "\n\n" in inner or "\n|" in inner or "|\n" in inner:
        return m[0]
    return m[0].replace("\n", " ")


_LETTER_RE = re.compile(r"[^\W\d_]")


def _is_emphasised(line: str) -> bool:
    rest = _EMPHASIS_RE.sub(" ", line)
    if rest == line or not _LABEL_OR_PUNCT_RE.match(rest):
        return False
    emphasised = "".join(_EMPHASIS_RE.findall(line))
    return len(_LETTER_RE.findall(emphasised, 0, 80)) > 3


# An emphasised label whose closing marker follows the space after its colon ("*Đơn vị chủ trì
# thực\nhiện: *Sở Tư pháp", a converter's habit): the label, on one line, without its markers.
_LABEL_EM_RE = re.compile(r"\*(?<![\w*]\*)(?=\S)([^*\n]{1,80}?(?:\n[^*\n]{1,80}?)?:)[ \t]\*(?!\*)")


def _plain_label(m: re.Match[str]) -> str:
    return m[1].replace("\n", " ") + " "


def _mark_headings(text: str) -> str:
    """Joins emphasis spans wrapped over lines and marks the lines that are all emphasis."""
    if "*" not in text and "__" not in text and "#" not in text:
        return text
    text = _LABEL_EM_RE.sub(_plain_label, text)
    text = _WRAPPED_STRONG_RE.sub(_unwrap, text)
    text = _WRAPPED_EM_RE.sub(_unwrap, text)
    out = []
    for line in text.split("\n"):
        emphasised = ("*" in line or "__" in line) and _is_emphasised(line)
        if not line.startswith("|") and (emphasised or "#" in line[:4] and _MD_HEADING_LINE_RE.match(line)):
            line = HEADING_MARK + line
        out.append(line)
    return "\n".join(out)


def _strip_markup(text: str) -> str:
    text = _mark_headings(text)
    if "<" in text:
        text = _FOOTNOTE_TAG_RE.sub("", text)
        text = _BLOCK_TAG_RE.sub("\n", text)
        text = _TAG_RE.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    # Each pass only where its mark is printed: most text has none of them.
    if "\\" in text:
        text = _MD_ESCAPE_RE.sub(r"\1", text)
    if "#" in text:
        text = _MD_HEADING_RE.sub(r"\1", text)
    if "*" not in text and "_" not in text:
        return text
    text = _MD_STRONG_RE.sub("", text)
    text = _MD_BULLET_RE.sub(r"\1- ", text)
    return _MD_EM_RE.sub(r"\1", text)


_CHUNK = 1 << 18


def _chunks(text: str) -> list[tuple[int, int]]:
    """Pieces of about 256 KB that end at a line end, so each can be cleaned on its own."""
    out = []
    start = 0
    while start < len(text):
        end = text.find("\n", start + _CHUNK)
        end = len(text) if end < 0 else end + 1
        out.append((start, end))
        start = end
    return out


@dataclass(frozen=True)
class Cleaned:
    """The cleaned text, and which of its lines were printed as emphasised headings."""

    text: str
    headings: frozenset[int]
    # Words repaired as OCR damage (``repair``): offsets in ``text`` and the word as printed.
    repairs: tuple[Repair, ...] = ()
    scanned: bool = False  # read by OCR: its printed item numbers may be garbled


def is_hard_wrapped(raw: str) -> bool:
    """Whether the text was hard-wrapped at a fixed width (a PDF's or a legal database's lines), so
    that its lines must be joined back into paragraphs; a page whose lines are paragraphs is not."""
    lines = [x.rstrip() for x in unicodedata.normalize("NFC", raw[:65536]).split("\n")]
    lines = [x for x in lines if len(x.strip()) >= 20 and not x.lstrip().startswith("|")]
    if len(lines) < 5:
        return False
    lengths = sorted(len(x) for x in lines)
    p90 = lengths[max(0, int(len(lengths) * 0.9) - 1)]
    open_ends = sum(1 for x in lines if not x.endswith((".", ":", ";", "!", "?", "|"))) / len(lines)
    return p90 <= 130 and open_ends >= 0.5


# OCR reads specks and stamp edges as marks: alone between spaces, before an item's label, glued
# to a bullet or to a letter label ("II. ˆ NHIỆM VỤ", ":1.2. | Triển khai", "_- Phối hợp", "c)ạ Thời").
_OCR_NOISE_TOKEN_RE = re.compile(r"(?<!\S)(?:[ˆ`~_|¦^«»“”\"'‘’]+|[=:;]{2,})(?!\S)")
# "- KẾ HOẠCH": no bullet stands before a line in capitals.
_OCR_CAPS_BULLET_RE = re.compile(r"^[-–—•]\s*(?=[A-ZĐÀ-Ỹ]{2})")
_OCR_BEFORE_LABEL_RE = re.compile(r"^[:;,.'\"“”‘’`ˆ~_|¦^]+(?=(?:[IVX]{1,5}|\d{1,2})(?:[.)]|\s)|[a-zđ]\))")
# "c Thời gian thực hiện:": a letter label that lost its bracket (never "ở", which is a word).
_OCR_BARE_LETTER_RE = re.compile(r"^([a-hđ])\s+(?=[A-ZĐÀ-Ỹ])")
_OCR_BULLET_RE = re.compile(r"^[\"“”‘’'`ˆ~_|¦^]*[-–—~_](?:\s*[-–—])?\s+(?=\S)")
# "Đài Phát thanh và." at a line's end: no Vietnamese sentence ends on a conjunction or a
# preposition, so the full stop there is a speck.
_OCR_STOP_AFTER_JOINER_RE = re.compile(
    r"(?<=\s)(và|hoặc|của|các|những|với|cho|trong|tại|về|theo|để|từ|đến|trên|dưới|giữa)\.$", re.IGNORECASE
)
_OCR_AFTER_LETTER_RE = re.compile(r"^([a-zđ]\))[^\s\w]?[a-zđà-ỹ]?(?=\s)")


# "- 4/1. — Kinh phí", "1;1, Đẩy mạnh": a numbered label read with other marks for its dots.
_OCR_NUMBER_RE = re.compile(r"^(?:[-–—]\s+)?(\d{1,2})[/,:;](\d{1,2})[.,;:]\s*(?:[-–—]\s+)?(?=\S)")


def tidy_ocr_line(line: str) -> str:
    """An OCR'd line without the specks read as marks; other text is left as read. A table row
    ("| a | b |", seated by ``grid``) is tidied cell by cell."""
    if len(line) > 2 and line.startswith("| ") and line.endswith(" |"):
        # Split on every "|": an empty cell ("| | xuyên |") keeps its place.
        cells = [_tidy_ocr_text(cell) for cell in line[1:-1].split("|")]
        return "|" + "|".join(f" {cell} " if cell else " " for cell in cells) + "|"
    return _tidy_ocr_text(line)


def _tidy_ocr_text(line: str) -> str:
    if not any(c.isalnum() for c in line):
        return ""  # the star or rule under a letterhead, read as "+", "-—" or "*"
    line = _OCR_NOISE_TOKEN_RE.sub("", line)
    line = _OCR_NUMBER_RE.sub(r"\1.\2. ", line)
    line = _OCR_BEFORE_LABEL_RE.sub("", line)
    line = _OCR_BULLET_RE.sub("- ", line)
    line = _OCR_AFTER_LETTER_RE.sub(r"\1", line)
    line = _OCR_STOP_AFTER_JOINER_RE.sub(r"\1", line)
    line = _OCR_BARE_LETTER_RE.sub(r"\1) ", line)
    if _OCR_CAPS_BULLET_RE.match(line) and is_caps(line):
        line = _OCR_CAPS_BULLET_RE.sub("", line)
    return " ".join(line.split())


def clean_document(raw: str, scanned: bool = False) -> Cleaned:
    """The cleaned text: one paragraph per line, NFC, one tone placement, no markup.

    Tables pasted one cell per line between "|" lines become one "| a | b |" line per row.
    """
    reflow = _Reflow(is_hard_wrapped(raw), scanned)
    for start, end in _chunks(raw):
        text = unicodedata.normalize("NFC", raw[start:end])
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _CONTROL_RE.sub("", text.replace(HEADING_MARK, ""))
        text = _strip_markup(text)
        text = normalize_tones(text)
        lines = [line.strip() for line in _SPACES_RE.sub(" ", text).split("\n")]
        del text
        if scanned:
            lines = [tidy_ocr_line(line) for line in lines]
        for line in pipe_cell_tables(lines):
            reflow.feed(line)
    paragraphs, repairs = repair_lines(reflow.finish())  # damaged paragraphs only; the lines stay
    return Cleaned("\n".join(paragraphs), frozenset(reflow.headings), repairs, scanned)


def clean(raw: str) -> str:
    return clean_document(raw).text
