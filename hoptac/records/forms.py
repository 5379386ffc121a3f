"""Forms: every error a clerk can make is shown next to its field, in Vietnamese."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hoptac.records.models import Agreement, Event, Occurrence, ProgressReport, Status

MAX_UPLOAD_MB = 20


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp văn bản (.txt .md .html .docx .pdf)"))

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size == 0:
            raise ValidationError(_("Tệp rỗng."))
        if f.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise ValidationError(_("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": MAX_UPLOAD_MB})
        return f


class ProgressReportForm(forms.ModelForm):
    occurrence = forms.ModelChoiceField(queryset=Occurrence.objects.none(), label=_("Kỳ báo cáo"))

    class Meta:
        model = ProgressReport
        fields = ["occurrence", "status", "percent", "text", "attachment"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, task: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if task is not None:
            occurrences = task.occurrences.all()
            self.fields["occurrence"].queryset = occurrences
            self.fields["occurrence"].empty_label = None
            first_open = occurrences.exclude(status__in=(Status.DONE, Status.CANCELLED)).first()
            if first_open is not None:
                self.fields["occurrence"].initial = first_open.pk
        self.fields["status"].choices = Status.choices
        self.fields["percent"].min_value = 0
        self.fields["percent"].max_value = 100
        self.fields["percent"].validators.append(_percent)

    def clean_text(self) -> str:
        text = str(self.cleaned_data.get("text") or "").strip()
        if not text:
            raise ValidationError(_("Hãy ghi nội dung báo cáo."))
        return text


def _percent(value: int) -> None:
    if value is not None and not 0 <= value <= 100:
        raise ValidationError(_("Tiến độ phải từ 0 đến 100%."))


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


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["kind", "date", "title", "place", "members"]
        widgets = {"members": forms.Textarea(attrs={"rows": 2}), "title": forms.TextInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].required = True
        self.fields["date"].widget.attrs["placeholder"] = "dd/mm/yyyy"


class AgreementStatusForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["status", "signed_on", "start_year", "end_year"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and start > end:
            raise ValidationError(_("Năm bắt đầu phải trước năm kết thúc."))
        return data
