"""Issue 12: partners are the foreign side, canonically spelled; agencies are one row per body, however a
document abbreviates or spells them; stored agency names never keep an abbreviation."""

from __future__ import annotations

from typing import Any

import pytest

from hoptac.records.ingest import save_extraction
from hoptac.records.models import Agency, Agreement, Office, Partner
from hoptac.records.resolve import agency_named, canonical_partner, find_agency, partner_named, proper_case


@pytest.fixture
def office(db: Any) -> Office:
    return Office.objects.create(code="bg", name="Sở Ngoại vụ tỉnh Bắc Giang")


def test_partner_names_come_from_the_vocabulary() -> None:
    assert canonical_partner("huyện Na Po", "CN") == ("huyện Na Pô", "那坡", "Napo")
    assert canonical_partner("huyén Na Po", "CN")[0] == "huyện Na Pô"
    name = canonical_partner("huyện KÀ LỪM", "LA")[0]
    assert name.startswith("huyện ") and name != "huyện KÀ LỪM" and not name[7:].isupper()
    # A body of a locality keeps its name, with the locality's scripts.
    assert canonical_partner("Khu ủy Khu tự trị dân tộc Choang Quảng Tây", "CN") == (
        "Khu ủy Khu tự trị dân tộc Choang Quảng Tây",
        "广西",
        "Guangxi",
    )
    assert canonical_partner("Tỉnh ủy Quảng Ninh", "VN")[0] == "Tỉnh ủy Quảng Ninh"
    assert proper_case("TỈNH XAY SÔM BUN") == "tỉnh Xay Sôm Bun"


def test_a_partner_is_one_row_under_its_canonical_name(office: Office) -> None:
    a = partner_named(office, "huyện Na Po", "CN")
    b = partner_named(office, "huyện Na Pô", "CN")
    c = partner_named(office, "huyén Na Po", "CN")
    assert a.pk == b.pk == c.pk and Partner.objects.count() == 1
    a.refresh_from_db()
    assert (a.name, a.native_name, a.romanization) == ("huyện Na Pô", "那坡", "Napo")
    assert "huyện Na Po" in a.aliases and "huyén Na Po" in a.aliases


def test_a_document_makes_partners_of_the_foreign_side_only(office: Office) -> None:
    extraction = {
        "document": {"kind": "cong_van", "title": "Về gửi Bản ghi nhớ hợp tác (giai đoạn 2022-2026)"},
        "period": {"from": 2022, "to": 2026},
        "parties": [
            {"name": "Tỉnh ủy Cao Bằng", "country": "VN"},
            {"name": "Tỉnh ủy Hà Giang", "country": "VN"},
            {"name": "Khu ủy Khu tự trị dân tộc Choang Quảng Tây", "country": "CN"},
        ],
    }
    save_extraction(office, data=b"x", filename="x.txt", extraction=extraction, text="x")
    assert list(Partner.objects.values_list("name", "country")) == [
        ("Khu ủy Khu tự trị dân tộc Choang Quảng Tây", "CN")
    ]
    agreement = Agreement.objects.get()
    assert agreement.cosignatories == ["Tỉnh ủy Cao Bằng", "Tỉnh ủy Hà Giang"]
    assert (agreement.kind, agreement.start_year, agreement.end_year) == ("ban_ghi_nho", 2022, 2026)


@pytest.mark.parametrize(
    ("existing", "typed"),
    [
        ("Ủy ban nhân dân cấp xã", "UBND cấp xã"),
        ("Văn phòng Ủy ban nhân dân tỉnh", "Văn phòng UBND tỉnh"),
        ("Hội Liên hiệp Phụ nữ tỉnh Bắc Giang", "Hội LHPN tỉnh"),
        ("Sở Ngoại vụ", "So Ngoai vu"),
        ("Sở Ngoại vụ", "Sở Ngoại vụ tỉnh Bắc Giang"),
        ("Ủy ban nhân dân các huyện, thành phố", "UBND các huyện, thành phố"),
        ("Sở Thông tin và Truyền thông", "Sở TTTT"),
    ],
)
def test_an_agency_is_matched_however_it_is_written(office: Office, existing: str, typed: str) -> None:
    agency = Agency.objects.create(office=office, name=existing)
    assert find_agency(office, typed) == agency
    assert agency_named(office, typed).pk == agency.pk
    assert Agency.objects.count() == 1


@pytest.mark.parametrize(
    ("existing", "typed"),
    [
        ("Ủy ban nhân dân tỉnh", "Ủy ban nhân dân huyện Bảo Lạc"),
        ("Công an tỉnh", "Công an huyện"),
        ("Ủy ban nhân dân cấp xã", "UBND các huyện, thành phố"),
        ("Sở Ngoại vụ", "Sở Y tế"),
    ],
)
def test_different_bodies_stay_apart(office: Office, existing: str, typed: str) -> None:
    Agency.objects.create(office=office, name=existing)
    assert find_agency(office, typed) is None


def test_a_new_agency_is_stored_with_its_abbreviations_spelled_out(office: Office) -> None:
    assert agency_named(office, "Văn phòng UBND tỉnh").name == "Văn phòng Ủy ban nhân dân tỉnh"
    assert agency_named(office, "Sở  TTTT").name == "Sở Thông tin và Truyền thông"
