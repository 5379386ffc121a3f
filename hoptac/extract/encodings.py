"""Text encodings of Vietnamese documents: bytes → Unicode, and legacy font text → Unicode.

Three byte encodings are seen besides UTF-8/UTF-16: Windows-1258 (a real code page, with
combining tone marks), and the two font encodings of the 1990s, TCVN3 (the "ABC" fonts
.VnTime, .VnArial …) and VNI (VNI-Times …). The font encodings reuse the bytes 0xA0–0xFF
of Windows-1252, so text typed in such a font reaches us as Latin-1-looking mojibake
("Céng hoµ" for "Cộng hoà") both in old .txt files and inside .docx, HTML and PDF text.

``decode`` picks the byte encoding of a whole file; ``fix_legacy`` repairs already decoded
text line by line, converting only the lines that read as TCVN3 or VNI, because one .docx
can mix legacy-font and Unicode paragraphs.

TCVN3 here is TCVN 5712:1993 VN3, the subset the .Vn fonts carry: it has no upper-case
toned letters (a heading is typed with the lower-case codes in a ".VnTimeH" font, which
draws them as capitals), so ``decode_tcvn3(..., upper=True)`` exists for callers that know
the font. VNI is a base letter followed by one mark character ("Vieät" = "Việt").
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence

__all__ = [
    "LEGACY_ENCODINGS",
    "VIETNAMESE_LETTERS",
    "decode",
    "decode_legacy",
    "decode_tcvn3",
    "decode_vni",
    "encode_legacy",
    "fix_legacy",
    "fix_legacy_lines",
    "has_unicode_vietnamese",
    "is_vietnamese_syllable",
    "legacy_font_encoding",
    "legacy_verdicts",
]

LEGACY_ENCODINGS = ("tcvn3", "vni")

_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # none, sắc, huyền, hỏi, ngã, nặng
_VOWELS = "aăâeêioôơuưy"


def _toned(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


# Every letter of the Vietnamese alphabet in NFC, lower then upper case (ASCII ones included).
VIETNAMESE_LETTERS: frozenset[str] = frozenset(
    [_toned(v, t) for v in _VOWELS + _VOWELS.upper() for t in _TONES] + list("bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX")
)

# ---------------------------------------------------------------------------------------------
# TCVN3 (VN3): one byte per letter. Keys are the Windows-1252 characters the bytes decode to.
_TCVN3_BYTES = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip
_TCVN3_TABLE = {code: letter for code, letter in _TCVN3_BYTES.items()}  # U+00xx == byte 0xxx
_TCVN3_ENCODE = {letter: chr(code) for code, letter in _TCVN3_BYTES.items()}

# ---------------------------------------------------------------------------------------------
# VNI: a base letter and a mark character. Lower-case letters take lower-case marks.
_VNI_TONE = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_CIRCUMFLEX = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
# Letters VNI writes as one character: ơ ư đ and the whole i family, and ỵ.
_VNI_SINGLE = {
    "ơ": "ô", "ư": "ö", "đ": "ñ", "í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "ỵ": "î",
}  # fmt: skip


def _vni_pairs() -> dict[str, str]:
    """Unicode letter → VNI spelling, for every toned vowel and đ in both cases."""
    out: dict[str, str] = {}
    for tone in _TONES:
        mark = _VNI_TONE.get(tone, "")
        out[_toned("a", tone)] = "a" + mark
        out[_toned("e", tone)] = "e" + mark
        out[_toned("o", tone)] = "o" + mark
        out[_toned("u", tone)] = "u" + mark
        out[_toned("y", tone)] = "y" + mark
        out[_toned("â", tone)] = "a" + _VNI_CIRCUMFLEX[tone]
        out[_toned("ê", tone)] = "e" + _VNI_CIRCUMFLEX[tone]
        out[_toned("ô", tone)] = "o" + _VNI_CIRCUMFLEX[tone]
        out[_toned("ă", tone)] = "a" + _VNI_BREVE[tone]
        out[_toned("ơ", tone)] = "ô" + mark
        out[_toned("ư", tone)] = "ö" + mark
    out.update(_VNI_SINGLE)
    out["i"] = "i"
    # Upper case: the same spelling in capitals (VNI's capital marks are the Latin-1 capitals).
    for letter, spelling in list(out.items()):
        out[letter.upper()] = spelling.upper()
    return {letter: spelling for letter, spelling in out.items() if letter != spelling}


_VNI_ENCODE = _vni_pairs()
_VNI_DECODE = {spelling: letter for letter, spelling in _VNI_ENCODE.items()}
# Longest first, so "oâ" (ô) wins over a bare "o" and "ôù" (ớ) over "ô" (ơ).
_VNI_RE = re.compile("|".join(sorted(map(re.escape, _VNI_DECODE), key=len, reverse=True)))

# ---------------------------------------------------------------------------------------------
# Bytes 0x80–0x9F: Windows-1252 punctuation (“ ” – …), which legacy documents use as such.
_CP1252_HIGH = {
    code: bytes([code]).decode("cp1252") for code in range(0x80, 0xA0) if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}  # the five bytes Windows-1252 leaves unassigned stay C1 controls

# PDF text layers of .Vn fonts put out these for the TCVN3 codes of ư (0xAD) and ã (0xB7).
# Only next to a letter or another TCVN3 code ("®∙" is "đã"): "5 − 3" keeps its minus.
_PDF_GLYPH_RE = re.compile("(?<=[^\\W\\d_]|[\xa1-\xfe])[\u2212\u2219]|[\u2212\u2219](?=[^\\W\\d_]|[\xa1-\xfe])")
_PDF_GLYPHS = {"\u2212": "\xad", "\u2219": "\xb7"}

_WORD_RE = re.compile(r"[^\W\d_]+")
_TONE_MARKS_RE = re.compile("[\u0300\u0301\u0303\u0309\u0323]")
_NUCLEI = ("iê", "yê", "uô", "ươ", "ia", "ya", "ua", "ưa") + tuple(_VOWELS)
_SYLLABLE_RE = re.compile(
    "(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?"  # onset
    "(?:o(?=[aăe])|u(?=[âêyơa]))?"  # medial
    f"(?:{'|'.join(_NUCLEI)})"  # nucleus
    "(?:ch|ng|nh|[cmnptiyou])?"  # coda
)


def is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` has the shape of one Vietnamese syllable (onset, rhyme, one tone)."""
    nfd = unicodedata.normalize("NFD", word.lower())
    if len(_TONE_MARKS_RE.findall(nfd)) > 1:
        return False
    bare = unicodedata.normalize("NFC", _TONE_MARKS_RE.sub("", nfd))
    return _SYLLABLE_RE.fullmatch(bare) is not None


