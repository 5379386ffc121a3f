"""Forms: every error a clerk can make is shown next to its field, in Vietnamese."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoptac.records import perms
from hoptac.records.limits import (
    MAX_LINE,
    MAX_PASSWORD,
    MAX_TEXT,
    MAX_TITLE,
    IdChoiceField,
    IdMultipleChoiceField,
    bound_dates,
    bound_text,
    check_date,
)
from hoptac.records.models import (
    Agency,
    Agreement,
    Document,
    Event,
    Occurrence,
    Office,
    Partner,
    Profile,
    ProgressReport,
    Status,
    partner_key,
    partner_level,
)
from hoptac.records.text import name_key

MAX_UPLOAD_MB = 20
MAX_REPORT_TEXT = MAX_TEXT  # as the API's
# What a report may attach: office documents, PDF, plain text and pictures. Nothing a browser would run
# (HTML, SVG, scripts) or a computer would execute; the ones with a fixed signature must carry it.
ATTACHMENT_TYPES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".ppt": (b"\xd0\xcf\x11\xe0",),
    ".rtf": (b"{\\rtf",),
    ".txt": (),
    ".csv": (),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".zip": (b"PK\x03\x04",),
}


def check_attachment(f: Any) -> None:
    """Refuse, with one line, an attachment that is empty, too large, of a type not in ATTACHMENT_TYPES, or
    whose content is not what its name says."""
    from pathlib import Path

    if f.size > MAX_UPLOAD_MB * 1024 * 1024:
        raise ValidationError(_("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": MAX_UPLOAD_MB})
    if f.size == 0:
        raise ValidationError(_("Tệp rỗng."))
    suffix = Path(f.name or "").suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("Không nhận tệp loại này; chỉ nhận: %(types)s.") % {"types": " ".join(ATTACHMENT_TYPES)}
        )
    signatures = ATTACHMENT_TYPES[suffix]
    if signatures:
        head = f.read(16)
        f.seek(0)
        if not any(head.startswith(sig) for sig in signatures):
            raise ValidationError(_("Nội dung tệp không đúng định dạng %(suffix)s.") % {"suffix": suffix})


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp văn bản (.txt .md .html .docx .pdf)"))

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size == 0:
            raise ValidationError(_("Tệp rỗng."))
        if f.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise ValidationError(_("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": MAX_UPLOAD_MB})
        return f


class PeriodChoiceField(IdChoiceField):
    """A task's periods by year and due date ("Năm 2024 · hạn 31/12/2024"): the task's title, the same on every
    option, would push the dates out of sight on a phone."""

    def label_from_instance(self, obj: Any) -> str:
        label = _("Năm %(year)s · hạn %(due)s") % {"year": obj.year, "due": f"{obj.due:%d/%m/%Y}"}
        if obj.status in (Status.DONE, Status.CANCELLED):
            label += f" ({obj.get_status_display().lower()})"
        return label


def current_period(occurrences: Any, today: Any) -> Any:
    """The period a report is most likely about: this year's open one, else the open one due soonest from
    today, else the latest overdue one still open, else this year's, else the last."""
    items = list(occurrences)
    open_ = [o for o in items if o.status not in (Status.DONE, Status.CANCELLED)]
    for pool in (open_, items):
        this_year = [o for o in pool if o.year == today.year]
        if this_year:
            return min(this_year, key=lambda o: o.due)
        ahead = [o for o in pool if o.due >= today]
        if ahead:
            return min(ahead, key=lambda o: o.due)
        if pool:
            return max(pool, key=lambda o: o.due)
    return None


