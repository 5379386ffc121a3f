"""Tables of (text, expected) for the extractor's small parts."""

from __future__ import annotations

import pytest

from hoptac.extract.agencies import parse_agency_list
from hoptac.extract.clean import _starts_block, clean, normalize_tones, tidy_ocr_line
from hoptac.extract.find import find_money, find_numbers, parse_date, parse_when
from hoptac.extract.model import Named, When
from hoptac.extract.parties import find_body_period, find_period
from hoptac.extract.tasks import _subject


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sở Ngoại vụ", ["Sở Ngoại vụ"]),
        ("Sở TTTT, Đài PT&TH tỉnh", ["Sở Thông tin và Truyền thông", "Đài Phát thanh và Truyền hình tỉnh"]),
        (
            "Các sở: Xây dựng, Tài chính, Kế hoạch và Đầu tư, Ngoại vụ và các cơ quan liên quan.",
            ["Sở Xây dựng", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Ngoại vụ"],
        ),
        (
            "Các Sở: Văn hóa, Thể thao và Du lịch, Nội vụ, Báo Bắc Giang",
            ["Sở Văn hóa, Thể thao và Du lịch", "Sở Nội vụ", "Báo Bắc Giang"],
        ),
        ("UBND huyện, thành phố triển khai thực hiện", ["Ủy ban nhân dân các huyện, thành phố"]),
        (
            "Sở Lao động - Thương binh và Xã hội, UBND các xã, thị trấn",
            ["Sở Lao động - Thương binh và Xã hội", "Ủy ban nhân dân các xã, thị trấn"],
        ),
        ("Thông tấn xã Việt Nam và một số báo Trung ương khác để thực hiện", ["Thông tấn xã Việt Nam"]),
        ("các cơ quan, đơn vị có liên quan", []),
        ("Hội nữ doanh nhân của tỉnh", ["Hội nữ doanh nhân tỉnh"]),
        ("Văn phòng Đoàn Đại biểu và HĐND tỉnh", ["Văn phòng Đoàn Đại biểu và Hội đồng nhân dân tỉnh"]),
        # OCR damage is repaired against the vocabulary.
        (
            "Phong Vin hoa - Thong tin, Trung tAm van ho4 - truyén théng huyén",
            ["Phòng Văn hóa - Thông tin", "Trung tâm Văn hóa - Truyền thông huyện"],
        ),
        ("UBND cé4c x4, thij tran", ["Ủy ban nhân dân các xã, thị trấn"]),
        ("Báo cáo kết quả thực hiện", []),
        # Committees of named places under one head.
        (
            "UBND 04 xã: Gia Thuận, Tân Điền, Gò Công Đông thành lập mới khu bảo vệ",
            ["Ủy ban nhân dân xã Gia Thuận", "Ủy ban nhân dân xã Tân Điền", "Ủy ban nhân dân xã Gò Công Đông"],
        ),
        ("Cục Thủy sản và Kiểm ngư.", ["Cục Thủy sản và Kiểm ngư"]),
        ("UBND các xã, phường và các đơn vị liên quan triển khai", ["Ủy ban nhân dân các xã, phường"]),
        ("Bộ CHQS tỉnh", ["Bộ Chỉ huy Quân sự tỉnh"]),
        ("các doanh nghiệp viễn thông và các doanh nghiệp khác", ["Các doanh nghiệp viễn thông"]),
        ("Công ty Điện lực Đắk Lắk", ["Công ty Điện lực Đắk Lắk"]),
        ("chính quyền địa phương, các lực lượng và UBND các xã giám sát", ["Ủy ban nhân dân các xã"]),
        ("Ban Chỉ huy Phòng thủ dân sự tỉnh qua Văn phòng Ban Chỉ huy", ["Ban Chỉ huy Phòng thủ dân sự tỉnh"]),
        ("Ủy ban bầu cử tỉnh, Hội đồng Thi đua - Khen thưởng tỉnh, UBND tỉnh xem xét", [
            "Ủy ban bầu cử tỉnh", "Hội đồng Thi đua - Khen thưởng tỉnh", "Ủy ban nhân dân tỉnh"
        ]),  # fmt: skip
        ("Ban Chỉ đạo tỉnh chỉ đạo các sở", ["Ban Chỉ đạo tỉnh"]),
        (
            "Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số tỉnh theo dõi",
            ["Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số tỉnh"],
        ),
        # A head's title: a named body is that body; the heads formula names no one (RULES 4).
        ("Giám đốc Sở Ngoại vụ chịu trách nhiệm", ["Sở Ngoại vụ"]),
        ("Bộ trưởng Bộ Công an chỉ đạo", ["Bộ Công an"]),
        ("Giám đốc các Sở, Thủ trưởng các ban, ngành, Chủ tịch UBND các huyện, thành phố triển khai", []),
        (
            "Thủ trưởng các sở, ban, ngành và Ủy ban nhân dân phường, xã, đặc khu chịu trách nhiệm",
            ["Ủy ban nhân dân các phường, xã, đặc khu"],
        ),
    ],
)
def test_agency_lists(text: str, expected: list[str]) -> None:
    assert [n.name for n in parse_agency_list(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sở Tài chính chủ trì thẩm định", ["Sở Tài chính"]),
        (
            "Căn cứ nội dung Kế hoạch và tình hình thực tiễn, các sở, ngành và UBND các xã, phường xây dựng kế hoạch",
            ["Ủy ban nhân dân các xã, phường"],
        ),
        ("Trên cơ sở kết quả rà soát, Sở Nội vụ tổng hợp", ["Sở Nội vụ"]),
        ("Căn cứ Luật Đất đai, Nghị định số 102/2024/NĐ-CP, tổ chức rà soát", []),
    ],
)
def test_sentence_subjects(text: str, expected: list[str]) -> None:
    assert [n.name for n in _subject(text, 0)] == expected


