"""Ruled task tables on scans: the rules give the cells (``grid``), specks go before OCR
(``imaging``), and a table read by real Tesseract comes out as rows the task stage reads."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from hoptac.extract import extract_bytes, grid, imaging
from hoptac.extract.structure import Table as TextTable
from hoptac.extract.tasks import _table_tasks

FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
needs_ocr = pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract-ocr, tesseract-ocr-vie")

HEADER = ["STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian"]
ROWS = [
    ["I. TUYÊN TRUYỀN"],
    ["1", "Tuyên truyền Thỏa thuận hợp tác", "Sở Ngoại vụ", "Sở Văn hóa, Thể thao và Du lịch", "Quý II/2026"],
    ["2", "Tổ chức đoàn công tác sang tỉnh Xiêng Khoảng", "Sở Công Thương", "Sở Tài chính", "Năm 2026"],
    ["II. HỢP TÁC KINH TẾ"],
    ["3", "Xúc tiến thương mại tại cửa khẩu", "Sở Công Thương", "Ban Quản lý Khu kinh tế", "Hằng năm"],
]
WIDTHS = [150, 700, 450, 550, 350]


def _font(size: int = 38):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT), size) if FONT.exists() else ImageFont.load_default(size)


def _wrap(draw, text: str, width: int, font) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _table_page(rows: list[list[str]], top: int = 300, text_above: bool = True, height: int = 3508):
    """An A4 page at 300 dpi with a ruled table ("Table Grid"), cells wrapped, group rows spanning."""
    from PIL import Image, ImageDraw

    font = _font()
    im = Image.new("L", (2480, height), 255)
    draw = ImageDraw.Draw(im)
    left = 140
    if text_above:
        draw.text((left, top - 150), "PHỤ LỤC: NHIỆM VỤ CỤ THỂ", font=font, fill=0)
    y = top
    right = left + sum(WIDTHS)
    draw.line((left, y, right, y), fill=0, width=3)
    for row in rows:
        spans = [(left, right)] if len(row) == 1 else []
        if not spans:
            x = left
            for w in WIDTHS:
                spans.append((x, x + w))
                x += w
        wrapped = [_wrap(draw, cell, b - a - 30, font) for cell, (a, b) in zip(row, spans, strict=True)]
        bottom = y + 20 + 48 * max(len(w) for w in wrapped) + 10
        for lines, (a, _b) in zip(wrapped, spans, strict=True):
            for k, line in enumerate(lines):
                draw.text((a + 15, y + 15 + 48 * k), line, font=font, fill=0)
        for a, _b in spans:
            draw.line((a, y, a, bottom), fill=0, width=3)
        draw.line((right, y, right, bottom), fill=0, width=3)
        draw.line((left, bottom, right, bottom), fill=0, width=3)
        y = bottom
    return im


def _speckled(im, seed: int = 1):
    import random

    rng = random.Random(seed)
    im = im.copy()
    px = im.load()
    for _ in range(im.width * im.height // 2000):
        px[rng.randrange(im.width), rng.randrange(im.height)] = 0
    return im


def test_the_rules_give_bands_and_cells():
    tables, erased = grid.find_tables(_table_page([HEADER, *ROWS]))
    assert len(tables) == 1
    cells_per_band = [len(cells) for _top, _bottom, cells in tables[0].bands]
    assert cells_per_band == [5, 1, 5, 5, 1, 5]  # the group rows span the table
    # The rules are gone from the page handed to OCR; the text is not.
    from PIL import ImageStat

    left, top = tables[0].box.left, tables[0].box.top
    assert ImageStat.Stat(erased.crop((left - 4, top + 300, left + 4, top + 400))).mean[0] > 250
    assert ImageStat.Stat(erased.crop((160, 160, 900, 200))).mean[0] < 250  # the heading above


@pytest.mark.parametrize(
    "draw_it, why",
    [
        (lambda d: d.line((140, 500, 2300, 500), fill=0, width=3), "one rule (a signature line) is no table"),
        (lambda d: [d.line((140, y, 2300, y), fill=0, width=3) for y in (500, 600, 700)], "rules across, none down"),
        (lambda d: d.text((140, 500), "Nội dung " * 12, font=_font(), fill=0), "text alone"),
    ],
)
def test_no_table_without_a_grid(draw_it, why):
    from PIL import Image, ImageDraw

    im = Image.new("L", (2480, 1200), 255)
    draw_it(ImageDraw.Draw(im))
    tables, erased = grid.find_tables(im)
    assert tables == [], why
    assert erased is im


def test_a_slightly_leaning_table_still_has_its_cells():
    from PIL import Image

    im = _table_page([HEADER, *ROWS]).rotate(0.15, resample=Image.Resampling.BICUBIC, fillcolor=255)
    tables, _erased = grid.find_tables(_speckled(im))
    assert [len(c) for _t, _b, c in tables[0].bands] == [5, 1, 5, 5, 1, 5]


def test_despeckle_removes_specks_and_keeps_letters():
    import numpy as np
    from PIL import Image, ImageDraw

    clean = Image.new("L", (1200, 300), 255)
    ImageDraw.Draw(clean).text((40, 100), "Quý IV/2026: tiếp đoàn, ký kết.", font=_font(), fill=0)
    noisy = _speckled(clean, seed=3)
    out = np.asarray(imaging.despeckle(noisy, 300)) < imaging.INK
    ink = np.asarray(clean) < imaging.INK
    assert (np.asarray(noisy) < imaging.INK).sum() > ink.sum() + 100  # there were specks
    assert (out & ~ink).sum() < 10  # they are gone, but those touching a letter
    assert (ink & ~out).sum() <= ink.sum() // 1000  # no letter, dot or accent lost (a stray fringe pixel may go)


def test_a_garbled_scanned_row_number_is_numbered_by_position():
    span = (0, 1)

    def row(*cells: str):
        return tuple((c, span) for c in cells)

    table = TextTable(
        rows=(
            row(*HEADER),
            row("1", "Tuyên truyền Thỏa thuận", "Sở Ngoại vụ", "", "Năm 2026"),
            row("S]", "Tổ chức đoàn công tác", "Sở Công Thương", "", "Năm 2026"),
            row("3:", "Xúc tiến thương mại", "Sở Công Thương", "", "Năm 2026"),
            row("", "tiếp theo của dòng trên", "", "Sở Tài chính", ""),
        ),
        lines=(),
    )
    assert [t.ref for t in _table_tasks(table, "PL", 2026, scanned=True)] == ["PL.1", "PL.2", "PL.3"]
    # Printed text is trusted as printed: the row with "S]" is no task there.
    assert [t.ref for t in _table_tasks(table, "PL", 2026)] == ["PL.1"]


def _pdf(pages) -> bytes:
    buf = io.BytesIO()
    rgb = [p.convert("RGB") for p in pages]
    rgb[0].save(buf, "PDF", resolution=300, save_all=True, append_images=rgb[1:])
    return buf.getvalue()


PLAN_TOP = [
    "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG",
    "KẾ HOẠCH",
    "Thực hiện Thỏa thuận hợp tác với tỉnh Xiêng Khoảng năm 2026",
]


def _plan_page(rows: list[list[str]]):
    from PIL import ImageDraw

    im = _table_page(rows, top=700)
    draw = ImageDraw.Draw(im)
    for i, line in enumerate(PLAN_TOP):
        draw.text((140, 150 + 70 * i), line, font=_font(42), fill=0)
    return im


@needs_ocr
def test_a_scanned_task_table_gives_its_tasks():
    ex = extract_bytes(_pdf([_speckled(_plan_page([HEADER, *ROWS]))]), "ke-hoach.pdf")
    got = [(t.ref, [n.name for n in t.lead], [n.name for n in t.support], t.when.due, t.when.years) for t in ex.tasks]
    assert got == [
        ("PL.1", ["Sở Ngoại vụ"], ["Sở Văn hóa, Thể thao và Du lịch"], "2026-Q2", ()),
        ("PL.2", ["Sở Công Thương"], ["Sở Tài chính"], None, (2026,)),
        ("PL.3", ["Sở Công Thương"], ["Ban Quản lý Khu kinh tế"], None, ()),
    ]


@needs_ocr
def test_a_table_over_a_page_break_stays_one_table():
    first = _plan_page([HEADER, *ROWS[:3]])
    second = _table_page(ROWS[3:], top=250, text_above=False)
    ex = extract_bytes(_pdf([first, second]), "ke-hoach.pdf")
    assert len(ex.tasks) == 3
    assert ex.tasks[-1].lead and ex.tasks[-1].lead[0].name == "Sở Công Thương"