# ---------------------------------------------------------------------------------------------
# Legacy text → Unicode.


def decode_tcvn3(text: str, upper: bool = False) -> str:
    """TCVN3 mojibake (bytes decoded as Windows-1252) → Unicode; ``upper`` for ".VnTimeH" fonts.

    Without the font, a word typed in capitals gets its toned letters back in capitals too
    ("NéI DUNG" → "NỘI DUNG"); a lone capital stays title case ("Sè" → "Số").
    """
    if "\u2212" in text or "\u2219" in text:
        text = _PDF_GLYPH_RE.sub(lambda m: _PDF_GLYPHS[m.group()], text)
    out = text.translate(_TCVN3_TABLE)
    if upper:
        return out.upper()
    if _CAPS_RE.search(out):
        out = "\n".join(_restore_caps(line) for line in out.split("\n"))
    return out


# A capital and a non-ASCII letter in one word: only then can a word need its case restored.
_CAPS_RE = re.compile("[A-ZĂÂÊÔƠƯĐ][^\\W\\d_]*[^\\x00-\\x7f]|[^\\x00-\\x7f][^\\W\\d_]*[A-ZĂÂÊÔƠƯĐ]")


def _lower_toned_only(word: str) -> bool:
    """A word whose only lower-case letters are non-ASCII ("NéI"): possibly capitals typed in TCVN3."""
    return any(c.islower() and not c.isascii() for c in word) and not any(c.islower() and c.isascii() for c in word)


def _caps_syllable(word: str) -> bool:
    return len(word) >= 2 and word.isupper() and is_vietnamese_syllable(word)


