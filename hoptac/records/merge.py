"""Two agencies that are one body ("Hội LHPN tỉnh" and "Hội Liên hiệp Phụ nữ tỉnh Bắc Giang"): one is merged
into the other. Its tasks (lead and support), progress reports, reporting rules, report dues, yearly reports,
reminders and reporters move over, its names become the other's aliases, and it is removed: one audit entry
on the agency that stays, one for the removal. All or nothing."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hoptac.errors import HoptacError
from hoptac.records import audit
from hoptac.records.models import Agency, Profile, ProgressReport, Task

__all__ = ["merge_agencies"]


def merge_agencies(source: Agency, target: Agency, user: Any = None) -> dict[str, int]:
    """Move everything of ``source`` to ``target`` and remove ``source``; returns what moved, by kind."""
    from hoptac.cycle.models import AgencyReport, ReminderLog, ReminderSetting, ReportDue, ReportingRule

    if source.pk == target.pk:
        raise HoptacError(_("Không thể gộp một cơ quan vào chính nó."))
    if source.office_id != target.office_id:
        raise HoptacError(_("Chỉ gộp được hai cơ quan của cùng một văn phòng."))
    moved: dict[str, int] = {}
    with transaction.atomic():
        source = Agency.objects.select_for_update().get(pk=source.pk)
        target = Agency.objects.select_for_update().get(pk=target.pk)
        for report in AgencyReport.objects.filter(agency=source):
            if AgencyReport.objects.filter(agency=target, plan_id=report.plan_id, year=report.year).exists():
                raise HoptacError(
                    _("Cả hai cơ quan đã nộp báo cáo năm %(year)s của cùng một kế hoạch: hãy xử lý trước khi gộp.")
                    % {"year": report.year}
                )
        before = {**audit.snapshot(target), "merged": audit.snapshot(source)}
        summary = _("Gộp cơ quan «%(source)s» vào «%(target)s»") % {"source": source.name, "target": target.name}

        def moved_row(obj: Any, field: str, before: Any, after: Any) -> None:
            audit.log(user, "update", obj, before={field: before}, after={field: after}, summary=summary[:500])

        for field in ("lead", "support"):
            tasks = list(Task.objects.filter(**{field: source}))
            for task in tasks:
                was = sorted(a.pk for a in getattr(task, field).all())
                getattr(task, field).remove(source)
                getattr(task, field).add(target)
                if field == "support" and task.lead.filter(pk=target.pk).exists():
                    task.support.remove(target)  # a task both led and supported now only leads
                moved_row(task, field, was, sorted(a.pk for a in getattr(task, field).all()))
            moved[f"tasks_{field}"] = len(tasks)
        for task in Task.objects.filter(lead=target, support=target):
            task.support.remove(target)
            moved_row(task, "support", "+", sorted(a.pk for a in task.support.all()))
        reports = list(ProgressReport.objects.filter(agency=source))
        for report in reports:
            report.agency = target
            report.save(update_fields=["agency"])
            moved_row(report, "agency_id", source.pk, target.pk)
        moved["reports"] = len(reports)
        rules = list(ReportingRule.objects.filter(senders=source))
        for rule in rules:
            was = sorted(a.pk for a in rule.senders.all())
            rule.senders.remove(source)
            rule.senders.add(target)
            moved_row(rule, "senders", was, sorted(a.pk for a in rule.senders.all()))
        moved["rules"] = len(rules)
        dues = 0
        for due in ReportDue.objects.filter(agency=source):
            same = ReportDue.objects.filter(rule_id=due.rule_id, agency=target, year=due.year).first()
            if same is None:
                due.agency = target
                due.save(update_fields=["agency"])
                moved_row(due, "agency_id", source.pk, target.pk)
            else:
                if due.done and not same.done:
                    same.done_at, same.done_by = due.done_at, due.done_by
                    same.save(update_fields=["done_at", "done_by"])
                    moved_row(same, "done_at", None, same.done_at.isoformat() if same.done_at else None)
                audit.log(user, "delete", due, before=audit.snapshot(due), summary=summary[:500])
                due.delete()
            dues += 1
        moved["dues"] = dues
        yearly = list(AgencyReport.objects.filter(agency=source))
        for report in yearly:
            report.agency = target
            report.save(update_fields=["agency"])
            moved_row(report, "agency_id", source.pk, target.pk)
        moved["yearly_reports"] = len(yearly)
        taken = set(ReminderLog.objects.filter(agency=target).values_list("day", flat=True))
        for log in ReminderLog.objects.filter(agency=source):
            if log.day in taken:
                continue  # goes with the agency: one digest a day was sent to each
            log.agency = target
            log.save(update_fields=["agency"])
            moved_row(log, "agency_id", source.pk, target.pk)
        if not ReminderSetting.objects.filter(agency=target).exists():
            setting = ReminderSetting.objects.filter(agency=source).first()
            if setting is not None:
                fields = {f.attname: getattr(setting, f.attname) for f in setting._meta.concrete_fields}
                fields.pop("agency_id", None)
                copy = ReminderSetting.objects.create(**fields, agency=target)
                audit.log(user, "create", copy, after=audit.snapshot(copy), summary=summary[:500])
        profiles = list(Profile.objects.filter(agency=source))
        for profile in profiles:
            profile.agency = target
            profile.save(update_fields=["agency"])
            moved_row(profile, "agency_id", source.pk, target.pk)
        moved["reporters"] = len(profiles)
        aliases = list(target.aliases)
        for name in (source.name, *source.aliases):
            if name != target.name and name not in aliases:
                aliases.append(name)
        target.aliases = aliases
        if target.locality_id is None and source.locality_id is not None:
            target.locality_id = source.locality_id
        target.save(update_fields=["aliases", "locality"])
        gone = audit.snapshot(source)
        source_pk = source.pk
        source.delete()
        source.pk = source_pk
        audit.log(
            user,
            "merge",
            target,
            before=before,
            after={**audit.snapshot(target), "moved": moved},
            summary=summary[:500],
        )
        audit.log(user, "delete", source, before=gone, summary=_("Đã gộp vào «%(target)s»") % {"target": target.name})
    return moved