def test_agency_spans_slice_back() -> None:
    text = "Cơ quan phối hợp: Sở Ngoại vụ, UBND tỉnh Bắc Giang và các cơ quan liên quan"
    start = text.index(":") + 1
    names = parse_agency_list(text[start:], start)
    assert [text[a:b] for a, b in (n.span for n in names)] == ["Sở Ngoại vụ", "UBND tỉnh Bắc Giang"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hằng năm;", When(yearly=True)),
        ("Hàng năm", When(yearly=True)),
        ("Năm 2022, 2023;", When(years=(2022, 2023))),
        ("Năm 2023 và năm 2025", When(years=(2023, 2025))),
        ("Từ năm 2023;", When(from_year=2023)),
        ("trước ngày 30/3/2022", When(due="2022-03-30")),
        ("Quý IV/2025", When(due="2025-Q4")),
        ("Tháng 12/2025", When(due="2025-12")),
        ("2026 - 2030", When(years=(2026, 2027, 2028, 2029, 2030))),
        ("Thường xuyên", When(ongoing=True)),
        ("Liên tục", When(ongoing=True)),
        ("trước ngày 31/10 hàng năm", When(yearly=True, due="--10-31")),
        ("Thei gian hean thanh truéc ngay 30/3/2022.", When(due="2022-03-30")),
        ("Từ 01/7/2025", When(from_year=2025)),
        # A window with a dated end is due at its end, not a start.
        ("Từ ngày 01/01/2026 đến ngày 31/3/2026.", When(due="2026-03-31")),
        ("từ tháng 3 đến tháng 10 năm 2026", When(due="2026-10")),
        ("Từ tháng 11/2025 đến khi kết thúc Tổng kiểm kê", When(from_year=2025)),
    ],
)
def test_timings(text: str, expected: When) -> None:
    assert parse_when(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ngày 5 tháng 9 năm 2018", "2018-09-05"),
        ("Bắc Giang, ngày    tháng 8 năm 2022", "2022-08"),
        ("ngày 05/9/2018", "2018-09-05"),
        ("25/11/2022 11:01", "2022-11-25"),
        ("Ngay 22/02/2022, huyén Bao Lac", "2022-02-22"),
        ("ngày 32/13/2020", None),
        ("năm 2024", None),
        # The look-behinds that keep a date from starting inside a longer number or word.
        ("15/6/2023", "2023-06-15"),
        ("115/6/2023", None),
        ("v.15/6/2023", None),
        ("khongay 5 thang 9 nam 2018", "2018-09"),  # the month only: "ngay" is inside a word
    ],
)
def test_dates(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kết luận số 57-KL/TW ngày 15/6/2023", ["57-KL/TW"]),
        ("Nghị định số 72/2015/NĐ-CP; Công văn số 3089/BTTTT-TTĐN", ["72/2015/NĐ-CP", "3089/BTTTT-TTĐN"]),
        ("Số: /KH-UBND", []),
        ("Số: 16.78 ĐẾN Ngày: 22/3/22", []),
        ("tối đa 10 người/đoàn, 1/2 ngày", []),
        ("57-KL/TW đầu dòng", ["57-KL/TW"]),
        ("A57-KL/TW, 3.57-KL/TW, x/57-KL/TW, 123456/NĐ-CP", []),
    ],
)
def test_document_numbers(text: str, expected: list[str]) -> None:
    assert [f.value for f in find_numbers(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("là: 33.400.000.000 đồng (ba mươi ba tỷ)", [33_400_000_000]),
        ("khoảng 1,5 tỷ đồng", [1_500_000_000]),
        ("500 triệu đồng", [500_000_000]),
        ("cấp 100 suất học bổng", []),
    ],
)
def test_money(text: str, expected: list[int]) -> None:
    assert [amount for amount, _ in find_money(text)] == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("**KẾ HOẠCH**", "KẾ HOẠCH"),
        ("## **2. Yêu cầu**", "2. Yêu cầu"),
        ("ban hành<sup>1</sup>; tiếp", "ban hành; tiếp"),
        ("<b>SỞ NGOẠI VỤ</b>", "SỞ NGOẠI VỤ"),
        ("hợp tác\n\ntoàn diện giữa", "hợp tác toàn diện giữa"),
        ("a  b\tc \u00a0d\u3000e", "a b c d e"),
        ("*nhấn* và x*y*, 2*3*4", "nhấn và x*y*, 2*3*4"),
        ("Số: 45/KH-UBND\nHà Giang, ngày 12 tháng 4 năm 2024", "Số: 45/KH-UBND\nHà Giang, ngày 12 tháng 4 năm 2024"),
        ("Thời gian:\n+ Năm 2023: Đón đoàn", "Thời gian:\n+ Năm 2023: Đón đoàn"),
        # A closing marker after a space at the line's end, and wrapped over two lines.
        ("*Cần Thơ, ngày 21\ntháng 11 năm 2025 *", "Cần Thơ, ngày 21 tháng 11 năm 2025"),
        ("* một\n* hai", "- một\n- hai"),
        # A lower-case "label:" after a comma is the sentence running on; a capitalised one is a label.
        (
            "c) Rà soát chính sách ở khu công nghiệp,\nnơi có nhiều lao động: chính sách đối với giáo viên.",
            "c) Rà soát chính sách ở khu công nghiệp, nơi có nhiều lao động: chính sách đối với giáo viên.",
        ),
        ("1. Tổ chức hội nghị\nThời gian: năm 2025", "1. Tổ chức hội nghị\nThời gian: năm 2025"),
    ],
)
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hoà", "hòa"),
        ("Thuỷ", "Thủy"),
        ("Uỷ ban", "Ủy ban"),
        ("khoẻ", "khỏe"),
        ("hoàn", "hoàn"),
        ("quý", "quý"),
        ("Quỳ", "Quỳ"),
        ("oà", "òa"),
    ],
)
def test_tone_placement(text: str, expected: str) -> None:
    assert normalize_tones(text) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("KẾ HOẠCH HỢP TÁC GIAI ĐOẠN 2026 - 2030", (2026, 2030)),
        # An elected term is not the plan's span.
        ("THI ĐUA BẦU CỬ ĐẠI BIỂU HĐND CÁC CẤP NHIỆM KỲ 2026 - 2031", None),
        ("CHƯƠNG TRÌNH NĂM 2025", None),
    ],
)
def test_periods_in_titles(title: str, expected: tuple[int, int] | None) -> None:
    period = find_period(Named(title, (0, len(title))))
    assert ((period.start, period.end) if period else None) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("3. Thời gian tổ chức phong trào thi đua: từ tháng 10 năm 2025 đến hết tháng 3 năm 2026.", (2025, 2026)),
        ("Thời gian thực hiện: từ năm 2026 đến hết năm 2030.", (2026, 2030)),
        ("Thời gian thực hiện: Từ tháng 10/2025 đến khi tổ chức thành công Đại hội.", None),
        ("Tổ chức từ năm 2026 đến năm 2030.", None),  # not the plan's time line
    ],
)
def test_periods_in_time_lines(line: str, expected: tuple[int, int] | None) -> None:
    period = find_body_period([(line, 0)])
    assert ((period.start, period.end) if period else None) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("II. ˆ NHIỆM VỤ", "II. NHIỆM VỤ"),
        (":1.2. | Triển khai dữ liệu", "1.2. Triển khai dữ liệu"),
        ("_- Phối hợp triển khai", "- Phối hợp triển khai"),
        ("c)ạ Thời gian thực hiện", "c) Thời gian thực hiện"),
        ("c Thời gian thực hiện: năm 2025", "c) Thời gian thực hiện: năm 2025"),
        ("- 4/1. — Kinh phí thực hiện", "4.1. Kinh phí thực hiện"),
        ("- KẾ HOẠCH", "KẾ HOẠCH"),
        ("I. =: NHIỆM VỤ", "I. NHIỆM VỤ"),
        ("x 05 năm = 7.500.000.000 đồng", "x 05 năm = 7.500.000.000 đồng"),
        # What OCR read right stays: words, quotes around words, a bullet, money, "ở".
        ("Ông “Nguyễn” nói", "Ông “Nguyễn” nói"),
        ("- 2,5 tỷ đồng", "- 2,5 tỷ đồng"),
        ("ở Việt Nam", "ở Việt Nam"),
        # No sentence ends on a conjunction or a preposition: the full stop there is a speck.
        ("trên Báo Bắc Giang, Đài Phát thanh và.", "trên Báo Bắc Giang, Đài Phát thanh và"),
        ("phối hợp với các cơ quan của.", "phối hợp với các cơ quan của"),
        ("Tổ chức hội nghị và hội thảo.", "Tổ chức hội nghị và hội thảo."),
        # A line of marks alone (the star under a letterhead) is no text.
        ("+", ""),
        ("-—", ""),
        # A table row is tidied cell by cell; an empty cell keeps its place.
        ("| 3 | _ Xây dựng | Sở Tài chính |", "| 3 | Xây dựng | Sở Tài chính |"),
        ("| | hoạch đầu tư | | xuyên |", "| | hoạch đầu tư | | xuyên |"),
    ],
)
def test_ocr_specks(line: str, expected: str) -> None:
    assert tidy_ocr_line(line) == expected


