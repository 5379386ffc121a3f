"""The records: every row belongs to an ``Office`` (a province's or a district's foreign-affairs office)."""

from __future__ import annotations

import hashlib
import re
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoptac.records.text import fold, name_key

User = settings.AUTH_USER_MODEL


class Office(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/thành phố")
        DISTRICT = "district", _("Huyện/xã")

    code = models.SlugField(unique=True, max_length=60)
    name = models.CharField(_("tên"), max_length=200)
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices, default=Level.PROVINCE)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    locality = models.CharField(_("địa bàn"), max_length=200, blank=True, default="")  # "tỉnh Bắc Giang"
    # Bumped on every recorded change of the office's data (see ``audit.log``): the key of cached summaries.
    data_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("văn phòng")

    def __str__(self) -> str:
        return str(self.name)


class OfficeSummary(models.Model):
    """The dashboard's figures of one office as of ``version`` and ``day`` (see ``hoptac.records.summary``)."""

    office = models.OneToOneField(Office, primary_key=True, on_delete=models.CASCADE, related_name="summary")
    version = models.BigIntegerField(default=-1)
    day = models.DateField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)


class OfficeOwned(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class Profile(models.Model):
    """A user's role and office; a user without an office is a national administrator."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Quản trị")
        OFFICER = "officer", _("Cán bộ đối ngoại")
        REPORTER = "reporter", _("Cán bộ báo cáo của cơ quan")
        VIEWER = "viewer", _("Người xem")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.CASCADE, related_name="profiles"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    agency = models.ForeignKey(
        "Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="reporters"
    )

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class ApiToken(models.Model):
    """A key for the API. Only its SHA-256 is stored: the key itself is shown once, when made (``issue``).
    It ends on its expiry day, when revoked, and when its user's password changes or the user is deactivated
    (``end_tokens``)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100, blank=True, default="")
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    expires = models.DateField(_("hết hạn sau ngày"), null=True, blank=True)

    key = ""  # the key itself: only on the instance ``issue`` returns, never stored

    class Meta:
        ordering = ["-created", "-id"]

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()

    @classmethod
    def issue(cls, user: Any, name: str = "", expires: Any = None) -> ApiToken:
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, digest=cls.digest_of(key), expires=expires)
        token.key = key
        return token

    @property
    def expired(self) -> bool:
        return self.expires is not None and self.expires < timezone.localdate()


def end_tokens(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """``pre_save`` of the user model: a new password or a deactivation ends the user's API tokens, wherever
    it is made (the users page, ``hoptac manage``, the admin)."""
    if instance.pk is None or (update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        return
    old = type(instance)._default_manager.filter(pk=instance.pk).values_list("password", "is_active").first()
    if old is not None and (old[0] != instance.password or (old[1] and not instance.is_active)):
        ApiToken.objects.filter(user_id=instance.pk).delete()


class Partner(OfficeOwned):
    """A locality or organisation on either side of a cooperation (our own province included)."""

    class Level(models.TextChoices):
        COUNTRY = "country", _("Quốc gia")
        PROVINCE = "province", _("Tỉnh/bang")
        DISTRICT = "district", _("Huyện/quận")
        COMMUNE = "commune", _("Xã/phường")
        ORGANISATION = "organisation", _("Tổ chức")
        OTHER = "other", _("Khác")

    name = models.CharField(_("tên"), max_length=300)
    key = models.CharField(max_length=300, db_index=True, editable=False)
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices, default=Level.OTHER)
    country = models.CharField(_("quốc gia"), max_length=2, blank=True, default="")
    aliases = models.JSONField(_("tên khác"), default=list, blank=True)
    native_name = models.CharField(_("tên bản ngữ"), max_length=300, blank=True, default="")
    romanization = models.CharField(_("phiên âm La-tinh"), max_length=300, blank=True, default="")
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        verbose_name=_("đơn vị kế thừa (sau sắp xếp 2025)"),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "key", "country"], name="partner_unique_key")
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.key = partner_key(self.name)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return str(self.name)

    @property
    def is_domestic(self) -> bool:
        return self.country == "VN"