class ProgressReportForm(forms.ModelForm):
    occurrence = PeriodChoiceField(queryset=Occurrence.objects.none(), label=_("Kỳ báo cáo"))
    # A new token each time the form is shown: the same form sent twice (a double click, a resend) is one report.
    once = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    class Meta:
        model = ProgressReport
        fields = ["occurrence", "status", "percent", "text", "attachment"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, task: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if task is not None:
            occurrences = task.occurrences.order_by("year", "due")
            self.fields["occurrence"].queryset = occurrences
            self.fields["occurrence"].empty_label = None
            current = current_period(occurrences, timezone.localdate())
            if current is not None:
                self.fields["occurrence"].initial = current.pk
        self.fields["status"].choices = Status.choices
        self.fields["percent"].min_value = 0
        self.fields["percent"].max_value = 100
        self.fields["percent"].validators.append(_percent)
        bound_text(self, text=MAX_REPORT_TEXT)
        if not self.is_bound:
            self.fields["once"].initial = secrets.token_urlsafe(24)

    def clean_text(self) -> str:
        text = str(self.cleaned_data.get("text") or "").strip()
        if not text:
            raise ValidationError(_("Hãy ghi nội dung báo cáo."))
        return text

    def clean_attachment(self) -> Any:
        f = self.cleaned_data.get("attachment")
        if f:
            check_attachment(f)
        return f


def _percent(value: int) -> None:
    if value is not None and not 0 <= value <= 100:
        raise ValidationError(_("Tiến độ phải từ 0 đến 100%."))


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên mã (dùng cho việc gì)"), max_length=100, required=False)
    expires = forms.DateField(
        label=_("Hết hạn sau ngày (để trống: không hết hạn)"),
        required=False,
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )

    def clean_expires(self) -> Any:
        day = self.cleaned_data.get("expires")
        if day is not None:
            check_date(day)
            if day < timezone.localdate():
                raise ValidationError(_("Ngày hết hạn đã qua."))
        return day


class BulkStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices, label=_("Tình trạng mới"))
    ids = forms.CharField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task_ids: list[int] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else self.data.get("ids", [])
        try:
            self.task_ids = sorted({int(x) for x in raw})
        except (TypeError, ValueError):
            raise ValidationError(_("Danh sách nhiệm vụ không hợp lệ.")) from None
        if not self.task_ids:
            raise ValidationError(_("Hãy chọn ít nhất một nhiệm vụ."))
        return data


class AgencyMergeForm(forms.Form):
    """Merge the agency shown into another of the office's agencies."""

    into = IdChoiceField(queryset=Agency.objects.none(), label=_("Gộp vào cơ quan"))
    confirm = forms.BooleanField(label=_("Tôi hiểu: cơ quan này sẽ bị xóa sau khi chuyển hết sang cơ quan kia."))

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = Agency.objects.filter(office_id=agency.office_id).exclude(pk=agency.pk)
        self.fields["into"].error_messages["invalid_choice"] = _("Hãy chọn một cơ quan khác của văn phòng.")
        self.fields["into"].error_messages["required"] = _("Hãy chọn cơ quan để gộp vào.")
        self.fields["confirm"].error_messages["required"] = _("Hãy đánh dấu xác nhận trước khi gộp.")


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["kind", "date", "title", "place", "members", "parties", "agreement", "document"]
        widgets = {"members": forms.Textarea(attrs={"rows": 2}), "title": forms.TextInput()}
        field_classes = {"parties": IdMultipleChoiceField, "agreement": IdChoiceField, "document": IdChoiceField}
        labels = {"parties": _("Đối tác"), "agreement": _("Thỏa thuận"), "document": _("Văn bản nguồn")}

    def __init__(self, *args: Any, office: Office | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].required = True
        self.fields["date"].widget.attrs["placeholder"] = "dd/mm/yyyy"
        # Only the office's own rows: partners of the foreign side, its agreements and documents.
        self.fields["parties"].queryset = Partner.objects.filter(office=office).exclude(country="VN")
        self.fields["parties"].required = False
        self.fields["agreement"].queryset = Agreement.objects.filter(office=office)
        self.fields["document"].queryset = Document.objects.filter(office=office).defer("text", "extraction")
        for name in ("parties", "agreement", "document"):
            self.fields[name].error_messages["invalid_choice"] = _("Lựa chọn không hợp lệ.")
            self.fields[name].error_messages["invalid_pk_value"] = _("Lựa chọn không hợp lệ.")
        bound_dates(self)
        bound_text(self, title=MAX_TITLE, place=MAX_LINE)


def check_agreement_years(form: forms.BaseForm, data: dict[str, Any]) -> None:
    """An agreement's years lie between 1945 and 2200 (no "2 to 3")."""
    for name in ("start_year", "end_year"):
        year = data.get(name)
        if year is not None and not 1945 <= year <= 2200:
            form.add_error(name, _("Năm không hợp lệ."))
            data.pop(name, None)


class AgreementStatusForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["status", "signed_on", "start_year", "end_year"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_dates(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_agreement_years(self, data)
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and start > end:
            raise ValidationError(_("Năm bắt đầu phải trước năm kết thúc."))
        return data


COUNTRY = re.compile(r"^[A-Z]{2}$")
COUNTRY_ERROR = _("Mã quốc gia gồm 2 chữ cái theo ISO (ví dụ VN, LA, CN).")
NEW = "new:"


def _lines(text: str) -> list[str]:
    out: list[str] = []
    for line in text.splitlines():
        name = " ".join(line.split())
        if name and name not in out:
            out.append(name)
    return out


class PartnerForm(forms.ModelForm):
    """A partner; for a Vietnamese unit, the successor after the 1 July 2025 reorganisation is suggested."""

    aliases_text = forms.CharField(
        label=_("Tên khác (mỗi dòng một tên)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    successor_choice = forms.ChoiceField(label=_("Đơn vị kế thừa (sau sắp xếp 2025)"), required=False)
    suggested = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Partner
        fields = ["name", "level", "country", "native_name", "romanization"]
        help_texts = {"country": _("Mã ISO 2 chữ cái: VN, LA, CN, KH, JP, KR…")}

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.office = office
        others = Partner.objects.filter(office=office).order_by("country", "name")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
            self.fields["aliases_text"].initial = "\n".join(self.instance.aliases or [])
            self.fields["successor_choice"].initial = str(self.instance.successor_id or "")
        self.choices = [("", _("— Không —"))] + [
            (str(pk), f"{name} ({c or '?'})") for pk, name, c in others.values_list("pk", "name", "country")
        ]
        self.fields["successor_choice"].choices = self.choices
        self.fields["successor_choice"].error_messages["invalid_choice"] = _("Đơn vị kế thừa không hợp lệ.")
        self.fields["name"].error_messages["required"] = _("Hãy nhập tên đối tác.")
        self.fields["level"].error_messages["invalid_choice"] = _("Cấp không hợp lệ.")
        self.fields["country"].error_messages["max_length"] = COUNTRY_ERROR
        self.fields["country"].widget.attrs.update({"maxlength": 2, "size": 3})
        value = str(self.data.get("successor_choice") or "") if self.is_bound else ""
        if value.startswith(NEW):  # suggested on the previous round: only a unit the vocabulary knows
            self._new_choice(value[len(NEW) :])
        bound_text(self, aliases_text=50 * (MAX_LINE + 1), suggested=MAX_TITLE)

    def suggest(self, data: dict[str, Any]) -> dict[str, str]:
        """What the vocabulary knows of the partner ``data`` describes that was left empty: its country,
        level, native name and romanisation, and for a Vietnamese unit its 2025 successor."""
        from hoptac.extract.vocab import lookup_locality, successor

        name, country = data.get("name") or "", data.get("country") or ""
        out: dict[str, str] = {}
        if data.get("level") == Partner.Level.OTHER and partner_level(name) != Partner.Level.OTHER:
            out["level"] = partner_level(name)
        loc = lookup_locality(name, country=country or None, fuzzy=False)
        if loc is not None and not country:
            out["country"] = loc.country
        if loc is not None and loc.country != "VN":
            if loc.native and not data.get("native_name"):
                out["native_name"] = loc.native
            if loc.romanized and not data.get("romanization"):
                out["romanization"] = loc.romanized
        if loc is not None and loc.country == "VN" and not data.get("successor_choice"):
            after = successor(name)
            if after and name_key(after) != name_key(loc.name) and (value := self._successor_value(after)):
                out["successor_choice"] = value
        return out

    def _successor_value(self, name: str) -> str:
        """The choice for Vietnamese unit ``name``: the partner on record, or a new one to add on saving."""
        found = Partner.objects.filter(office=self.office, key=partner_key(name), country="VN").first()
        if found is not None and found.pk != self.instance.pk:
            return str(found.pk)
        return self._new_choice(name)

    def _new_choice(self, name: str) -> str:
        """Offer Vietnamese unit ``name`` (as the vocabulary spells it) as a partner to add on saving."""
        from hoptac.extract.vocab import lookup_locality

        loc = lookup_locality(name, country="VN", fuzzy=False)
        if loc is None:
            return ""
        full = f"{loc.level} {loc.name}" if loc.level else loc.name
        value = NEW + full
        if value not in dict(self.choices):
            self.choices.append((value, _("%(name)s (thêm mới khi lưu)") % {"name": full}))
            self.fields["successor_choice"].choices = self.choices
        return value

    def clean_name(self) -> str:
        name = " ".join(str(self.cleaned_data.get("name") or "").split())
        if not name:
            raise ValidationError(_("Hãy nhập tên đối tác."))
        return name

    def clean_country(self) -> str:
        code = str(self.cleaned_data.get("country") or "").strip().upper()
        if code and not COUNTRY.match(code):
            raise ValidationError(COUNTRY_ERROR)
        return code

    def clean_aliases_text(self) -> list[str]:
        names = _lines(str(self.cleaned_data.get("aliases_text") or ""))
        if len(names) > 50:
            raise ValidationError(_("Tối đa 50 tên khác."))
        if any(len(n) > 300 for n in names):
            raise ValidationError(_("Mỗi tên khác tối đa 300 ký tự."))
        return names

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, country = data.get("name"), data.get("country", "")
        if name:
            same = Partner.objects.filter(office=self.office, key=partner_key(name), country=country)
            if self.instance.pk:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error("name", _("Đã có đối tác này (cùng tên, cùng quốc gia)."))
        value = data.get("successor_choice") or ""
        if value.isdigit() and self.instance.pk:
            seen = {self.instance.pk}
            step = Partner.objects.filter(pk=int(value)).values_list("pk", "successor_id").first()
            while step is not None:
                if step[0] in seen:
                    self.add_error("successor_choice", _("Đơn vị kế thừa tạo thành vòng lặp."))
                    break
                seen.add(step[0])
                step = Partner.objects.filter(pk=step[1]).values_list("pk", "successor_id").first() if step[1] else None
        return data

    def save(self, commit: bool = True) -> Partner:
        partner: Partner = super().save(commit=False)
        partner.office = self.office
        partner.aliases = self.cleaned_data.get("aliases_text") or []
        value = self.cleaned_data.get("successor_choice") or ""
        if value.startswith(NEW):
            name = value[len(NEW) :]
            partner.successor, _created = Partner.objects.get_or_create(
                office=self.office,
                key=partner_key(name),
                country="VN",
                defaults={"name": name, "level": partner_level(name)},
            )
        else:
            partner.successor_id = int(value) if value else None
        if commit:
            partner.save()
        return partner


class AgreementForm(forms.ModelForm):
    """An agreement through its life: kind, parties (any number), signing, period, status, documents."""

    class Meta:
        model = Agreement
        fields = ["kind", "title", "parties", "signed_on", "start_year", "end_year", "status", "documents"]
        field_classes = {"parties": IdMultipleChoiceField, "documents": IdMultipleChoiceField}
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "parties": forms.CheckboxSelectMultiple,
            "documents": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.office = office
        parties: Any = self.fields["parties"]
        parties.queryset = Partner.objects.filter(office=office).order_by("country", "name")
        parties.label_from_instance = lambda p: f"{p.name} ({p.country or '?'})"
        parties.required = True
        parties.error_messages["required"] = _("Hãy chọn ít nhất một bên ký kết.")
        parties.error_messages["invalid_choice"] = _("Bên ký kết không hợp lệ.")
        documents: Any = self.fields["documents"]
        documents.queryset = Document.objects.filter(office=office).defer("text", "extraction")
        documents.required = False
        documents.error_messages["invalid_choice"] = _("Văn bản không hợp lệ.")
        documents.help_text = _("Giữ Ctrl để chọn nhiều văn bản.")
        self.fields["title"].error_messages["required"] = _("Hãy nhập tên thỏa thuận.")
        self.fields["kind"].error_messages["invalid_choice"] = _("Loại văn bản thỏa thuận không hợp lệ.")
        self.fields["status"].error_messages["invalid_choice"] = _("Tình trạng không hợp lệ.")
        self.fields["signed_on"].widget.attrs["placeholder"] = "dd/mm/yyyy"
        self.fields["signed_on"].error_messages["invalid"] = _("Ngày ký không hợp lệ (dd/mm/yyyy).")
        for name in ("start_year", "end_year"):
            self.fields[name].error_messages["invalid"] = _("Năm phải là một số.")
        bound_dates(self)
        bound_text(self, title=MAX_TITLE)

    def clean_title(self) -> str:
        title = " ".join(str(self.cleaned_data.get("title") or "").split())
        if not title:
            raise ValidationError(_("Hãy nhập tên thỏa thuận."))
        return title

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end, signed = data.get("start_year"), data.get("end_year"), data.get("signed_on")
        check_agreement_years(self, data)
        if start and end and start > end:
            self.add_error("end_year", _("Năm kết thúc phải sau năm bắt đầu."))
        if signed and end and signed.year > end:
            self.add_error("signed_on", _("Ngày ký phải trước khi hết giai đoạn."))
        return data


ASSIGNABLE_ROLES = [
    (value, label)
    for value, label in Profile.Role.choices
    if value in (Profile.Role.OFFICER, Profile.Role.REPORTER, Profile.Role.VIEWER)
]


class UserForm(forms.Form):
    """A user of an office: created by the office's officer or a national administrator, never deleted
    (deactivated instead, so the audit log keeps naming who did what)."""

    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    office = IdChoiceField(label=_("Văn phòng"), queryset=Office.objects.none())
    role = forms.ChoiceField(label=_("Vai trò"), choices=ASSIGNABLE_ROLES)
    agency = IdChoiceField(label=_("Cơ quan (với cán bộ báo cáo)"), queryset=Agency.objects.none(), required=False)
    is_active = forms.BooleanField(label=_("Đang hoạt động"), required=False, initial=True)
    password1 = forms.CharField(label=_("Mật khẩu"), widget=forms.PasswordInput, required=False, strip=False)
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), widget=forms.PasswordInput, required=False, strip=False)

    def __init__(self, *args: Any, actor: Any, offices: Any, user: Any = None, **kwargs: Any) -> None:
        """``offices``: those ``actor`` manages (one for an officer); ``user``: the one edited, None to create."""
        super().__init__(*args, **kwargs)
        self.actor, self.user = actor, user
        roles = list(ASSIGNABLE_ROLES)
        if perms.is_national(actor):  # an office's administrator is named by a national one
            roles.append((Profile.Role.ADMIN, _("Quản trị văn phòng")))
        self.fields["role"].choices = roles
        self.fields["role"].error_messages["invalid_choice"] = _("Vai trò không hợp lệ.")
        self.fields["office"].queryset = offices
        self.fields["office"].error_messages["invalid_choice"] = _("Văn phòng không hợp lệ.")
        self.fields["office"].error_messages["required"] = _("Hãy chọn văn phòng.")
        # a national administrator always picks the office: a new account never lands in one silently
        if offices.count() == 1 and not perms.is_national(actor):
            self.fields["office"].initial = offices.first()
            self.fields["office"].widget = forms.HiddenInput()
        self.fields["agency"].queryset = Agency.objects.filter(office__in=offices).order_by("name")
        self.fields["agency"].error_messages["invalid_choice"] = _("Cơ quan không hợp lệ.")
        self.fields["username"].error_messages["required"] = _("Hãy nhập tên đăng nhập.")
        self.fields["email"].error_messages["invalid"] = _("Địa chỉ thư điện tử không hợp lệ.")
        if user is None:
            self.fields["password1"].required = True
            self.fields["password1"].error_messages["required"] = _("Hãy đặt mật khẩu.")
            del self.fields["is_active"]
        else:
            self.fields["username"].disabled = True
            self.fields["password1"].label = _("Mật khẩu mới (để trống nếu không đổi)")
            self.fields["password2"].label = _("Nhập lại mật khẩu mới")
        bound_text(self, password1=MAX_PASSWORD, password2=MAX_PASSWORD)

    def clean_username(self) -> str:
        name = str(self.cleaned_data.get("username") or "").strip()
        if self.user is not None:
            return str(self.user.get_username())
        if not re.fullmatch(r"[\w.@+-]+", name):
            raise ValidationError(_("Tên đăng nhập chỉ gồm chữ, số và các ký tự . @ + - _ (không dấu cách)."))
        if get_user_model().objects.filter(username__iexact=name).exists():
            raise ValidationError(_("Tên đăng nhập này đã có người dùng."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, agency, office = data.get("role"), data.get("agency"), data.get("office")
        if role != Profile.Role.REPORTER:
            data["agency"] = None  # only a reporter belongs to an agency
        elif agency is None and "agency" not in self.errors:
            self.add_error("agency", _("Cán bộ báo cáo cần thuộc một cơ quan."))
        elif agency is not None and office is not None and agency.office_id != office.pk:
            self.add_error("agency", _("Cơ quan này không thuộc văn phòng đã chọn."))
        p1, p2 = data.get("password1") or "", data.get("password2") or ""
        if p1 or p2:
            if p1 != p2:
                self.add_error("password2", _("Hai lần nhập mật khẩu không khớp."))
            else:
                probe = self.user or get_user_model()(username=data.get("username") or "")
                try:
                    validate_password(p1, probe)
                except ValidationError as exc:
                    self.add_error("password1", exc)
        own = self.user is not None and self.user.pk == self.actor.pk
        if own and (not data.get("is_active", True) or role != str(self.user.profile.role)):
            self.add_error(None, _("Bạn không thể tự khóa hoặc đổi vai trò tài khoản của mình."))
        return data