def _restore_caps(line: str) -> str:
    gaps = _WORD_RE.split(line)  # the text around the words: one more piece than words
    words = _WORD_RE.findall(line)
    # "NộI": two capitals around a lower-case toned letter.
    fixed = [w.upper() if _lower_toned_only(w) and sum(c.isupper() for c in w) >= 2 else w for w in words]
    # "Kế HOẠCH", "ủY BAN": one capital or none, next to a Vietnamese word in capitals.
    for i, w in enumerate(words):
        if fixed[i] == w and _lower_toned_only(w):
            near = fixed[max(i - 1, 0) : i] + fixed[i + 1 : i + 2]
            if any(_caps_syllable(n) for n in near):
                fixed[i] = w.upper()
    out = [gaps[0]]
    for word, gap in zip(fixed, gaps[1:], strict=True):
        out += (word, gap)
    return "".join(out)


def decode_vni(text: str) -> str:
    """VNI mojibake (bytes decoded as Windows-1252) → Unicode."""
    return _VNI_RE.sub(lambda m: _VNI_DECODE[m.group()], text)


_DECODERS = {"tcvn3": decode_tcvn3, "vni": decode_vni}


def encode_legacy(text: str, encoding: str) -> str:
    """Unicode → the characters a legacy font shows (tests and fixtures use it).

    TCVN3 has no upper-case toned letters: they are written with the lower-case code.
    """
    text = unicodedata.normalize("NFC", text)
    if encoding == "tcvn3":
        return "".join(_TCVN3_ENCODE.get(c) or _TCVN3_ENCODE.get(c.lower(), c) for c in text)
    if encoding == "vni":
        return "".join(_VNI_ENCODE.get(c, c) for c in text)
    raise ValueError(f"unknown legacy encoding {encoding!r}")


def legacy_font_encoding(font: str | None) -> tuple[str, bool] | None:
    """("tcvn3" | "vni", upper) for a legacy Vietnamese font name, else None."""
    if not font:
        return None
    name = font.strip()
    low = name.lower()
    if low.startswith(".vn"):
        # ".VnTimeH", ".VnArialH" …: the capitals-only variants of the ABC fonts.
        return "tcvn3", name.endswith("H")
    if low.startswith(("vni-", "vni ")):
        return "vni", False
    return None


def decode_legacy(text: str, encoding: str, upper: bool = False) -> str:
    """Convert text known to be in a legacy encoding ("tcvn3" or "vni") to Unicode."""
    return decode_tcvn3(text, upper) if encoding == "tcvn3" else decode_vni(text)


# ---------------------------------------------------------------------------------------------
# Detection: which reading of a line gives Vietnamese?

# Characters of the legacy readings that are not Vietnamese letters ("µ" in "hoµ"): stray ones
# next to a letter are evidence of mojibake.
_HINT_CHARS = re.escape(
    "".join(
        sorted(
            ({chr(c) for c in _TCVN3_BYTES} | {c for s in _VNI_DECODE for c in s if ord(c) > 0x7F}) - VIETNAMESE_LETTERS
        )
    )
    + "\u2212\u2219"
)
_STRAY_RE = re.compile(f"(?<=[^\\W\\d_])[{_HINT_CHARS}]|[{_HINT_CHARS}](?=[^\\W\\d_])")
# Letters only Unicode has (Windows-1252 cannot produce them): a line with one is Unicode.
_UNICODE_VIET = "ĂăĐđĨĩŨũƠơƯư\u0300-\u036f\u1ea0-\u1ef9"
_UNICODE_VIET_RE = re.compile(f"[{_UNICODE_VIET}]")


def has_unicode_vietnamese(text: str) -> bool:
    """Whether ``text`` has a letter that only Unicode spells (ư, ạ …): it is not legacy text."""
    return _UNICODE_VIET_RE.search(text) is not None


# Legacy text lives in U+00A0–U+00FF: a line without such a character is never converted.
_LATIN1 = "\u00a0-\u00ff\u2212\u2219"
_LATIN1_RE = re.compile(f"[{_LATIN1}]")
_CANDIDATE_RE = re.compile(f"(?![^{_UNICODE_VIET}]*[{_UNICODE_VIET}])[^{_LATIN1}]*[{_LATIN1}]")

