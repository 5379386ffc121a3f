"""Old and other word-processor files (.doc, .rtf, .odt) → .docx bytes, through LibreOffice headless.

Each conversion runs ``soffice --headless --convert-to docx`` with a throw-away profile of its own
(``-env:UserInstallation``), so conversions never share or lock a profile, in its own process
group killed at the deadline, and with an address-space limit. Macros never run: a headless
conversion does not execute document macros, and the throw-away profile says so twice
(``MacroSecurityLevel`` 3, the highest, and ``DisableMacrosExecution``), so no user or site
setting can turn them on. The .docx that comes back goes through the .docx reader and its guards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from hoptac.errors import ReadError

__all__ = ["OFFICE_FORMATS", "to_docx"]

OFFICE_FORMATS = ("doc", "rtf", "odt")
SECONDS = 120.0
MAX_MEMORY = 4 * 1024 * 1024 * 1024  # address space: LibreOffice maps a lot it never touches
MAX_OUTPUT = 100 * 1024 * 1024
INSTALL = "apt-get install libreoffice-writer-nogui"

_MAGIC = {
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "rtf": (b"{\\rtf",),
    "odt": (b"PK\x03\x04",),
}
_NAMES = {"doc": "tệp Word cũ (.doc)", "rtf": "tệp RTF", "odt": "tệp OpenDocument (.odt)"}

# Written into each throw-away profile: the highest macro security and macros disabled outright.
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="TrustedAuthors" oor:op="fuse"><value/></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="SecureURL" oor:op="fuse"><value/></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(data: bytes, source: str, fmt: str) -> bytes:
    """The document converted to .docx; a one-line ``ReadError`` when it cannot be."""
    if not data.startswith(_MAGIC[fmt]):
        raise ReadError(source, f"không phải {_NAMES[fmt]} (nội dung không khớp phần mở rộng)")
    exe = soffice()
    if exe is None:
        raise ReadError(source, f"cần LibreOffice để đọc {_NAMES[fmt]} ({INSTALL})")
    with tempfile.TemporaryDirectory(prefix="hoptac-office-") as tmp:
        work = Path(tmp)
        profile = work / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
        src = work / f"in.{fmt}"
        src.write_bytes(data)
        out = work / "out"
        args = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck", "--nodefault",
            "--convert-to", "docx:MS Word 2007 XML",
            "--outdir", str(out),
            str(src),
        ]  # fmt: skip
        prlimit = shutil.which("prlimit")
        if prlimit:
            args = [prlimit, f"--as={MAX_MEMORY}", "--", *args]
        env = dict(os.environ, HOME=str(work), SAL_USE_VCLPLUGIN="svp")
        try:
            proc = subprocess.Popen(
                args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=work, start_new_session=True
            )
        except OSError as exc:
            raise ReadError(source, f"không chạy được LibreOffice ({exc.strerror}); {INSTALL}") from None
        try:
            proc.communicate(timeout=SECONDS)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise ReadError(source, f"chuyển đổi {_NAMES[fmt]} quá lâu (giới hạn {SECONDS:g} giây)") from None
        finally:
            _kill_group(proc)  # a helper process left behind
        result = out / "in.docx"
        if not result.is_file() or result.stat().st_size == 0:
            raise ReadError(source, f"{_NAMES[fmt]} hỏng hoặc có mật khẩu, LibreOffice không chuyển đổi được")
        if result.stat().st_size > MAX_OUTPUT:
            raise ReadError(source, f"{_NAMES[fmt]} chuyển đổi ra tệp quá lớn")
        return result.read_bytes()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
