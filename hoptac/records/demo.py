"""``hoptac serve --demo``: the sample documents and one user per role, so a newcomer sees a system."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count

from hoptac.errors import HoptacError
from hoptac.records.ingest import agency_named, ingest_path, prepare, read_document, rebuild
from hoptac.records.models import Document, Office, Profile, Status

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


SAMPLE_MARK = "[Dữ liệu mẫu]"
# (status, percent, what was done): cycled over the occurrences of the demo's richest plan
SAMPLE_STEPS = (
    (Status.DONE, 100, "Đã hoàn thành theo kế hoạch; đã gửi báo cáo kết quả về Sở Ngoại vụ."),
    (Status.IN_PROGRESS, 60, "Đang triển khai; đã làm việc với đối tác, dự kiến hoàn thành trong quý IV."),
    (Status.DONE, 100, "Đã tổ chức thực hiện; hai bên thống nhất tiếp tục trong năm sau."),
    (Status.IN_PROGRESS, 30, "Đã xây dựng kế hoạch chi tiết, đang chờ bố trí kinh phí."),
)


def sample_progress(office: Office, per_year: int = 8) -> int:
    """A few progress reports on the past years' occurrences of the plan with the most tasks, each marked as
    sample data, so that the dashboards, the board and a compiled report show something on a first look.
    Idempotent: each carries a fixed submission key, so a second run stores nothing new."""
    from django.utils import timezone

    from hoptac.records.models import Occurrence, Plan
    from hoptac.records.progress import submit

    officer = get_user_model().objects.filter(username="canbo").first()
    plan = Plan.objects.filter(office=office).annotate(n=Count("tasks")).order_by("-n", "pk").first()
    if officer is None or plan is None:
        return 0
    this_year = timezone.localdate().year
    stored = 0
    occurrences = (
        Occurrence.objects.filter(task__plan=plan, year__lt=this_year)
        .select_related("task")
        .prefetch_related("task__lead")
        .order_by("year", "task__position", "pk")
    )
    by_year: dict[int, int] = {}
    for occ in occurrences:
        lead = next(iter(occ.task.lead.all()), None)
        if lead is None or by_year.get(occ.year, 0) >= per_year:
            continue
        by_year[occ.year] = by_year.get(occ.year, 0) + 1
        status, percent, text = SAMPLE_STEPS[(occ.pk + occ.year) % len(SAMPLE_STEPS)]
        report = submit(
            officer,
            occ,
            status=str(status),
            percent=percent,
            text=f"{SAMPLE_MARK} Năm {occ.year}: {text}",
            agency=lead,
            key=f"demo-sample-{occ.pk}",
        )
        stored += not getattr(report, "replayed", False)
    return stored


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
    reports = sample_progress(office)
    if reports:
        print(f"Báo cáo tiến độ mẫu: {reports} (ghi rõ «{SAMPLE_MARK}» trong nội dung).", file=out)
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
