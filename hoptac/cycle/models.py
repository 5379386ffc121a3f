"""The cycle's records: reporting rules and their dues, agency and compiled reports, reminders, calendar tokens."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoptac.records.models import Agency, Office, Partner, Plan

__all__ = [
    "AgencyReport",
    "CalendarToken",
    "CompiledReport",
    "DerivedPlan",
    "ReminderLog",
    "ReminderSetting",
    "ReportDue",
    "ReportingRule",
]

User = settings.AUTH_USER_MODEL


class ReportingRule(models.Model):
    """Who reports to whom about a plan, by when, every year or once (editable by the office)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reporting_rules")
    position = models.PositiveIntegerField(default=0)
    all_leads = models.BooleanField(
        _("mọi cơ quan chủ trì nhiệm vụ của kế hoạch"),
        default=False,
        help_text=_("Khi văn bản ghi “các cơ quan”: mỗi cơ quan chủ trì một nhiệm vụ đều phải báo cáo."),
    )
    senders = models.ManyToManyField(
        Agency, blank=True, related_name="reporting_rules", verbose_name=_("cơ quan báo cáo")
    )
    recipient = models.CharField(_("báo cáo gửi"), max_length=300)
    yearly = models.BooleanField(_("hằng năm"), default=True)
    due_month = models.PositiveSmallIntegerField(_("tháng"), null=True, blank=True)
    due_day = models.PositiveSmallIntegerField(_("ngày"), null=True, blank=True)
    due_date = models.DateField(_("hạn (một lần)"), null=True, blank=True)
    first_year = models.PositiveIntegerField(_("từ năm"), null=True, blank=True)
    last_year = models.PositiveIntegerField(_("đến năm"), null=True, blank=True)
    compiled = models.BooleanField(
        _("báo cáo tổng hợp"),
        default=False,
        help_text=_("Cơ quan báo cáo tổng hợp báo cáo của các cơ quan khác (nộp bằng báo cáo tổng hợp)."),
    )
    active = models.BooleanField(_("đang áp dụng"), default=True)
    from_extraction = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["plan_id", "position", "id"]
        verbose_name = _("quy định báo cáo")

    def __str__(self) -> str:
        return f"{self.senders_label()} → {self.recipient} ({self.due_label()})"

    def senders_label(self) -> str:
        names = [a.name for a in self.senders.all()] if self.pk else []
        if self.all_leads:
            names.insert(0, str(_("các cơ quan chủ trì")))
        return ", ".join(names) or "—"

    def due_label(self) -> str:
        if self.yearly and self.due_month and self.due_day:
            return str(_("%(d)02d/%(m)02d hằng năm")) % {"d": self.due_day, "m": self.due_month}
        if not self.yearly and self.due_date:
            return self.due_date.strftime("%d/%m/%Y")
        return str(_("chưa có hạn"))


class ReportDue(models.Model):
    """One report an agency owes under a rule in one year."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(ReportingRule, on_delete=models.CASCADE, related_name="dues")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="report_dues")
    year = models.PositiveIntegerField(_("năm"))
    due = models.DateField(_("hạn"))
    done_at = models.DateTimeField(_("đã nộp lúc"), null=True, blank=True)
    done_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["due", "agency__name", "id"]
        indexes = [models.Index(fields=["office", "year"]), models.Index(fields=["office", "due"])]
        constraints = [models.UniqueConstraint(fields=["rule", "agency", "year"], name="reportdue_unique")]

    def __str__(self) -> str:
        return f"{self.agency} → {self.rule.recipient} ({self.due:%d/%m/%Y})"

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def days_late(self, today: date) -> int:
        return (today - self.due).days if not self.done and today > self.due else 0


class DerivedPlan(models.Model):
    """Marks a plan whose rules were read from its extraction (so deleting them all does not bring them back)."""

    plan = models.OneToOneField(Plan, primary_key=True, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)


class AgencyReport(models.Model):
    """An agency's yearly report on a plan: general text, difficulties, proposals (task lines are ProgressReports)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="agency_reports")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="yearly_reports")
    year = models.PositiveIntegerField(_("năm"))
    summary = models.TextField(_("tình hình chung"), blank=True, default="")
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True, default="")
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True, default="")
    submitted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency__name", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "agency", "year"], name="agencyreport_unique")]


class CompiledReport(models.Model):
    """The office's report for a year on one plan (or on every plan with a partner), as it will be printed."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="compiled_reports")
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.CASCADE, related_name="compiled_reports"
    )
    year = models.PositiveIntegerField(_("năm"))
    parent_body = models.CharField(_("cơ quan chủ quản"), max_length=300, blank=True, default="")
    issuer = models.CharField(_("cơ quan ban hành"), max_length=300)
    number = models.CharField(_("số"), max_length=20, blank=True, default="")
    symbol = models.CharField(_("ký hiệu"), max_length=40, default="BC-UBND")
    place = models.CharField(_("địa danh"), max_length=100, blank=True, default="")
    date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    title = models.TextField(_("trích yếu"))
    intro = models.TextField(_("mở đầu"), blank=True, default="")
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True, default="")
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True, default="")
    recipients = models.TextField(_("nơi nhận (mỗi dòng một nơi)"), blank=True, default="")
    signer_authority = models.CharField(_("thẩm quyền ký"), max_length=200, blank=True, default="")
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True, default="")
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True, default="")
    sent_on = models.DateField(_("ngày gửi"), null=True, blank=True)
    compiled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("báo cáo tổng hợp")

    def __str__(self) -> str:
        return str(self.title)


class ReminderSetting(models.Model):
    """How an agency wants its reminders: on or off, how many days ahead, to which addresses."""

    agency = models.OneToOneField(Agency, primary_key=True, on_delete=models.CASCADE, related_name="reminder")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    enabled = models.BooleanField(_("gửi nhắc việc"), default=True)
    days_ahead = models.PositiveSmallIntegerField(_("nhắc trước (ngày)"), default=7)
    emails = models.TextField(
        _("địa chỉ thư nhận nhắc việc"),
        blank=True,
        default="",
        help_text=_("Mỗi dòng một địa chỉ; để trống thì gửi cho cán bộ báo cáo của cơ quan."),
    )

    def addresses(self) -> list[str]:
        return [a.strip() for a in self.emails.replace(",", "\n").replace(";", "\n").splitlines() if a.strip()]


class ReminderLog(models.Model):
    """What was sent to an agency on a day: at most one digest per agency and day."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="reminder_logs")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.TextField(default="")
    subject = models.CharField(max_length=300, default="")
    items = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="reminderlog_once_a_day")]


class CalendarToken(models.Model):
    """The secret in a user's calendar subscription URLs; rotating it cuts off every old URL."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_token")
    key = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now=True)

    @classmethod
    def for_user(cls, user: Any) -> CalendarToken:
        from hoptac.records import audit, perms

        token, created = cls.objects.get_or_create(user=user, defaults={"key": secrets.token_urlsafe(24)})
        if created:  # the key itself is never logged (``audit.SECRET_FIELDS``)
            office = perms.office_of(user)
            audit.log(user, "create", token, after=audit.snapshot(token), summary="Tạo mã lịch", office=office)
        return token

    def rotate(self) -> None:
        self.key = secrets.token_urlsafe(24)
        self.save(update_fields=["key", "created"])
