"""Whole documents in the layouts the genre comes in, beyond the shipped samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoptac.extract import extract_file

FIXTURES = Path(__file__).parent / "fixtures" / "layouts"


def _tasks(name: str) -> dict[str, tuple[list[str], list[str], dict]]:
    d = extract_file(FIXTURES / name).to_dict()
    return {t["ref"]: (t["lead"], t["support"], t["when"]) for t in d["tasks"]}


def test_two_column_header_and_appendix_table() -> None:
    d = extract_file(FIXTURES / "table_header_appendix.md").to_dict()
    doc = d["document"]
    assert (doc["kind"], doc["number"], doc["place"], doc["date"]) == (
        "ke_hoach",
        "123/KH-UBND",
        "Lạng Sơn",
        "2025-03-05",
    )
    assert doc["issuer"] == "Ủy ban nhân dân tỉnh Lạng Sơn"
    assert doc["signers"] == ["Hồ Tiến Thiệu"]
    assert [(p["name"], p["country"]) for p in d["parties"]] == [
        ("tỉnh Lạng Sơn", "VN"),
        ("Khu tự trị dân tộc Choang Quảng Tây", "CN"),
    ]
    assert [r["number"] for r in d["references"]] == ["64/2021/NĐ-CP", "456/BNG-VP"]
    assert [(e["date"], e["kind"]) for e in d["events"]] == [("2025-02-20", "hoi_dam")]
    assert [(r["to"], r["due"]) for r in d["reporting"]] == [
        ("Ủy ban nhân dân tỉnh", "2025-12-15"),
        ("Sở Ngoại vụ", "--11-30"),
    ]


@pytest.mark.parametrize(
    ("ref", "lead", "support", "when"),
    [
        ("II.1", ["Sở Ngoại vụ"], ["Văn phòng Ủy ban nhân dân tỉnh", "Sở Tài chính"], {"due": "2025-Q4"}),
        (
            "II.2",
            ["Sở Công Thương"],
            ["Sở Nông nghiệp và Môi trường", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"],
            {"due": "2025-12"},
        ),
        ("II.3", ["Bộ Chỉ huy Bộ đội Biên phòng tỉnh"], [], {"ongoing": True}),
        ("III.1", ["Sở Ngoại vụ"], [], {"due": "2025-12-15"}),
        ("III.2", ["Ủy ban nhân dân các huyện, thành phố"], [], {"yearly": True, "due": "--11-30"}),
        (
            "PL.1",
            ["Sở Giáo dục và Đào tạo"],
            ["Sở Ngoại vụ", "Công an tỉnh"],
            {"years": [2026, 2027, 2028, 2029, 2030]},
        ),
        ("PL.2", ["Sở Văn hóa, Thể thao và Du lịch"], ["Sở Ngoại vụ"], {"yearly": True}),
    ],
)
def test_tasks_in_labels_running_text_headings_and_tables(ref, lead, support, when) -> None:
    tasks = _tasks("table_header_appendix.md")
    assert ref in tasks
    got_lead, got_support, got_when = tasks[ref]
    assert (got_lead, got_support) == (lead, support)
    assert {k: got_when[k] for k in when} == when


def test_metadata_block_wrapped_lines_and_cell_per_line_table() -> None:
    d = extract_file(FIXTURES / "metadata_wrapped.txt").to_dict()
    doc = d["document"]
    assert (doc["number"], doc["date"], doc["title"]) == (
        "45/KH-UBND",
        "2024-04-12",
        "Hợp tác với tỉnh Vân Nam (Trung Quốc) năm 2024",
    )
    assert [(p["name"], p["country"]) for p in d["parties"]] == [("tỉnh Hà Giang", "VN"), ("tỉnh Vân Nam", "CN")]
    tasks = {t["ref"]: t for t in d["tasks"]}
    assert sorted(tasks) == ["I.1.1", "I.1.2", "II.1", "II.2", "PL.1"]
    assert tasks["I.1.1"]["title"].endswith("tại khu vực biên giới giữa hai bên")
    assert tasks["I.1.2"]["lead"] == ["Sở Y tế", "Ủy ban nhân dân huyện Vị Xuyên"]
    assert tasks["II.2"]["lead"] == ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"]
    assert (tasks["PL.1"]["lead"], tasks["PL.1"]["when"]["due"]) == (["Sở Ngoại vụ"], "2024-09")


def test_arabic_sections_and_lettered_items() -> None:
    d = extract_file(FIXTURES / "arabic_sections.txt").to_dict()
    assert d["document"]["issuer"] == "Ủy ban nhân dân huyện Vị Xuyên"
    assert [(p["name"], p["country"]) for p in d["parties"]] == [("huyện Vị Xuyên", "VN"), ("huyện Ma Lì Pha", "CN")]
    tasks = {t["ref"]: (t["lead"], t["when"]["due"]) for t in d["tasks"]}
    assert tasks == {
        "2.a": (["Phòng Văn hóa và Thông tin"], "2023-01"),
        "2.b": (["Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện"], "2023-Q3"),
        "3.1": (["Công an huyện"], None),
        "3.2": (["Phòng Tài chính - Kế hoạch"], None),
    }
    assert [b["amount"] for b in d["budget"]] == [150_000_000]


def test_memorandum_with_capitals_title_and_several_signers() -> None:
    d = extract_file(FIXTURES / "memorandum_caps_title.md").to_dict()
    assert d["document"]["kind"] == "ban_ghi_nho"
    assert d["document"]["issuer"] is None
    assert d["document"]["signers"] == [
        "Trần Hồng Minh",
        "Lưu Ninh",
        "Nguyễn Xuân Ký",
        "Nguyễn Quốc Đoàn",
        "Đặng Quốc Khánh",
    ]
    assert [(p["name"], p["country"]) for p in d["parties"]] == [
        ("Tỉnh ủy Cao Bằng", "VN"),
        ("Tỉnh ủy Quảng Ninh", "VN"),
        ("Tỉnh ủy Lạng Sơn", "VN"),
        ("Tỉnh ủy Hà Giang", "VN"),
        ("Khu ủy Khu tự trị Dân Tộc Choang Quảng Tây", "CN"),
    ]
    assert d["period"] == {"from": 2022, "to": 2026}
    assert d["tasks"] == []


def test_docx_with_header_table_end_to_end(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH CAO BẰNG"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    table.cell(1, 0).text = "Số: 77/KH-UBND"
    table.cell(1, 1).text = "Cao Bằng, ngày 10 tháng 5 năm 2024"
    for text in (
        "KẾ HOẠCH",
        "Thực hiện Bản ghi nhớ giữa tỉnh Cao Bằng và Khu tự trị dân tộc Choang Quảng Tây giai đoạn 2024-2026",
        "I. NỘI DUNG",
        "1. Trao đổi đoàn lãnh đạo cấp cao hai bên.",
        "Thời gian: Hằng năm",
        "Cơ quan chủ trì: Sở Ngoại vụ",
        "2. Sở Y tế chủ trì, phối hợp với Sở Tài chính tổ chức tập huấn phòng chống dịch. Thời gian: Năm 2025.",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Hoàng Xuân Ánh",
    ):
        doc.add_paragraph(text)
    path = tmp_path / "plan.docx"
    doc.save(str(path))
    d = extract_file(path).to_dict()
    assert (d["document"]["number"], d["document"]["date"], d["document"]["signers"]) == (
        "77/KH-UBND",
        "2024-05-10",
        ["Hoàng Xuân Ánh"],
    )
    assert [p["name"] for p in d["parties"]] == ["tỉnh Cao Bằng", "Khu tự trị dân tộc Choang Quảng Tây"]
    assert [(t["ref"], t["lead"], t["support"]) for t in d["tasks"]] == [
        ("I.1", ["Sở Ngoại vụ"], []),
        ("I.2", ["Sở Y tế"], ["Sở Tài chính"]),
    ]


def test_news_page_with_weekday_date_and_partner_in_headline() -> None:
    from hoptac.extract import extract_text

    text = (
        "Tin tức\n\nĐón đoàn đại biểu tỉnh Hủa Phăn (Lào) thăm và làm việc tại Thanh Hóa\n\n"
        "Thứ Sáu, 03/03/2023 - 15:20\n\n"
        "Ngày 2/3, đồng chí Chủ tịch UBND tỉnh đã tiếp và làm việc với đoàn đại biểu tỉnh Hủa Phăn.\n"
    )
    d = extract_text(text, "tin.txt").to_dict()
    doc = d["document"]
    assert (doc["kind"], doc["place"], doc["date"], doc["signers"]) == ("tin_bai", None, "2023-03-03", [])
    assert [(p["name"], p["country"]) for p in d["parties"]] == [("tỉnh Hủa Phăn", "LA"), ("tỉnh Thanh Hóa", "VN")]
    assert [(e["date"], e["kind"]) for e in d["events"]] == [("2023-03-02", "hoi_dam")]


@pytest.mark.parametrize(
    "labels",
    [
        (
            "- Cơ quan, đơn vị chủ trì thực hiện: Sở Ngoại vụ",
            "- Cơ quan phối hợp: Sở Tài chính",
            "- Tiến độ thực hiện: Quý II/2025",
        ),
        ("Đơn vị thực hiện: Sở Ngoại vụ", "Đơn vị phối hợp: Sở Tài chính", "Thời gian hoàn thành: Quý II/2025"),
        ("- *Chủ trì:* Sở Ngoại vụ", "- *Phối hợp:* Sở Tài chính", "- *Thời hạn:* Quý II/2025"),
    ],
)
def test_label_line_variants(labels: tuple[str, str, str]) -> None:
    from hoptac.extract import extract_text

    text = "KẾ HOẠCH\nTrao đổi đoàn năm 2025\nI. NỘI DUNG\n1. Trao đổi đoàn công tác.\n" + "\n".join(labels)
    (task,) = extract_text(text).to_dict()["tasks"]
    assert (task["ref"], task["lead"], task["support"], task["when"]["due"]) == (
        "I.1",
        ["Sở Ngoại vụ"],
        ["Sở Tài chính"],
        "2025-Q2",
    )
