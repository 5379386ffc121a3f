"""Fuzz targets for ``bench/fuzz.sh``: every reader and extraction stage, under atheris or Hypothesis.

    .venv/bin/python bench/fuzz_targets.py list
    .venv/bin/python bench/fuzz_targets.py run TARGET --engine atheris --seconds 60 --out bench/out/fuzz
    .venv/bin/python bench/fuzz_targets.py report --out bench/out/fuzz

A crash is any exception other than ``ReadError`` from a reader (or a ``ReadError`` whose message
is not one line, or a document read to empty text), and any exception at all from a text stage;
also an input that takes longer than ``--timeout`` seconds or more than ``--rss-mb`` of memory
(atheris stops there; the run resumes for the rest of its time). Each distinct crash (exception
type and innermost hoptac line) is saved once as ``OUT/crashes/TARGET-<hash>.bin`` with its
traceback beside it (``.txt``); ``OUT/TARGET-ENGINE.json`` holds the counts.

atheris mutates bytes, guided by line coverage of hoptac (and of pdfminer, python-docx and lxml's
Python side for the readers); Hypothesis generates structured inputs (Vietnamese text, document
lines recombined, XML trees for .docx, tag soup for HTML) and mutations of the seeds. The seeds
are the sample documents, the test fixtures and a .docx, an HTML page and a PDF made from the
samples. The PDF reader runs in-process here (no child process), so a PDF that would only cost
the child its memory or time shows up as a crash to look at.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import time
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLES = sorted((ROOT / "hoptac" / "samples").glob("*.txt"))
LAYOUTS = sorted((ROOT / "tests" / "fixtures" / "layouts").glob("*"))
PDFS = sorted((ROOT / "tests" / "fixtures").glob("*.pdf"))
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
SEPARATOR = b"\0\0PART\0\0"  # splits a read_docx_parts input into document.xml, numbering.xml, styles.xml


# ---------------------------------------------------------------------------------------------
# What each target does with one input.


def _sample_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in SAMPLES + LAYOUTS]


def _reader(filename: str) -> Callable[[bytes], None]:
    def run(data: bytes) -> None:
        from hoptac.errors import ReadError
        from hoptac.extract.read import read_bytes

        try:
            doc = read_bytes(data, filename)
        except ReadError as exc:
            if "\n" in str(exc) or not exc.reason.strip():
                raise AssertionError(f"ReadError not one line: {str(exc)[:200]!r}") from None
            return
        if not isinstance(doc.text, str) or not doc.text.strip():
            raise AssertionError("read to empty text without a ReadError")

    return run


_DOCX_TEMPLATE: dict[str, bytes] = {}


def docx_template() -> dict[str, bytes]:
    """The parts of a .docx made from the samples: numbered paragraphs, a table, headings."""
    if not _DOCX_TEMPLATE:
        import docx

        d = docx.Document()
        lines = [x for x in SAMPLES[1].read_text(encoding="utf-8").splitlines() if x.strip()][:60]
        d.add_heading(lines[0], level=1)
        for i, line in enumerate(lines[1:]):
            style = ("List Number", "List Number 2", "List Bullet", "Normal")[i % 4]
            d.add_paragraph(line, style=style)
        table = d.add_table(rows=3, cols=3)
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                cell.text = lines[(r * 3 + c) % len(lines)][:40]
        buf = io.BytesIO()
        d.save(buf)
        # 500 KB that nothing reads, left out with the relationships that point to them.
        unused = ("docProps/thumbnail.jpeg", "word/stylesWithEffects.xml")
        with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
            for name in zf.namelist():
                if name not in unused:
                    data = zf.read(name)
                    if name.endswith(".rels"):
                        data = re.sub(rb"<Relationship [^>]*(thumbnail|stylesWithEffects)[^>]*/>", b"", data)
                    _DOCX_TEMPLATE[name] = data
    return _DOCX_TEMPLATE


def docx_bytes(parts: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


def _read_docx_parts(data: bytes) -> None:
    """The input is document.xml [SEPARATOR numbering.xml [SEPARATOR styles.xml]] of a real package."""
    parts = dict(docx_template())
    names = ("word/document.xml", "word/numbering.xml", "word/styles.xml")
    for name, part in zip(names, data.split(SEPARATOR)[:3], strict=False):
        parts[name] = part
    _reader("fuzz.docx")(docx_bytes(parts))


def _text_of(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _clean(data: bytes) -> None:
    from hoptac.extract.clean import clean

    out = clean(_text_of(data))
    if not isinstance(out, str):
        raise AssertionError("clean returned no text")


def _structure(data: bytes) -> None:
    from hoptac.extract.clean import clean
    from hoptac.extract.structure import structure

    structure(clean(_text_of(data)))


def _extract_text(data: bytes) -> None:
    from hoptac.extract import extract_text

    json.dumps(extract_text(_text_of(data)).to_dict(), ensure_ascii=False)


def _parse_date(data: bytes) -> None:
    from hoptac.extract.find import parse_date

    value = parse_date(_text_of(data))
    if value is not None and not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        raise AssertionError(f"parse_date returned {value!r}")


def _parse_when(data: bytes) -> None:
    from hoptac.extract.find import parse_when

    flags, text = (data[0], data[1:]) if data else (0, b"")
    default_year = 1990 + flags % 60 if flags & 1 else None
    parse_when(_text_of(text), default_year=default_year, years=bool(flags & 2))


def _parse_agency_list(data: bytes) -> None:
    from hoptac.extract.agencies import parse_agency_list

    flags, text = (data[0], data[1:]) if data else (0, b"")
    parse_agency_list(_text_of(text), start=flags % 7, until_verb=bool(flags & 8))


def _decode(data: bytes) -> None:
    from hoptac.extract.encodings import decode

    try:
        text, name = decode(data)
    except UnicodeError:
        return  # documented: no encoding fits
    if not isinstance(text, str) or not name:
        raise AssertionError("decode returned no text")


def _fix_legacy(data: bytes) -> None:
    from hoptac.extract.encodings import fix_legacy

    text = _text_of(data)
    out = fix_legacy(text)
    if out.count("\n") != text.count("\n"):
        raise AssertionError("fix_legacy changed the number of lines")


# ---------------------------------------------------------------------------------------------
# Seeds.


def _html_seed(text: str) -> bytes:
    rows = "".join(f"<tr><td>{i}</td><td>{line}</td></tr>" for i, line in enumerate(text.splitlines()[5:12]))
    body = "".join(f"<p>{line}</p>" for line in text.splitlines()[:60] if line.strip())
    page = f'<html><head><meta charset="utf-8"><title>t</title></head><body>{body}<table>{rows}</table></body></html>'
    return page.encode()


def _pdf_seed(lines: list[str]) -> bytes:
    """An uncompressed one-page PDF (so byte mutations reach the content stream)."""
    ops = b"".join(b"BT /F1 11 Tf 50 %d Td (%s) Tj ET\n" % (780 - 14 * i, line.encode("latin-1", "replace"))
                   for i, line in enumerate(lines))  # fmt: skip
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _text_seeds() -> list[bytes]:
    return [t.encode() for t in _sample_texts()]


def _line_seeds() -> list[bytes]:
    lines: list[str] = []
    for text in _sample_texts():
        lines += [line.strip() for line in text.splitlines() if 3 < len(line.strip()) < 400]
    rnd = random.Random(0)
    unique = sorted(set(lines))
    rnd.shuffle(unique)
    return [line.encode() for line in unique[:400]]


def _flagged_line_seeds() -> list[bytes]:
    return [bytes([i % 256]) + line for i, line in enumerate(_line_seeds())]


def _txt_seeds() -> list[bytes]:
    from hoptac.extract.encodings import encode_legacy

    texts = _sample_texts()
    out = [t.encode() for t in texts]
    out.append(texts[0].encode("utf-16"))
    out.append(texts[1][:3000].encode("cp1258", errors="replace"))
    out.append(encode_legacy(texts[2][:3000], "tcvn3").encode("cp1252", errors="replace"))
    out.append(encode_legacy(texts[3][:3000], "vni").encode("cp1252", errors="replace"))
    return out


def _docx_seed() -> bytes:
    return docx_bytes(docx_template(), zipfile.ZIP_DEFLATED)


def _docx_parts_seeds() -> list[bytes]:
    """document.xml and numbering.xml (styles.xml, 350 KB, stays the template's unless an input has a third part)."""
    t = docx_template()
    return [t["word/document.xml"] + SEPARATOR + t["word/numbering.xml"]]


def _pdf_seeds() -> list[bytes]:
    lines = [x for x in SAMPLES[1].read_text(encoding="utf-8").splitlines() if x.strip()][:40]
    ascii_lines = [line.encode("ascii", "ignore").decode()[:80] for line in lines]
    return [p.read_bytes() for p in PDFS] + [_pdf_seed(ascii_lines)]


# ---------------------------------------------------------------------------------------------
# Hypothesis strategies.

_VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
_ALPHABET = _VIETNAMESE + _VIETNAMESE.upper() + "0123456789 \n\t.,:;/-–()[]|*#\"'%§\u00a0\u0301\u0300\u0309\u0303\u0323"


def _mutated(seeds: list[bytes]) -> Any:
    from hypothesis import strategies as st

    def apply(seed: bytes, edits: list[tuple[int, bytes]], cut: int | None) -> bytes:
        data = bytearray(seed)
        for pos, replacement in edits:
            pos = pos % (len(data) + 1)
            data[pos : pos + len(replacement)] = replacement
        return bytes(data[: cut % (len(data) + 1)] if cut is not None else data)

    edit = st.tuples(st.integers(0, 2**31), st.binary(min_size=1, max_size=8))
    return st.builds(apply, st.sampled_from(seeds), st.lists(edit, max_size=10), st.none() | st.integers(0, 2**31))


def _text_strategy(seeds: list[bytes]) -> Any:
    from hypothesis import strategies as st

    lines = [line for s in seeds for line in s.decode("utf-8", "replace").splitlines() if line.strip()][:2000]
    recombined = st.lists(st.sampled_from(lines), max_size=40).map("\n".join)
    free = st.text(alphabet=_ALPHABET, max_size=400)
    pieces = st.lists(st.one_of(st.sampled_from(lines), free), max_size=12).map("\n".join)
    return st.one_of(recombined, free, pieces, st.text(max_size=200)).map(lambda t: t.encode("utf-8", "surrogatepass"))


def _xml_strategy() -> Any:
    """A w:body of paragraphs, runs, tables, content controls and text boxes, nested at random."""
    from hypothesis import strategies as st

    text = st.text(alphabet=_VIETNAMESE + "0123456789 .,()", max_size=30).map(
        lambda t: f'<w:t xml:space="preserve">{t}</w:t>'
    )
    paragraph_props = st.sampled_from([
        "", '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>',
        '<w:pPr><w:numPr><w:ilvl w:val="3"/><w:numId w:val="2"/></w:numPr></w:pPr>',
        '<w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="9"/></w:numPr></w:pPr>',
        '<w:pPr><w:pStyle w:val="ListNumber"/></w:pPr>', '<w:pPr><w:pStyle w:val="Heading1"/></w:pPr>',
    ])  # fmt: skip
    run_props = st.sampled_from([
        "", "<w:rPr><w:vanish/></w:rPr>", '<w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr>',
        '<w:rPr><w:rFonts w:hAnsi="VNI-Times"/></w:rPr>', '<w:rPr><w:rStyle w:val="Strong"/></w:rPr>',
    ])  # fmt: skip
    extras = st.sampled_from(["", "<w:tab/>", "<w:br/>", "<w:softHyphen/>", "<w:noBreakHyphen/>"])
    run = st.builds(lambda rp, t, x: f"<w:r>{rp}{t}{x}</w:r>", run_props, text, extras)
    runs = st.lists(run, max_size=3).map("".join)
    paragraph = st.builds(lambda pp, rs: f"<w:p>{pp}{rs}</w:p>", paragraph_props, runs)
    cell_props = st.sampled_from(["", '<w:tcPr><w:vMerge/></w:tcPr>', '<w:tcPr><w:vMerge w:val="restart"/></w:tcPr>',
                                  '<w:tcPr><w:gridSpan w:val="2"/></w:tcPr>'])  # fmt: skip
    tags = ["w:p", "w:r", "w:tbl", "w:tr", "w:tc", "w:sdt", "w:sdtContent", "w:customXml", "w:hyperlink",
            "w:ins", "w:del", "w:txbxContent", "w:pict", "w:smartTag", "w:fldSimple"]  # fmt: skip

    def table(rows: list[list[tuple[str, list[str]]]]) -> str:
        cells = ["".join(f"<w:tc>{props}{''.join(kids)}</w:tc>" for props, kids in row) for row in rows]
        return "<w:tbl>" + "".join(f"<w:tr>{c}</w:tr>" for c in cells) + "</w:tbl>"

    tree = st.recursive(
        paragraph,
        lambda children: st.one_of(
            st.builds(lambda tag, kids: f"<{tag}>{''.join(kids)}</{tag}>", st.sampled_from(tags),
                      st.lists(children, max_size=4)),
            st.builds(table, st.lists(st.lists(st.tuples(cell_props, st.lists(children, max_size=2)), max_size=3),
                                      max_size=3)),
        ),
        max_leaves=40,
    )  # fmt: skip
    numbering = st.lists(
        st.tuples(
            st.integers(0, 9),
            st.sampled_from(["decimal", "upperRoman", "lowerLetter", "bullet", "none", "decimalZero", "ordinal"]),
            st.sampled_from(["%1.", "%1.%2.", "%3)", "", "%9", "%1.%2.%3.%4"]),
            st.integers(-5, 5000),
            st.sampled_from(["", '<w:lvlRestart w:val="0"/>', '<w:lvlRestart w:val="1"/>', "<w:isLgl/>"]),
        ),
        max_size=6,
    ).map(
        lambda levels: (
            f'<?xml version="1.0"?><w:numbering {W_NS}><w:abstractNum w:abstractNumId="0">'
            + "".join(
                f'<w:lvl w:ilvl="{i}"><w:start w:val="{s}"/><w:numFmt w:val="{f}"/><w:lvlText w:val="{t}"/>{x}</w:lvl>'
                for i, f, t, s, x in levels
            )
            + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
            + '<w:num w:numId="2"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0">'
            + '<w:startOverride w:val="7"/></w:lvlOverride></w:num></w:numbering>'
        ).encode()
    )
    document = st.lists(tree, max_size=8).map(
        lambda items: f'<?xml version="1.0"?><w:document {W_NS}><w:body>{"".join(items)}</w:body></w:document>'
    )
    return st.builds(lambda d, n: d.encode() + SEPARATOR + n, document, numbering)


def _html_strategy() -> Any:
    from hypothesis import strategies as st

    text = st.text(alphabet=_ALPHABET, max_size=30).map(lambda t: t.replace("<", " "))
    tags = ["p", "div", "table", "tr", "td", "th", "ol", "ul", "li", "br", "pre", "sup", "sub", "b", "span",
            "script", "style", "h1", "section", "font"]  # fmt: skip
    attrs = st.sampled_from(["", ' style="display:none"', " hidden", ' start="3"', ' start="x"', ' class="a"'])
    tree = st.recursive(
        text,
        lambda children: st.builds(
            lambda tag, attr, kids, closed: f"<{tag}{attr}>{''.join(kids)}" + (f"</{tag}>" if closed else ""),
            st.sampled_from(tags), attrs, st.lists(children, max_size=4), st.booleans(),
        ),
        max_leaves=80,
    )  # fmt: skip
    charset = st.sampled_from(["", '<meta charset="utf-8">', '<meta charset="windows-1258">', '<meta charset="x">'])
    return st.builds(lambda c, body: f"<html><head>{c}</head><body>{body}</body></html>".encode(), charset, tree)


# ---------------------------------------------------------------------------------------------
# The targets.


@dataclass
class Target:
    name: str
    run: Callable[[bytes], None]
    seeds: Callable[[], list[bytes]]
    strategy: Callable[[list[bytes]], Any]
    max_len: int = 65536
    reader: bool = False  # instrument the document libraries too
    weight: float = 1.0  # share of the time budget


def _seeds_or_mutations(extra: Callable[[], Any] | None = None) -> Callable[[list[bytes]], Any]:
    def strategy(seeds: list[bytes]) -> Any:
        from hypothesis import strategies as st

        options = [_mutated(seeds), st.binary(max_size=2048)]
        if extra is not None:
            options.append(extra())
        return st.one_of(*options)

    return strategy


def _text_strategies(seeds: list[bytes]) -> Any:
    from hypothesis import strategies as st

    return st.one_of(_text_strategy(seeds), _mutated(seeds))


TARGETS = {
    t.name: t
    for t in [
        Target("read_txt", _reader("fuzz.txt"), _txt_seeds, _seeds_or_mutations(), reader=True),
        Target("read_md", _reader("fuzz.md"), _text_seeds, _seeds_or_mutations(), reader=True, weight=0.5),
        Target("read_html", _reader("fuzz.html"), lambda: [_html_seed(t) for t in _sample_texts()],
               _seeds_or_mutations(_html_strategy), reader=True),
        Target("read_docx", _reader("fuzz.docx"), lambda: [_docx_seed()], _seeds_or_mutations(), max_len=100_000,
               reader=True),
        Target("read_docx_parts", _read_docx_parts, _docx_parts_seeds, _seeds_or_mutations(_xml_strategy),
               reader=True, weight=1.5),
        Target("read_pdf", _reader("fuzz.pdf"), _pdf_seeds, _seeds_or_mutations(), max_len=100_000, reader=True,
               weight=1.5),
        Target("decode", _decode, _txt_seeds, _seeds_or_mutations(), weight=0.5),
        Target("fix_legacy", _fix_legacy, _txt_seeds, _text_strategies, weight=0.5),
        Target("clean", _clean, _text_seeds, _text_strategies),
        Target("structure", _structure, _text_seeds, _text_strategies),
        Target("extract_text", _extract_text, _text_seeds, _text_strategies, weight=1.5),
        Target("parse_date", _parse_date, _line_seeds, _text_strategies, max_len=1024, weight=0.5),
        Target("parse_when", _parse_when, _flagged_line_seeds, _text_strategies, max_len=1024, weight=0.5),
        Target("parse_agency_list", _parse_agency_list, _flagged_line_seeds, _text_strategies, max_len=1024,
               weight=0.5),
    ]
}  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Bookkeeping: inputs tried, crashes found and saved.


@dataclass
class Stats:
    target: str
    engine: str
    out: Path
    tried: int = 0
    failing: int = 0  # inputs that crashed, distinct or not
    crashes: dict[str, dict[str, Any]] = field(default_factory=dict)  # by signature
    seconds: float = 0.0
    restarts: int = 0

    @property
    def path(self) -> Path:
        return self.out / f"{self.target}-{self.engine}.json"

    def load(self) -> None:
        if self.path.exists():
            saved = json.loads(self.path.read_text())
            self.tried, self.failing, self.crashes = saved["tried"], saved["failing"], saved["crashes"]
            self.seconds, self.restarts = saved["seconds"], saved["restarts"]

    def save(self) -> None:
        data = {k: getattr(self, k) for k in ("target", "engine", "tried", "failing", "crashes", "seconds", "restarts")}
        self.path.write_text(json.dumps(data, ensure_ascii=False, indent=1))

    def record(self, data: bytes, kind: str, where: str, detail: str) -> None:
        self.failing += 1
        signature = f"{kind} at {where}"
        if signature in self.crashes:
            self.crashes[signature]["count"] += 1
            return
        digest = hashlib.sha1(data).hexdigest()[:16]
        crash_dir = self.out / "crashes"
        crash_dir.mkdir(parents=True, exist_ok=True)
        stem = crash_dir / f"{self.target}-{digest}"
        stem.with_suffix(".bin").write_bytes(data)
        stem.with_suffix(".txt").write_text(f"{self.target} ({self.engine}): {signature}\n\n{detail}\n")
        self.crashes[signature] = {"count": 1, "input": str(stem.with_suffix(".bin")), "engine": self.engine}
        self.save()


def _where(exc: BaseException) -> str:
    """The innermost hoptac frame of the traceback (else the innermost frame)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/hoptac/" in f.filename and "bench" not in f.filename]
    if not (ours or frames):
        return "?"
    frame = (ours or frames)[-1]
    return f"{Path(frame.filename).name}:{frame.lineno}"


class _Timeout(Exception):
    pass


def check(target: Target, stats: Stats, data: bytes) -> None:
    stats.tried += 1
    try:
        target.run(data)
    except Exception as exc:
        detail = "".join(traceback.format_exception(exc))
        stats.record(data, type(exc).__name__, _where(exc), detail)


# ---------------------------------------------------------------------------------------------
# Engines.


def seed_corpus(target: Target, out: Path) -> Path:
    corpus = out / "corpus" / target.name
    corpus.mkdir(parents=True, exist_ok=True)
    for seed in target.seeds():
        (corpus / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    return corpus


def run_atheris_child(target: Target, seconds: float, out: Path, timeout: int, rss_mb: int) -> None:
    """One libFuzzer session (``_atheris`` command); counts are flushed to the stats file."""
    import atheris

    if target.name == "read_pdf":
        _in_process_pdf()
    stats = Stats(target.name, "atheris", out)
    stats.load()
    # pdfminer's parsers, not its layout analysis: instrumented, that runs 50 times slower.
    parsers = ["pdfminer.psparser", "pdfminer.pdfparser", "pdfminer.pdfdocument", "pdfminer.pdftypes",
               "pdfminer.pdfpage", "pdfminer.cmapdb", "pdfminer.pdffont", "docx"]  # fmt: skip
    include = ["hoptac"] + (parsers if target.reader else [])
    with atheris.instrument_imports(include=include):
        import hoptac.extract  # noqa: F401
        import hoptac.extract.read  # noqa: F401

        if target.reader:
            import docx  # noqa: F401
            import pdfplumber  # noqa: F401
    corpus = seed_corpus(target, out)
    started = time.monotonic()
    last = [started]

    def one(data: bytes) -> None:
        check(target, stats, data)
        now = time.monotonic()
        if now - last[0] > 0.5:
            stats.seconds += now - last[0]
            last[0] = now
            stats.save()

    artifacts = out / "crashes" / f"{target.name}-libfuzzer-"
    artifacts.parent.mkdir(parents=True, exist_ok=True)
    argv = [
        sys.argv[0],
        str(corpus),
        f"-max_total_time={max(1, int(seconds))}",
        f"-timeout={timeout}",
        f"-rss_limit_mb={rss_mb}",
        f"-max_len={target.max_len}",
        f"-artifact_prefix={artifacts}",
        "-print_final_stats=1",
    ]
    atheris.Setup(argv, one)
    atheris.Fuzz()


def run_atheris(target: Target, seconds: float, out: Path, timeout: int, rss_mb: int) -> Stats:
    """libFuzzer sessions until ``seconds`` are spent: one that dies (timeout, memory) is recorded and resumed."""
    deadline = time.monotonic() + seconds
    stats = Stats(target.name, "atheris", out)
    while True:
        left = deadline - time.monotonic()
        if left < 3:
            break
        cmd = [sys.executable, __file__, "_atheris", target.name, "--seconds", f"{left:.0f}", "--out", str(out),
               "--timeout", str(timeout), "--rss-mb", str(rss_mb)]  # fmt: skip
        before = stats.tried
        proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
        stats.load()
        log = proc.stderr
        (out / "logs").mkdir(exist_ok=True)
        (out / "logs" / f"{target.name}-atheris-{stats.restarts}.log").write_text(log[-200_000:])
        executed = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
        if executed:  # exact, where the flushed count may miss the last half second
            stats.tried = max(stats.tried, before + int(executed[-1]))
        if proc.returncode == 0:
            stats.save()
            break
        # libFuzzer stopped on the input: a timeout, out of memory, a signal.
        kinds = {"timeout after": "timeout", "out-of-memory": "out-of-memory", "deadly signal": "deadly signal"}
        kind = next((name for pattern, name in kinds.items() if pattern in log), "libFuzzer")
        written = re.findall(r"Test unit written to (\S+)", log)
        data = Path(written[-1]).read_bytes() if written and Path(written[-1]).exists() else b""
        stats.restarts += 1
        stats.record(data, kind, "libFuzzer", log[-5000:])
        stats.save()
        if proc.returncode != 0 and not written:
            break  # atheris itself failed to start: do not loop
    return stats


def _in_process_pdf() -> None:
    from hoptac.extract.read import pdf

    pdf._PDF_SANDBOX = False
    pdf.MAX_PDF_SECONDS = 10.0


def run_hypothesis(target: Target, seconds: float, out: Path, timeout: int, rss_mb: int) -> Stats:
    """Batches of Hypothesis examples until ``seconds`` are spent; each example under a timer."""
    from hypothesis import HealthCheck, Phase, given, settings

    if target.name == "read_pdf":
        _in_process_pdf()
    resource.setrlimit(resource.RLIMIT_AS, (rss_mb * 1024 * 1024 * 2, resource.RLIM_INFINITY))
    stats = Stats(target.name, "hypothesis", out)
    stats.load()
    seeds = target.seeds()
    strategy = target.strategy(seeds)
    deadline = time.monotonic() + seconds

    def on_alarm(signum: int, frame: Any) -> None:
        raise _Timeout(f"one input took over {timeout} s")

    signal.signal(signal.SIGALRM, on_alarm)

    @settings(
        max_examples=200,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def batch(data: bytes) -> None:
        if time.monotonic() > deadline:
            return
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            check(target, stats, data[: target.max_len * 4])
        except _Timeout as exc:
            stats.record(data, "timeout", "?", str(exc))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    started = time.monotonic()
    for seed in seeds:  # the seeds themselves first
        check(target, stats, seed)
    while time.monotonic() < deadline:
        batch()
        stats.seconds += time.monotonic() - started
        started = time.monotonic()
        stats.save()
    return stats


# ---------------------------------------------------------------------------------------------
# Command line.


def report(out: Path) -> int:
    rows = []
    for path in sorted(out.glob("*-*.json")):
        rows.append(json.loads(path.read_text()))
    if not rows:
        print(f"no results in {out}")
        return 1
    width = max(len(r["target"]) for r in rows)
    print(f"{'target':<{width}}  {'engine':<10}  {'inputs':>10}  {'seconds':>7}  {'crashes':>7}  distinct")
    total_inputs = total_crashes = 0
    for r in rows:
        total_inputs += r["tried"]
        total_crashes += r["failing"]
        print(f"{r['target']:<{width}}  {r['engine']:<10}  {r['tried']:>10}  {r['seconds']:>7.0f}  "
              f"{r['failing']:>7}  {len(r['crashes'])}")  # fmt: skip
    print(f"{'total':<{width}}  {'':<10}  {total_inputs:>10}  {'':>7}  {total_crashes:>7}")
    for r in rows:
        for signature, info in r["crashes"].items():
            print(f"  crash {r['target']} ({r['engine']}): {signature} ×{info['count']} → {info['input']}")
    return 1 if total_crashes else 0


def plan(seconds: float, jobs: int, engines: list[str]) -> list[tuple[str, str, int]]:
    """(target, engine, seconds) runs that fill ``jobs`` workers for ``seconds``, longest first.

    Each target gets a share of jobs × seconds by its weight; with both engines, atheris has two
    thirds of it. A few seconds per run go to starting up, so the shares are trimmed by that much.
    """
    total = seconds * jobs
    weights = sum(t.weight for t in TARGETS.values())
    split = {"atheris": 2 / 3, "hypothesis": 1 / 3} if len(engines) == 2 else {engines[0]: 1.0}
    runs = []
    for t in TARGETS.values():
        for engine, share in split.items():
            runs.append((t.name, engine, max(5, int(total * t.weight / weights * share) - 4)))
    return sorted(runs, key=lambda r: -r[2])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list")
    for name in ("run", "_atheris"):
        p = sub.add_parser(name)
        p.add_argument("target", choices=sorted(TARGETS))
        p.add_argument("--engine", choices=["atheris", "hypothesis"], default="atheris")
        p.add_argument("--seconds", type=float, default=60)
        p.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "fuzz")
        p.add_argument("--timeout", type=int, default=30, help="seconds one input may take")
        p.add_argument("--rss-mb", type=int, default=3072, help="memory one input may take")
    p = sub.add_parser("plan")
    p.add_argument("seconds", type=float)
    p.add_argument("jobs", type=int)
    p.add_argument("engines", nargs="+", choices=["atheris", "hypothesis"])
    p = sub.add_parser("report")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "fuzz")
    args = parser.parse_args(argv)
    if args.command == "list":
        for t in TARGETS.values():
            print(f"{t.name} {t.weight}")
        return 0
    if args.command == "report":
        return report(args.out)
    if args.command == "plan":
        for name, engine_name, secs in plan(args.seconds, args.jobs, args.engines):
            print(name, engine_name, secs)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    target = TARGETS[args.target]
    if args.command == "_atheris":
        run_atheris_child(target, args.seconds, args.out, args.timeout, args.rss_mb)
        return 0
    os.environ.setdefault("PYTHONHASHSEED", "0")
    engine = run_atheris if args.engine == "atheris" else run_hypothesis
    stats = engine(target, args.seconds, args.out, args.timeout, args.rss_mb)
    print(f"{target.name} ({args.engine}): {stats.tried} inputs, {stats.failing} crashes, "
          f"{len(stats.crashes)} distinct")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
