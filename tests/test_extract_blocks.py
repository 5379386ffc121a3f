# ruff: noqa: E501  (the texts are quoted as documents print them)
"""Tables of (text, expected) for the layouts of real documents: the block model the cleaner
builds, the item tree, task tables, agency groups, timings, parties and events, and the genre gate.
Each text is the few lines a layout needs, as a legal database, a portal or a PDF prints them."""

from __future__ import annotations

import pytest

from hoptac.extract import extract_text
from hoptac.extract.agencies import parse_agency_list
from hoptac.extract.clean import clean_document, is_hard_wrapped
from hoptac.extract.find import find_dates, find_numbers, parse_when
from hoptac.extract.model import When
from hoptac.extract.resolve import resolve
from hoptac.extract.tables import pipe_cell_tables

HEADER = """ỦY BAN NHÂN DÂN
TỈNH LAI CHÂU
|
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
|
Số: 12/KH-UBND
|
Lai Châu, ngày 05 tháng 3 năm 2025
|

**KẾ HOẠCH**
Triển khai thực hiện Luật Thủ đô

"""


def _tasks(body: str) -> dict[str, dict]:
    return {t["ref"]: t for t in extract_text(HEADER + body).to_dict()["tasks"]}


# -- clean: the block model --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "lines", "headings"),
    [
        # A bold heading wrapped over two lines is one heading line.
        ("**III. NHIỆM\nVỤ, GIẢI PHÁP**\n\nNội dung.", ["III. NHIỆM VỤ, GIẢI PHÁP", "Nội dung."], [0]),
        # The number left alone by the markup joins its text.
        ("**1.****\n**Rà soát văn bản quy phạm pháp luật\n", ["1. Rà soát văn bản quy phạm pháp luật"], []),
        ("**6**.\nTổ chức triển khai Chiến lược", ["6. Tổ chức triển khai Chiến lược"], []),
        # An italic item label wrapped mid-word.
        ("*3.1. Tham gia góp ý kiến\nvào dự thảo*\n", ["3.1. Tham gia góp ý kiến vào dự thảo"], [0]),
        # A heading in capitals wrapped after a comma.
        ("I. MỤC ĐÍCH,\nYÊU CẦU\n1. Mục đích", ["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích"], []),
        # Emphasis inside a sentence is not a heading.
        ("Giao **Sở Ngoại vụ** chủ trì.", ["Giao Sở Ngoại vụ chủ trì."], []),
        # An italic label closed after its colon's space, wrapped mid-word: one plain label line.
        (
            "- Nâng cao kiến thức.\n\n*Đơn vị chủ trì tham mưu thực\nhiện: *Sở Tư pháp.",
            ["- Nâng cao kiến thức.", "Đơn vị chủ trì tham mưu thực hiện: Sở Tư pháp."],
            [],
        ),
    ],
)
def test_clean_blocks(raw: str, lines: list[str], headings: list[int]) -> None:
    cleaned = clean_document(raw)
    assert cleaned.text.split("\n") == lines
    assert sorted(cleaned.headings) == headings


@pytest.mark.parametrize(
    ("raw", "wrapped"),
    [
        ("\n".join(["Thực hiện Nghị quyết số 214/NQ-CP ngày 23/7/2025 của Chính phủ ban hành Kế hoạch"] * 8), True),
        (
            "\n".join(
                [
                    "Sáng ngày 10.9, tại Văn phòng Hành chính tỉnh Prey Veng, hai bên tổ chức Hội nghị sơ kết một năm thực hiện thỏa thuận hợp tác giữa hai tỉnh, với sự tham dự của lãnh đạo các sở."
                ]
                * 8
            ),
            False,
        ),
        ("Một dòng ngắn.", False),
    ],
)
def test_hard_wrap_is_measured(raw: str, wrapped: bool) -> None:
    assert is_hard_wrapped(raw) is wrapped


def test_paragraph_lines_are_not_joined_when_the_text_is_not_wrapped() -> None:
    headline = "Đoàn đại biểu châu Hồng Hà (Trung Quốc) xuất cảnh về nước sau Chương trình giao lưu"
    body = (
        "Tối 29/1, Đoàn đại biểu châu Hồng Hà (tỉnh Vân Nam, Trung Quốc) đã xuất cảnh về nước, kết thúc tốt đẹp"
        " chuyến tham dự Chương trình giao lưu văn nghệ chào Xuân qua biên giới tại tỉnh Lào Cai."
    )
    assert clean_document("\n".join([headline, body] * 4)).text.split("\n")[:2] == [headline, body]


@pytest.mark.parametrize(
    ("lines", "rows"),
    [
        # Rows between "|" lines, a group row of one cell, a cell over two lines.
        (
            [
                "|",
                "STT",
                "|",
                "Tên nhiệm vụ",
                "|",
                "Cơ quan chủ trì",
                "|",
                "|",
                "I. NÂNG CAO NHẬN THỨC",
                "|",
                "|",
                "1",
                "|",
                "Triển khai nền tảng",
                "đào tạo trực tuyến",
                "|",
                "Sở KH&CN",
                "|",
            ],
            [
                "| STT | Tên nhiệm vụ | Cơ quan chủ trì |",
                "| I. NÂNG CAO NHẬN THỨC |",
                "| 1 | Triển khai nền tảng đào tạo trực tuyến | Sở KH&CN |",
            ],
        ),
        # Rows with no boundary between them: cut at the header's width.
        (
            [
                "|",
                "STT",
                "|",
                "Nội dung",
                "|",
                "Cơ quan chủ trì",
                "|",
                "1",
                "|",
                "Trao đổi đoàn",
                "|",
                "Sở Ngoại vụ",
                "|",
            ],
            ["| STT | Nội dung | Cơ quan chủ trì |", "| 1 | Trao đổi đoàn | Sở Ngoại vụ |"],
        ),
        # A layout table (issuing body beside the motto) is left as it is.
        (
            ["|", "ỦY BAN NHÂN DÂN", "|", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "|"],
            ["|", "ỦY BAN NHÂN DÂN", "|", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "|"],
        ),
    ],
)
def test_cell_per_line_tables(lines: list[str], rows: list[str]) -> None:
    assert pipe_cell_tables(lines) == rows


