"""The daily reminder: one digest e-mail per agency of what is overdue, due today and due soon.

``hoptac remind`` (cron or a systemd timer, once a day) calls ``run``. An agency gets at most one
digest a day (``ReminderLog`` is claimed before sending, released when sending fails), and none
when it owes nothing or has no address. What it owes: the reports of the reporting rules
(``ReportDue``) and the open occurrences of the tasks it leads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse

from hoptac.cycle import rules
from hoptac.cycle.models import ReminderLog, ReminderSetting, ReportDue
from hoptac.errors import HoptacError
from hoptac.records import audit
from hoptac.records.models import Agency, Occurrence, Office, Profile, Status

__all__ = ["Digest", "Item", "RemindResult", "digest", "recipients", "render", "run"]

OPEN = (Status.PENDING, Status.IN_PROGRESS)
DEFAULT_DAYS = 7
MAX_LISTED = 60


@dataclass(frozen=True)
class Item:
    due: date
    kind: str  # "report" or "task"
    text: str
    path: str


@dataclass
class Digest:
    agency: Agency
    day: date
    days_ahead: int
    overdue: list[Item] = field(default_factory=list)
    today: list[Item] = field(default_factory=list)
    soon: list[Item] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.today) + len(self.soon)


@dataclass
class RemindResult:
    sent: list[tuple[str, list[str], int]] = field(default_factory=list)  # agency, addresses, items
    already: int = 0
    nothing_due: int = 0
    no_address: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def setting_of(agency: Agency) -> ReminderSetting:
    found = ReminderSetting.objects.filter(agency=agency).first()
    return found or ReminderSetting(agency=agency, office_id=agency.office_id)


def recipients(agency: Agency, setting: ReminderSetting | None = None) -> list[str]:
    """The agency's own addresses, else the e-mail of each of its active reporters."""
    setting = setting or setting_of(agency)
    listed = setting.addresses()
    if listed:
        return listed
    users = (
        get_user_model()
        .objects.filter(is_active=True, profile__agency=agency, profile__role=Profile.Role.REPORTER)
        .exclude(email="")
    )
    return sorted({u.email for u in users})


def digest(agency: Agency, day: date, days_ahead: int = DEFAULT_DAYS) -> Digest:
    out = Digest(agency, day, days_ahead)
    horizon = day + timedelta(days=days_ahead)
    for due in ReportDue.objects.filter(agency=agency, done_at__isnull=True, due__lte=horizon).select_related(
        "rule__plan"
    ):
        text = f"Báo cáo gửi {due.rule.recipient} năm {due.year} — {due.rule.plan.title}"
        _place(out, Item(due.due, "report", text, reverse("cycle_agency_report", args=[due.pk])))
    occurrences = (
        Occurrence.objects.filter(task__lead=agency, status__in=OPEN, due__lte=horizon)
        .select_related("task")
        .distinct()
    )
    for occ in occurrences:
        text = f"Nhiệm vụ {occ.task.ref} {occ.task.title}".replace("  ", " ")
        _place(out, Item(occ.due, "task", text, reverse("task_detail", args=[occ.task_id])))
    for items in (out.overdue, out.today, out.soon):
        items.sort(key=lambda i: (i.due, i.kind, i.text))
    return out


def _place(out: Digest, item: Item) -> None:
    if item.due < out.day:
        out.overdue.append(item)
    elif item.due == out.day:
        out.today.append(item)
    else:
        out.soon.append(item)


def subject(d: Digest) -> str:
    parts = []
    if d.overdue:
        parts.append(f"{len(d.overdue)} việc quá hạn")
    if d.today:
        parts.append(f"{len(d.today)} việc đến hạn hôm nay")
    if d.soon:
        parts.append(f"{len(d.soon)} việc sắp đến hạn")
    return f"[hoptac] {d.agency.name}: " + ", ".join(parts)


def render(d: Digest, base_url: str = "") -> str:
    lines = [
        f"Kính gửi {d.agency.name},",
        "",
        f"Tổng hợp việc cần làm ngày {d.day:%d/%m/%Y} theo các kế hoạch hợp tác quốc tế:",
    ]
    for title, items in (
        ("QUÁ HẠN", d.overdue),
        ("ĐẾN HẠN HÔM NAY", d.today),
        (f"SẮP ĐẾN HẠN (trong {d.days_ahead} ngày)", d.soon),
    ):
        if not items:
            continue
        lines += ["", f"{title} ({len(items)})"]
        for item in items[:MAX_LISTED]:
            late = f", trễ {(d.day - item.due).days} ngày" if item.due < d.day else ""
            lines.append(f"- {item.due:%d/%m/%Y}{late}: {item.text}")
            if base_url:
                lines.append(f"  {base_url}{item.path}")
        if len(items) > MAX_LISTED:
            lines.append(f"- … và {len(items) - MAX_LISTED} việc khác")
    lines += [
        "",
        "Thư này do hệ thống hoptac gửi tự động mỗi ngày có việc đến hạn. "
        "Sở Ngoại vụ có thể đổi địa chỉ nhận hoặc số ngày nhắc trước cho cơ quan.",
    ]
    return "\n".join(lines) + "\n"


def run(day: date, office: Office | None = None, connection: Any = None, dry_run: bool = False) -> RemindResult:
    """Send the day's digests; an agency already sent to on ``day`` is skipped."""
    rules.sync(office, day)
    result = RemindResult()
    agencies = Agency.objects.select_related("reminder").order_by("office_id", "name")
    if office is not None:
        agencies = agencies.filter(office=office)
    base_url = getattr(settings, "HOPTAC_BASE_URL", "")
    connection = connection or (None if dry_run else get_connection(fail_silently=False))
    for agency in agencies:
        setting = setting_of(agency)
        if not setting.enabled:
            continue
        d = digest(agency, day, setting.days_ahead)
        if d.count == 0:
            result.nothing_due += 1
            continue
        if ReminderLog.objects.filter(agency=agency, day=day).exists():
            result.already += 1
            continue
        to = recipients(agency, setting)
        if not to:
            result.no_address.append(agency.name)
            continue
        if dry_run:
            result.sent.append((agency.name, to, d.count))
            continue
        message = EmailMessage(subject(d), render(d, base_url), to=to, connection=connection)
        try:
            with transaction.atomic():
                sent = ReminderLog.objects.create(
                    office_id=agency.office_id,
                    agency=agency,
                    day=day,
                    recipients=", ".join(to),
                    subject=message.subject[:300],
                    items=d.count,
                )
                audit.log(None, "remind", sent, after=audit.snapshot(sent), summary=f"Nhắc việc: {agency.name}"[:500])
                # Inside the claim: a failed send rolls the claim back, so tomorrow's run (or a rerun) retries.
                message.send()
        except IntegrityError:
            result.already += 1
            continue
        except (OSError, HoptacError) as exc:
            result.failed.append(f"{agency.name}: {exc.__class__.__name__}: {exc}")
            continue
        except Exception as exc:  # smtplib's errors are not all OSErrors
            result.failed.append(f"{agency.name}: {exc.__class__.__name__}: {exc}")
            continue
        result.sent.append((agency.name, to, d.count))
    return result
