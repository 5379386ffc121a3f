"""The cycle's forms: every error next to its field, in Vietnamese."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from hoptac.cycle.models import CompiledReport, ReminderSetting, ReportingRule
from hoptac.records.limits import MAX_TITLE, IdMultipleChoiceField, bound_dates, bound_text
from hoptac.records.models import Agency, Occurrence, Status

__all__ = ["AgencyReportForm", "CompiledReportForm", "ImportForm", "ReminderForm", "RuleForm"]


class RuleForm(forms.ModelForm):
    class Meta:
        model = ReportingRule
        fields = [
            "all_leads",
            "senders",
            "recipient",
            "yearly",
            "due_day",
            "due_month",
            "due_date",
            "first_year",
            "last_year",
            "compiled",
            "active",
        ]
        widgets = {"senders": forms.SelectMultiple(attrs={"size": 8})}
        field_classes = {"senders": IdMultipleChoiceField}

    def __init__(self, *args: Any, office: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["senders"].queryset = Agency.objects.filter(office=office) if office else Agency.objects.none()
        self.fields["senders"].required = False
        self.fields["due_date"].widget.attrs["placeholder"] = "dd/mm/yyyy"
        bound_dates(self)
        bound_text(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("all_leads") and not data.get("senders"):
            raise ValidationError(_("Hãy chọn cơ quan báo cáo, hoặc đánh dấu “mọi cơ quan chủ trì”."))
        if data.get("yearly"):
            day, month = data.get("due_day"), data.get("due_month")
            if bool(day) != bool(month):
                self.add_error("due_day", _("Hạn hằng năm cần cả ngày và tháng."))
            elif day and month:
                if not 1 <= month <= 12:
                    self.add_error("due_month", _("Tháng phải từ 1 đến 12."))
                elif not 1 <= day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31):
                    self.add_error("due_day", _("Tháng %(m)s không có ngày %(d)s.") % {"m": month, "d": day})
            data["due_date"] = None
        else:
            data["due_day"] = data["due_month"] = None
        first, last = data.get("first_year"), data.get("last_year")
        for name in ("first_year", "last_year"):
            value = data.get(name)
            if value is not None and not 1900 <= value <= 2200:
                self.add_error(name, _("Năm không hợp lệ."))
        if first and last and first > last:
            self.add_error("last_year", _("Năm kết thúc phải sau năm bắt đầu."))
        return data


class ReminderForm(forms.ModelForm):
    class Meta:
        model = ReminderSetting
        fields = ["enabled", "days_ahead", "emails"]
        widgets = {"emails": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_text(self, emails=5000)

    def clean_days_ahead(self) -> int:
        value = int(self.cleaned_data["days_ahead"])
        if not 0 <= value <= 90:
            raise ValidationError(_("Số ngày nhắc trước phải từ 0 đến 90."))
        return value

    def clean_emails(self) -> str:
        probe = ReminderSetting(emails=self.cleaned_data.get("emails") or "")
        bad = []
        for address in probe.addresses():
            try:
                validate_email(address)
            except ValidationError:
                bad.append(address)
        if bad:
            raise ValidationError(_("Địa chỉ thư không hợp lệ: %(a)s") % {"a": ", ".join(bad)})
        return "\n".join(probe.addresses())


class CompiledReportForm(forms.ModelForm):
    class Meta:
        model = CompiledReport
        fields = [
            "parent_body",
            "issuer",
            "number",
            "symbol",
            "place",
            "date",
            "title",
            "intro",
            "difficulties",
            "proposals",
            "recipients",
            "signer_authority",
            "signer_title",
            "signer_name",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "intro": forms.Textarea(attrs={"rows": 3}),
            "difficulties": forms.Textarea(attrs={"rows": 5}),
            "proposals": forms.Textarea(attrs={"rows": 5}),
            "recipients": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs["placeholder"] = "dd/mm/yyyy"
        bound_dates(self)
        bound_text(self, title=MAX_TITLE)

    def clean_title(self) -> str:
        title = " ".join(str(self.cleaned_data.get("title") or "").split())
        if not title:
            raise ValidationError(_("Hãy ghi trích yếu của báo cáo."))
        return title


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Bảng nhiệm vụ (.xlsx do hoptac xuất)"))


class AgencyReportForm(forms.Form):
    """An agency's yearly report: one status, percent and text per task occurrence it leads that year."""

    summary = forms.CharField(label=_("Tình hình chung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    difficulties = forms.CharField(
        label=_("Khó khăn, vướng mắc"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposals = forms.CharField(label=_("Đề xuất, kiến nghị"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, occurrences: list[Occurrence], initial_lines: dict[int, dict[str, Any]], **kw: Any):
        super().__init__(*args, **kw)
        self.occurrences = occurrences
        for occ in occurrences:
            start = initial_lines.get(occ.pk, {})
            self.fields[f"occ-{occ.pk}-status"] = forms.ChoiceField(
                label=_("Tình trạng"), choices=Status.choices, initial=start.get("status", occ.status)
            )
            self.fields[f"occ-{occ.pk}-percent"] = forms.IntegerField(
                label=_("Tiến độ (%)"), min_value=0, max_value=100, initial=start.get("percent", occ.percent)
            )
            self.fields[f"occ-{occ.pk}-text"] = forms.CharField(
                label=_("Kết quả thực hiện"),
                required=False,
                initial=start.get("text", ""),
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        bound_text(self)

    def lines(self) -> list[dict[str, Any]]:
        """Each occurrence with its three bound fields (for the template)."""
        return [
            {
                "occurrence": occ,
                "status": self[f"occ-{occ.pk}-status"],
                "percent": self[f"occ-{occ.pk}-percent"],
                "text": self[f"occ-{occ.pk}-text"],
            }
            for occ in self.occurrences
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        texts = [str(data.get(f"occ-{o.pk}-text") or "").strip() for o in self.occurrences]
        general = any(str(data.get(k) or "").strip() for k in ("summary", "difficulties", "proposals"))
        if not any(texts) and not general:
            raise ValidationError(_("Báo cáo trống: hãy ghi kết quả ít nhất một nhiệm vụ hoặc tình hình chung."))
        return data