# -- the item tree and tables ------------------------------------------------------------------

FIELDS = """**II. NHIỆM VỤ**

**1.1. Xây dựng Chiến lược dữ liệu của tỉnh:**

a) Nhiệm vụ: Rà soát, hoàn thiện Chiến lược dữ liệu.

b) Cơ quan thực hiện:

- Đơn vị chủ trì: Sở Khoa học và Công nghệ.

- Đơn vị phối hợp: Sở Tư pháp, UBND xã, phường.

c) Thời gian thực hiện: Hoàn thành trong năm 2025.

**III. TỔ CHỨC THỰC HIỆN**

**1. Sở Tài chính**

a) Bố trí kinh phí thực hiện Kế hoạch.

b) Hướng dẫn thanh quyết toán kinh phí.

Nơi nhận:
- Như trên;

**PHỤ LỤC**

| STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |
| I. HẠ TẦNG |
| 1 | Xây dựng hạ tầng 5G | Sở Công Thương | Sở Khoa học và Công nghệ Sở Tài chính | Quí IV-2025 |
| II. NHÂN LỰC |
| 2 | Đào tạo nhân lực số | Sở Nội vụ | UBND cấp xã | Quý IV/2025 - Quý II/2026 |
"""


@pytest.mark.parametrize(
    ("ref", "title", "lead", "support", "when"),
    [
        # Lettered field labels are fields of one task; the heading is its title.
        (
            "II.1.1",
            "Xây dựng Chiến lược dữ liệu của tỉnh",
            ["Sở Khoa học và Công nghệ"],
            ["Sở Tư pháp", "Ủy ban nhân dân các xã, phường"],
            {"years": [2025]},
        ),
        # A heading agency passes to its lettered children.
        ("III.1.a", "Bố trí kinh phí thực hiện Kế hoạch", ["Sở Tài chính"], [], {}),
        ("III.1.b", "Hướng dẫn thanh quyết toán kinh phí", ["Sở Tài chính"], [], {}),
        # Appendix rows after the signature, group rows skipped, a lost comma between two names.
        (
            "PL.1",
            "Xây dựng hạ tầng 5G",
            ["Sở Công Thương"],
            ["Sở Khoa học và Công nghệ", "Sở Tài chính"],
            {"due": "2025-Q4"},
        ),
        # "cấp xã" takes the document's own group of commune committees; a window is due at its end.
        ("PL.2", "Đào tạo nhân lực số", ["Sở Nội vụ"], ["Ủy ban nhân dân các xã, phường"], {"due": "2026-Q2"}),
    ],
)
def test_item_tree_and_tables(ref: str, title: str, lead: list[str], support: list[str], when: dict) -> None:
    tasks = _tasks(FIELDS)
    assert sorted(tasks) == ["II.1.1", "III.1.a", "III.1.b", "PL.1", "PL.2"]
    task = tasks[ref]
    assert (task["title"], task["lead"], task["support"]) == (title, lead, support)
    assert {k: task["when"][k] for k in when} == when


# -- agencies, timings, dates, numbers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UBND xã, phường, đặc khu", ["Ủy ban nhân dân các xã, phường, đặc khu"]),
        ("Sở Nội vụ; UBND phường, xã", ["Sở Nội vụ", "Ủy ban nhân dân các phường, xã"]),
        ("UBND cấp xã", ["Ủy ban nhân dân cấp xã"]),
        (
            "Ban Quản lý các khu công nghệ cao và khu công nghiệp",
            ["Ban Quản lý các khu công nghệ cao và khu công nghiệp"],
        ),
        ("Sở Khoa học và Công nghệ Sở Công Thương", ["Sở Khoa học và Công nghệ", "Sở Công Thương"]),
        ("Báo và Phát thanh, Truyền hình tỉnh", ["Báo và Phát thanh, Truyền hình tỉnh"]),
        ("Sở Y tế và tổ chức thực hiện", ["Sở Y tế"]),
        # One word is no body's name: "và" after it is inside the name.
        ("Báo và Phát thanh Truyền hình Lai Châu", ["Báo và Phát thanh Truyền hình Lai Châu"]),
        # A name that ends with its place is whole: the comma after it starts the next one.
        (
            "Bảo hiểm xã hội Thành phố, Chi nhánh Ngân hàng Chính sách xã hội Thành phố",
            ["Bảo hiểm xã hội thành phố", "Chi nhánh Ngân hàng Chính sách xã hội thành phố"],
        ),
    ],
)
def test_agency_grammar(text: str, expected: list[str]) -> None:
    assert [n.name for n in parse_agency_list(text, until_verb=False)] == expected


PROSE_FIELDS = """**II. NHIỆM VỤ CỤ THỂ**

**1. Phổ biến Luật Việc làm**

- Nội dung thực hiện: Tổ chức phổ biến Luật Việc làm.

- Cơ quan thực hiện: Sở Nội vụ chủ trì tham mưu Ủy ban nhân dân tỉnh ban hành Kế hoạch; Sở Tư pháp và Ủy ban nhân dân xã, phường chủ động tổ chức triển khai Luật.

- Thời gian thực hiện: Năm 2025.

**III. TỔ CHỨC THỰC HIỆN**

**1. Đề nghị: Hội Nông dân tỉnh, Liên minh Hợp tác xã tỉnh**

a) Tuyên truyền, vận động hội viên tham gia chuyển đổi số.

Nơi nhận:
- Như trên;
"""


