"""The table: queries officers type and the documents each must (and must not) find, on the run's database."""

from __future__ import annotations

from typing import Any

import pytest

from hoptac.search.find import search
from tests.search.conftest import SEED_000, SEED_001, SEED_002, SEED_003, SEED_004, Corpus

pytestmark = pytest.mark.django_db

ALL = frozenset({SEED_000, SEED_001, SEED_002, SEED_003, SEED_004, "ocr", "lao", "kl57"})

# (query, filters, documents it must find, documents it must not find)
TABLE: list[tuple[str, dict[str, Any], set[str], set[str]]] = [
    # Diacritics, case and tone placement do not matter; đ is d.
    ("Bảo Lạc", {}, {SEED_000, "ocr"}, {SEED_001, SEED_002, SEED_004}),
    ("Bao Lac", {}, {SEED_000, "ocr"}, {SEED_001, SEED_002, SEED_004}),
    ("BẢO LẠC", {}, {SEED_000, "ocr"}, {SEED_001}),
    ("huyện Bảo Lạc", {}, {SEED_000, "ocr"}, {SEED_001, SEED_004}),
    ("Cộng hoà Dân chủ Nhân dân Lào", {}, {SEED_001}, {SEED_004, "ocr"}),
    ("Cộng hòa Dân chủ Nhân dân Lào", {}, {SEED_001}, {SEED_004, "ocr"}),
    ("đoàn đại biểu huyện Vị Xuyên", {}, {SEED_004}, {SEED_001, SEED_002}),
    ("doan dai bieu huyen vi xuyen", {}, {SEED_004}, {SEED_001, SEED_002}),
    ("ĐOÀN ĐẠI BIỂU HUYỆN VỊ XUYÊN", {}, {SEED_004}, {SEED_001}),
    # OCR damage: seed 000's words fold to the query's; the scanned page only has "Théa thuan … Iap".
    ("Thỏa thuận thiết lập quan hệ", {"kind": "document"}, {SEED_000, "ocr"}, {SEED_004}),
    ("Théa thuan", {}, {SEED_000, "ocr"}, {SEED_004}),
    ('"Công Văn Hữu" Bí thư', {"kind": "document"}, {SEED_000}, {SEED_001, SEED_002, SEED_004}),
    # Aliases: the vocabulary's localities and agencies, and the records' own.
    ("Napo", {}, {SEED_000, "ocr"}, {SEED_001, SEED_002, SEED_004}),
    ("Na Pô", {}, {SEED_000, "ocr"}, {SEED_001, SEED_004}),
    ("那坡", {}, {SEED_000, "ocr"}, {SEED_001, SEED_004}),
    ("Nà Pồ", {}, {SEED_000}, {SEED_001, SEED_004}),
    ("Sở TTTT", {"kind": "document"}, {SEED_001, SEED_002}, {SEED_000, SEED_004}),
    ("Sở Thông tin và Truyền thông", {"kind": "document"}, {SEED_001, SEED_002}, {SEED_000, SEED_004}),
    ("Xaysomboun", {"kind": "document"}, {SEED_001, "lao"}, {SEED_000, SEED_004}),
    # Chinese and Lao text.
    ("广西壮族自治区", {}, {SEED_003, SEED_000}, {SEED_001, SEED_004}),
    ("中国共产党", {}, {SEED_003}, {SEED_001}),
    ("Quảng Tây", {"kind": "document"}, {SEED_000, SEED_003}, {SEED_001, SEED_004}),
    ("ໄຊສົມບູນ", {}, {"lao"}, {SEED_003, SEED_000}),
    ("ແຂວງບັກຢາງ", {}, {"lao"}, {SEED_003}),
    # Document numbers, as tokens: the document that is it and those that cite it.
    ("57-KL/TW", {"kind": "document"}, {"kl57", SEED_002}, ALL - {"kl57", SEED_002}),
    ("57-kl/tw", {"kind": "document"}, {"kl57", SEED_002}, ALL - {"kl57", SEED_002}),
    ("Kết luận 57", {"kind": "document"}, {"kl57", SEED_002}, {SEED_000, SEED_004}),
    ("481/KH-UBND", {"kind": "document"}, {SEED_002}, ALL - {SEED_002}),
    ("72/2015/NĐ-CP", {"kind": "document"}, {SEED_002}, ALL - {SEED_002}),
    ("72/2015/ND-CP", {"kind": "document"}, {SEED_002}, ALL - {SEED_002}),
    ("489-CV/TU", {"kind": "document"}, {SEED_003}, ALL - {SEED_003}),
    # Filters.
    ("hợp tác", {"kind": "document", "year": 2022}, {SEED_003}, {SEED_002, "kl57", "lao"}),
    ("hợp tác", {"kind": "document", "year": 2021}, {"lao"}, {SEED_003, SEED_002}),
]


