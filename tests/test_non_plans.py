"""Non-plans give no tasks, events, parties or budget lines (issue 10, "No false positives on non-plans").

Each fixture in ``tests/fixtures/non_plans/`` is the opening lines (header and some body) of one
document of the real legal-database corpus (``../shared/corpus/legal-db``, which CI does not have):
a law, a decree, a circular, two Q&A pages, decisions that issue a regulation or publish
administrative procedures, a decision approving a list of trade-fair venues and a provincial
council's resolution on spending. The README there names each source. None of them is a plan, a
programme or a plan attached to a decision, so none may yield a task, an event, a party or a
budget line. Where the kind vocabulary has the document's kind, the detected kind is checked too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hoptac.extract import Extraction, extract_file

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "non_plans"

# (fixture, expected document.kind, or None where hoptac has no kind for it yet)
CASES: list[tuple[str, str | None]] = [
    ("law_60-2024-QH15.md", None),  # Luật Dữ liệu
    ("decree_171-2025-ND-CP.md", None),  # Nghị định: đào tạo, bồi dưỡng công chức
    ("circular_109-2025-TT-BTC.md", None),  # Thông tư: lệ phí chứng chỉ môi giới bất động sản
    ("qa_thuong_chien_si_thi_dua.md", None),  # Q&A page: the bonus of a title, quoting decrees
    ("qa_le_quoc_tang.md", None),  # Q&A page: the broadcast of a state funeral, quoting a decree
    ("decision_regulation_165-2025-QD-UBND.md", "quyet_dinh"),  # issues a Quy chế (digital signatures)
    ("decision_procedures_2691-QD-UBND.md", "quyet_dinh"),  # publishes internal administrative procedures
    ("decision_procedures_1520-QD-UBND.md", "quyet_dinh"),  # list of procedures, legal-database layout
    ("decision_fair_venues_471-QD-UBND.md", "quyet_dinh"),  # approves the venues of trade fairs
    ("resolution_spending_80-2025-NQ-HDND.md", None),  # HĐND resolution: spending and allowance rates
]


def _found(ex: Extraction) -> dict[str, list[str]]:
    """What the extractor yielded that a non-plan must not, readable in a failure message."""

    def around(span: tuple[int, int]) -> str:
        return " ".join(ex.text[max(0, span[0] - 60) : span[1] + 20].split())

    found = {
        "tasks": [f"{t.ref} {t.title[:80]}" for t in ex.tasks],
        "events": [f"{e.date} {e.kind}: {e.title[:80]}" for e in ex.events],
        "parties": [f"{p.name} ({p.country})" for p in ex.parties],
        "budget": [f"{b.amount:,} {b.currency} «{around(b.span)}»" for b in ex.budget],
    }
    return {k: v for k, v in found.items() if v}


def test_fixtures_are_listed() -> None:
    listed = sorted(p.name for p in FIXTURES.glob("*.md") if p.name != "README.md")
    assert listed == sorted(name for name, _ in CASES)


@pytest.mark.parametrize(("name", "kind"), CASES, ids=[name.removesuffix(".md") for name, _ in CASES])
def test_non_plan_yields_nothing(name: str, kind: str | None) -> None:
    ex = extract_file(FIXTURES / name)
    problems = _found(ex)
    if kind is not None and ex.document.kind != kind:
        problems["kind"] = [f"{ex.document.kind}, expected {kind}"]
    assert not problems, f"{name} (kind {ex.document.kind}): {problems}"