@pytest.mark.parametrize(
    ("ref", "lead"),
    [
        # A "Cơ quan thực hiện:" written as prose: each clause's agencies, before its verb.
        ("II.1", ["Sở Nội vụ", "Sở Tư pháp", "Ủy ban nhân dân các xã, phường"]),
        # "Đề nghị:" opens an agency heading; its agencies pass to the lettered children.
        ("III.1.a", ["Hội Nông dân tỉnh", "Liên minh Hợp tác xã tỉnh"]),
    ],
)
def test_agencies_in_prose_fields_and_request_headings(ref: str, lead: list[str]) -> None:
    assert _tasks(PROSE_FIELDS)[ref]["lead"] == lead


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Quí IV-2025", When(due="2025-Q4")),
        ("Quý III Năm 2026", When(due="2026-Q3")),
        ("Quý IV/2025- Quý II/2026", When(due="2026-Q2")),
        # OCR reads the numeral's I as 1 or l; a quarter is never 11.
        ("Quý 11/2026", When(due="2026-Q2")),
        ("Quý 1V-2025", When(due="2025-Q4")),
        ("Quý l11 năm 2025", When(due="2025-Q3")),
        ("Quý 1/2026", When(due="2026-Q1")),
        ("Năm 2025 và các năm tiếp theo", When(from_year=2025)),
        ("Quý IV năm 2025 và các năm tiếp theo", When(from_year=2025)),
        ("Giai đoạn 2026-2030 và những năm tiếp theo", When(from_year=2026)),
        ("Từ 01/7/2025", When(from_year=2025)),
        ("Thường xuyên, hằng năm", When(yearly=True, ongoing=True)),
        ("Theo kế hoạch công tác tư pháp hàng năm", When()),
        ("xong trong tháng 12/2025; báo cáo hằng năm (trước ngày 15 tháng 11)", When(yearly=True, due="2025-12")),
    ],
)
def test_timing_cases(text: str, expected: When) -> None:
    got = parse_when(text)
    assert (got.yearly, got.ongoing, got.years, got.from_year, got.due) == (
        expected.yearly,
        expected.ongoing,
        expected.years,
        expected.from_year,
        expected.due,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("trong 02 ngày 16 – 17/7/2022 tại huyện", "2022-07-16"),
        ("từ ngày 18 đến ngày 27 tháng 12 năm 2007", "2007-12-18"),
        ("ngày 27 tháng 8 năm 2025", "2025-08-27"),
    ],
)
def test_date_spans(text: str, expected: str) -> None:
    assert find_dates(text)[0].value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Nghị quyết số 27/NQ- TW ngày 9/11/2022", ["27/NQ- TW"]), ("Nghị quyết 71/NQ -CP ngày 01/4/2025", ["71/NQ -CP"])],
)
def test_numbers_with_a_stray_space(text: str, expected: list[str]) -> None:
    assert [f.value for f in find_numbers(text)] == expected


def test_reference_with_a_long_date() -> None:
    ex = extract_text(HEADER + "Căn cứ Nghị định số 80/2025/NĐ-CP ngày 01 tháng 4 năm 2025 của Chính phủ;\n")
    assert [(r.number, r.date) for r in ex.references] == [("80/2025/NĐ-CP", "2025-04-01")]


# -- parties and events in news and letters ----------------------------------------------------

NEWS = """Công bố mở cửa khẩu song phương Lý Vạn - Thạc Long

Sáng 27/2, Ủy ban nhân dân huyện Hạ Lang, tỉnh Cao Bằng và Huyện ủy, Chính quyền nhân dân huyện Đại Tân (tỉnh Quảng Tây, Trung Quốc) phối hợp tổ chức lễ công bố.

Đây là điểm sáng mới trong giao lưu của hai tỉnh Cao Bằng - Quảng Tây nói chung; giữa hai huyện Hạ Lang, Đại Tân nói riêng.
"""

LETTER = """VĂN PHÒNG CHÍNH PHỦ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: 6348/VPCP-QHQT V/v quan hệ hợp tác với địa phương tại Nhật Bản.
Hà Nội, ngày 05 tháng 11 năm 2007
Kính gửi: Ủy ban nhân dân tỉnh Bến Tre.
1. Đồng ý Ủy ban nhân dân tỉnh Bến Tre đón đoàn Tỉnh trưởng tỉnh Okayama, Nhật Bản sang thăm và làm việc tại Việt Nam trong tháng 11/2007.
"""

TALKS = """HỘI ĐÀM GIỮA HUYỆN TÂY GIANG VÀ HUYỆN KÀ LỪM, KẾT HỢP TỔ CHỨC KÝ KẾT BIÊN BẢN GHI NHỚ

Trong 02 ngày 16 – 17/7/2022 tại huyện Tây Giang đã diễn ra Hội đàm giữa Lãnh đạo huyện Tây Giang với Lãnh đạo huyện Kà Lừm, tỉnh Sê Kông, nước CHDCND Lào.
"""


@pytest.mark.parametrize(
    ("text", "kind", "parties", "events"),
    [
        # Both sides from the body, at the partner's tier; parents printed as locations are not parties.
        (NEWS, "tin_bai", [("huyện Hạ Lang", "VN"), ("huyện Đại Tân", "CN")], []),
        # A letter that approves a visit: parties from its text, no event (it has not happened).
        (LETTER, "cong_van", [("tỉnh Bến Tre", "VN"), ("tỉnh Okayama", "JP")], []),
        # Talks over two days take the first; the headline's undated signing takes the talks' date.
        (
            TALKS,
            "tin_bai",
            [("huyện Tây Giang", "VN"), ("huyện Kà Lừm", "LA")],
            [("2022-07-16", "hoi_dam"), ("2022-07-16", "ky_ket")],
        ),
    ],
)
def test_news_and_letters(text: str, kind: str, parties: list[tuple[str, str]], events: list[tuple[str, str]]) -> None:
    d = extract_text(text).to_dict()
    assert d["document"]["kind"] == kind
    assert [(p["name"], p["country"]) for p in d["parties"]] == parties
    assert [(e["date"], e["kind"]) for e in d["events"]] == events
    assert d["tasks"] == []