def _documents(corpus: Corpus, results: Any) -> set[str]:
    names = {doc.pk: name for name, doc in corpus.docs.items() if name != "hg000"}
    return {names[h.id] for h in results.hits if h.kind == "document" and h.id in names}


@pytest.mark.parametrize(("query", "filters", "found", "not_found"), TABLE, ids=[f"{r[0]}{r[1] or ''}" for r in TABLE])
def test_query_finds_its_documents(
    corpus: Corpus, query: str, filters: dict[str, Any], found: set[str], not_found: set[str]
) -> None:
    results = search(query, office=corpus.bg, limit=100, **filters)
    got = _documents(corpus, results)
    assert found <= got, f"{query!r} missed {sorted(found - got)}; found {sorted(got)}"
    assert not (not_found & got), f"{query!r} wrongly found {sorted(not_found & got)}"


def test_the_document_that_is_the_number_ranks_before_those_citing_it(corpus: Corpus) -> None:
    hits = search("57-KL/TW", office=corpus.bg, kind="document").hits
    assert [h.id for h in hits][:1] == [corpus.docs["kl57"].pk]
    assert "57-KL/TW" in hits[1].snippet.text


def test_ocr_only_match_comes_after_exact_ones_and_is_flagged(corpus: Corpus) -> None:
    hits = search("Thỏa thuận thiết lập quan hệ", office=corpus.bg, kind="document").hits
    by_id = {h.id: h for h in hits}
    ocr = by_id[corpus.docs["ocr"].pk]
    assert ocr.approximate and not by_id[corpus.docs[SEED_000].pk].approximate
    assert hits.index(ocr) > hits.index(by_id[corpus.docs[SEED_000].pk])
    marked = [ocr.snippet.text[s:e] for s, e in ocr.snippet.marks]
    assert "Théa" in marked and "Iap" in marked


def test_every_task_of_an_agency(corpus: Corpus) -> None:
    from hoptac.records.models import Agency, Task

    soyte = Agency.objects.get(office=corpus.bg, name="Sở Y tế")
    expected = set(Task.objects.filter(lead=soyte).values_list("pk", flat=True)) | set(
        Task.objects.filter(support=soyte).values_list("pk", flat=True)
    )
    assert expected
    filtered = search("Sở Y tế", office=corpus.bg, kind="task", agency=soyte.pk, limit=100)
    assert {h.id for h in filtered.hits} == expected
    typed = search("Sở Y tế", office=corpus.bg, kind="task", limit=100)
    assert expected <= {h.id for h in typed.hits}


def test_snippets_mark_the_words_as_written(corpus: Corpus) -> None:
    hit = next(
        h for h in search("bao lac na po", office=corpus.bg, kind="document").hits if h.id == corpus.docs[SEED_000].pk
    )
    marked = {hit.snippet.text[s:e] for s, e in hit.snippet.marks}
    assert any(m.endswith("Bao Lac") for m in marked) and any(m.endswith("Na Po") for m in marked), marked
    hit = search("中国共产党", office=corpus.bg, kind="document").hits[0]
    assert "中国共产党" in {hit.snippet.text[s:e] for s, e in hit.snippet.marks}


def test_office_scope(corpus: Corpus) -> None:
    hg_hits = search("Bảo Lạc", office=corpus.hg, kind="document").hits
    assert [h.id for h in hg_hits] == [corpus.docs["hg000"].pk]
    everywhere = {h.id for h in search("Bảo Lạc", kind="document").hits}
    assert {corpus.docs["hg000"].pk, corpus.docs[SEED_000].pk} <= everywhere


def test_json_of_a_hit(corpus: Corpus) -> None:
    data = search("481/KH-UBND", office=corpus.bg).to_dict()
    hit = data["hits"][0]
    assert hit["kind"] == "document" and hit["id"] == corpus.docs[SEED_002].pk
    assert hit["file"] == f"{SEED_002}.txt"
    assert "481/KH-UBND" in hit["snippet"] and hit["score"] > 0
    s, e = hit["marks"][0]
    assert hit["snippet"][s:e] == "481/KH-UBND"