LEVEL_WORDS = {
    "tinh": Partner.Level.PROVINCE,
    "thanh pho": Partner.Level.PROVINCE,
    "bang": Partner.Level.PROVINCE,
    "khu tu tri": Partner.Level.PROVINCE,
    "huyen": Partner.Level.DISTRICT,
    "quan": Partner.Level.DISTRICT,
    "thi xa": Partner.Level.DISTRICT,
    "xa": Partner.Level.COMMUNE,
    "phuong": Partner.Level.COMMUNE,
}


PARTY_COMMITTEE = re.compile(r"(?:tinh|thanh|huyen|quan|thi|xa|phuong|khu|dang) uy\b")


def partner_key(name: str) -> str:
    """The key without the level word and spaces: "Tỉnh Na Pô" = "tỉnh Na Po" = "Napô"."""
    key = name_key(name)
    for word in sorted(LEVEL_WORDS, key=len, reverse=True):
        if key.startswith(word + " "):
            return key[len(word) + 1 :].replace(" ", "")
    return key.replace(" ", "")


def partner_level(name: str) -> str:
    key = name_key(name)
    if PARTY_COMMITTEE.match(key):  # "Tỉnh ủy", "Huyện ủy", "Khu ủy": a party committee, not a locality
        return str(Partner.Level.OTHER)
    for word in sorted(LEVEL_WORDS, key=len, reverse=True):
        if key.startswith(word + " "):
            return str(LEVEL_WORDS[word])
    return str(Partner.Level.OTHER)


class Agency(OfficeOwned):
    """A body that leads or supports tasks; spelling variants share ``key``."""

    name = models.CharField(_("tên"), max_length=300)
    key = models.CharField(max_length=300, db_index=True, editable=False)
    aliases = models.JSONField(_("tên khác"), default=list, blank=True)
    locality = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="agencies"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("cơ quan")
        constraints = [models.UniqueConstraint(fields=["office", "key"], name="agency_unique_key")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.key = name_key(self.name)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return str(self.name)


class Document(OfficeOwned):
    class Kind(models.TextChoices):
        KE_HOACH = "ke_hoach", _("Kế hoạch")
        CONG_VAN = "cong_van", _("Công văn")
        BAN_GHI_NHO = "ban_ghi_nho", _("Bản ghi nhớ")
        THOA_THUAN = "thoa_thuan", _("Thỏa thuận")
        BIEN_BAN = "bien_ban", _("Biên bản")
        TIN_BAI = "tin_bai", _("Tin bài")
        BAO_CAO = "bao_cao", _("Báo cáo")
        QUYET_DINH = "quyet_dinh", _("Quyết định")
        THONG_BAO = "thong_bao", _("Thông báo")
        KHAC = "khac", _("Khác")

    file = models.FileField(_("tệp"), upload_to="documents/%Y/", blank=True)
    filename = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64, editable=False)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.KHAC)
    number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True, default="")
    date = models.DateField(_("ngày"), null=True, blank=True)
    date_text = models.CharField(_("ngày (như in)"), max_length=20, blank=True, default="")
    issuer = models.CharField(_("cơ quan ban hành"), max_length=300, blank=True, default="")
    title = models.TextField(_("trích yếu"), blank=True, default="")
    text = models.TextField(_("nội dung"), blank=True, default="")
    extraction = models.JSONField(default=dict, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    reviewed = models.BooleanField(_("đã duyệt"), default=False)
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["office", "sha256"], name="document_unique_content")]

    def __str__(self) -> str:
        label = self.get_kind_display()
        return f"{label} {self.number}".strip() if self.number else f"{label}: {self.title or self.filename}"

    @property
    def year(self) -> int | None:
        if self.date:
            return int(self.date.year)
        text = str(self.date_text or "")
        return int(text[:4]) if text[:4].isdigit() else None


class DocumentLink(OfficeOwned):
    class Kind(models.TextChoices):
        CITES = "cites", _("dẫn chiếu")
        IMPLEMENTS = "implements", _("triển khai")
        REPLACES = "replaces", _("thay thế")

    source = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="links_in"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CITES)
    ref_kind = models.CharField(max_length=100, blank=True, default="")
    ref_number = models.CharField(max_length=100, blank=True, default="")
    ref_date = models.CharField(max_length=20, blank=True, default="")
    ref_issuer = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["id"]