# -- the genre gate ----------------------------------------------------------------------------

LAW = """QUỐC HỘI | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |
Luật số: 60/2024/QH15 |
**LUẬT**
**DỮ LIỆU**
Điều 5. Xử phạt
1. Phạt tiền từ 10.000.000 đồng đến 50.000.000 đồng.
Ngày 14 tháng 1 năm 2024, tại Hội nghị, Quốc hội đã thông qua.
"""

REGULATION = """ỦY BAN NHÂN DÂN
TỈNH NINH BÌNH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: 24/2025/QĐ-UBND
Ninh Bình, ngày 05 tháng 9 năm 2025
QUYẾT ĐỊNH
Ban hành Quy chế phối hợp quản lý hoạt động đối ngoại
Điều 1. Ban hành kèm theo Quyết định này Quy chế phối hợp.
II. NỘI DUNG
1. Sở Ngoại vụ chủ trì tổ chức hội nghị; kinh phí 500.000.000 đồng.
"""

QUESTION = """# Kênh truyền hình trực tiếp Lễ Quốc tang là kênh nào?
### Nội dung chính
Ngày 14 tháng 1 năm 2024, tại Hội nghị, Ban Tổ chức đã thống nhất, tổng kinh phí 2 tỷ đồng.
"""


@pytest.mark.parametrize("text", [LAW, REGULATION, QUESTION])
def test_non_plans_give_no_tasks_events_parties_or_budget(text: str) -> None:
    d = extract_text(text).to_dict()
    assert (d["tasks"], d["events"], d["parties"], d["budget"]) == ([], [], [], [])


# -- agreements proposed and short event titles ------------------------------------------------

MINUTES_NEWS = """Hội đàm trực tuyến giữa huyện Vị Xuyên và huyện Malypho

Ngày 24/11/2022, huyện Vị Xuyên (Hà Giang, Việt Nam) và huyện Malypho (Vân Nam, Trung Quốc) tổ chức hội đàm trực tuyến.
Hai bên đã thông qua và ký kết biên bản Hội đàm, thống nhất cùng phối hợp triển khai các nội dung hợp tác.
"""

PLAN_OF_AGREEMENT = HEADER.replace(
    "Triển khai thực hiện Luật Thủ đô",
    "Thực hiện Thỏa thuận hợp tác giữa UBND tỉnh Lai Châu và Chính quyền tỉnh Phông Sa Lỳ (Lào) giai đoạn 2021-2025",
)


@pytest.mark.parametrize(
    ("text", "agreements", "events"),
    [
        # A signing the news reports: an agreement signed that day, between the two sides.
        (
            MINUTES_NEWS,
            [("bien_ban", "2022-11-24", "signed", "Biên bản Hội đàm")],
            ["Hội đàm giữa huyện Vị Xuyên và huyện Malypho", "Ký kết biên bản Hội đàm giữa huyện Vị Xuyên và huyện Malypho"],
        ),
        # A plan that carries an agreement out: the agreement is in force, over the plan's period.
        (
            PLAN_OF_AGREEMENT,
            [("thoa_thuan", None, "in_force", "Thỏa thuận hợp tác giữa UBND tỉnh Lai Châu và Chính quyền tỉnh Phông Sa Lỳ")],
            [],
        ),
    ],
)
def test_agreements_and_event_titles(text: str, agreements: list[tuple], events: list[str]) -> None:
    d = extract_text(text).to_dict()
    assert [(a["kind"], a["signed"], a["status"], a["title"]) for a in d["agreements"]] == agreements
    assert all(len(a["parties"]) == 2 for a in d["agreements"])
    assert [e["title"] for e in d["events"]] == events


# -- headers as real pages print them ------------------------------------------------------------

NUMBER_ON_ITS_OWN_LINE = """|
ỦY BAN NHÂN DÂN
TỈNH LAI CHÂU
|
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
|
Số:
7360/KH-UBND
|
Lai Châu, ngày 19 tháng 11 năm 2025
|
KẾ HOẠCH
Triển khai thi hành Luật
"""

DATABASE_PAGE = """Bản dịch này thuộc quyền sở hữu của THƯ VIỆN PHÁP LUẬT. Mọi hành vi sao chép, đăng tải lại mà không có sự đồng ý của THƯ VIỆN PHÁP LUẬT là vi phạm pháp luật.
X CÁC NỘI DUNG ĐƯỢC SỬA ĐỔI, HƯỚNG DẪN
Số hiệu:
|
980/KH-UBND
|
Loại văn bản:
|
Kế hoạch
|
ỦY BAN NHÂN DÂN
TỈNH NGHỆ AN
|
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
|
Số: 980/KH-UBND
|
Nghệ An, ngày 18 tháng 11 năm 2025
|
KẾ HOẠCH
THỰC HIỆN QUYẾT ĐỊNH SỐ 1899/QĐ-TTG
"""


@pytest.mark.parametrize(
    ("text", "number", "issuer", "title"),
    [
        (NUMBER_ON_ITS_OWN_LINE, "7360/KH-UBND", "Ủy ban nhân dân tỉnh Lai Châu", "Triển khai thi hành Luật"),
        (DATABASE_PAGE, "980/KH-UBND", "Ủy ban nhân dân tỉnh Nghệ An", "THỰC HIỆN QUYẾT ĐỊNH SỐ 1899/QĐ-TTG"),
    ],
)
def test_headers(text: str, number: str, issuer: str, title: str) -> None:
    doc = extract_text(text).to_dict()["document"]
    assert (doc["kind"], doc["number"], doc["issuer"], doc["title"]) == ("ke_hoach", number, issuer, title)


