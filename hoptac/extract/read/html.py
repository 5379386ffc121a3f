"""HTML: the visible text, block by block, emphasis kept as Markdown headings."""

from __future__ import annotations

import codecs
import re
import unicodedata
from typing import Any

from hoptac.errors import ReadError
from hoptac.extract.read.common import _LEADING_LABEL_RE, _PLAIN_LABEL_RE, _WS_RE, _emphasise, _render
from hoptac.extract.read.plain import _check_text, _decode_text

# Each HTML element costs about 400 bytes parsed; a long page saved from Word has some 100,000.
MAX_HTML_TAGS = 300_000

_META_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(rb"""<\?xml[^>]{0,100}encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
# Pages of the TCVN3 era declared a Western code page and relied on a .Vn font: ignore such a
# declaration and detect, so the legacy text can be recognised.
_WESTERN = {"ascii", "latin-1", "iso8859-1", "iso8859-15", "cp1252"}


def _decode_html(data: bytes, source: str) -> tuple[str, str]:
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        head = data[:4096]
        found = _META_CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
        if found:
            try:
                name = codecs.lookup(found.group(1).decode("ascii")).name
            except LookupError:
                name = ""
            if name and name not in _WESTERN:
                try:
                    text = unicodedata.normalize("NFC", data.decode(name))
                except UnicodeError:
                    pass  # a wrong declaration: detect instead
                else:
                    _check_text(text, data, source)
                    return text, {"cp1258": "windows-1258"}.get(name, name)
    return _decode_text(data, source)


_SKIP_TAGS = {"script", "style", "head", "noscript", "template", "svg", "math", "iframe", "object", "select"}
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "caption", "tr", "section", "article", "header", "footer", "nav", "aside", "main",
    "blockquote", "pre", "hr", "address", "figure", "figcaption", "form", "fieldset", "legend",
    "center", "body", "html",
}  # fmt: skip
_CELL_TAGS = {"td", "th"}
# Emphasis: a paragraph whose text is all inside these (or styled bold or italic) is a heading.
_EMPHASIS_TAGS = {"b", "strong", "i", "em", "h1", "h2", "h3", "h4", "h5", "h6"}
_EMPHASIS_STYLE_RE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)|font-style\s*:\s*(?:italic|oblique)", re.I)
_HIDDEN_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_UNIT_SUP = {"2": "²", "3": "³"}
_TAG_RE = re.compile("<[A-Za-z]")


class _HtmlText:
    """The visible text of an lxml HTML tree: blocks as paragraphs, table rows as "| a | b |"."""

    def __init__(self) -> None:
        self.blocks: list[str | list[str]] = []  # a paragraph, or a table row's cells
        self.buf: list[str] = []  # text of the paragraph (or table cell) being read
        self.row: list[str] | None = None
        self.tables = 0  # depth of <table>: a table inside a cell is flattened into the cell
        self.pre = 0
        self.lists: list[list[int]] = []  # [next number] for <ol>, [] for <ul>
        self.emphasis = 0  # depth of bold, italic and heading elements
        self.label = ""  # the list label that starts the paragraph being read
        self.plain: list[str] = []  # the paragraph's text printed plain
        self.emphasised = False  # … and text printed bold or italic

    def flush(self) -> None:
        text = "".join(self.buf)
        self.buf = []
        plain = "".join(self.plain).strip()
        label = self.label
        heading = self.emphasised_heading(text, plain, label)
        self.label, self.plain, self.emphasised = "", [], False
        if self.row is not None:
            return  # text between cells of a row is not a paragraph of its own
        if heading:
            if not label and plain:  # a printed label left plain: "1.1. <b>Tên</b>"
                found = _LEADING_LABEL_RE.match(text)
                label = found.group() if found else ""
            text = label + _emphasise(text[len(label) :])
        lines = [_WS_RE.sub(" ", line).strip() for line in text.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append(text)

    def add(self, text: str | None) -> None:
        if text:
            self.buf.append(text if self.pre else _WS_RE.sub(" ", text))
            if text.strip():
                if self.emphasis:
                    self.emphasised = True
                else:
                    self.plain.append(text)

    def emphasised_heading(self, text: str, plain: str, label: str) -> bool:
        """Bold or italic all through, but for the list label or a printed label left plain."""
        if not self.emphasised or (label and not text.startswith(label)):
            return False
        return not plain or (not label and bool(_PLAIN_LABEL_RE.fullmatch(plain)) and text.lstrip().startswith(plain))

    def walk(self, el: Any, depth: int = 0) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or depth > 300:
            return  # comments, processing instructions; absurd nesting
        if tag in _SKIP_TAGS or el.get("hidden") is not None or _HIDDEN_RE.search(el.get("style") or ""):
            return
        if tag in ("sup", "sub"):
            self.sup(el)
            return
        self.start(tag, el)
        emphasis = tag in _EMPHASIS_TAGS or bool(_EMPHASIS_STYLE_RE.search(el.get("style") or ""))
        self.emphasis += emphasis
        self.add(el.text)
        for child in el:
            self.walk(child, depth + 1)
            self.add(child.tail)
        self.emphasis -= emphasis
        self.end(tag)

    def sup(self, el: Any) -> None:
        """Footnote marks go; the 2 of "m²" stays."""
        mark = el.text_content().strip()
        before = "".join(self.buf).rstrip()
        if mark in _UNIT_SUP and re.search(r"\d\s*[kcd]?m$", before):
            self.buf.append(_UNIT_SUP[mark])

    def start(self, tag: str, el: Any) -> None:
        flat = self.tables > 1  # inside a nested table: everything is cell text
        if tag == "table":
            self.tables += 1
            if self.tables == 1:
                self.flush()
        elif tag == "tr" and not flat and self.tables:
            self.flush()
            self.row = []
        elif tag in _CELL_TAGS and not flat and self.row is not None:
            self.buf = []
        elif tag in _CELL_TAGS or (tag in _BLOCK_TAGS and self.tables):
            self.buf.append(" ")  # a block inside a cell: a space between its pieces
        elif tag == "br":
            self.buf.append("\n")
        elif tag == "ol":
            self.flush()
            start = el.get("start", "1").strip()
            self.lists.append([int(start) if start.isdigit() else 1])
        elif tag == "ul":
            self.flush()
            self.lists.append([])
        elif tag == "li":
            self.flush()
            counter = self.lists[-1] if self.lists else []
            if counter:
                self.label = f"{counter[0]}. "
                counter[0] += 1
            else:
                self.label = "- "
            self.buf.append(self.label)
        elif tag in _BLOCK_TAGS:
            self.flush()
        if tag == "pre":
            self.pre += 1

    def end(self, tag: str) -> None:
        if tag == "pre":
            self.pre -= 1
        flat = self.tables > 1
        if tag == "table":
            self.tables -= 1
            if self.tables == 0:
                self.row = None
                self.flush()
        elif tag in _CELL_TAGS and not flat and self.row is not None:
            self.row.append(_WS_RE.sub(" ", "".join(self.buf)).strip())
            self.buf = []
        elif tag == "tr" and not flat and self.row is not None:
            if any(self.row):
                self.blocks.append(self.row)
            self.row = None
        elif tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()
        elif tag in _BLOCK_TAGS and tag != "br" and not self.tables:
            self.flush()


def _read_html(data: bytes, source: str) -> tuple[str, str]:
    import lxml.html
    from lxml import etree

    text, encoding = _decode_html(data, source)
    tags = len(_TAG_RE.findall(text))
    if tags > MAX_HTML_TAGS:
        raise ReadError(source, f"tệp HTML bất thường ({tags} thẻ; giới hạn {MAX_HTML_TAGS})")
    try:
        parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
        root = lxml.html.document_fromstring(text.encode("utf-8", errors="replace"), parser=parser)
    except (etree.ParserError, ValueError):
        raise ReadError(source, "tệp rỗng (không có chữ)") from None
    except Exception as exc:
        raise ReadError(source, "tệp HTML hỏng, không đọc được") from exc
    reader = _HtmlText()
    reader.walk(root)
    reader.row = None
    reader.flush()
    return _render(reader.blocks), encoding
