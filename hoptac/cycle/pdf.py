"""PDF through LibreOffice, when it is installed (``apt-get install libreoffice-writer-nogui``).

Each conversion gets its own LibreOffice profile directory, so conversions can run side by side
and never touch the user's profile.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from hoptac.errors import HoptacError, os_reason

__all__ = ["available", "docx_to_pdf", "soffice"]

TIMEOUT = 180


def soffice() -> str | None:
    found = os.environ.get("HOPTAC_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    return found if found and Path(found).exists() else None


def available() -> bool:
    return soffice() is not None


def docx_to_pdf(data: bytes) -> bytes:
    exe = soffice()
    if exe is None:
        raise HoptacError(
            "chưa cài LibreOffice nên không xuất được PDF (apt-get install libreoffice-writer-nogui); "
            "hãy xuất DOCX rồi in ra PDF"
        )
    with tempfile.TemporaryDirectory(prefix="hoptac-pdf-") as tmp:
        work = Path(tmp)
        src = work / "bao-cao.docx"
        src.write_bytes(data)
        profile = (work / "profile").as_uri()
        cmd = [
            exe,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(src),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise HoptacError(f"LibreOffice không chuyển xong sang PDF sau {TIMEOUT} giây") from None
        except OSError as exc:
            raise HoptacError(f"không chạy được LibreOffice ({os_reason(exc)})") from None
        pdf = work / "bao-cao.pdf"
        if done.returncode != 0 or not pdf.exists():
            reason = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
            raise HoptacError("LibreOffice không chuyển được sang PDF" + (f": {reason[-1]}" if reason else ""))
        return pdf.read_bytes()