def test_a_repeated_roman_numeral_is_numbered_by_position() -> None:
    body = """II. NHIỆM VỤ
1. Tổ chức đoàn công tác sang thăm tỉnh Hủa Phăn.
IV. KINH PHÍ
1. Ngân sách tỉnh bảo đảm.
IV. TỔ CHỨC THỰC HIỆN
1. Sở Ngoại vụ theo dõi, đôn đốc việc thực hiện Kế hoạch.
"""
    assert sorted(_tasks(body)) == ["II.1", "V.1"]


def test_a_clock_is_no_budget() -> None:
    text = HEADER + "II. NỘI DUNG\n1. Mua 01 đồng hồ treo tường cho phòng họp; kinh phí 5.000.000 đồng.\n"
    assert [b["amount"] for b in extract_text(text).to_dict()["budget"]] == [5_000_000]


def test_a_total_counts_not_its_parts_nor_its_yearly_rate() -> None:
    text = HEADER + (
        "II. NỘI DUNG\n1. Quan trắc môi trường nuôi trồng thủy sản.\nIII. KINH PHÍ\n"
        "Dự toán từ năm 2026 - 2030: 1.500.000.000 đồng/năm x 05 năm = 7.500.000.000 đồng. Trong đó:\n"
        "- Thu và phân tích mẫu: 6.821.646.215 đồng.\n- Hội nghị tập huấn: 678.353.785 đồng.\n"
    )
    assert [b["amount"] for b in extract_text(text).to_dict()["budget"]] == [7_500_000_000]


# -- reporting ----------------------------------------------------------------------------------


def _reporting(body: str) -> list[tuple[str, str | None]]:
    text = HEADER + "**I. NHIỆM VỤ**\n\n1. Tổ chức tập huấn.\n\n**II. TỔ CHỨC THỰC HIỆN**\n\n" + body
    return [(r["to"], r["due"]) for r in extract_text(text).to_dict()["reporting"]]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # "để" hands the report on: the one sent to reports next, a second duty to the same recipient.
        (
            "1. Các sở, ngành định kỳ trước ngày 15 tháng 11 hằng năm báo cáo Ủy ban nhân dân tỉnh.\n\n"
            "2. Các sở gửi kết quả rà soát, đề xuất sửa đổi về Sở Tư pháp để tổng hợp, báo cáo Ủy ban nhân dân tỉnh.",
            [("Ủy ban nhân dân tỉnh", "--11-15"), ("Sở Tư pháp", None), ("Ủy ban nhân dân tỉnh", None)],
        ),
        # A report on a condition and a budget proposal are not duties.
        (
            "1. Trường hợp phát sinh khó khăn, các đơn vị báo cáo Ủy ban nhân dân tỉnh.\n\n"
            "2. Sở Tài chính đề xuất, báo cáo Ủy ban nhân dân tỉnh bổ sung kinh phí theo quy định.",
            [],
        ),
        # A recurrence with no date is yearly; "chậm nhất ngày" is a deadline; "đồng gửi" a second recipient.
        (
            "1. Sở Nông nghiệp và Môi trường định kỳ hàng năm, tổng hợp, báo cáo kết quả về Bộ Nông nghiệp"
            " và Môi trường, đồng gửi Ủy ban nhân dân tỉnh theo dõi.\n\n"
            "2. Các đơn vị định kỳ hàng năm báo cáo kết quả về Sở Tài chính chậm nhất ngày 17 tháng 12.",
            [("Bộ Nông nghiệp và Môi trường", None), ("Ủy ban nhân dân tỉnh", None), ("Sở Tài chính", "--12-17")],
        ),
        # A time line right after the report is its deadline.
        (
            "1. Sở Tài chính tổng hợp kết quả kiểm kê, báo cáo kết quả gửi Bộ Tài chính. "
            "Thời gian hoàn thành: Trước ngày 31/5/2026.",
            [("Bộ Tài chính", "2026-05-31")],
        ),
    ],
)
def test_report_duties(body: str, expected: list[tuple[str, str | None]]) -> None:
    assert _reporting(body) == expected


# -- OCR'd headings ------------------------------------------------------------------------------

OCR_SECTIONS = """lỆ MỤC ĐÍCH, YÊU CẦU

1. Mục đích

Bảo đảm thống nhất.

IL NỘI DUNG KẾ HOẠCH

1, Sở Ngoại vụ chủ trì tổ chức hội nghị.

2. Sở Tư pháp rà soát văn bản.

IIL TỔ CHỨC THỰC HIỆN

1. Sở Tài chính bố trí kinh phí.
"""


def test_ocr_misread_numerals_are_numbered_by_position() -> None:
    # OCR reads a bold "I." as "lỆ", "II." as "IL", "III." as "IIL", and "1." as "1,".
    tasks = _tasks(OCR_SECTIONS)
    assert sorted(tasks) == ["II.1", "II.2", "III.1"]
    assert tasks["II.1"]["lead"] == ["Sở Ngoại vụ"]


@pytest.mark.parametrize(
    ("second", "third"),
    [
        ("H. NỘI DUNG", "III. TỔ CHỨC THỰC HIỆN"),  # H: the two strokes of II run together
        ("II. NỘIDUNG:", "IH. TỔCHỨC THỰC HIỆN"),  # the title's words run together
        ("I. NỘIDUNG:", "III. TỔ CHỨC THỰC HIỆN"),  # one I lost
    ],
)
def test_ocr_numerals_and_run_together_titles(second: str, third: str) -> None:
    body = f"I. MỤC ĐÍCH\n\nBảo đảm.\n\n{second}\n\n1. Sở Ngoại vụ chủ trì.\n\n{third}\n\n1. Sở Tài chính bố trí kinh phí.\n"
    assert sorted(_tasks(body)) == ["II.1", "III.1"]


@pytest.mark.parametrize(
    "line",
    ["1, 2 và 3 là các mục tiêu.", "I love Vietnam", "L. Mục đích của kế hoạch"],
)
def test_ordinary_lines_are_not_ocr_headings(line: str) -> None:
    body = "**I. MỤC ĐÍCH**\n\nBảo đảm.\n\n**II. NHIỆM VỤ**\n\n1. Sở Ngoại vụ chủ trì.\n\n" + line + "\n"
    assert sorted(_tasks(body)) == ["II.1"]


