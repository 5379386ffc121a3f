"""English for the search UI: `python hoptac/search/locale/en_strings.py` fills django.po.

After `django-admin makemessages -l en` (run in hoptac/search), this fills in the English, then
`django-admin compilemessages` (gettext's msgfmt) rebuilds django.mo, which is committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

EN = {
    "Văn bản": "Document",
    "Nhiệm vụ": "Task",
    "Đối tác": "Partner",
    "Cơ quan": "Agency",
    "Thỏa thuận": "Agreement",
    "Sự kiện": "Event",
    "Tìm kiếm": "Search",
    "Tìm kiếm…": "Search…",
    "Từ khóa": "Search terms",
    "Tên, số văn bản, cơ quan, đối tác…": "Name, document number, agency, partner…",
    "Loại": "Kind",
    "Mọi loại": "All kinds",
    "Mọi đối tác": "All partners",
    "Mọi cơ quan": "All agencies",
    "Năm": "Year",
    "Tìm": "Search",
    "Hơn %(n)s kết quả: hãy thêm từ hoặc chọn bộ lọc.": "More than %(n)s results: add a word or choose a filter.",
    "Bỏ qua:": "Ignored:",
    "Tìm thấy với chính tả gần đúng (văn bản quét, lỗi OCR)": "Found with a near spelling (scanned text, OCR errors)",
    "gần đúng": "near match",
    "Không tìm thấy kết quả nào.": "Nothing found.",
    "Trước": "Previous",
    "Sau": "Next",
    "Tài khoản chưa được gán văn phòng và vai trò.": "This account has no office and role yet.",
    "Bạn không có quyền tìm trong văn phòng này.": "You may not search this office.",
    "%(name)s không hợp lệ: %(value)r": "Invalid %(name)s: %(value)r",
    "%(name)s phải từ %(low)s đến %(high)s.": "%(name)s must be between %(low)s and %(high)s.",
    "Loại không hợp lệ: %(kind)r (chọn một trong: %(kinds)s).": "Invalid kind: %(kind)r (choose one of: %(kinds)s).",
    "Số kết quả": "Number of results",
    "Vị trí": "Offset",
    "Không tìm được: chỉ mục tìm kiếm bị lỗi (%(error)s); hãy chạy `hoptac search --rebuild`.": (
        "Search failed: the search index is damaged (%(error)s); run `hoptac search --rebuild`."
    ),
    "Hãy nhập từ khóa tìm kiếm.": "Please enter a search term.",
    "Từ khóa quá dài (tối đa 500 ký tự).": "The search is too long (at most 500 characters).",
    "Từ khóa không có chữ hay số nào để tìm.": "The search has no letter or digit to look for.",
}
PLURALS = {"%(n)s kết quả": ("%(n)s result", "%(n)s results")}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def fill(po: Path) -> list[str]:
    """Write the English of every msgid of ``po``; returns the msgids that have none."""
    import re

    out, missing = [], []
    for entry in po.read_text(encoding="utf-8").split("\n\n"):
        m = re.search(r'^msgid "(.*)"$', entry, re.M)
        if not m or not m[1]:
            out.append(entry)
            continue
        msgid = m[1].replace('\\"', '"')
        entry = entry.replace("#, fuzzy\n", "")
        head = entry[: entry.index("msgstr")]
        if msgid in PLURALS:
            one, many = PLURALS[msgid]
            entry = head + f"msgstr[0] {_quote(one)}\nmsgstr[1] {_quote(many)}"
        elif msgid in EN:
            entry = head + f"msgstr {_quote(EN[msgid])}"
        else:
            missing.append(msgid)
        out.append(entry)
    po.write_text("\n\n".join(out).rstrip("\n") + "\n", encoding="utf-8")
    return missing


if __name__ == "__main__":
    path = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "django.po"
    left = fill(path)
    print(f"{path}: {len(left)} strings without English {left}", file=sys.stderr)
    sys.exit(1 if left else 0)
