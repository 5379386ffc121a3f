"""A corpus for the search tests, on the run's real database (SQLite or PostgreSQL).

``corpus`` is built once per module inside a transaction that is rolled back at the end, so
the table-driven test can run dozens of queries without reloading the seeds for each. It holds,
for the office of Bắc Giang: the five seed samples (as their gold files read them), a scanned
page whose only mention of the agreement is OCR-damaged ("Théa thuan"), a Lao memorandum, and
Conclusion 57-KL/TW itself; for Hà Giang: its own copy of seed 000.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.records.conftest import SAMPLES, SEED_000, SEED_001, load_gold, login, world  # noqa: F401

SEED_002 = "002_a972364fbd1013e4"
SEED_003 = "003_450d6ae2b470d9a1"
SEED_004 = "004_b07ebb1ed0206b9b"
SEEDS = (SEED_000, SEED_001, SEED_002, SEED_003, SEED_004)

OCR_PAGE = (
    "Tuyén truyén ndi dung Théa thuan thiét Iap quan hé huyén hiru nghi\n"
    "giira huyén Bao Lac, tinh Cao Bing, nwéc Cong hoa xa hi chi nghia Viét\n"
    "Nam véi huyén Na Po, thanh phd Bach Sic, Khu ty tri dan téc Choang\n"
)
LAO_MEMO = "ບົດບັນທຶກຄວາມເຂົ້າໃຈ ລະຫວ່າງ ແຂວງໄຊສົມບູນ ແລະ ແຂວງບັກຢາງ\nວ່າດ້ວຍການຮ່ວມມືດ້ານການສຶກສາ ແລະ ສາທາລະນະສຸກ ໄລຍະ 2021-2025\n"
CONCLUSION = (
    "BỘ CHÍNH TRỊ\nSố 57-KL/TW\nKẾT LUẬN\nvề tiếp tục nâng cao chất lượng, hiệu quả công tác thông tin "
    "đối ngoại trong tình hình mới\n"
)


@dataclass
class Corpus:
    bg: Any
    hg: Any
    docs: dict[str, Any]  # by file name stem ("000_…", "ocr", "lao", "kl57"); "hg000" is Hà Giang's copy


def store(office: Any, name: str, text: str, document: dict[str, Any], **extraction: Any) -> Any:
    """A document as if the extractor had read ``document`` (its header) and ``extraction`` from ``text``."""
    from hoptac.records.ingest import save_extraction

    result = save_extraction(
        office,
        data=text.encode("utf-8"),
        filename=f"{name}.txt",
        extraction={"document": document, **extraction},
        text=text,
    )
    return result.document


@pytest.fixture(scope="module")
def corpus(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Corpus]:
    from django.db import transaction

    from hoptac.records.models import Office
    from hoptac.search import index

    with django_db_blocker.unblock(), transaction.atomic():
        bg = Office.objects.create(code="bac-giang", name="Sở Ngoại vụ tỉnh Bắc Giang")
        hg = Office.objects.create(code="ha-giang", name="Sở Ngoại vụ tỉnh Hà Giang")
        docs = {name: load_gold(bg, name) for name in SEEDS}
        docs["hg000"] = load_gold(hg, SEED_000)
        docs["ocr"] = store(bg, "ocr", OCR_PAGE, {"kind": "khac"})
        docs["lao"] = store(
            bg,
            "lao",
            LAO_MEMO,
            {"kind": "ban_ghi_nho", "title": "Bản ghi nhớ hợp tác (bản tiếng Lào)", "date": "2021-05-04"},
            parties=[{"name": "tỉnh Xay Sôm Bun", "country": "LA"}],
        )
        docs["kl57"] = store(
            bg,
            "kl57",
            CONCLUSION,
            {
                "kind": "khac",
                "number": "57-KL/TW",
                "issuer": "Bộ Chính trị",
                "date": "2023-06-15",
                "title": "Về tiếp tục nâng cao chất lượng, hiệu quả công tác thông tin đối ngoại trong tình hình mới",
            },
        )
        # The records' own alias: an officer noted another spelling of the Chinese county.
        na_po = docs[SEED_000].plan.partners.get(name="huyện Na Pô")
        na_po.aliases = [*na_po.aliases, "Nà Pồ"]
        na_po.save()
        index.flush()
        yield Corpus(bg, hg, docs)
        transaction.set_rollback(True)