GARBLED_ITEMS = """**I. MỤC ĐÍCH**

Bảo đảm.

**II. NHIỆM VỤ**

1. Sở Ngoại vụ chủ trì tổ chức hội nghị.

2 Sở Tư pháp rà soát văn bản.

m. Sở Tài chính bố trí kinh phí.

. Sở Nội vụ hướng dẫn thực hiện.
"""


@pytest.mark.parametrize(("scanned", "refs"), [(True, ["II.1", "II.2", "II.3", "II.4"]), (False, ["II.1"])])
def test_garbled_item_numbers_on_a_scan_are_read_by_position(scanned: bool, refs: list[str]) -> None:
    # OCR garbles a bold "2." into "2", "m." or "."; only a scan's numbers are read by position.
    tasks = resolve(clean_document(HEADER + GARBLED_ITEMS, scanned), "scan.pdf").tasks
    assert [t.ref for t in tasks] == refs


def test_a_sentence_ending_in_a_colon_runs_on_into_its_first_bullet() -> None:
    body = (
        "**I. MỤC ĐÍCH**\n\nBảo đảm.\n\n**II. TỔ CHỨC THỰC HIỆN**\n\n"
        "1. Sở Nông nghiệp và Môi trường chỉ đạo Chi cục Thủy sản thực hiện các nội dung sau:\n\n"
        "- Lập dự toán kinh phí trình cấp có thẩm quyền phê duyệt.\n\n- Tổ chức quan trắc.\n\n"
        "**2. Nội dung:**\n\n- Tuyên truyền.\n"
    )
    tasks = _tasks(body)
    assert tasks["II.1"]["title"] == (
        "Sở Nông nghiệp và Môi trường chỉ đạo Chi cục Thủy sản thực hiện các nội dung sau:"
        " Lập dự toán kinh phí trình cấp có thẩm quyền phê duyệt"
    )
    assert tasks["II.2"]["title"] == "Nội dung"  # a printed heading is its own title


RESTARTING_TABLE = """**I. MỤC ĐÍCH**

Bảo đảm.

**II. TỔ CHỨC THỰC HIỆN**

1. Các sở thực hiện các nhiệm vụ tại Phụ lục.

**PHỤ LỤC**

| TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |
| I | KIỆN TOÀN BỘ MÁY |
| 1 | Kiện toàn Ban Chỉ huy | Sở Nội vụ | | 2025 |
| II | HOÀN THIỆN VĂN BẢN |
| 1 | Ban hành quy chế | Sở Tư pháp | | 2025 |
| 2 | Rà soát văn bản | Sở Tư pháp | | 2025 |
| …........ |
| 2 | Xây dựng công trình | Sở Xây dựng | | 2026 |
| 3 | Tập huấn | Sở Nội vụ | | 2026 |
| V | KIỂM TRA |
| 1 | Kiểm tra việc thực hiện | Sở Nội vụ | | 2027 |
"""


def test_numbering_that_restarts_with_no_group_row_starts_the_unprinted_group() -> None:
    # Rows 2 and 3 after row 2 of group II belong to a group the source left out: the one before V.
    tasks = _tasks(RESTARTING_TABLE)
    assert sorted(r for r in tasks if r.startswith("PL")) == [
        "PL.I.1", "PL.II.1", "PL.II.2", "PL.IV.2", "PL.IV.3", "PL.V.1"
    ]  # fmt: skip
    assert tasks["PL.IV.2"]["lead"] == ["Sở Xây dựng"]
    assert tasks["PL.II.2"]["title"] == "Rà soát văn bản"


ADDRESSEES = """**I. MỤC ĐÍCH**

Bảo đảm.

**II. TỔ CHỨC THỰC HIỆN**

1. Trưởng Ban Chỉ đạo

- Phụ trách chung việc kiểm kê.

2. Sở Tài chính - Cơ quan thường trực Ban Chỉ đạo

- Tuyên truyền, phổ biến quy định.

3. Các cơ quan tham mưu quản lý ngành, lĩnh vực (gồm các Sở: Xây dựng, Tài chính)

- Phối hợp hướng dẫn kiểm kê.

4. Trách nhiệm của đối tượng thực hiện kiểm kê:

- Thành lập Tổ kiểm kê.

5. Các cơ sở nuôi trồng thủy sản:
Theo dõi, giám sát môi trường tại cơ sở nuôi.

6. Các doanh nghiệp trên địa bàn tỉnh:
Tham gia chương trình.
"""


@pytest.mark.parametrize(
    ("ref", "title", "lead"),
    [
        # A head's title names the body; an apposition after the agency; the bodies in "(gồm …)".
        ("II.1", "Phụ trách chung việc kiểm kê", ["Ban Chỉ đạo"]),
        ("II.2", "Tuyên truyền, phổ biến quy định", ["Sở Tài chính"]),
        ("II.3", "Phối hợp hướng dẫn kiểm kê", ["Sở Xây dựng", "Sở Tài chính"]),
        # "Trách nhiệm của …" heads the item even when it names no body.
        ("II.4", "Thành lập Tổ kiểm kê", []),
        # A group of actors heading its item leads it, unless it is every one of its kind.
        ("II.5", "Theo dõi, giám sát môi trường tại cơ sở nuôi", ["Các cơ sở nuôi trồng thủy sản"]),
        ("II.6", "Tham gia chương trình", []),
    ],
)
def test_items_headed_by_whom_they_address(ref: str, title: str, lead: list[str]) -> None:
    task = _tasks(ADDRESSEES)[ref]
    assert (task["title"], task["lead"]) == (title, lead)


