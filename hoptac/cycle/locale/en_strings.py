# ruff: noqa: E501
"""English for the cycle's Vietnamese UI strings: `python hoptac/cycle/locale/en_strings.py` fills django.po.

As in ``hoptac/records/locale``: `django-admin makemessages -l en` (run in hoptac/cycle), this script,
then `django-admin compilemessages`; the compiled django.mo is committed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

EN = {
    "Hãy chọn cơ quan báo cáo, hoặc đánh dấu “mọi cơ quan chủ trì”.": "Choose the reporting agencies, or tick “every lead agency”.",
    "Hạn hằng năm cần cả ngày và tháng.": "A yearly deadline needs both a day and a month.",
    "Tháng phải từ 1 đến 12.": "The month must be between 1 and 12.",
    "Tháng %(m)s không có ngày %(d)s.": "Month %(m)s has no day %(d)s.",
    "Năm không hợp lệ.": "Invalid year.",
    "Năm kết thúc phải sau năm bắt đầu.": "The last year must come after the first year.",
    "Số ngày nhắc trước phải từ 0 đến 90.": "Days ahead must be between 0 and 90.",
    "Địa chỉ thư không hợp lệ: %(a)s": "Invalid e-mail address: %(a)s",
    "Hãy ghi trích yếu của báo cáo.": "Please write the report's title.",
    "Bảng nhiệm vụ (.xlsx do hoptac xuất)": "Task table (.xlsx exported by hoptac)",
    "Tình hình chung": "General situation",
    "Khó khăn, vướng mắc": "Difficulties",
    "Đề xuất, kiến nghị": "Proposals",
    "Tình trạng": "Status",
    "Tiến độ (%)": "Progress (%)",
    "Kết quả thực hiện": "Results",
    "Báo cáo trống: hãy ghi kết quả ít nhất một nhiệm vụ hoặc tình hình chung.": "The report is empty: write the results of at least one task or the general situation.",
    "mọi cơ quan chủ trì nhiệm vụ của kế hoạch": "every agency that leads a task of the plan",
    "Khi văn bản ghi “các cơ quan”: mỗi cơ quan chủ trì một nhiệm vụ đều phải báo cáo.": "When the document says “the agencies”: every agency that leads a task reports.",
    "cơ quan báo cáo": "reporting agencies",
    "báo cáo gửi": "reports to",
    "hằng năm": "yearly",
    "tháng": "month",
    "ngày": "day",
    "hạn (một lần)": "deadline (once)",
    "từ năm": "from year",
    "đến năm": "to year",
    "báo cáo tổng hợp": "compiled report",
    "Cơ quan báo cáo tổng hợp báo cáo của các cơ quan khác (nộp bằng báo cáo tổng hợp).": "The reporting agency compiles the other agencies' reports (submitted as the compiled report).",
    "đang áp dụng": "in force",
    "quy định báo cáo": "reporting rule",
    "các cơ quan chủ trì": "the lead agencies",
    "%(d)02d/%(m)02d hằng năm": "%(d)02d/%(m)02d every year",
    "chưa có hạn": "no deadline yet",
    "năm": "year",
    "hạn": "deadline",
    "đã nộp lúc": "submitted at",
    "tình hình chung": "general situation",
    "khó khăn, vướng mắc": "difficulties",
    "đề xuất, kiến nghị": "proposals",
    "cơ quan chủ quản": "parent body",
    "cơ quan ban hành": "issuing body",
    "số": "number",
    "ký hiệu": "symbol",
    "địa danh": "place",
    "ngày ban hành": "date of issue",
    "trích yếu": "title",
    "mở đầu": "introduction",
    "nơi nhận (mỗi dòng một nơi)": "recipients (one per line)",
    "thẩm quyền ký": "signing authority",
    "chức vụ người ký": "signer's position",
    "người ký": "signer",
    "ngày gửi": "sent on",
    "gửi nhắc việc": "send reminders",
    "nhắc trước (ngày)": "remind ahead (days)",
    "địa chỉ thư nhận nhắc việc": "reminder e-mail addresses",
    "Mỗi dòng một địa chỉ; để trống thì gửi cho cán bộ báo cáo của cơ quan.": "One address per line; empty sends to the agency's reporters.",
    "Cơ quan": "Agency",
    "Báo cáo gửi": "Reports to",
    "Kế hoạch": "Plan",
    "Hạn": "Deadline",
    "tổng hợp": "compiled",
    "Đã nộp": "Submitted",
    "Chưa nộp": "Not submitted",
    "Bỏ đánh dấu": "Unmark",
    "Đánh dấu đã nộp": "Mark submitted",
    "Không có kỳ báo cáo nào.": "No reports due.",
    "Chu kỳ báo cáo": "Reporting cycle",
    "Báo cáo còn thiếu": "Missing reports",
    "Quy định báo cáo": "Reporting rules",
    "Lập báo cáo tổng hợp": "Compile a report",
    "Nhắc việc": "Reminders",
    "Lịch": "Calendar",
    "Báo cáo năm": "Yearly report",
    "Báo cáo năm %(y)s của %(a)s": "%(a)s: report for %(y)s",
    "Gửi": "To",
    "Nội dung được điền sẵn từ báo cáo năm %(y)s: hãy sửa cho năm nay.": "Pre-filled from the %(y)s report: update it for this year.",
    "Cơ quan không chủ trì nhiệm vụ nào có kỳ thực hiện trong năm %(y)s: ghi tình hình chung.": "The agency leads no task due in %(y)s: write the general situation.",
    "Gửi lại báo cáo": "Submit the report again",
    "Gửi báo cáo": "Submit the report",
    "Báo cáo còn thiếu năm %(year)s": "Missing reports, %(year)s",
    "Năm": "Year",
    "Mọi kế hoạch": "All plans",
    "chỉ báo cáo chưa nộp": "only reports not submitted",
    "Xem": "Show",
    "quá hạn": "overdue",
    "chưa đến hạn": "not yet due",
    "đã nộp": "submitted",
    "Lịch báo cáo và nhiệm vụ": "Reports and tasks calendar",
    "Thêm các địa chỉ dưới đây vào ứng dụng lịch (Google Calendar, Outlook, Thunderbird, điện thoại) bằng chức năng “đăng ký lịch qua URL”. Lịch gồm hạn báo cáo, hạn nhiệm vụ theo năm, sự kiện và ngày kỷ niệm của đối tác, có nhắc trước.": "Add these addresses to a calendar program (Google Calendar, Outlook, Thunderbird, a phone) with “subscribe by URL”. They carry report deadlines, task years, events and the partners' commemorative days, with alarms.",
    "Địa chỉ có mã bí mật của riêng bạn: không chia sẻ. Nếu lộ, hãy đổi mã.": "The addresses carry your own secret: do not share them. If one leaks, change the secret.",
    "Đổi mã lịch": "Change the calendar secret",
    "hoặc mọi kế hoạch với đối tác": "or every plan with a partner",
    "Lập báo cáo": "Compile",
    "Báo cáo tổng hợp": "Compiled reports",
    "Tải báo cáo (.docx)": "Download the report (.docx)",
    "Tải bảng nhiệm vụ (.xlsx)": "Download the task table (.xlsx)",
    "Tải bản PDF": "Download as PDF",
    "PDF: cần cài LibreOffice trên máy chủ.": "PDF: LibreOffice must be installed on the server.",
    "Đối tác": "Partner",
    "Tổng hợp lúc": "Compiled at",
    "Đã gửi": "Sent",
    "Báo cáo của các cơ quan": "The agencies' reports",
    "Chưa cơ quan nào gửi báo cáo năm này.": "No agency has reported for this year yet.",
    "Tổng hợp lại từ báo cáo của các cơ quan": "Compile again from the agencies' reports",
    "Đánh dấu đã gửi": "Mark as sent",
    "Nội dung báo cáo": "Report content",
    "Lưu": "Save",
    "Nhập lại bảng nhiệm vụ": "Import the task table back",
    "Nhập": "Import",
    "Chu kỳ báo cáo năm %(year)s": "Reporting cycle %(year)s",
    "Báo cáo của %(a)s": "Reports of %(a)s",
    "Các kỳ báo cáo": "Reports due",
    "đã gửi": "sent",
    "Nhắc việc cho %(a)s": "Reminders for %(a)s",
    "Nhắc việc qua thư điện tử": "E-mail reminders",
    "Mỗi ngày lệnh “hoptac remind” gửi mỗi cơ quan một thư tổng hợp việc quá hạn, đến hạn hôm nay và sắp đến hạn; không gửi thư trống, không gửi hai lần trong ngày.": "Every day “hoptac remind” sends each agency one digest of what is overdue, due today and due soon; never an empty mail, never twice a day.",
    "Nhắc trước": "Ahead",
    "Địa chỉ nhận": "Addresses",
    "có": "on",
    "tắt": "off",
    "Sửa": "Edit",
    "Thư đã gửi gần đây": "Recently sent",
    "Chưa gửi thư nào.": "Nothing sent yet.",
    "Sửa quy định báo cáo": "Edit the reporting rule",
    "Thêm quy định báo cáo": "Add a reporting rule",
    "Hằng năm: ghi ngày và tháng. Một lần: bỏ chọn “hằng năm” và ghi hạn.": "Yearly: give the day and month. Once: untick “yearly” and give the deadline.",
    "Xóa quy định": "Delete the rule",
    "Đọc từ phần trách nhiệm báo cáo của mỗi kế hoạch; cán bộ đối ngoại sửa được. Các kỳ báo cáo được lập trước đến hết năm sau.": "Read from each plan's reporting duties; officers can edit them. Reports due are generated through the end of next year.",
    "Thêm quy định": "Add a rule",
    "Cơ quan báo cáo": "Reporting agencies",
    "Kỳ báo cáo": "Reports due",
    "Thêm quy định cho kế hoạch này": "Add a rule to this plan",
    "Chưa có quy định báo cáo nào.": "No reporting rules yet.",
    "Tài khoản chưa được gán văn phòng và vai trò.": "This account has no office and role yet.",
    "Đã ghi nhận.": "Recorded.",
    "Đã bỏ đánh dấu đã nộp.": "No longer marked as submitted.",
    "Đã thêm quy định báo cáo.": "Reporting rule added.",
    "Đã xóa quy định báo cáo.": "Reporting rule deleted.",
    "Đã lưu quy định báo cáo; các kỳ báo cáo đã được cập nhật.": "Reporting rule saved; the reports due were updated.",
    "Bạn chỉ báo cáo được cho cơ quan của mình.": "You can only report for your own agency.",
    "Báo cáo này là báo cáo tổng hợp của văn phòng.": "This is the office's compiled report.",
    "Báo cáo tổng hợp do văn phòng lập.": "The compiled report is made by the office.",
    "Bạn không có quyền gửi báo cáo này.": "You may not submit this report.",
    "Đã gửi báo cáo năm %(y)s.": "The %(y)s report was submitted.",
    "Hãy ghi năm báo cáo.": "Give the report's year.",
    "Hãy chọn một kế hoạch hoặc một đối tác.": "Choose a plan or a partner.",
    "Chọn kế hoạch hoặc đối tác, không chọn cả hai.": "Choose a plan or a partner, not both.",
    "Đã tổng hợp báo cáo của %(n)s cơ quan.": "Compiled the reports of %(n)s agencies.",
    "Đã ghi nhận báo cáo đã gửi.": "Recorded as sent.",
    "Đã lưu.": "Saved.",
    "Hãy chọn tệp .xlsx để nhập.": "Choose an .xlsx file to import.",
    "Đã nhập %(rows)s dòng: %(texts)s nội dung mới, %(st)s thay đổi tình trạng/tiến độ.": "Imported %(rows)s rows: %(texts)s new texts, %(st)s status/progress changes.",
    "Đã lưu cách nhắc việc của %(a)s.": "Reminder settings of %(a)s saved.",
    "Đã đổi mã lịch: các địa chỉ cũ không dùng được nữa.": "Calendar secret changed: the old addresses no longer work.",
    "Lịch của tôi": "My calendar",
    "Đối tác: %(p)s": "Partner: %(p)s",
    "Kế hoạch: %(p)s": "Plan: %(p)s",
    "Bạn chỉ xem được lịch của cơ quan mình.": "You can only see your own agency's calendar.",
    "Báo cáo định kỳ": "Periodic reports",
    "Tạo địa chỉ lịch của tôi": "Make my calendar address",
    "Đã tạo địa chỉ lịch của bạn.": "Your calendar address is made.",
}
PLURALS = {"Quá hạn %(n)s ngày": ("%(n)s day overdue", "%(n)s days overdue")}


def _unquote(block: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block)).replace('\\"', '"').replace("\\n", "\n")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def fill(po: Path) -> list[str]:
    entries = po.read_text(encoding="utf-8").split("\n\n")
    missing = []
    out = []
    for entry in entries:
        m = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        if not m or 'msgid ""\nmsgstr ""\n"Project' in entry:
            out.append(entry)
            continue
        msgid = _unquote(m[1])
        entry = entry.replace("#, fuzzy\n", "")
        if "msgid_plural" in entry:
            one, many = PLURALS.get(msgid, ("", ""))
            entry = entry.replace('msgstr[0] ""', "msgstr[0] " + _quote(one))
            entry = entry.replace('msgstr[1] ""', "msgstr[1] " + _quote(many))
            if not one:
                missing.append(msgid)
        elif msgid in EN:
            entry = entry[: entry.index("msgstr ")] + "msgstr " + _quote(EN[msgid])
        else:
            missing.append(msgid)
        out.append(entry)
    po.write_text("\n\n".join(out), encoding="utf-8")
    return missing


if __name__ == "__main__":
    po = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "django.po"
    left = fill(po)
    for msgid in left:
        print(f"no English: {msgid}", file=sys.stderr)
    print(f"{po}: {len(left)} strings without English", file=sys.stderr)
