"""The DOCX report as a reader sees it: LibreOffice turns it into PDF, pdftoppm into PNG pages.

Skipped when LibreOffice is not installed (it is optional: ``apt-get install libreoffice-writer-nogui``);
``bench/render_report.py`` renders the same pages to look at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hoptac.cycle import pdf
from hoptac.cycle.docx_report import render_docx
from hoptac.cycle.report import open_report
from tests.cycle.conftest import World

MISSING = "LibreOffice or pdftoppm is not installed (apt-get install libreoffice-writer-nogui poppler-utils)"


@pytest.fixture(autouse=True)
def _tools() -> None:
    """Skipped without LibreOffice and poppler, except in CI, where .ci/run installs them: there it must run."""
    if not pdf.available() or shutil.which("pdftoppm") is None:
        if os.environ.get("CI") == "true":
            pytest.fail(MISSING)
        pytest.skip(MISSING)


def test_report_renders_to_png_pages(progress: World, tmp_path: Path) -> None:
    report = open_report(progress.bg, 2024, progress.doc.plan)
    data = pdf.docx_to_pdf(render_docx(report))
    assert data.startswith(b"%PDF")
    source = tmp_path / "bao-cao.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "2", str(source), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) == 2 and all(p.read_bytes().startswith(b"\x89PNG") for p in pages)
    text = subprocess.run(["pdftotext", "-l", "1", str(source), "-"], capture_output=True, check=True).stdout.decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "TỈNH BẮC GIANG" in text
    fonts = subprocess.run(["pdffonts", str(source)], capture_output=True, check=True).stdout.decode()
    assert "LiberationSerif" in fonts or "TimesNewRoman" in fonts.replace(" ", "")
