"""Tokens, query reading and snippets: no database."""

from __future__ import annotations

import re
import unicodedata

import pytest

from hoptac.search.query import MAX_GROUPS, MAX_QUERY_CHARS, QueryError, parse
from hoptac.search.snippets import matcher, snippet
from hoptac.search.text import index_text, is_syllable, number_token, ocr_words, tokens


def test_fold_ignores_marks_case_tone_placement_and_normal_form() -> None:
    base = index_text("huyện Bảo Lạc, Cộng hòa")
    assert base == "huyen bao lac cong hoa"
    assert index_text("HUYỆN BẢO LẠC, CỘNG HOÀ") == base
    assert index_text(unicodedata.normalize("NFD", "huyện Bảo Lạc, Cộng hoà")) == base
    assert index_text("Đồn Biên phòng đ") == "don bien phong d"


def test_document_numbers_are_one_token_after_their_parts() -> None:
    assert number_token("57-KL/TW") == number_token("57-kl/tw") == "57kltw"
    assert number_token("72/2015/NĐ-CP") == number_token("72/2015/ND-CP") == "722015ndcp"
    assert index_text("theo Kết luận số 57-KL/TW ngày 15/6/2023") == "theo ket luan so 57 kl tw 57kltw ngay 15 6 2023"
    assert "481khubnd" in index_text("Kế hoạch 481/KH-UBND;").split()
    assert not [t for t in tokens("ngày 15/6/2023, giai đoạn 2021-2025") if t.kind == "number"]


def test_scripts_without_spaces_become_pairs_of_ascii_tokens() -> None:
    toks = tokens("那坡县")
    assert [t.kind for t in toks] == ["pair", "pair"]
    assert [bytes.fromhex(t.text[1:]).decode() for t in toks] == ["那坡", "坡县"]
    lao = tokens("ແຂວງໄຊສົມບູນ")  # a vowel sign stays with its consonant
    assert "ສົມ" in [bytes.fromhex(t.text[1:]).decode() for t in lao]
    for text in ("中国共产党", "ວຽງຈັນ", "Москва", "“quoted” – …"):
        assert re.fullmatch(r"[a-z0-9 ]*", index_text(text))
    assert index_text("“quoted” – …") == "quoted"


def test_token_spans_point_into_the_text() -> None:
    text = "Bắc Giang và 那坡县 ký 481/KH-UBND"
    for t in tokens(text):
        piece = text[t.start : t.end]
        assert piece and (t.kind != "word" or index_text(piece) == t.text)


def test_syllables_and_ocr_words() -> None:
    for word in ("thoa", "nguyen", "truong", "quoc", "giua", "khuyu", "nghieng"):
        assert is_syllable(word), word
    for word in ("thea", "hiru", "trudng", "poan", "giira", "nwec", "xaysomboun"):
        assert not is_syllable(word), word
    assert ocr_words("thea thuan 57kltw xe982a3e59da1 ab hiru") == {"thea", "hiru"}


@pytest.mark.parametrize(
    ("query", "alternative"),
    [
        ("Sở TTTT", ("so", "thong", "tin", "va", "truyen", "thong")),
        ("Sở Thông tin và Truyền thông", ("so", "tttt")),
        ("Napo", ("na", "po")),
        ("那坡", ("napo",)),
        ("ubnd", ("uy", "ban", "nhan", "dan")),
        ("Quảng Tây", ("guangxi",)),
    ],
)
def test_names_bring_their_other_spellings(query: str, alternative: tuple[str, ...]) -> None:
    q = parse(query)
    assert len(q.groups) == 1
    assert alternative in q.groups[0].alternatives


def test_query_groups() -> None:
    q = parse('"hợp tác" với Napo 57-KL/TW 坡')
    assert [g.alternatives[0] for g in q.groups] == [("hop", "tac"), ("napo",), ("57kltw",), ("xe59da1",)]
    assert q.groups[-1].prefix and q.dropped == ["với"]
    assert q.groups[2].fuzzy == [("57", "kl", "tw")]
    assert [g.alternatives for g in parse("và").groups] == [[("va",)]]  # a common word alone is kept


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Hãy nhập từ khóa"),
        ("   \n\t", "Hãy nhập từ khóa"),
        ("x" * 10_240, f"tối đa {MAX_QUERY_CHARS}"),
        ("!!! ... ???", "không có chữ hay số"),
        ('"', "không có chữ hay số"),
        ("*", "không có chữ hay số"),
        ("\x00", "Hãy nhập từ khóa"),
    ],
)
def test_bad_queries_say_why(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse(query)


@pytest.mark.parametrize("query", ["NEAR(a b", 'a" OR "b', "x' OR 1=1 --", "a AND OR NOT b", "{head}: x", "^a", "a*b"])
def test_syntax_characters_are_only_text(query: str) -> None:
    for g in parse(query).groups:
        for alt in g.alternatives:
            assert all(re.fullmatch(r"[a-z0-9]+", t) for t in alt)


def test_at_most_max_groups() -> None:
    words = " ".join(f"tu{i}" for i in range(MAX_GROUPS + 3))
    q = parse(words)
    assert len(q.groups) == MAX_GROUPS and q.dropped == [f"tu{i}" for i in range(MAX_GROUPS, MAX_GROUPS + 3)]


def test_snippet_marks_the_text_as_written() -> None:
    text = (
        "Mở đầu. " * 40
        + "Ngày 22/02/2022, huyện Bảo Lạc và huyện Na Pô ký Thỏa thuận theo 481/KH-UBND. "
        + "Kết. " * 60
    )
    q = parse("bao lac thoa thuan 481/KH-UBND")
    snip = snippet(text, matcher(q.groups))
    marked = [snip.text[s:e] for s, e in snip.marks]
    assert marked == ["Bảo Lạc", "Thỏa", "thuận", "481/KH-UBND"]
    assert snip.text.startswith("… ") and snip.text.endswith(" …") and len(snip.text) <= 250
    assert "".join(p for p, _ in snip.segments()) == snip.text