@pytest.mark.parametrize(
    ("line", "starts"),
    [
        ("3) Tổ chức hội nghị", True),
        ("II. NHIỆM VỤ", True),
        ("Thời gian: năm 2025", True),
        ("2026) tiếng Việt và tiếng Trung Quốc", False),  # a wrapped "(giai đoạn 2022-\n2026)"
        ("nơi có nhiều lao động: chính sách", False),
    ],
)
def test_lines_that_start_a_block(line: str, starts: bool) -> None:
    assert _starts_block(line) is starts


def test_a_body_at_each_tier() -> None:
    names = [n.name for n in parse_agency_list("Ban Chỉ huy Phòng thủ dân sự cấp tỉnh, cấp xã", until_verb=False)]
    assert names == ["Ban Chỉ huy Phòng thủ dân sự tỉnh", "Ban Chỉ huy Phòng thủ dân sự cấp xã"]


def _ocr(words: list[tuple[str, float]]):
    from hoptac.extract.ocr import OcrText, OcrWord

    text, out = "", []
    for word, conf in words:
        out.append(OcrWord(1, len(text), len(text) + len(word), conf))
        text += word + " "
    return OcrText(text, tuple(out), 1, 0.0)


@pytest.mark.parametrize(
    ("words", "cleaned", "expected"),
    [
        # Found in order, each after the one before: the second "Sở" is the unsure one.
        ([("Sở", 90), ("Ngoại", 90), ("vụ", 90), ("Sở", 30), ("Tư", 90)], "Sở Ngoại vụ\nSở Tư pháp", ["Sở@12"]),
        # A speck cleaning dropped is not looked for; the words after it are still found.
        ([("1.", 95), ("¦", 10), ("Lap", 40)], "1. Lap kế hoạch", ["Lap@3"]),
        # A word cleaning changed (repaired) is not found and not marked.
        ([("véi", 20), ("Phòng", 95), ("Văn", 30)], "với Phòng Văn hóa", ["Văn@10"]),
    ],
)
def test_uncertain_words(words: list[tuple[str, float]], cleaned: str, expected: list[str]) -> None:
    from hoptac.extract.uncertain import uncertain_words

    found = uncertain_words(_ocr(words), cleaned)
    assert [f"{cleaned[a:b]}@{a}" for a, b, _c in found] == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # A "-" closing a word at a line end joins a compound: no space is put in.
        (["và số 1668/QĐ-", "TTg ngày 27/12/2024"], "và số 1668/QĐ-TTg ngày 27/12/2024"),
        (["trong giai đoạn 2022-", "2026 theo quy định"], "trong giai đoạn 2022-2026 theo quy định"),
        # A dash standing apart, and a line's own words, keep their space.
        (["Hà Nội đến năm 2045 -", "tầm nhìn 2065"], "Hà Nội đến năm 2045 - tầm nhìn 2065"),
        (["phối hợp Ban Quản lý các", "khu công nghệ cao"], "phối hợp Ban Quản lý các khu công nghệ cao"),
    ],
)
def test_wrapped_lines_join(lines: list[str], expected: str) -> None:
    from hoptac.extract.clean import _Reflow

    reflow = _Reflow(wrapped=True)
    for line in lines:
        reflow.feed(line)
    assert reflow.finish() == [expected]
