"""Personas and records for the records-system tests, on the real database of the run (SQLite or PostgreSQL).

Two offices: Bắc Giang (plan 001 from the gold file, 45 tasks) and Hà Giang (plan 000). The people:
- ``officer``: Lan, foreign-affairs officer of Bắc Giang;
- ``reporter``: Minh, reporter for Sở Ngoại vụ of Bắc Giang;
- ``other_reporter``: Hoa, reporter for Sở Y tế of Bắc Giang;
- ``viewer``: Tuấn, read-only in Bắc Giang;
- ``outsider``: Khánh, officer of the Hà Giang office;
- ``national``: Quốc, national administrator (no office).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "hoptac" / "samples"
GOLD = ROOT / "tests" / "gold"
SEED_001 = "001_f97b477c60d4a584"
SEED_000 = "000_eabd0ee19746f845"
PASSWORD = "mat-khau-thu-nghiem"


def gold(name: str) -> dict[str, Any]:
    return json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8"))


def load_gold(office: Any, name: str, *, reviewed: bool = False, data: bytes | None = None) -> Any:
    """Store seed ``name`` as if the extractor had read it exactly as the gold file says."""
    from hoptac.records.ingest import save_extraction

    raw = data if data is not None else (SAMPLES / f"{name}.txt").read_bytes()
    result = save_extraction(
        office,
        data=raw,
        filename=f"{name}.txt",
        extraction=gold(name),
        text=raw.decode("utf-8"),
        reviewed=reviewed,
    )
    return result.document


@dataclass
class World:
    bg: Any
    hg: Any
    doc: Any
    other_doc: Any
    users: dict[str, Any]
    sngv: Any
    soyte: Any

    def task_led_by(self, agency: Any) -> Any:
        return self.doc.plan.tasks.filter(lead=agency).order_by("position").first()


ROLES = ("anonymous", "officer", "reporter", "other_reporter", "viewer", "outsider", "national")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test's database starts anew (ids and data versions repeat): so must the cache keyed on them."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(db: Any) -> World:
    from django.contrib.auth import get_user_model

    from hoptac.records.ingest import agency_named
    from hoptac.records.models import Office, Profile

    bg = Office.objects.create(code="bac-giang", name="Sở Ngoại vụ tỉnh Bắc Giang")
    hg = Office.objects.create(code="ha-giang", name="Sở Ngoại vụ tỉnh Hà Giang")
    doc = load_gold(bg, SEED_001)
    other_doc = load_gold(hg, SEED_000)
    sngv = agency_named(bg, "Sở Ngoại vụ")
    soyte = agency_named(bg, "Sở Y tế")
    User = get_user_model()

    def person(username: str, office: Any, role: str, agency: Any = None) -> Any:
        user = User.objects.create_user(username=username, password=PASSWORD)
        Profile.objects.create(user=user, office=office, role=role, agency=agency)
        return user

    users = {
        "officer": person("lan", bg, Profile.Role.OFFICER),
        "reporter": person("minh", bg, Profile.Role.REPORTER, sngv),
        "other_reporter": person("hoa", bg, Profile.Role.REPORTER, soyte),
        "viewer": person("tuan", bg, Profile.Role.VIEWER),
        "outsider": person("khanh", hg, Profile.Role.OFFICER),
        "national": person("quoc", None, Profile.Role.ADMIN),
    }
    return World(bg, hg, doc, other_doc, users, sngv, soyte)


@pytest.fixture
def login(client: Any, world: World) -> Any:
    def as_(role: str) -> Any:
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        return client

    return as_