def test_the_parts_of_a_combined_section_that_are_not_work_give_no_tasks() -> None:
    body = (
        "**I. MỤC ĐÍCH**\n\nBảo đảm.\n\n**II. ĐỐI TƯỢNG, NỘI DUNG THI ĐUA**\n\n"
        "**1. Đối tượng thi đua**\n\na) Tập thể: các cơ quan, đơn vị.\n\nb) Cá nhân: cán bộ, công chức.\n\n"
        "**2. Nội dung thi đua**\n\na) Tuyên truyền về cuộc bầu cử.\n\nb) Bảo đảm an ninh trật tự.\n\n"
        "**3. Thời gian thực hiện: **Từ tháng 10/2025 đến tháng 3/2026.\n\n"
        "**III. TỔ CHỨC THỰC HIỆN**\n\n1. Sở Nội vụ hướng dẫn thực hiện.\n"
    )
    assert sorted(_tasks(body)) == ["II.2.a", "II.2.b", "III.1"]


def test_an_items_several_time_lines_give_its_first_start_and_first_deadline() -> None:
    body = (
        "**I. MỤC ĐÍCH**\n\nBảo đảm.\n\n**II. NHIỆM VỤ**\n\n1. Sở Tài chính\n\n- Hướng dẫn kiểm kê tài sản.\n"
        "Thời gian thực hiện: Từ tháng 11/2025 đến khi kết thúc Tổng kiểm kê.\n\n"
        "- Tổng hợp kết quả kiểm kê.\nThời gian hoàn thành: Trước ngày 31/5/2026.\n"
    )
    when = _tasks(body)["II.1"]["when"]
    assert (when["from_year"], when["due"]) == (2025, "2026-05-31")


SCANNED_FIELDS = """II. ˆ NHIỆM VỤ

1. Về dữ liệu

a) N hiệm vụ: Rà soát, hoàn thiện Chiến lược dữ liệu của thành phố.

b) - Cơ quan thực hiện:

_~ Đơn vị chủ trì: Sở Khoa học và Công nghệ.

c Thời gian thực hiện: Hoàn thành trong năm 2025.

2. Về nguồn lực

- 4/1. — Kinh phí thực hiện
"""


def test_specks_on_a_scan_do_not_break_lettered_fields() -> None:
    tasks = {t.ref: t for t in resolve(clean_document(HEADER + SCANNED_FIELDS, True), "scan.pdf").tasks}
    assert tasks["II.1"].title == "Về dữ liệu"
    assert [n.name for n in tasks["II.1"].lead] == ["Sở Khoa học và Công nghệ"]
    assert tasks["II.1"].when.years == (2025,)


def test_an_ocr_numeral_one_ahead_follows_a_heading_ocr_lost() -> None:
    # "I. MỤC ĐÍCH" was read into its paragraph; "IL NỘI DUNG" is then II, not I by position.
    body = (
        "lễ MỤC ĐÍCH, YÊU CÂU h; Mục đích cụ thể hóa thỏa thuận.\n\n"
        "IL NỘI DUNG\n\n1. Sở Ngoại vụ chủ trì tổ chức hội nghị.\n\nII. KINH PHÍ\n\nNgân sách tỉnh.\n\n"
        "IV. TỔ CHỨC THỰC HIỆN\n\n1. Sở Tài chính bố trí kinh phí.\n"
    )
    tasks = {t.ref for t in resolve(clean_document(HEADER + body, True), "scan.pdf").tasks}
    assert tasks == {"II.1", "IV.1"}


def test_a_first_purpose_heading_is_i_however_its_numeral_was_read() -> None:
    # "I." read as "IL" (the dot run into the numeral); "II." then read as "I.", "III." as "II".
    body = (
        "IL MỤC ĐÍCH, YÊU CẦU\n\n1. Mục đích\n\nCụ thể hóa thỏa thuận.\n\n"
        "I. NỘI DUNG\n\n1. Sở Ngoại vụ chủ trì tổ chức hội nghị.\n\n"
        "2. Sở Tài chính bố trí kinh phí.\n\nII KINH PHÍ THỰC HIỆN\n\nNgân sách tỉnh.\n\n"
        "IV. TỔ CHỨC THỰC HIỆN\n\n1. Sở Nội vụ theo dõi.\n"
    )
    tasks = {t.ref for t in resolve(clean_document(HEADER + body, True), "scan.pdf").tasks}
    assert tasks == {"II.1", "II.2", "IV.1"}


OCR_LABELS = """I. MỤC ĐÍCH

1. Mục đích

Bảo đảm thống nhất.

II. NỘI DUNG

1, Phổ biến Luật Việc làm.

3, Tổ chức tập huấn nghiệp vụ.

2.1. Tập huấn cho cán bộ cấp tỉnh.

l.« Tập huấn cho cán bộ cấp xã.

3, Kiểm tra việc thi hành Luật.

IV. TỔ CHỨC THỰC HIỆN

1: Sở Nội vụ chịu trách nhiệm tổng hợp.

2h Các cơ quan được giao chủ trì hoàn thành nhiệm vụ.

KÃ Thủ trưởng các sở, ban, ngành và Ủy ban nhân dân phường, xã chịu trách nhiệm triển khai.

Sở Tài chính bố trí kinh phí.
"""


def test_ocr_garbled_labels_are_numbered_by_position() -> None:
    # "3," right after 1 is 2 (a label with a comma: its digit is suspect); after "2.1." a garbled label
    # is 2.2; "3," after 2.x is 3, as read; "1:", "2h", "KÃ" are labels, "Sở" is a word.
    tasks = {t.ref for t in resolve(clean_document(HEADER + OCR_LABELS, True), "scan.pdf").tasks}
    assert tasks == {"II.1", "II.2.1", "II.2.2", "II.3", "IV.1", "IV.2", "IV.3"}


