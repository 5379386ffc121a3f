"""Issue 12: the review screen corrects everything it saves — the header, the plan period, each task's ref,
leads and timing, the reporting duties that become rules, the proposed agreements, each event — and an agency
is created only on purpose. Every mistake is a message on the page (400) and stores nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hoptac.cycle import rules
from hoptac.cycle.models import ReportingRule
from hoptac.records.models import Agency, Agreement, Document, Event, Occurrence, Partner, Task
from hoptac.records.review import due_display, iso_input
from tests.records.conftest import ROOT, SAMPLES, World

PLAN = ROOT / "tests" / "dev" / "docs" / "17_bacninh-kh141-chinhsach.md"


def _upload(client: Any, path: Any) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Upload ``path``; (the review URL, the extraction shown, the form as the page fills it in)."""
    r = client.post(reverse("upload"), {"file": SimpleUploadedFile(path.name, path.read_bytes())})
    assert r.status_code == 302, r.content[:300]
    page = client.get(r["Location"])
    assert page.status_code == 200
    return r["Location"], page.context["extraction"], _form(page.content.decode())


def _form(html: str) -> dict[str, Any]:
    """The review form's fields as a browser would send them untouched."""
    import re
    from html import unescape

    data: dict[str, Any] = {}
    for m in re.finditer(r"<input ([^>]*)>", html):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m[1]))
        name = attrs.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        if attrs.get("type") == "checkbox":
            if " checked" in m[1]:
                data[name] = "on"
        else:
            data[name] = unescape(attrs.get("value", ""))
    for m in re.finditer(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[m[1]] = unescape(m[2])
    for m in re.finditer(r'<select name="([^"]+)">(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', m[2]) or re.search(r'<option value="([^"]*)"', m[2])
        data[m[1]] = unescape(chosen[1]) if chosen else ""
    return data


def test_dates_are_typed_as_printed() -> None:
    assert iso_input("24/11/2022") == "2022-11-24"
    assert iso_input("11/2022") == "2022-11"
    assert iso_input("2022") == "2022"
    assert iso_input("31/10", every_year=True) == "--10-31"
    assert iso_input("") is None
    for wrong in ("31/02/2022", "13/2022", "31/10", "hôm qua", "2022-13-01"):
        try:
            iso_input(wrong)
        except ValueError:
            continue
        raise AssertionError(wrong)
    assert [due_display(d) for d in ("2022-11-24", "--10-31", "2022-11")] == ["24/11/2022", "31/10", "11/2022"]


def test_the_review_corrects_a_plan_before_it_is_stored(login: Any, world: World) -> None:
    client = login("outsider")  # the Hà Giang office: nothing of this plan on record yet
    office = world.hg
    Agency.objects.create(office=office, name="Ủy ban nhân dân cấp xã")
    url, extraction, data = _upload(client, PLAN)
    page = client.get(url).content.decode()
    assert 'value="ke_hoach" selected>Kế hoạch<' in page  # the kind in words
    assert "ke_hoach</" not in page
    assert "**" not in page.split('id="source"')[1].split("</div>")[0]  # no markdown marks in the source
    data |= {
        "doc-number": "141/KH-UBND",
        "doc-date": "15/01/2026",
        "doc-signers": "Nguyễn Văn A\nTrần Thị B",
        "period-from": "2026",
        "period-to": "2027",
        "tasks-0-ref": "III.1a",
        "tasks-0-lead": "UBND cấp xã",  # an existing agency, abbreviated
        "tasks-0-due": "30/06/2026",
        "tasks-0-ongoing": "",
        "reporting-0-to": "Sở Ngoại vụ",
        "reporting-0-due": "20/11",
        "reporting-0-yearly": "on",
    }
    data = {k: v for k, v in data.items() if v != "" or not k.endswith("-ongoing")}
    r = client.post(url, data)
    assert r.status_code == 302, [e for e in r.context["errors"]] if r.context else r
    doc = Document.objects.get(office=office, number="141/KH-UBND")
    assert (doc.date, doc.kind, doc.reviewed) == (date(2026, 1, 15), "ke_hoach", True)
    assert doc.extraction["document"]["signers"] == ["Nguyễn Văn A", "Trần Thị B"]
    plan = doc.plan
    assert (plan.start_year, plan.end_year) == (2026, 2027)
    task = plan.tasks.get(ref="III.1a")
    assert [a.name for a in task.lead.all()] == ["Ủy ban nhân dân cấp xã"]
    assert list(task.occurrences.values_list("due", flat=True)) == [date(2026, 6, 30)]
    assert Agency.objects.filter(office=office, key__contains="cap xa").count() == 1
    assert not Agency.objects.filter(office=office, name__contains="UBND").exists()
    for occ in Occurrence.objects.filter(task__plan=plan):
        assert 2026 <= occ.year <= 2027
    rules.sync(office, date(2026, 3, 1))
    # the edited duty, and the plan's other one (Sở Tư pháp reports to the province) left as read
    rules_of_plan = ReportingRule.objects.filter(plan=plan).order_by("recipient")
    assert [(r.recipient, r.due_month, r.due_day, r.yearly) for r in rules_of_plan] == [
        ("Sở Ngoại vụ", 11, 20, True),
        ("Ủy ban nhân dân tỉnh", None, None, False),
    ]


def test_a_typed_agency_not_on_record_is_made_only_on_purpose(login: Any, world: World) -> None:
    client = login("outsider")
    url, _extraction, data = _upload(client, PLAN)
    data["tasks-0-lead"] = "Ban Quản lý dự án thử nghiệm"
    before = (Document.objects.count(), Agency.objects.count(), Task.objects.count())
    r = client.post(url, data)
    assert r.status_code == 400
    page = r.content.decode()
    assert "Chưa có cơ quan: Ban Quản lý dự án thử nghiệm" in page and "Tạo cơ quan mới" in page
    assert (Document.objects.count(), Agency.objects.count(), Task.objects.count()) == before
    r = client.post(url, {**data, "new_agencies": "on"})
    assert r.status_code == 302
    assert Agency.objects.filter(office=world.hg, name="Ban Quản lý dự án thử nghiệm").exists()


def test_review_mistakes_are_messages_and_store_nothing(login: Any, world: World) -> None:
    client = login("outsider")
    url, _extraction, data = _upload(client, PLAN)
    before = (Document.objects.count(), Task.objects.count(), Agency.objects.count())
    for change, message in (
        ({"doc-date": "32/01/2026"}, "Ngày văn bản: «32/01/2026» không hợp lệ"),
        ({"period-from": "2030", "period-to": "2026"}, "bắt đầu trước kết thúc"),
        ({"period-from": "năm nay"}, "Thời kỳ của kế hoạch: «năm nay» không hợp lệ"),
        ({"tasks-0-due": "31/02/2026"}, "«31/02/2026» không hợp lệ"),
        ({"tasks-0-years": "2026, hai"}, "«hai» không hợp lệ"),
        ({"tasks-0-title": " "}, "tên nhiệm vụ không được để trống"),
        ({"reporting-0-due": "15/11", "reporting-0-yearly": ""}, "«15/11» không hợp lệ"),
        ({"reporting-0-to": ""}, "hãy ghi cơ quan nhận báo cáo"),
    ):
        sent = {k: v for k, v in {**data, **change}.items() if not (k.endswith("-yearly") and v == "")}
        r = client.post(url, sent)
        assert r.status_code == 400, change
        assert message in r.content.decode(), (change, message)
    assert (Document.objects.count(), Task.objects.count(), Agency.objects.count()) == before


def test_agreements_and_events_are_corrected_in_the_review(login: Any, world: World) -> None:
    client = login("outsider")
    url, extraction, data = _upload(client, SAMPLES / "004_b07ebb1ed0206b9b.txt")
    assert [a["kind"] for a in extraction["agreements"]] == ["bien_ban"]
    page = client.get(url).content.decode()
    assert 'name="agreements-0-kind"' in page and 'name="events-0-partner"' in page
    talks = next(i for i, e in enumerate(extraction["events"]) if e["kind"] == "hoi_dam")
    signing = next(i for i, e in enumerate(extraction["events"]) if e["kind"] == "ky_ket")
    data |= {
        "agreements-0-kind": "thoa_thuan",
        "agreements-0-title": "Thỏa thuận hợp tác Vị Xuyên – Ma Lì Pha",
        "agreements-0-parties": "huyện Vị Xuyên (VN)\nhuyện Malypho (CN)",
        "agreements-0-signed": "24/11/2022",
        "agreements-0-from": "2023",
        "agreements-0-to": "2025",
        "agreements-0-status": "in_force",
        f"events-{talks}-kind": "hoi_dam",
        f"events-{talks}-date": "11/2022",
        f"events-{talks}-title": "Hội đàm trực tuyến giữa huyện Vị Xuyên và huyện Malypho",
        f"events-{talks}-partner": "huyện Malypho",
    }
    data.pop(f"events-{signing}-keep")
    r = client.post(url, data)
    assert r.status_code == 302, r.context and r.context["errors"]
    agreement = Agreement.objects.get(office=world.hg, documents__filename="004_b07ebb1ed0206b9b.txt")
    assert (agreement.kind, agreement.status, agreement.start_year, agreement.end_year) == (
        "thoa_thuan", "in_force", 2023, 2025)
    assert str(agreement.signed_on) == "2022-11-24" and agreement.reviewed
    assert [p.name for p in agreement.parties.all()] == ["huyện Ma Lì Pha"]
    assert agreement.cosignatories == ["huyện Vị Xuyên"]
    assert not Partner.objects.filter(office=world.hg, country="VN").exists()
    (event,) = Event.objects.filter(office=world.hg, document=agreement.documents.get(), kind="hoi_dam")
    assert (event.title, event.date_label, event.date_precision) == (
        "Hội đàm trực tuyến giữa huyện Vị Xuyên và huyện Ma Lì Pha", "11/2022", "month")
    assert [p.name for p in event.parties.all()] == ["huyện Ma Lì Pha"] and event.document is not None
    assert not Event.objects.filter(office=world.hg, kind="ky_ket", date=date(2022, 11, 24)).exists()


def test_an_agreement_left_unticked_is_not_recorded(login: Any, world: World) -> None:
    client = login("outsider")
    url, _extraction, data = _upload(client, SAMPLES / "004_b07ebb1ed0206b9b.txt")
    data.pop("agreements-0-keep")
    assert client.post(url, data).status_code == 302
    assert not Agreement.objects.filter(office=world.hg, documents__filename="004_b07ebb1ed0206b9b.txt").exists()
    bad = _upload(client, SAMPLES / "003_450d6ae2b470d9a1.txt")
    url, _extraction, data = bad
    r = client.post(url, {**data, "agreements-0-parties": "Tỉnh ủy Cao Bằng (VN)", "agreements-0-signed": "2022"})
    assert r.status_code == 400 and "ít nhất một bên nước ngoài" in r.content.decode()


def test_the_review_shows_repaired_ocr_words_beside_the_printed_ones(login: Any, world: World) -> None:
    """Sample 000 is an OCR'd plan: its repaired words are listed with the word as printed, in context."""
    from hoptac.records.ingest import ingest_path
    from tests.records.conftest import SEED_000

    doc = ingest_path(SAMPLES / f"{SEED_000}.txt", world.bg).document
    html = login("officer").get(reverse("document_review", args=[doc.pk])).content.decode()
    table = html.split('id="repairs"', 1)[1].split("</details>", 1)[0]
    assert "<td data-label=\"Bản sửa\">Lạc</td>" in table and "<del>Lac</del>" in table
    assert "Bảo Lạc" in doc.text and "Bao Lac" not in doc.text  # the repaired reading is what is stored


def test_the_review_marks_the_words_ocr_was_unsure_of(login: Any, world: World) -> None:
    """Words OCR read with a low confidence are marked in the source with their confidence, under a legend."""
    from hoptac.records.ingest import ingest_path
    from tests.records.conftest import SEED_000

    doc = ingest_path(SAMPLES / f"{SEED_000}.txt", world.bg).document
    at = doc.text.index("Bảo Lạc")
    doc.extraction = {**doc.extraction, "uncertain": [{"span": [at, at + 3], "word": "Bảo", "confidence": 42}]}
    doc.save()
    client = login("officer")
    html = client.get(reverse("document_review", args=[doc.pk])).content.decode()
    assert '<span class="ocr-low" title="OCR chưa chắc chắn (độ tin cậy 42%)">Bảo</span>' in html
    assert "1 chữ OCR đọc chưa chắc chắn" in html
    english = client.get(reverse("document_review", args=[doc.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'title="OCR unsure (confidence 42%)"' in english and "1 word OCR was unsure of" in english
    # A span that does not fit the text (an edited document) is left out, not an error.
    doc.extraction = {**doc.extraction, "uncertain": [{"span": [0, 10**9], "confidence": 10}, {"span": "x"}]}
    doc.save()
    html = client.get(reverse("document_review", args=[doc.pk])).content.decode()
    assert 'class="ocr-low"' not in html.split('id="source"', 1)[1] and "chưa chắc chắn" not in html
