"""Partners and agreements by hand: the officer's forms, the vocabulary's suggestions, errors, the audit log."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from hoptac.records.models import Agreement, AuditLog, Partner
from tests.records.conftest import World


def _form_values(html: str) -> dict[str, Any]:
    """The values a browser would send back from the rendered form (inputs, selected options, textareas)."""
    values: dict[str, Any] = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        if name != "csrfmiddlewaretoken":
            values[name] = value
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', body)
        if chosen:
            values[name] = chosen[0]
    for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        values[name] = body.strip()
    return {k: v.replace("&amp;", "&") for k, v in values.items()}


def test_new_vietnamese_unit_gets_its_2025_successor_suggested_then_saved(login: Any, world: World) -> None:
    client = login("officer")
    url = reverse("partner_create")
    r = client.post(url, {"name": "huyện Vị Xuyên", "level": "other", "country": "VN"})
    assert r.status_code == 200 and 'id="suggested"' in r.content.decode()
    assert not Partner.objects.filter(name="huyện Vị Xuyên").exists()  # a suggestion saves nothing
    values = _form_values(r.content.decode())
    assert values["successor_choice"] == "new:tỉnh Tuyên Quang"
    assert values["level"] == "district" and values["suggested"] == "1"
    r = client.post(url, values)
    assert r.status_code == 302
    partner = Partner.objects.get(office=world.bg, name="huyện Vị Xuyên")
    assert partner.successor is not None and partner.successor.name == "tỉnh Tuyên Quang"
    assert partner.successor.country == "VN" and partner.successor.level == "province"
    entry = AuditLog.objects.get(model="partner", object_id=str(partner.pk), action="create")
    assert entry.user == world.users["officer"] and entry.after["successor_id"] == partner.successor_id


def _bac_giang(world: World) -> Partner:
    """The office's own province, added by hand (documents make partners of the foreign side only)."""
    return Partner.objects.get_or_create(
        office=world.bg, name="tỉnh Bắc Giang", country="VN", defaults={"level": "province"}
    )[0]


def test_editing_a_partner_prefills_what_the_vocabulary_knows(login: Any, world: World) -> None:
    client = login("officer")
    bac_giang = _bac_giang(world)
    html = client.get(reverse("partner_edit", args=[bac_giang.pk])).content.decode()
    assert _form_values(html)["successor_choice"] == "new:tỉnh Bắc Ninh"
    laos = Partner.objects.get(office=world.bg, name="tỉnh Xay Sôm Bun")
    html = client.get(reverse("partner_edit", args=[laos.pk])).content.decode()
    values = _form_values(html)
    assert values["native_name"] == "ໄຊສົມບູນ" and values["romanization"] == "Xaysomboun"
    values["aliases_text"] = "Xaysomboun\nXay Sôm Bun\nXaysomboun"
    r = client.post(reverse("partner_edit", args=[laos.pk]), values)
    assert r.status_code == 302
    laos.refresh_from_db()
    assert laos.native_name == "ໄຊສົມບູນ" and laos.aliases == ["Xaysomboun", "Xay Sôm Bun"]
    entry = AuditLog.objects.get(model="partner", object_id=str(laos.pk), action="update")
    # the native script came from the vocabulary when the document was stored; the aliases from the form
    assert entry.before["aliases"] == [] and entry.after["aliases"] == ["Xaysomboun", "Xay Sôm Bun"]


def test_successor_already_on_record_is_chosen(login: Any, world: World) -> None:
    ninh = Partner.objects.create(office=world.bg, name="tỉnh Bắc Ninh", country="VN", level="province")
    client = login("officer")
    bac_giang = _bac_giang(world)
    values = _form_values(client.get(reverse("partner_edit", args=[bac_giang.pk])).content.decode())
    assert values["successor_choice"] == str(ninh.pk)
    assert client.post(reverse("partner_edit", args=[bac_giang.pk]), values).status_code == 302
    assert Partner.objects.get(pk=bac_giang.pk).successor == ninh
    assert Partner.objects.filter(office=world.bg, key=ninh.key).count() == 1


def test_partner_form_errors_are_vietnamese_and_change_nothing(login: Any, world: World) -> None:
    client = login("officer")
    laos = Partner.objects.get(office=world.bg, name="tỉnh Xay Sôm Bun")
    bac_giang = _bac_giang(world)
    count, audit = Partner.objects.count(), AuditLog.objects.count()
    cases = [
        ({"name": "  ", "level": "province", "country": "LA"}, "Hãy nhập tên đối tác."),
        ({"name": "tỉnh Mới", "level": "province", "country": "Lào"}, "Mã quốc gia gồm 2 chữ cái"),
        ({"name": "Xay Sôm Bun", "level": "province", "country": "la"}, "Đã có đối tác này"),
        ({"name": "tỉnh Mới", "level": "hành tinh", "country": "LA"}, "Cấp không hợp lệ."),
        ({"name": "tỉnh Mới", "level": "province", "country": "LA", "successor_choice": "99999"}, "không hợp lệ"),
    ]
    for data, message in cases:
        r = client.post(reverse("partner_create"), {**data, "suggested": "1"})
        assert r.status_code == 400, data
        page = r.content.decode()
        assert message in page, (data, message)
    # a cycle: Bắc Giang → Xay Sôm Bun → Bắc Giang
    Partner.objects.filter(pk=laos.pk).update(successor=bac_giang)
    r = client.post(
        reverse("partner_edit", args=[bac_giang.pk]),
        {"name": bac_giang.name, "level": "province", "country": "VN", "successor_choice": laos.pk, "suggested": 1},
    )
    assert r.status_code == 400 and "vòng lặp" in r.content.decode()
    assert Partner.objects.count() == count and AuditLog.objects.count() == audit
    assert Partner.objects.get(pk=bac_giang.pk).successor_id is None