_SAMPLE_CHARS = 8000  # enough to judge a line; keeps a long line cheap
_GOOD_RATIO = 0.85  # real Vietnamese: nearly every word a syllable; OCR junk is far below
_STRONG = 3  # score gain of a line that decides an encoding by itself


def _counts(line: str) -> tuple[int, int, int]:
    """(valid, invalid, stray): non-ASCII words that are / are not Vietnamese syllables, and
    legacy symbols next to a letter ("n¨m"). ASCII words read the same in every encoding and
    abbreviations in capitals ("HĐND") are no syllables either way: neither is counted."""
    line = line[:_SAMPLE_CHARS]
    valid = invalid = 0
    for word in _WORD_RE.findall(line):
        if word.isascii():
            continue
        if is_vietnamese_syllable(word):
            valid += 1
        elif not (len(word) > 1 and word.isupper()):
            invalid += 1
    return valid, invalid, len(_STRAY_RE.findall(line))


def _score(counts: tuple[int, int, int]) -> int:
    valid, invalid, stray = counts
    return valid - invalid - stray


def _reads_well(counts: tuple[int, int, int]) -> bool:
    valid, invalid, stray = counts
    return valid > 0 and valid >= _GOOD_RATIO * (valid + invalid) and stray == 0


def _judge(line: str) -> tuple[list[str], int, list[str]]:
    """(best, gain, possible): the legacy readings that read ``line`` best and the score they
    gain, and the readings that read it well without gaining (an ambiguous short line)."""
    counts = _counts(line)
    score = _score(counts)
    evidence = counts[1] + counts[2]
    best: list[str] = []
    gain = 0
    possible: list[str] = []
    for name, convert in _DECODERS.items():
        converted = convert(line)
        if converted == line:
            continue
        cand = _counts(converted)
        cand_gain = _score(cand) - score
        if _reads_well(cand) and cand_gain > 0 and evidence > 0:
            if cand_gain > gain:
                best, gain = [name], cand_gain
            elif cand_gain == gain:
                best.append(name)
        elif cand_gain >= 0 and (_reads_well(cand) or cand[1] == cand[2] == 0):
            possible.append(name)  # reads as well, or only abbreviations remain ("LĐVP")
    return best, gain, possible


def legacy_verdicts(lines: Sequence[str]) -> list[str | None]:
    """For each paragraph, the legacy encoding ("tcvn3", "vni") it is written in, or None."""
    out: list[str | None] = [None] * len(lines)
    verdicts = {i: _judge(line) for i, line in enumerate(lines) if _CANDIDATE_RE.match(line)}
    # Anchors: lines that a single reading clearly fixes. Without one, nothing is converted:
    # a stray "nuéc" in OCR output is a misread "nước", not TCVN3.
    anchors = {i: best[0] for i, (best, gain, _) in verdicts.items() if len(best) == 1 and gain >= _STRONG}
    if not anchors:
        return out
    unicode_before = [0]  # unicode_before[k]: Unicode lines among lines[:k]
    for line in lines:
        unicode_before.append(unicode_before[-1] + bool(_UNICODE_VIET_RE.search(line)))
    order = sorted(anchors)

    def nearest_anchor(i: int, allowed: list[str]) -> str | None:
        """The encoding of the nearest anchor, if allowed here and no Unicode line lies between."""
        k = bisect.bisect_left(order, i)
        near = order[max(k - 1, 0) : k + 1]  # the anchors just before and after line i
        for j in sorted(near, key=lambda j: abs(j - i)):
            lo, hi = min(i, j), max(i, j)
            if unicode_before[hi] == unicode_before[lo + 1] and anchors[j] in allowed:
                return anchors[j]
        return None

    for i, (best, _, possible) in verdicts.items():
        out[i] = anchors.get(i) or nearest_anchor(i, best + possible)
    return out


def fix_legacy_lines(lines: Sequence[str]) -> list[str]:
    """``fix_legacy`` for a list of paragraphs (each may hold line breaks)."""
    verdicts = legacy_verdicts(lines)
    return [_DECODERS[name](line) if name else line for line, name in zip(lines, verdicts, strict=True)]


