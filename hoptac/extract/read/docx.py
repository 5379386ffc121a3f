"""Word (.docx): body paragraphs and tables in document order, automatic numbering written out."""

from __future__ import annotations

import dataclasses
import io
import itertools
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from hoptac.errors import ReadError
from hoptac.extract.encodings import (
    decode_legacy,
    has_unicode_vietnamese,
    legacy_font_encoding,
    legacy_verdicts,
)
from hoptac.extract.read.common import _LEADING_LABEL_RE, _PLAIN_LABEL_RE, _WS_RE, MB, _emphasise, _mb, _render
from hoptac.extract.text import roman as roman_numeral

# A .docx is a zip: what it may unpack to, in all and per member compared with its packed size.
MAX_DOCX_UNPACKED = 100 * MB
MAX_DOCX_RATIO = 200
MAX_DOCX_MEMBERS = 5000
# The XML parts are parsed into trees of about 30 times their size: a 300-page document has 5 MB.
MAX_DOCX_XML = 16 * MB
MAX_NESTING = 100  # tables in tables, content controls in content controls …

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _check_docx_zip(data: bytes, source: str) -> None:
    """Refuse what is not a Word document, and zip bombs, from the zip's directory alone."""
    if data.startswith(_OLE_MAGIC):  # also how Word stores a password-protected .docx
        raise ReadError(source, "tệp Word cũ (.doc) hoặc .docx có mật khẩu; hãy mở bằng Word và lưu lại dạng .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except Exception:  # BadZipFile, a truncated directory, absurd offsets …
        raise ReadError(source, "tệp .docx hỏng hoặc bị cắt cụt (không phải tệp zip hợp lệ)") from None
    names = {info.filename for info in infos}
    if "word/document.xml" not in names:
        kinds = (("xl/workbook.xml", "tệp Excel"), ("ppt/presentation.xml", "tệp PowerPoint"))
        kind = next((k for member, k in kinds if member in names), "tệp zip khác")
        raise ReadError(source, f"không phải tài liệu Word: thiếu word/document.xml ({kind})")
    if len(infos) > MAX_DOCX_MEMBERS:
        raise ReadError(source, f"tệp .docx bất thường ({len(infos)} thành phần)")
    total = xml = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_DOCX_UNPACKED or (info.file_size > MB and ratio > MAX_DOCX_RATIO):
            size = _mb(max(total, info.file_size))
            raise ReadError(source, f"tệp .docx bất thường, có thể là bom nén (giải nén ra hơn {size} MB)")
        if info.filename.lower().endswith((".xml", ".rels")):
            xml += info.file_size
            if xml > MAX_DOCX_XML:
                raise ReadError(
                    source, f"tệp .docx quá lớn để đọc (phần XML hơn {_mb(xml)} MB; giới hạn {_mb(MAX_DOCX_XML)} MB)"
                )


def _read_docx(data: bytes, source: str) -> str:
    import docx

    _check_docx_zip(data, source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = docx.Document(io.BytesIO(data))
            try:
                numbering = getattr(document.part.part_related_by(_RT_NUMBERING), "element", None)
            except KeyError:
                numbering = None
            reader = _DocxText(document.styles.element, numbering)
            reader.body(document.element.body)
            return reader.render()
    except _TooDeep:
        raise ReadError(source, "tệp .docx bất thường: bảng lồng nhau quá sâu") from None
    except Exception as exc:
        deep = "depth" in str(exc).lower()  # libxml2 refuses elements nested over 256 deep
        reason = "tệp .docx bất thường: cấu trúc XML lồng nhau quá sâu" if deep else "tệp .docx hỏng, không đọc được"
        raise ReadError(source, reason) from exc


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _val(el: Any, path: str) -> str | None:
    """The w:val of the first element at ``path`` under ``el`` (tags without the w: namespace)."""
    if el is None:
        return None
    found = el.find("/".join(W + part for part in path.split("/")))
    return None if found is None else found.get(W + "val")


def _on(el: Any, path: str) -> bool:
    """An on/off property (w:b, w:vanish, w:isLgl …): present and not switched off."""
    found = None if el is None else el.find("/".join(W + part for part in path.split("/")))
    return found is not None and found.get(W + "val", "true") not in ("0", "false", "off")


class _Styles:
    """Paragraph and run properties inherited through styles (basedOn chains)."""

    def __init__(self, styles: Any) -> None:
        self.by_id: dict[str, Any] = {}
        self.default_paragraph: str | None = None
        self.default_font: str | None = None
        if styles is None:
            return
        for style in styles.iter(W + "style"):
            style_id = style.get(W + "styleId")
            if style_id:
                self.by_id[style_id] = style
                if style.get(W + "type") == "paragraph" and style.get(W + "default") in ("1", "true"):
                    self.default_paragraph = style_id
        defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        self.default_font = _font_of(defaults)

    def chain(self, style_id: str | None) -> Iterator[Any]:
        """The style and the styles it is based on, nearest first (cycles cut)."""
        seen: set[str] = set()
        while style_id and style_id not in seen and len(seen) < 50:
            seen.add(style_id)
            style = self.by_id.get(style_id)
            if style is None:
                return
            yield style
            style_id = _val(style, "basedOn")

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """(numId, ilvl) a paragraph style gives its paragraphs."""
        for style in self.chain(style_id):
            num_id = _val(style, "pPr/numPr/numId")
            if num_id is not None:
                ilvl = _val(style, "pPr/numPr/ilvl")
                return num_id, None if ilvl is None else _int(ilvl, 0)
        return None, None

    def font(self, run: Any, paragraph_style: str | None) -> str | None:
        """The Latin font a run is drawn with: its own, its character style's, its paragraph
        style's, the default paragraph style's, then the document default."""
        own = _font_of(run.find(W + "rPr"))
        if own:
            return own
        for style in self.chain(_val(run, "rPr/rStyle")):
            font = _font_of(style.find(W + "rPr"))
            if font:
                return font
        for style in self.chain(paragraph_style or self.default_paragraph):
            font = _font_of(style.find(W + "rPr"))
            if font:
                return font
        return self.default_font

    def emphasised(self, run: Any, paragraph_style: str | None) -> bool:
        """Whether a run is printed bold or italic: its own w:b/w:i, else its character style's,
        else its paragraph style's (a switch set off nearer wins)."""
        sources = [run.find(W + "rPr")]
        sources += [style.find(W + "rPr") for style in self.chain(_val(run, "rPr/rStyle"))]
        sources += [style.find(W + "rPr") for style in self.chain(paragraph_style or self.default_paragraph)]
        found = {}
        for rpr in sources:
            if rpr is None:
                continue
            for tag in ("b", "i"):
                if tag not in found and rpr.find(W + tag) is not None:
                    found[tag] = _on(rpr, tag)
        return any(found.values())


def _font_of(rpr: Any) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(W + "rFonts")
    if fonts is None:
        return None
    # Word draws the characters above 0x7F, where legacy letters live, in the hAnsi font.
    return fonts.get(W + "hAnsi") or fonts.get(W + "ascii")


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = ""
    start: int = 1
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 = never
    legal: bool = False  # w:isLgl: every number of the label in decimal
    suffix: str = "tab"
    style: str | None = None


def _level(lvl: Any) -> _Level:
    restart = _val(lvl, "lvlRestart")
    return _Level(
        fmt=_val(lvl, "numFmt") or "decimal",
        text=_val(lvl, "lvlText") or "",
        start=_int(_val(lvl, "start"), 0),  # the schema's default is 0
        restart=None if restart is None else _int(restart, 0),
        legal=_on(lvl, "isLgl"),
        suffix=_val(lvl, "suff") or "tab",
        style=_val(lvl, "pStyle"),
    )


def _format_number(n: int, fmt: str) -> str:
    if n <= 0 or n >= 4000 or fmt in ("decimal", "ordinal"):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperRoman", "lowerRoman"):
        roman = roman_numeral(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)  # Word: Z, AA, BB …
        return letter if fmt == "upperLetter" else letter.lower()
    return str(n)


class _Numbering:
    """Word's automatic numbering (numbering.xml), counted in document order as Word does."""

    def __init__(self, numbering: Any, styles: _Styles) -> None:
        self.styles = styles
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_link: dict[str, str] = {}  # abstractNum → numbering style it takes its levels from
        # numId → (abstractNumId, levels replaced by the instance, levels whose start it overrides)
        self.nums: dict[str, tuple[str, dict[int, _Level], dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}  # per abstractNum: level → current value
        self.used: set[str] = set()
        if numbering is None:
            return
        for abstract in numbering.iter(W + "abstractNum"):
            abstract_id = abstract.get(W + "abstractNumId") or ""
            self.abstract[abstract_id] = {
                _int(lvl.get(W + "ilvl"), 0): _level(lvl) for lvl in abstract.findall(W + "lvl")
            }
            link = _val(abstract, "numStyleLink")
            if link:
                self.style_link[abstract_id] = link
        for num in numbering.iter(W + "num"):
            num_id = num.get(W + "numId") or ""
            replaced: dict[int, _Level] = {}
            starts: dict[int, int] = {}
            for override in num.findall(W + "lvlOverride"):
                ilvl = _int(override.get(W + "ilvl"), 0)
                lvl = override.find(W + "lvl")
                if lvl is not None:
                    replaced[ilvl] = _level(lvl)
                start = _val(override, "startOverride")
                if start is not None:
                    starts[ilvl] = _int(start, 1)
            self.nums[num_id] = (_val(num, "abstractNumId") or "", replaced, starts)

    def levels(self, num_id: str) -> tuple[str, dict[int, _Level]] | None:
        entry = self.nums.get(num_id)
        if entry is None:
            return None
        abstract_id, replaced, starts = entry
        if abstract_id in self.style_link:  # the levels live in the numbering style's list
            linked, _ = self.styles.numbering(self.style_link[abstract_id])
            linked_entry = self.nums.get(linked or "")
            if linked_entry is not None and linked_entry[0] not in self.style_link:
                abstract_id = linked_entry[0]
        levels = dict(self.abstract.get(abstract_id, {}))
        levels.update(replaced)
        for ilvl, start in starts.items():
            if ilvl in levels:
                levels[ilvl] = dataclasses.replace(levels[ilvl], start=start)
        return abstract_id, levels

    def label(self, paragraph: Any) -> str:
        """The number Word shows before ``paragraph`` ("1.2. ", "a) ", "- "), or ""."""
        ppr = paragraph.find(W + "pPr")
        style_id = _val(ppr, "pStyle")
        num_id = _val(ppr, "numPr/numId")
        ilvl_text = _val(ppr, "numPr/ilvl")
        ilvl = None if ilvl_text is None else _int(ilvl_text, 0)
        if num_id is None:
            num_id, style_ilvl = self.styles.numbering(style_id)
            ilvl = ilvl if ilvl is not None else style_ilvl
        if not num_id or num_id == "0":
            return ""
        found = self.levels(num_id)
        if found is None:
            return ""
        abstract_id, levels = found
        if ilvl is None:  # a level may name the style that uses it
            ilvl = next((i for i, lv in levels.items() if style_id and lv.style == style_id), 0)
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.used:
            self.used.add(num_id)
            for restarted in self.nums[num_id][2]:  # startOverride: this list starts afresh
                counters.pop(restarted, None)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [d for d in counters if d > ilvl]:
            lv = levels.get(deeper)
            if lv is None or ilvl < (lv.restart if lv.restart is not None else deeper):
                del counters[deeper]
        if level.fmt == "bullet":
            return "- "
        if level.fmt == "none" or not level.text:
            return ""

        def number(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lv = levels.get(k, _Level())
            value = counters.get(k, lv.start)
            return _format_number(value, "decimal" if level.legal else lv.fmt)

        label = re.sub(r"%([1-9])", number, level.text).strip()
        return label + ("" if level.suffix == "nothing" else " ")


# Run content: text, and the special characters python-docx's run.text also knows.
_RUN_TEXT: dict[str, Callable[[Any], str]] = {
    W + "t": lambda el: el.text or "",
    W + "tab": lambda el: "\t",
    W + "ptab": lambda el: "\t",
    W + "br": lambda el: "\n",
    W + "cr": lambda el: "\n",
    W + "noBreakHyphen": lambda el: "-",
    # In a .Vn font the soft hyphen's code 0xAD is the letter ư (decoded later if legacy).
    W + "softHyphen": lambda el: "\xad",
}
# Containers whose runs belong to the paragraph; w:del and w:moveFrom hold deleted text.
_INLINE = {W + t for t in ("hyperlink", "ins", "smartTag", "sdt", "sdtContent", "customXml", "fldSimple", "moveTo")}


class _TooDeep(Exception):
    """Tables in tables (or content controls) nested beyond ``MAX_NESTING``."""


@dataclass
class _Run:
    text: str
    legacy: tuple[str, bool] | None  # the legacy font's (encoding, capitals only)
    emphasised: bool = False  # printed bold or italic


@dataclass
class _Unit:
    """A paragraph or a table cell, as runs, with the number Word puts before it."""

    label: str
    runs: list[_Run]

    @property
    def raw(self) -> str:
        return "".join(r.text for r in self.runs)

    def emphasised(self) -> int | None:
        """All its text printed bold or italic (a heading), but for a numbering label left plain:
        the length of that label (0 if none), else None."""
        shown = [r for r in self.runs if r.text.strip()]
        if not shown or not shown[-1].emphasised:
            return None
        plain = list(itertools.takewhile(lambda r: not r.emphasised, shown))
        if not all(r.emphasised for r in shown[len(plain) :]):
            return None
        if not plain:
            return 0
        label = "".join(r.text for r in self.runs[: self.runs.index(plain[-1]) + 1])
        return len(label) if _PLAIN_LABEL_RE.fullmatch(label.strip()) else None

    def converted(self, trust_fonts: bool) -> str:
        """Runs in a legacy font decoded, each with its own encoding and case."""
        return "".join(
            decode_legacy(r.text, *r.legacy)
            if r.legacy and (trust_fonts or not has_unicode_vietnamese(r.text))
            else r.text
            for r in self.runs
        )


class _DocxText:
    """Body paragraphs and tables of a .docx in document order, with numbering and legacy fonts.

    Blocks are paragraphs (``_Unit``) and table rows (lists of ``_Unit``, one per cell).
    """

    def __init__(self, styles: Any, numbering: Any) -> None:
        self.styles = _Styles(styles)
        self.numbering = _Numbering(numbering, self.styles)
        self.blocks: list[_Unit | list[_Unit]] = []

    def body(self, body: Any) -> None:
        self.blocks_of(body, self.blocks, 0)

    def blocks_of(self, container: Any, out: list[_Unit | list[_Unit]], depth: int) -> None:
        if depth > MAX_NESTING:
            raise _TooDeep
        for child in container:
            tag = child.tag
            if tag == W + "p":
                self.paragraph(child, out, depth)
            elif tag == W + "tbl":
                self.table(child, out, depth + 1)
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    self.blocks_of(content, out, depth + 1)
            elif tag == W + "customXml":
                self.blocks_of(child, out, depth + 1)

    def paragraph(self, p: Any, out: list[_Unit | list[_Unit]], depth: int) -> None:
        """The paragraph (numbered as Word shows it), then the text boxes anchored in it."""
        label = self.numbering.label(p)  # counted even when the paragraph is empty, as Word does
        style_id = _val(p.find(W + "pPr"), "pStyle")
        runs: list[_Run] = []
        boxes: list[_Unit | list[_Unit]] = []
        stack = list(reversed(p))
        while stack:
            el = stack.pop()
            if el.tag == W + "r":
                if not _on(el, "rPr/vanish"):  # hidden text is not shown
                    text = "".join(_RUN_TEXT[c.tag](c) for c in el if c.tag in _RUN_TEXT)
                    font = legacy_font_encoding(self.styles.font(el, style_id))
                    runs.append(_Run(text, font, self.styles.emphasised(el, style_id)))
                for box in self.text_boxes(el):
                    self.blocks_of(box, boxes, depth + 1)
            elif el.tag in _INLINE:
                stack += reversed(el)
        unit = _Unit(label, runs)
        if unit.raw.strip():
            out.append(unit)
        out += boxes

    @staticmethod
    def text_boxes(r: Any) -> Iterator[Any]:
        """w:txbxContent of the drawings in a run (of a choice and its fallback, the choice)."""
        for child in r:
            if child.tag == MC + "AlternateContent":
                choice = child.find(MC + "Choice")
                roots = [choice] if choice is not None else []
            elif child.tag in (W + "drawing", W + "pict"):
                roots = [child]
            else:
                continue
            for root in roots:
                for box in root.iter(W + "txbxContent"):
                    if not any(a.tag == W + "txbxContent" for a in box.iterancestors()):
                        yield box

    def table(self, tbl: Any, out: list[_Unit | list[_Unit]], depth: int) -> None:
        above: dict[int, _Unit] = {}  # grid column → the cell, for vertically merged cells
        for tr in self.children(tbl, W + "tr"):
            column = _int(_val(tr, "trPr/gridBefore"), 0)
            cells: list[_Unit] = []
            for tc in self.children(tr, W + "tc"):
                tc_pr = tc.find(W + "tcPr")
                merge = None if tc_pr is None else tc_pr.find(W + "vMerge")
                if merge is not None and merge.get(W + "val", "continue") == "continue":
                    cell = above.get(column, _Unit("", []))
                else:
                    cell = self.cell(tc, depth)
                above[column] = cell
                cells.append(cell)
                column += max(_int(_val(tc_pr, "gridSpan"), 1), 1)
            if any(c.raw.strip() for c in cells):
                out.append(cells)

    def cell(self, tc: Any, depth: int) -> _Unit:
        """A cell as one unit: its paragraphs (and nested tables) joined by spaces."""
        inner: list[_Unit | list[_Unit]] = []
        self.blocks_of(tc, inner, depth + 1)
        runs: list[_Run] = []
        for block in inner:
            for unit in [block] if isinstance(block, _Unit) else block:
                runs += [_Run(" ", None), _Run(unit.label, None), *unit.runs]
        return _Unit("", runs)

    @staticmethod
    def children(el: Any, tag: str) -> Iterator[Any]:
        """Children with ``tag``, also those wrapped in content controls or custom XML."""
        for child in el:
            if child.tag == tag:
                yield child
            elif child.tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    yield from _DocxText.children(content, tag)
            elif child.tag == W + "customXml":
                yield from _DocxText.children(child, tag)

    def render(self) -> str:
        """The text, legacy runs decoded: by their font when the document's fonts can be trusted
        (no Unicode-only letter in a legacy-font run), else where the text reads as legacy."""
        units = [u for b in self.blocks for u in ([b] if isinstance(b, _Unit) else b)]
        trust_fonts = not any(r.legacy and has_unicode_vietnamese(r.text) for u in units for r in u.runs)
        verdicts = dict(zip(map(id, units), legacy_verdicts([u.raw for u in units]), strict=True))

        def text(unit: _Unit, paragraph: bool = False) -> str:
            hinted = any(r.legacy for r in unit.runs)
            verdict = verdicts[id(unit)]
            if hinted and (trust_fonts or verdict):
                body = unit.converted(trust_fonts)
            elif verdict:
                body = decode_legacy(unit.raw, verdict)
            else:
                body = unit.raw
            plain = unit.emphasised() if paragraph else None
            if plain == 0:
                body = _emphasise(body)
            elif plain and (label := _LEADING_LABEL_RE.match(body)):
                body = body[: label.end()] + _emphasise(body[label.end() :])
            return (unit.label + body).strip()

        blocks: list[str | list[str]] = [
            text(b, paragraph=True) if isinstance(b, _Unit) else [_WS_RE.sub(" ", text(c)).strip() for c in b]
            for b in self.blocks
        ]
        return _render(blocks, fix=False)