def test_outsider_cannot_name_another_offices_partner_as_successor(login: Any, world: World) -> None:
    foreign = Partner.objects.filter(office=world.bg).first()
    r = login("outsider").post(
        reverse("partner_create"),
        {"name": "tỉnh Khác", "level": "province", "country": "CN", "successor_choice": foreign.pk, "suggested": 1},
    )
    assert r.status_code == 400 and not Partner.objects.filter(name="tỉnh Khác").exists()


def test_agreement_through_its_life(login: Any, world: World) -> None:
    client = login("officer")
    bac_giang = _bac_giang(world)
    laos = Partner.objects.get(office=world.bg, name="tỉnh Xay Sôm Bun")
    hua = Partner.objects.create(office=world.bg, name="tỉnh Hủa Phăn", country="LA", level="province")
    r = client.post(
        reverse("agreement_create"),
        {
            "kind": "y_dinh_thu",
            "title": "Ý định thư hợp tác ba bên",
            "parties": [bac_giang.pk, laos.pk, hua.pk],
            "signed_on": "05/06/2023",
            "start_year": "2023",
            "end_year": "2027",
            "status": "signed",
            "documents": [world.doc.pk],
        },
    )
    assert r.status_code == 302, r.content.decode()[-1500:]
    agreement = Agreement.objects.get(title="Ý định thư hợp tác ba bên")
    assert agreement.office == world.bg and str(agreement.signed_on) == "2023-06-05"
    assert set(agreement.parties.all()) == {bac_giang, laos, hua}
    assert list(agreement.documents.all()) == [world.doc]
    for status in ("in_force", "amended", "extended", "expired"):
        r = client.post(
            reverse("agreement_edit", args=[agreement.pk]),
            {
                "kind": "y_dinh_thu",
                "title": agreement.title,
                "parties": [bac_giang.pk, laos.pk],
                "signed_on": "05/06/2023",
                "start_year": "2023",
                "end_year": "2029" if status in ("extended", "expired") else "2027",
                "status": status,
            },
        )
        assert r.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "expired" and agreement.end_year == 2029
    assert set(agreement.parties.all()) == {bac_giang, laos} and not agreement.documents.exists()
    entries = AuditLog.objects.filter(model="agreement", object_id=str(agreement.pk)).order_by("id")
    assert [e.action for e in entries] == ["create"] + ["update"] * 4
    assert entries[2].before["status"] == "in_force" and entries[2].after["status"] == "amended"
    assert entries[1].before["parties"] == sorted([bac_giang.pk, laos.pk, hua.pk])
    page = client.get(reverse("agreement_detail", args=[agreement.pk])).content.decode()
    history = page[page.index('id="status-history"') :]
    assert history.index("Đã ký") < history.index("Có hiệu lực") < history.index("Đã sửa đổi")
    assert history.index("Đã gia hạn") < history.index("Hết hạn")


def test_agreement_form_errors(login: Any, world: World) -> None:
    client = login("officer")
    laos = Partner.objects.get(office=world.bg, name="tỉnh Xay Sôm Bun")
    foreign = Partner.objects.filter(office=world.hg).first()
    base = {"kind": "thoa_thuan", "title": "Thỏa thuận thử", "parties": [laos.pk], "status": "signed"}
    cases = [
        ({"title": " "}, "Hãy nhập tên thỏa thuận."),
        ({"parties": []}, "Hãy chọn ít nhất một bên ký kết."),
        ({"parties": [foreign.pk]}, "Bên ký kết không hợp lệ."),
        ({"signed_on": "31/02/2024"}, "Ngày ký không hợp lệ"),
        ({"start_year": "2026", "end_year": "2024"}, "Năm kết thúc phải sau năm bắt đầu."),
        ({"start_year": "hai nghìn"}, "Năm phải là một số."),
        ({"end_year": "20250"}, "Năm không hợp lệ."),
        ({"kind": "hiep_uoc"}, "Loại văn bản thỏa thuận không hợp lệ."),
        ({"status": "da_huy"}, "Tình trạng không hợp lệ."),
        ({"signed_on": "01/01/2030", "end_year": "2025"}, "Ngày ký phải trước khi hết giai đoạn."),
        ({"documents": [world.other_doc.pk]}, "Văn bản không hợp lệ."),
    ]
    count = Agreement.objects.count()
    for change, message in cases:
        r = client.post(reverse("agreement_create"), {**base, **change})
        assert r.status_code == 400, change
        assert message in r.content.decode(), (change, message)
    assert Agreement.objects.count() == count


def test_national_administrator_edits_but_does_not_add(login: Any, world: World) -> None:
    client = login("national")
    r = client.get(reverse("agreement_create"))
    assert r.status_code == 403 and "tài khoản của một văn phòng" in r.content.decode()
    agreement = world.doc.plan.agreement
    r = client.get(reverse("agreement_edit", args=[agreement.pk]))
    assert r.status_code == 200 and agreement.title in r.content.decode()


def test_form_errors_in_english(login: Any, world: World) -> None:
    r = login("officer").post(
        reverse("partner_create"), {"name": " ", "level": "province", "country": "LA"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert r.status_code == 400 and "Please enter the partner&#x27;s name." in r.content.decode()