def fix_legacy(text: str) -> str:
    """Convert the lines of ``text`` that read as TCVN3 or VNI mojibake to Unicode (NFC).

    A line is converted when a legacy reading of it is Vietnamese and clearly better than the
    line as it is; a line that reads about as well either way ("Sè 12" is "Số 12") follows the
    nearest such line, unless a Unicode line lies between. Unicode Vietnamese, ASCII and other
    languages are returned unchanged; text without Latin-1 letters costs one regex scan.
    """
    if not _LATIN1_RE.search(text):
        return text
    # Most text holds no line a legacy reading clearly fixes: find that out line by line, in place,
    # before splitting the whole text (a 20 MB file must not be held twice over for nothing).
    if not any(_is_anchor(m[0]) for m in _LINE_RE.finditer(text) if _CANDIDATE_RE.match(m[0])):
        return text
    lines = text.split("\n")
    fixed = fix_legacy_lines(lines)
    return text if fixed == lines else "\n".join(fixed)


_LINE_RE = re.compile(r"[^\n]+")


def _is_anchor(line: str) -> bool:
    _valid, invalid, stray = _counts(line)
    if not invalid and not stray:
        return False  # nothing is wrong with the line as it is: no reading can gain on it
    best, gain, _possible = _judge(line)
    return len(best) == 1 and gain >= _STRONG


# ---------------------------------------------------------------------------------------------
# Bytes → text.

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_SAMPLE_BYTES = 64 * 1024


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes fill every other position, as in UTF-16 text."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2 or len(data) % 2:
        return None
    zero_odd = sample[1::2].count(0)
    zero_even = sample[0::2].count(0)
    if zero_odd >= 0.3 * pairs and zero_even <= 0.02 * pairs:
        codec = "utf-16-le"
    elif zero_even >= 0.3 * pairs and zero_odd <= 0.02 * pairs:
        codec = "utf-16-be"
    else:
        return None
    # Binary data can have that pattern too; text decodes to Latin and Vietnamese letters.
    text = sample[: pairs * 2].decode(codec, errors="replace")
    latin = len(_LATIN_TEXT_RE.findall(text))
    return codec if latin >= 0.9 * len(text) else None


_LATIN_TEXT_RE = re.compile("[\t\n\r\x20-\x7e\u00a0-\u024f\u0300-\u036f\u1e00-\u1eff\u2000-\u206f]")


def _cp1252(data: bytes) -> str:
    """Windows-1252 that never fails (its five unassigned bytes stay as C1 controls)."""
    return data.decode("latin-1").translate(_CP1252_HIGH)


_READERS = {
    "windows-1258": lambda data: unicodedata.normalize("NFC", data.decode("cp1258", errors="replace")),
    "tcvn3": lambda data: decode_tcvn3(_cp1252(data)),
    "vni": lambda data: decode_vni(_cp1252(data)),
}


def decode(data: bytes) -> tuple[str, str]:
    """Decode the bytes of a text file: (text, encoding name). Raises ``UnicodeError`` if none fits.

    Order: a BOM; UTF-16 recognised by its NUL bytes; UTF-8 (also with a few damaged bytes);
    else the 8-bit reading (Windows-1258, TCVN3, VNI) with the most Vietnamese syllables, or
    Windows-1252 when none reads as Vietnamese. Legacy text comes back in NFC.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name), name
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # UTF-8 damaged in a few places (a cut multi-byte character) is still UTF-8.
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    good = len(lenient) - len(lenient.encode("ascii", errors="ignore")) - bad
    if good >= 20 * bad:
        return lenient, "utf-8"
    sample = data[:_SAMPLE_BYTES]
    scores = {name: _score(_counts_text(read(sample))) for name, read in _READERS.items()}
    name = max(scores, key=lambda n: scores[n])
    if scores[name] <= 0:
        return _cp1252(data), "windows-1252"
    return _READERS[name](data), name


def _counts_text(text: str) -> tuple[int, int, int]:
    """``_counts`` summed over the lines of a sample."""
    valid = invalid = stray = 0
    for line in text[:_SAMPLE_BYTES].split("\n"):
        v, i, s = _counts(line)
        valid, invalid, stray = valid + v, invalid + i, stray + s
    return valid, invalid, stray