class Agreement(OfficeOwned):
    class Kind(models.TextChoices):
        THOA_THUAN = "thoa_thuan", _("Thỏa thuận")
        BAN_GHI_NHO = "ban_ghi_nho", _("Bản ghi nhớ")
        Y_DINH_THU = "y_dinh_thu", _("Ý định thư")
        BIEN_BAN = "bien_ban", _("Biên bản")

    class Status(models.TextChoices):
        SIGNED = "signed", _("Đã ký")
        IN_FORCE = "in_force", _("Có hiệu lực")
        AMENDED = "amended", _("Đã sửa đổi")
        EXTENDED = "extended", _("Đã gia hạn")
        EXPIRED = "expired", _("Hết hạn")
        TERMINATED = "terminated", _("Chấm dứt")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.THOA_THUAN)
    title = models.TextField(_("tên"))
    parties = models.ManyToManyField(Partner, related_name="agreements", blank=True)
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    start_year = models.PositiveIntegerField(_("từ năm"), null=True, blank=True)
    end_year = models.PositiveIntegerField(_("đến năm"), null=True, blank=True)
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices, default=Status.SIGNED)
    documents = models.ManyToManyField(Document, related_name="agreements", blank=True)
    # The Vietnamese side besides the office (co-signatories are not partners).
    cosignatories = models.JSONField(_("bên ký phía Việt Nam"), default=list, blank=True)
    # False when ``hoptac ingest`` recorded it from a document no one has reviewed yet.
    reviewed = models.BooleanField(_("đã duyệt"), default=True)

    class Meta:
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return str(self.title)


class Plan(OfficeOwned):
    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="plan")
    title = models.TextField(_("tên"))
    start_year = models.PositiveIntegerField(_("từ năm"), null=True, blank=True)
    end_year = models.PositiveIntegerField(_("đến năm"), null=True, blank=True)
    budget = models.BigIntegerField(_("kinh phí (đồng)"), null=True, blank=True)
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans"
    )
    partners = models.ManyToManyField(Partner, related_name="plans", blank=True)

    class Meta:
        ordering = ["-start_year", "-id"]

    def __str__(self) -> str:
        return str(self.title)


class Status(models.TextChoices):
    PENDING = "pending", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    CANCELLED = "cancelled", _("Hủy")


class Task(OfficeOwned):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    ref = models.CharField(_("mục"), max_length=40, blank=True, default="")
    title = models.TextField(_("nhiệm vụ"))
    lead = models.ManyToManyField(Agency, related_name="lead_tasks", blank=True, verbose_name=_("chủ trì"))
    support = models.ManyToManyField(
        Agency, related_name="support_tasks", blank=True, verbose_name=_("phối hợp")
    )
    when = models.JSONField(_("thời gian"), default=dict, blank=True)
    budget = models.BigIntegerField(_("kinh phí (đồng)"), null=True, blank=True)
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices, default=Status.PENDING)
    position = models.PositiveIntegerField(default=0)
    span_start = models.PositiveIntegerField(default=0)
    span_end = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan_id", "position", "id"]
        indexes = [
            models.Index(fields=["office", "status"]),
            models.Index(fields=["office", "plan", "position"], name="task_office_order"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}".strip()


class Occurrence(OfficeOwned):
    """One dated instance of a task (a year of a yearly task, a deadline)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="occurrences")
    year = models.PositiveIntegerField(_("năm"))
    due = models.DateField(_("hạn"))
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices, default=Status.PENDING)
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    last_report_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]
        indexes = [
            models.Index(fields=["office", "due"]),
            models.Index(fields=["office", "year"]),
            models.Index(fields=["office", "status", "due"]),
        ]
        constraints = [models.UniqueConstraint(fields=["task", "due"], name="occurrence_unique_due")]

    def __str__(self) -> str:
        return f"{self.task} ({self.due:%d/%m/%Y})"


def attachment_path(report: Any, filename: str) -> str:
    """A random stored name (the original is kept in ``attachment_name``): nothing to guess, nothing to clash."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"reports/{timezone.now():%Y}/{secrets.token_hex(16)}{suffix if suffix.isascii() else ''}"


class ProgressReport(OfficeOwned):
    class Role(models.TextChoices):
        """In which capacity the author reported: see ``perms.report_role``."""

        OFFICE = "office", _("văn phòng")
        LEAD = "lead", _("cơ quan chủ trì")
        SUPPORT = "support", _("cơ quan phối hợp")

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="reports")
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices)
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    text = models.TextField(_("nội dung báo cáo"))
    attachment = models.FileField(_("tệp đính kèm"), upload_to=attachment_path, blank=True, max_length=200)
    attachment_name = models.CharField(max_length=255, blank=True, default="")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.OFFICE)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The form's per-render token or the API's Idempotency-Key: the same submission is stored once.
    submission_key = models.CharField(max_length=120, blank=True, default="", editable=False)

    replayed = False  # set by ``progress.submit`` on the report a repeated submission returns

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"],
                condition=~models.Q(submission_key=""),
                name="report_unique_submission",
            )
        ]


