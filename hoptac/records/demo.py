"""``hoptac serve --demo``: the sample documents and one user per role, so a newcomer sees a system."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import transaction

from hoptac.errors import HoptacError
from hoptac.records.ingest import agency_named, ingest_path, prepare, read_document, rebuild
from hoptac.records.models import Document, Office, Profile

__all__ = ["DEMO_OFFICE", "DEMO_PASSWORD", "DEMO_USERS", "SAMPLES", "load"]

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
DEMO_OFFICE = ("demo", "Sở Ngoại vụ (trình diễn)")
DEMO_PASSWORD = "hoptac-demo"
FOREIGN_AFFAIRS = "Sở Ngoại vụ"
OTHER_AGENCY = "Sở Văn hóa, Thể thao và Du lịch"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    agency: str | None
    national: bool
    label: str


DEMO_USERS = (
    DemoUser("quantri", str(Profile.Role.ADMIN), None, True, "quản trị toàn quốc"),
    DemoUser("canbo", str(Profile.Role.OFFICER), None, False, "cán bộ đối ngoại"),
    DemoUser("songoaivu", str(Profile.Role.REPORTER), FOREIGN_AFFAIRS, False, f"báo cáo: {FOREIGN_AFFAIRS}"),
    DemoUser("sovanhoa", str(Profile.Role.REPORTER), OTHER_AGENCY, False, f"báo cáo: {OTHER_AGENCY}"),
    DemoUser("xem", str(Profile.Role.VIEWER), None, False, "chỉ xem"),
)


def load(out: TextIO, samples: Path = SAMPLES) -> Office:
    """Idempotent: running it again adds nothing and resets nothing but the demo passwords."""
    office, _ = Office.objects.get_or_create(code=DEMO_OFFICE[0], defaults={"name": DEMO_OFFICE[1]})
    User = get_user_model()
    with transaction.atomic():
        for d in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=d.username)
            user.set_password(DEMO_PASSWORD)
            user.is_staff = d.national
            user.save()
            agency = agency_named(office, d.agency) if d.agency else None
            Profile.objects.update_or_create(
                user=user,
                defaults={"office": None if d.national else office, "role": d.role, "agency": agency},
            )
    files = sorted(
        p for p in samples.glob("*") if p.suffix.lower() in (".txt", ".md", ".html", ".docx", ".pdf")
    )
    new = renewed = 0
    for path in files:
        try:
            result = ingest_path(path, office)
            new += result.created
            renewed += not result.created and _renew(result.document, path)
        except HoptacError as exc:
            print(f"hoptac: {exc}", file=out)
    if renewed:
        print(f"Đọc lại {renewed} văn bản mẫu theo bộ đọc hiện tại.", file=out)
    print(f"Dữ liệu trình diễn: {len(files)} văn bản mẫu ({new} mới) trong «{office.name}».", file=out)
    print(f"Tài khoản trình diễn (mật khẩu: {DEMO_PASSWORD}):", file=out)
    for d in DEMO_USERS:
        print(f"  {d.username:<10} {d.label}", file=out)
    return office


def _renew(doc: Document, path: Path) -> bool:
    """A sample stored by an older version and never reviewed is read again when the extractor now reads it
    differently (tasks in the right years, agreements, partners): the demo shows what hoptac does today."""
    if doc.reviewed:
        return False
    extraction = prepare(read_document(path.read_bytes(), path.name).to_dict())
    if extraction == doc.extraction:
        return False
    rebuild(doc, extraction, reviewed=False)
    return True
