"""Scan benchmark: documents → Word files → page images → degraded → image-only PDFs → OCR → extraction.

The dev plans (tests/dev/docs/14-19) and the samples are rendered as Word files the way a portal
serves them (``tests/fixtures/render.py``: automatic numbering, bold headings, real tables), printed
to PDF by LibreOffice, rendered to page images by pdftoppm at each ``--dpi``, degraded (a 1–2°
skew, a slight blur, speckle noise, JPEG compression at quality 50) and saved as image-only PDFs,
which hoptac reads by OCR and extracts. Each extraction is scored against the gold
(tests/gold/score.py) beside the extraction of the same Word file; the report gives the overall F1
of both, their difference and seconds per page of OCR.

    .venv/bin/python bench/scan_bench.py [--docs 14,15,001] [--dpi 150,300] [--out bench/out/scan]

Each scan's image-only PDF, OCR text (``.ocr.txt``), cleaned text and extraction are kept in
``<out>/<dpi>dpi/``: ``--reuse`` OCRs the kept PDFs again without rendering them, and
``--extract-only`` extracts the kept OCR text again without OCR (seconds per page are then 0).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "gold"))

import score  # noqa: E402

from hoptac.errors import ReadError  # noqa: E402
from hoptac.extract import extract_file  # noqa: E402
from hoptac.extract.clean import clean_document  # noqa: E402
from hoptac.extract.read import read_bytes  # noqa: E402
from hoptac.extract.resolve import resolve  # noqa: E402
from tests.fixtures.render import blocks_of, render_docx, render_pdf  # noqa: E402


def documents(wanted: list[str]) -> list[tuple[Path, Path]]:
    docs = sorted((ROOT / "tests" / "dev" / "docs").glob("1[4-9]_*"))
    docs += sorted((ROOT / "hoptac" / "samples").glob("*.txt"))
    out = []
    for d in docs:
        if wanted and not any(d.name.startswith(w) for w in wanted):
            continue
        gold_dir = ROOT / "tests" / ("gold" if "samples" in d.parts else "dev/gold")
        out.append((d, gold_dir / (d.stem + ".json")))
    return out


def degrade(im, rng: random.Random):
    from PIL import Image, ImageFilter

    im = im.convert("L").rotate(rng.choice([-1, 1]) * rng.uniform(1, 2), resample=Image.Resampling.BICUBIC,
                                expand=True, fillcolor=255)
    im = im.filter(ImageFilter.GaussianBlur(0.6))
    px = im.load()
    for _ in range(im.width * im.height // 2000):  # speckles
        x, y = rng.randrange(im.width), rng.randrange(im.height)
        px[x, y] = 0 if rng.random() < 0.5 else 255
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=50)
    return Image.open(io.BytesIO(buf.getvalue()))


def scanned_pdf(pdf: Path, dpi: int, work: Path, seed: int) -> tuple[bytes, int]:
    from PIL import Image

    prefix = work / f"p{dpi}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(prefix)], check=True, timeout=600)
    rng = random.Random(seed)
    pages = [degrade(Image.open(p), rng) for p in sorted(work.glob(f"p{dpi}-*.png"))]
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return buf.getvalue(), len(pages)


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", default="", help="comma-separated name prefixes (default: all)")
    ap.add_argument("--dpi", default="150,300")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "scan")
    ap.add_argument("--reuse", action="store_true", help="read the image-only PDFs kept by an earlier run again")
    ap.add_argument("--extract-only", action="store_true",
                    help="extract the OCR text kept by an earlier run again, without OCR (for extraction rules)")
    args = ap.parse_args(argv)
    wanted = [w for w in args.docs.split(",") if w]
    dpis = [int(d) for d in args.dpi.split(",")]
    tallies = {"Word file": score.Tally(), **{f"scan {d} dpi": score.Tally() for d in dpis}}
    seconds = {d: 0.0 for d in dpis}
    pages = dict.fromkeys(dpis, 0)
    rows = []
    for i, (doc, gold_path) in enumerate(documents(wanted)):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        with tempfile.TemporaryDirectory(prefix="hoptac-scan-") as tmp:
            work = Path(tmp)
            docx, pdf = work / (doc.stem + ".docx"), work / "doc.pdf"
            render_docx(blocks_of(doc), docx)
            kept_all = all((args.out / f"{d}dpi" / f"{doc.stem}.pdf").exists() for d in dpis)
            if not ((args.reuse or args.extract_only) and kept_all):
                render_pdf(docx, pdf)
            score.score_doc(gold, extract_file(docx).to_dict(), tallies["Word file"])
            for dpi in dpis:
                kept = args.out / f"{dpi}dpi" / f"{doc.stem}.pdf"
                if (args.reuse or args.extract_only) and kept.exists():
                    data, n = kept.read_bytes(), page_count(kept)
                else:
                    data, n = scanned_pdf(pdf, dpi, work, seed=i * 1000 + dpi)
                keep = args.out / f"{dpi}dpi"
                keep.mkdir(parents=True, exist_ok=True)
                ocr_text = keep / f"{doc.stem}.ocr.txt"
                started = time.monotonic()
                if args.extract_only and ocr_text.exists():
                    text = ocr_text.read_text(encoding="utf-8")
                else:
                    try:
                        text = read_bytes(data, doc.stem + ".pdf", max_bytes=200 * 1024 * 1024).text
                    except ReadError as exc:  # a page over its time limit: the document scores nothing
                        print(f"{doc.name}: {dpi} dpi: {exc}", file=sys.stderr)
                        text = ""
                    ocr_text.write_text(text, encoding="utf-8")
                ex = resolve(clean_document(text, scanned=True), doc.stem + ".pdf")
                spent = time.monotonic() - started
                seconds[dpi] += spent
                pages[dpi] += n
                t = score.Tally()
                score.score_doc(gold, ex.to_dict(), t)
                score.score_doc(gold, ex.to_dict(), tallies[f"scan {dpi} dpi"])
                (keep / f"{doc.stem}.pdf").write_bytes(data)
                (keep / f"{doc.stem}.txt").write_text(ex.text, encoding="utf-8")
                (keep / f"{doc.stem}.json").write_text(json.dumps(ex.to_dict(), ensure_ascii=False, indent=1))
                f1 = sum(t.f1(f) for f in score.FIELDS if f in t.c and t.c[f][1]) / max(
                    1, sum(1 for f in score.FIELDS if f in t.c and t.c[f][1]))
                rows.append(f"{doc.name}: {dpi} dpi, {n} pages, {spent / n:.1f} s/page, F1 {f1:.3f}")
                print(rows[-1], file=sys.stderr)
    overall = {k: sum(t.f1(f) for f in score.FIELDS) / len(score.FIELDS) for k, t in tallies.items()}
    print("set              overall F1   vs Word   s/page")
    for k, v in overall.items():
        dpi = int(k.split()[1]) if k.startswith("scan") else None
        extra = f"{v - overall['Word file']:+.3f}    {seconds[dpi] / max(pages[dpi], 1):.1f}" if dpi else ""
        print(f"{k:16} {v:.3f}        {extra}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scan_bench.json").write_text(json.dumps({"rows": rows, "overall": overall}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