class Event(OfficeOwned):
    class Kind(models.TextChoices):
        TALKS = "hoi_dam", _("Hội đàm")
        VISIT = "tham", _("Thăm, làm việc")
        SIGNING = "ky_ket", _("Ký kết")
        CONFERENCE = "hoi_nghi", _("Hội nghị")
        DELEGATION_OUT = "doan_ra", _("Đoàn ra")
        DELEGATION_IN = "doan_vao", _("Đoàn vào")
        OTHER = "khac", _("Khác")

    class Precision(models.TextChoices):
        DAY = "day", _("ngày")
        MONTH = "month", _("tháng")
        YEAR = "year", _("năm")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    # A month-only date is stored as the month's first day, a year-only one as 1 January: they sort by time.
    date = models.DateField(_("ngày"), null=True, blank=True)
    date_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    date_text = models.CharField(max_length=20, blank=True, default="")
    title = models.TextField(_("nội dung"))
    place = models.CharField(_("địa điểm"), max_length=300, blank=True, default="")
    parties = models.ManyToManyField(Partner, related_name="events", blank=True)
    members = models.TextField(_("thành phần"), blank=True, default="")
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def date_label(self) -> str:
        """The date as precise as it is known: "24/11/2022", "11/2022", "2022"."""
        if self.date is None:
            return str(self.date_text or "")
        if self.date_precision == self.Precision.YEAR:
            return f"{self.date:%Y}"
        if self.date_precision == self.Precision.MONTH:
            return f"{self.date:%m/%Y}"
        return f"{self.date:%d/%m/%Y}"


class AuditLogError(Exception):
    """An attempt to change or remove an audit entry (the log is append-only)."""


class AuditLogQuerySet(models.QuerySet["AuditLog"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogError("Nhật ký thay đổi chỉ được ghi thêm, không được sửa.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogError("Nhật ký thay đổi chỉ được ghi thêm, không được xóa.")


class AuditLog(models.Model):
    """One recorded change. Append-only: refused here on save of an existing row, delete and queryset
    update/delete, and by the database (triggers of migration 0004). The office, user and document it names
    are PROTECTed, so history is never cut short by a cascade (accounts are deactivated, never deleted)."""

    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=30)
    model = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40, blank=True, default="")
    summary = models.TextField(blank=True, default="")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["office", "at"], name="auditlog_office_at")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogError("Nhật ký thay đổi chỉ được ghi thêm, không được sửa.")
        kwargs["force_insert"] = True  # never an UPDATE, even with a pk set by hand
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogError("Nhật ký thay đổi chỉ được ghi thêm, không được xóa.")


__all__ = [
    "Agency",
    "Agreement",
    "ApiToken",
    "AuditLog",
    "AuditLogError",
    "Document",
    "DocumentLink",
    "Event",
    "Occurrence",
    "Office",
    "OfficeSummary",
    "Partner",
    "Plan",
    "Profile",
    "ProgressReport",
    "Status",
    "Task",
    "fold",
    "name_key",
    "partner_key",
]
