"""Ruled tables on a scanned page: find their rules, erase them before OCR, seat the words in cells.

Tesseract reads a ruled table as loose blocks, one column after another, and reads rules as
"|", "l" or "_". Plans print their task tables with every rule drawn (Word's "Table Grid"), so
the rules give the cells: horizontal rules split a table into bands, and the vertical rules that
cross a band split it into cells (a group row that spans the table has none). The page is OCR'd
with the rules erased, and each word is seated by its centre; a table comes out as the readers'
"| cell | cell |" rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Box", "Key", "Mosaic", "Rule", "Table", "blank_tables", "find_tables", "mosaic", "seat"]

INK = 160  # grey level below which a pixel is ink
MERGE = 6  # pixels within which two rules, or two cell edges, are one


@dataclass(frozen=True)
class Rule:
    at: int  # y of a horizontal rule, x of a vertical one
    start: int  # its extent along the other axis
    end: int


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    right: int
    bottom: int

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Table:
    box: Box
    # Bands top to bottom: (top, bottom, the cells' (left, right) left to right).
    bands: tuple[tuple[int, int, tuple[tuple[int, int], ...]], ...]

    def cell_of(self, x: float, y: float) -> tuple[int, int] | None:
        """(band, cell) holding the point, or None outside the table."""
        for b, (top, bottom, cells) in enumerate(self.bands):
            if top <= y < bottom:
                for c, (left, right) in enumerate(cells):
                    if left <= x < right:
                        return b, c
                return None
        return None


def _runs(mask: Any, length: int) -> Any:
    """The pixels of ``mask`` (rows × columns, bool) inside a run of at least ``length`` along a row,
    one missing pixel in twenty forgiven (speckle, JPEG)."""
    import numpy as np

    height, width = mask.shape
    if width <= length:
        return np.zeros_like(mask)
    sums = np.zeros((height, width + 1), dtype=np.int32)
    np.cumsum(mask, axis=1, out=sums[:, 1:])
    window = sums[:, length:] - sums[:, :-length]  # ink in [x, x + length)
    starts = window >= length - length // 20
    padded = np.pad(starts, ((0, 0), (length - 1, length - 1)))  # width + length - 1
    cover = np.zeros((height, width + length), dtype=np.int32)
    np.cumsum(padded, axis=1, out=cover[:, 1:])
    covered = (cover[:, length:] - cover[:, :-length]) > 0  # some full window starts in (x - length, x]
    return covered & mask


def _rules(covered: Any) -> list[Rule]:
    """Rules from the covered pixels of one orientation (rows of ``covered``): neighbouring rows
    whose runs overlap are one rule (a rule is a few pixels thick and may lean a little)."""
    import numpy as np

    found: list[list[int]] = []  # [first row, last row, start, end]
    open_: list[list[int]] = []
    for y in np.flatnonzero(covered.any(axis=1)):
        row = np.concatenate(([0], covered[y].astype(np.int8), [0]))
        edges = np.flatnonzero(np.diff(row))
        still: list[list[int]] = []
        for start, end in zip(edges[::2], edges[1::2], strict=True):
            for rule in open_:
                if rule[1] >= y - 2 and start <= rule[3] and end >= rule[2]:
                    rule[1], rule[2], rule[3] = int(y), min(rule[2], int(start)), max(rule[3], int(end))
                    if not any(r is rule for r in still):
                        still.append(rule)
                    break
            else:
                rule = [int(y), int(y), int(start), int(end)]
                found.append(rule)
                still.append(rule)
        open_ = [r for r in open_ if r[1] >= y - 2 and not any(r is s for s in still)] + still
    return [Rule((r[0] + r[1]) // 2, r[2], r[3]) for r in found if r[1] - r[0] <= 12]


def find_tables(gray: Any) -> tuple[list[Table], Any]:
    """The ruled tables of a page image (PIL, mode L), top to bottom, and the page with their
    rules whitened (so that Tesseract reads no "|" or "_")."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(gray)
    ink = pixels < INK
    height, width = ink.shape
    across = _runs(ink, max(40, width // 25))
    down = _runs(np.ascontiguousarray(ink.T), max(40, height // 60))
    tables: list[Table] = []
    for hs, vs in _groups(_rules(across), _rules(down)):
        table = _table(hs, vs)
        if table is not None:
            tables.append(table)
    if not tables:
        return [], gray
    lines = across | down.T
    inside = np.zeros_like(ink)
    for t in tables:
        b, m = t.box, 2 * MERGE
        inside[max(0, b.top - m) : b.bottom + m, max(0, b.left - m) : b.right + m] = True
    lines &= inside
    # The blurred fringe of a rule too: grow the mask by a pixel each way.
    grown = lines.copy()
    grown[1:, :] |= lines[:-1, :]
    grown[:-1, :] |= lines[1:, :]
    grown[:, 1:] |= lines[:, :-1]
    grown[:, :-1] |= lines[:, 1:]
    erased = pixels.copy()
    erased[grown] = 255
    return sorted(tables, key=lambda t: t.box.top), Image.fromarray(erased)


def _groups(horizontal: list[Rule], vertical: list[Rule]) -> list[tuple[list[Rule], list[Rule]]]:
    """Rules that cross or touch one another, as connected groups with at least two of each kind."""
    slack = MERGE * 2
    parent = list(range(len(horizontal) + len(vertical)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(horizontal):
        for j, v in enumerate(vertical):
            if h.start - slack <= v.at <= h.end + slack and v.start - slack <= h.at <= v.end + slack:
                parent[root(i)] = root(len(horizontal) + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, h in enumerate(horizontal):
        groups.setdefault(root(i), ([], []))[0].append(h)
    for j, v in enumerate(vertical):
        groups.setdefault(root(len(horizontal) + j), ([], []))[1].append(v)
    return [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]


def _merged(values: list[int]) -> list[int]:
    out: list[int] = []
    for v in sorted(values):
        if out and v - out[-1] <= MERGE:
            continue
        out.append(v)
    return out


def _table(horizontal: list[Rule], vertical: list[Rule]) -> Table | None:
    left = min(min(h.start for h in horizontal), min(v.at for v in vertical))
    right = max(max(h.end for h in horizontal), max(v.at for v in vertical))
    ys = _merged([h.at for h in horizontal])
    bands = []
    for top, bottom in zip(ys, ys[1:], strict=False):
        if bottom - top < 2 * MERGE:
            continue
        middle = (top + bottom) / 2
        xs = _merged([left, right] + [v.at for v in vertical if v.start - MERGE <= middle <= v.end + MERGE])
        cells = tuple((a, b) for a, b in zip(xs, xs[1:], strict=False) if b - a > MERGE)
        if cells:
            bands.append((top, bottom, cells))
    if not bands or max(len(b[2]) for b in bands) < 2:
        return None
    return Table(Box(left, ys[0], right, ys[-1]), tuple(bands))


Key = tuple[int, int, int]  # (table, band, cell)


@dataclass(frozen=True)
class Mosaic:
    """The tables' cells cut out and stacked one under another, to be read in one OCR pass: a cell
    read alone is read whole, where Tesseract's page layout drops or merges parts of a grid."""

    image: Any
    rows: tuple[tuple[int, int, Key], ...]  # each cell's (top, bottom) in the image

    def seat(self, y: float) -> Key | None:
        for top, bottom, key in self.rows:
            if top <= y < bottom:
                return key
        return None


def mosaic(gray: Any, tables: list[Table], gap: int = 40) -> Mosaic | None:
    """The cells with ink of the tables (from the page with rules erased), trimmed to their ink,
    stacked with ``gap`` pixels between them; None when no cell holds anything."""
    import numpy as np
    from PIL import Image

    ink = np.asarray(gray) < INK
    pieces: list[tuple[Any, Key]] = []
    inset = MERGE // 2 + 1  # keep clear of what is left of the rules
    for t, table in enumerate(tables):
        for b, (top, bottom, cells) in enumerate(table.bands):
            for c, (left, right) in enumerate(cells):
                box = (left + inset, top + inset, right - inset, bottom - inset)
                inked = ink[box[1] : box[3], box[0] : box[2]]
                ys, xs = np.flatnonzero(inked.any(axis=1)), np.flatnonzero(inked.any(axis=0))
                if len(ys) == 0:
                    continue
                crop = (box[0] + xs[0], box[1] + ys[0], box[0] + xs[-1] + 1, box[1] + ys[-1] + 1)
                pieces.append((gray.crop(crop), (t, b, c)))
    if not pieces:
        return None
    width = max(p.width for p, _ in pieces) + 2 * gap
    height = sum(p.height + gap for p, _ in pieces) + gap
    image = Image.new("L", (width, height), 255)
    seats = []
    y = gap
    for piece, key in pieces:
        image.paste(piece, (gap, y))
        seats.append((y - gap // 2, y + piece.height + gap // 2, key))
        y += piece.height + gap
    return Mosaic(image, tuple(seats))


def blank_tables(gray: Any, tables: list[Table]) -> Any:
    """The page with the tables whitened: what is left for a page-layout OCR pass."""
    from PIL import ImageDraw

    page = gray.copy()
    draw = ImageDraw.Draw(page)
    for t in tables:
        b = t.box
        draw.rectangle((b.left - 2 * MERGE, b.top - 2 * MERGE, b.right + 2 * MERGE, b.bottom + 2 * MERGE), fill=255)
    return page


def seat(tables: list[Table], x: float, y: float) -> tuple[int, int, int] | None:
    """(table, band, cell) of the point, or None when it is outside every table."""
    for i, table in enumerate(tables):
        b = table.box
        if b.left <= x <= b.right and b.top <= y <= b.bottom:
            found = table.cell_of(x, y)
            if found is not None:
                return (i, *found)
    return None
