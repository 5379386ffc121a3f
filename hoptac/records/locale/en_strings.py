"""English for the UI's Vietnamese strings: `python hoptac/records/locale/en_strings.py` fills django.po.

Kept beside the catalogue so a new string gets its English here, then `django-admin compilemessages`
(gettext's msgfmt) rebuilds django.mo, which is committed: running hoptac needs no gettext tools.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

EN = {
    "Tệp văn bản (.txt .md .html .docx .pdf)": "Document file (.txt .md .html .docx .pdf)",
    "Tệp rỗng.": "The file is empty.",
    "Tệp quá lớn (tối đa %(mb)s MB).": "The file is too large (at most %(mb)s MB).",
    "Kỳ báo cáo": "Reporting period",
    "Hãy ghi nội dung báo cáo.": "Please write the report.",
    "Tiến độ phải từ 0 đến 100%.": "Progress must be between 0 and 100%.",
    "Tình trạng mới": "New status",
    "Danh sách nhiệm vụ không hợp lệ.": "Invalid list of tasks.",
    "Hãy chọn ít nhất một nhiệm vụ.": "Select at least one task.",
    "Năm bắt đầu phải trước năm kết thúc.": "The start year must come before the end year.",
    "Tỉnh/thành phố": "Province/city",
    "Huyện/xã": "District/commune",
    "tên": "name",
    "cấp": "level",
    "văn phòng": "office",
    "Quản trị": "Administrator",
    "Cán bộ đối ngoại": "Foreign-affairs officer",
    "Cán bộ báo cáo của cơ quan": "Agency reporter",
    "Người xem": "Viewer",
    "vai trò": "role",
    "Quốc gia": "Country",
    "Tỉnh/bang": "Province/state",
    "Huyện/quận": "District",
    "Xã/phường": "Commune/ward",
    "Tổ chức": "Organisation",
    "Khác": "Other",
    "quốc gia": "country",
    "tên khác": "other names",
    "tên bản ngữ": "native name",
    "phiên âm La-tinh": "romanisation",
    "đơn vị kế thừa (sau sắp xếp 2025)": "successor (after the 2025 reorganisation)",
    "cơ quan": "agency",
    "Kế hoạch": "Plan",
    "Công văn": "Official letter",
    "Bản ghi nhớ": "Memorandum of understanding",
    "Thỏa thuận": "Agreement",
    "Biên bản": "Minutes",
    "Tin bài": "News article",
    "Báo cáo": "Report",
    "Quyết định": "Decision",
    "Thông báo": "Notice",
    "tệp": "file",
    "tên tệp": "file name",
    "loại": "kind",
    "số, ký hiệu": "number",
    "ngày": "date",
    "ngày (như in)": "date (as printed)",
    "cơ quan ban hành": "issuer",
    "trích yếu": "title",
    "nội dung": "content",
    "đã duyệt": "reviewed",
    "dẫn chiếu": "cites",
    "triển khai": "implements",
    "thay thế": "replaces",
    "Ý định thư": "Letter of intent",
    "Đã ký": "Signed",
    "Có hiệu lực": "In force",
    "Đã sửa đổi": "Amended",
    "Đã gia hạn": "Extended",
    "Hết hạn": "Expired",
    "Chấm dứt": "Terminated",
    "ngày ký": "signing date",
    "từ năm": "from year",
    "đến năm": "to year",
    "tình trạng": "status",
    "kinh phí (đồng)": "budget (VND)",
    "Chưa thực hiện": "Not started",
    "Đang thực hiện": "In progress",
    "Hoàn thành": "Done",
    "Hủy": "Cancelled",
    "mục": "ref",
    "nhiệm vụ": "tasks",
    "chủ trì": "lead",
    "phối hợp": "support",
    "thời gian": "timing",
    "năm": "year",
    "hạn": "due",
    "tiến độ (%)": "progress (%)",
    "nội dung báo cáo": "report",
    "tệp đính kèm": "attachment",
    "Hội đàm": "Talks",
    "Thăm, làm việc": "Visit",
    "Ký kết": "Signing",
    "Hội nghị": "Conference",
    "Đoàn ra": "Delegation out",
    "Đoàn vào": "Delegation in",
    "địa điểm": "place",
    "thành phần": "members",
    "Không có quyền": "Forbidden",
    "Bạn không có quyền xem hoặc thay đổi mục này.": "You may not see or change this.",
    "Không tìm thấy": "Not found",
    "Trang hoặc mục này không tồn tại.": "This page or record does not exist.",
    "Chưa có dữ liệu.": "No data yet.",
    "Trước": "Previous",
    "Trang %(n)s/%(total)s": "Page %(n)s of %(total)s",
    "Sau": "Next",
    "Tài khoản": "Account",
    "Mã API": "API tokens",
    "Mã mới (chỉ hiện một lần):": "New token (shown once):",
    "Tạo mã API": "Create an API token",
    "Nhiệm vụ chủ trì": "Tasks it leads",
    "Nhiệm vụ phối hợp": "Tasks it supports",
    "Các kỳ chưa hoàn thành": "Open occurrences",
    "Cơ quan": "Agencies",
    "Tên": "Name",
    "Chủ trì": "Lead",
    "Phối hợp": "Support",
    "Chưa có cơ quan.": "No agencies yet.",
    "Loại": "Kind",
    "Các bên": "Parties",
    "Tình trạng": "Status",
    "Văn bản": "Documents",
    "Lưu": "Save",
    "Thỏa thuận, bản ghi nhớ": "Agreements and memoranda",
    "Giai đoạn": "Period",
    "Chưa có thỏa thuận.": "No agreements yet.",
    "Nhật ký": "Audit log",
    "Nhật ký thay đổi": "Audit log",
    "Lúc": "When",
    "Người": "Who",
    "Việc": "What",
    "Nội dung": "Content",
    "Hợp tác quốc tế": "International cooperation",
    "Tổng quan": "Dashboard",
    "Nhiệm vụ": "Tasks",
    "Đối tác": "Partners",
    "Sự kiện": "Events",
    "Sơ đồ quan hệ": "Relationship graph",
    "Tải văn bản lên": "Upload a document",
    "Đăng xuất": "Log out",
    "Quản trị toàn quốc": "National administrator",
    "Ngôn ngữ": "Language",
    "Đổi": "Change",
    "đến hạn trong tháng": "due this month",
    "quá hạn": "overdue",
    "chưa báo cáo": "missing reports",
    "văn bản chờ duyệt": "documents to review",
    "Tiến độ theo cơ quan": "Progress by agency",
    "Tiến độ theo đối tác": "Progress by partner",
    "Tiến độ theo năm": "Progress by year",
    "Sắp đến hạn": "Due soon",
    "Không có.": "None.",
    "Trích yếu": "Title",
    "Cơ quan ban hành": "Issuer",
    "Ngày": "Date",
    "Tệp": "File",
    "Duyệt": "Review",
    "Chưa duyệt — duyệt ngay": "Not reviewed — review now",
    "Thay đổi so với phiên bản trước": "Changes from the previous version",
    "Thêm": "Added",
    "Bỏ": "Removed",
    "Sửa": "Changed",
    "Văn bản dẫn chiếu": "Documents cited",
    "Được dẫn chiếu bởi": "Cited by",
    "Văn bản chờ duyệt": "Documents to review",
    "Tất cả": "All",
    "Chờ duyệt": "To review",
    "Chưa có văn bản.": "No documents yet.",
    "Sự kiện đối ngoại": "Foreign-affairs events",
    "Ghi sự kiện": "Record the event",
    "Chưa có sự kiện.": "No events yet.",
    "Đăng nhập": "Log in",
    "Sai tên đăng nhập hoặc mật khẩu.": "Wrong user name or password.",
    "Tên đăng nhập": "User name",
    "Mật khẩu": "Password",
    "Cấp": "Level",
    "Tên khác": "Other names",
    "Tên bản ngữ": "Native name",
    "Đơn vị kế thừa": "Successor",
    "Dòng thời gian": "Timeline",
    "Địa phương và đối tác": "Localities and partners",
    "Chưa có đối tác.": "No partners yet.",
    "Kinh phí": "Budget",
    "Mục": "Ref",
    "Hạn": "Due",
    "Không có nhiệm vụ.": "No tasks.",
    "Duyệt kết quả đọc": "Review what was read",
    "Giữ": "Keep",
    "Không đọc được nhiệm vụ nào.": "No tasks were read.",
    "Chấp nhận và lưu": "Accept and save",
    "Các kỳ thực hiện": "Occurrences",
    "Báo cáo tiến độ": "Progress report",
    "Gửi báo cáo": "Send the report",
    "Mọi cơ quan": "All agencies",
    "Mọi đối tác": "All partners",
    "Mọi kế hoạch": "All plans",
    "Năm": "Year",
    "Mọi tình trạng": "Any status",
    "Lọc": "Filter",
    "Không có nhiệm vụ nào.": "No tasks.",
    "Đổi tình trạng các nhiệm vụ đã chọn:": "Set the status of the selected tasks:",
    "Cập nhật": "Update",
    "Đọc văn bản": "Read the document",
    "Hệ thống đọc văn bản và hiển thị kết quả để bạn kiểm tra trước khi lưu.": "The document is read and shown to you for checking before anything is saved.",
    "Tài khoản chưa được gán văn phòng và vai trò.": "This account has no office and role yet.",
    "Có nhiệm vụ không tồn tại hoặc không thuộc quyền của bạn.": "Some tasks do not exist or are not yours.",
    "Đã cập nhật %(n)d nhiệm vụ.": "Updated %(n)d tasks.",
    "Bạn không có quyền xem nhiệm vụ này.": "You may not see this task.",
    "Bạn không có quyền báo cáo nhiệm vụ này.": "You may not report on this task.",
    "Đã ghi báo cáo tiến độ.": "Progress report saved.",
    "Bạn chỉ xem được cơ quan của mình.": "You can only see your own agency.",
    "Đã lưu.": "Saved.",
    "Nhiệm vụ %(ref)s: tên nhiệm vụ không được để trống.": "Task %(ref)s: the title cannot be empty.",
    "Văn bản này đã được duyệt.": "This document has already been reviewed.",
    "Đã duyệt và lưu văn bản.": "Document reviewed and saved.",
    "Văn bản này đã có trong hệ thống.": "This document is already stored.",
    "Đã lưu văn bản.": "Document saved.",
    "Đã ghi sự kiện.": "Event recorded.",
    "Địa phương": "Localities",
    "Thỏa thuận ": "Agreements",
    "Gửi kèm mỗi yêu cầu: Authorization: Bearer MÃ. Tài liệu API: /api/openapi.json": "Send with each request: Authorization: Bearer TOKEN. API description: /api/openapi.json",
    "Quản trị toàn quốc hãy ghi sự kiện bằng tài khoản của một văn phòng.": "A national administrator records events with an office's account.",
    "Quản trị toàn quốc hãy tải văn bản lên bằng tài khoản của một văn phòng.": "A national administrator uploads documents with an office's account.",
    "Hồ sơ hợp tác": "Cooperation records",
    "Ngày ký": "Signing date",
    "Được": "Done",
}
PLURALS = {
    "%(n)s mã đang dùng.": ("%(n)s token in use.", "%(n)s tokens in use."),
    "%(n)s kỳ quá hạn": ("%(n)s overdue occurrence", "%(n)s overdue occurrences"),
}


def _unquote(block: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block)).replace('\\"', '"').replace("\\n", "\n")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def fill(po: Path) -> int:
    entries = po.read_text(encoding="utf-8").split("\n\n")
    missing = 0
    out = []
    for entry in entries:
        m = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        if not m or entry.lstrip().startswith("# SOME") or 'msgid ""\nmsgstr ""\n"Project' in entry:
            out.append(entry)
            continue
        msgid = _unquote(m[1])
        entry = entry.replace("#, fuzzy\n", "")
        if "msgid_plural" in entry:
            en = PLURALS.get(msgid)
            if en:
                entry = re.sub(r'msgstr\[0\] ".*"', "msgstr[0] " + _quote(en[0]).replace("\\", "\\\\"), entry)
                entry = re.sub(r'msgstr\[1\] ".*"', "msgstr[1] " + _quote(en[1]).replace("\\", "\\\\"), entry)
            else:
                missing += 1
        elif msgid in EN:
            head = entry[: entry.index("msgstr ")]
            entry = head + "msgstr " + _quote(EN[msgid])
        else:
            missing += 1
        out.append(entry)
    po.write_text("\n\n".join(out), encoding="utf-8")
    return missing


if __name__ == "__main__":
    po = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "django.po"
    left = fill(po)
    print(f"{po}: {left} strings without English", file=sys.stderr)