def test_ocr_misread_letters_and_glued_labels_on_a_scan() -> None:
    body = (
        "II. GIẢI PHÁP\n\n1. Hoàn thiện thể chế\n\na) Nghiên cứu các Nghị định.\n\nb) Xây dựng văn bản.\n\n"
        "2Á Tuyên truyền về hạ tầng 5G\n\na) Tổ chức hội nghị.\n\nb) Phổ biến đặc tính.\n\ne) Hướng dẫn doanh nghiệp.\n"
    )
    tasks = {t.ref for t in resolve(clean_document(HEADER + body, True), "scan.pdf").tasks}
    assert tasks == {"II.1.a", "II.1.b", "II.2.a", "II.2.b", "II.2.c"}  # "2Á" is 2; "e)" after "b)" is c


def test_a_review_years_after_a_dated_signing_and_a_signing_at_its_end() -> None:
    news = (
        "Sáng ngày 10.9, tại tỉnh Prey Veng, Ủy ban nhân dân tỉnh Tây Ninh tổ chức Hội nghị sơ kết 1 năm "
        "thực hiện thỏa thuận hợp tác giữa hai tỉnh (được ký kết ngày 14/05/2018).\n"
        "Tham dự hội nghị có lãnh đạo hai tỉnh.\nHai bên đánh giá cao kết quả hợp tác.\n"
        "Các đại biểu phát biểu ý kiến.\n"
        "Kết thúc Hội nghị, lãnh đạo hai tỉnh đã ký kết Kết quả sơ kết 1 năm thực hiện Thỏa thuận hợp tác.\n"
    )
    events = {(e["date"], e["kind"]) for e in extract_text(news).to_dict()["events"]}
    assert events == {("2018-05-14", "ky_ket"), ("2019-09-10", "hoi_nghi"), ("2019-09-10", "ky_ket")}


TWO_APPENDICES = """**I. MỤC TIÊU**

Bảo đảm.

**II. TỔ CHỨC THỰC HIỆN**

1. Các bộ thực hiện các nhiệm vụ tại Phụ lục II.

**PHỤ LỤC I**
CHỈ TIÊU
|
**TT**
|
**Chỉ tiêu**
|
**Năm 2030**
|
|
1
|
Tỷ lệ hồ sơ trực tuyến
|
100%
|
**PHỤ LỤC II**
DANH MỤC NHIỆM VỤ
|
**TT**
|
**Nhiệm vụ, giải
pháp**
|
**Cơ quan chủ trì**
|
**Cơ quan phối hợp**
|
**Thời gian thực
hiện**
|
|
1
|
Xây dựng Luật Chuyển đổi số.
|
Bộ Khoa học và Công nghệ
|
Bộ Công an
|
Tháng 12/2025
|
"""


def test_a_cell_per_line_task_table_after_a_targets_table() -> None:
    # Bold header cells, and the next appendix's heading between the two tables.
    tasks = _tasks(TWO_APPENDICES)
    task = next(t for r, t in tasks.items() if r.startswith("PL"))
    assert (task["title"], task["lead"], task["when"]["due"]) == (
        "Xây dựng Luật Chuyển đổi số", ["Bộ Khoa học và Công nghệ"], "2025-12"
    )


def test_empty_bold_cells_of_a_group_row_do_not_end_the_table() -> None:
    table = TWO_APPENDICES.replace(
        "|\n|\n1\n|\nXây dựng Luật",
        "|\n|\n**I**\n|\n**CƠ CHẾ, CHÍNH SÁCH**\n|\n** **\n|\n** **\n|\n** **\n|\n|\n1\n|\nXây dựng Luật",
    )
    assert "CƠ CHẾ" in table
    assert any(r.startswith("PL") for r in _tasks(table))


SPLIT_ROW = """II. NHIỆM VỤ

| TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |
| 1 | Xây dựng kế | Ban Quản lý | Sở Tài chính | Thường |
| | hoạch đầu tư công | các khu công nghệ cao và khu công nghiệp | | xuyên |
| 2 | Tổ chức hội nghị hợp tác | Sở Ngoại vụ | Sở Công Thương | Năm 2026 |
| | | | Sở Tư pháp | |
"""


def test_a_table_row_split_by_a_page_break_is_joined_again() -> None:
    ex = resolve(clean_document(HEADER + SPLIT_ROW, True), "scan.pdf")
    tasks = {t.ref: t for t in ex.tasks}
    assert tasks["II.1"].title == "Xây dựng kế hoạch đầu tư công"
    lead = tasks["II.1"].lead
    assert [n.name for n in lead] == ["Ban Quản lý các khu công nghệ cao và khu công nghiệp"]
    # The name's span runs from its first part to the end of its second, in the document.
    assert ex.text[lead[0].span[0] :].startswith("Ban Quản lý")
    assert ex.text[: lead[0].span[1]].endswith("khu công nghiệp")
    assert tasks["II.1"].when.ongoing
    # A row that starts a name of its own is a sub-row: its agency joins, its title does not.
    assert tasks["II.2"].title == "Tổ chức hội nghị hợp tác"
    assert [n.name for n in tasks["II.2"].support] == ["Sở Công Thương", "Sở Tư pháp"]


def test_an_appendix_after_the_signature_gives_no_signers() -> None:
    # The appendix title wraps: a line of capitals reads like a name, but the appendix has begun.
    body = (
        "II. NHIỆM VỤ\n\n1. Sở Ngoại vụ tổ chức hội nghị.\n\n"
        "TM. ỦY BAN NHÂN DÂN\n\nKT. CHỦ TỊCH\n\nPHÓ CHỦ TỊCH\n\nTrương Việt Dũng\n\n"
        "PHỤ LỤC\n\nNHIỆM VỤ CHỦ YẾU CỦA KẾ HOẠCH TRONG CÁC KHU\n\nCÔNG NGHIỆP TRÊN ĐỊA\n\n"
        "BÀN THÀNH PHỐ HÀ NỘI\n"
    )
    for scanned in (False, True):
        ex = resolve(clean_document(HEADER + body, scanned), "plan.pdf")
        assert [n.name for n in ex.document.signers] == ["Trương Việt Dũng"]
