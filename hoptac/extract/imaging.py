"""Page images before OCR: blank or not, the skew of their text rows, and specks removed."""

from __future__ import annotations

from typing import Any

__all__ = ["despeckle", "has_ink", "is_blank", "skew_angle", "whiten"]

INK = 160  # grey level below which a pixel is ink
PAPER = 200  # grey level from which a pixel is paper


def is_blank(gray: Any) -> bool:
    from PIL import ImageStat

    thumb = gray.copy()
    thumb.thumbnail((400, 400))
    return bool(ImageStat.Stat(thumb).stddev[0] < 3.0)


def has_ink(gray: Any, dpi: int) -> bool:
    """Whether anything printed is left: more ink than a few stray pixels (about a letter at
    300 dpi)."""
    import numpy as np

    return bool((np.asarray(gray) < INK).sum() > 400 * (max(dpi, 72) / 300) ** 2)


def whiten(gray: Any) -> Any:
    """The page with its light greys made white. On a page almost without text, Tesseract's own
    threshold falls among the faint greys of scanner noise and reads them all as ink, which can
    take it minutes."""
    return gray.point(lambda v: 255 if v >= PAPER else v)


def skew_angle(gray: Any) -> float:
    """The small angle (±4°) that makes text rows horizontal: the one whose row profile varies most."""
    from PIL import Image, ImageOps, ImageStat

    thumb = gray.copy()
    thumb.thumbnail((900, 900))
    ink = ImageOps.invert(thumb.point(lambda v: 0 if v < INK else 255))  # text white on black

    def sharpness(angle: float) -> float:
        turned = ink.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False)
        rows = turned.resize((1, turned.height), Image.Resampling.BOX)
        return float(ImageStat.Stat(rows).var[0])

    best = max((a / 2 for a in range(-8, 9)), key=sharpness)
    fine = max((best + d / 8 for d in range(-4, 5)), key=sharpness)
    return fine


def despeckle(gray: Any, dpi: int) -> Any:
    """The page without isolated specks of ink (dust, scanner noise), which Tesseract reads as
    marks glued to words or as stray dots, commas and quotes.

    A speck is ink with almost no other ink around it: at most 8 ink pixels in the 9 × 9 window
    at 300 dpi (the window and the count scale with the resolution). The dot of an "i", a full
    stop or a dot below ("ạ") has more pixels than that, or a letter beside it."""
    import numpy as np
    from PIL import Image

    scale = max(dpi, 72) / 300
    radius = max(1, round(4 * scale))
    most = max(1, round(8 * scale * scale))
    ink = np.asarray(gray) < INK
    side = 2 * radius + 1
    padded = np.pad(ink, radius).astype(np.int32)
    down = np.zeros((padded.shape[0] + 1, padded.shape[1]), dtype=np.int32)
    np.cumsum(padded, axis=0, out=down[1:])
    rows = down[side:] - down[:-side]  # ink in each column of the window, per pixel row
    across = np.zeros((rows.shape[0], rows.shape[1] + 1), dtype=np.int32)
    np.cumsum(rows, axis=1, out=across[:, 1:])
    around = across[:, side:] - across[:, :-side]  # ink in the window of each pixel
    specks = ink & (around <= most)
    if not specks.any():
        return gray
    pixels = np.array(gray)
    pixels[specks] = 255
    return Image.fromarray(pixels)
