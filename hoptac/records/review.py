"""The review form: what the officer corrects in an extraction before it is stored.

``parse_decisions`` reads the posted form into decisions and the officer's mistakes (each one line, in the
officer's language); ``apply_decisions`` makes the reviewed extraction from them. A field absent from the form
leaves the extracted value as it was. Dates are typed as printed ("24/11/2022", "11/2022", "31/10" for a day
of every year) and stored as the extraction format has them ("2022-11-24", "2022-11", "--10-31").
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from hoptac.records.limits import MAX_LINE, MAX_TEXT, MAX_TITLE, too_long

__all__ = [
    "SECTIONS",
    "apply_decisions",
    "due_display",
    "iso_input",
    "names",
    "parse_decisions",
    "parse_parties",
    "review_items",
]

SECTIONS = ("tasks", "reporting", "agreements", "events", "parties", "references")
DOC_FIELDS = ("kind", "number", "issuer", "date", "title", "signers")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_MY = re.compile(r"^(\d{1,2})[/.-](\d{4})$")
_DM = re.compile(r"^(\d{1,2})[/.-](\d{1,2})$")
_ISO = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$|^--\d{2}-\d{2}$")
_PARTY = re.compile(r"^(.*?)\s*\(([A-Za-z]{2})\)\s*$")


class InputError(ValueError):
    """One field the officer typed wrong."""


def names(text: str) -> list[str]:
    return [n.strip() for n in re.split(r"[;\n]", text) if n.strip()]


def _valid(year: int, month: int, day: int | None = None) -> bool:
    import calendar

    if not (1900 <= year <= 2200 and 1 <= month <= 12):
        return False
    return day is None or 1 <= day <= calendar.monthrange(year, month)[1]


def iso_input(text: str, *, every_year: bool = False) -> str | None:
    """ "24/11/2022" → "2022-11-24", "11/2022" → "2022-11", "2022" → "2022", "31/10" → "--10-31" (a day
    of every year, when ``every_year``); "" → None. Anything else raises ``InputError``."""
    text = text.strip()
    if not text:
        return None
    if m := _DMY.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        if _valid(year, month, day):
            return f"{year:04d}-{month:02d}-{day:02d}"
    elif m := _MY.match(text):
        if _valid(int(m[2]), int(m[1])):
            return f"{int(m[2]):04d}-{int(m[1]):02d}"
    elif (m := _DM.match(text)) and every_year:
        if _valid(2024, int(m[2]), int(m[1])):
            return f"--{int(m[2]):02d}-{int(m[1]):02d}"
    elif _ISO.match(text):
        if text.startswith("--"):
            if every_year and _valid(2024, int(text[2:4]), int(text[5:7])):
                return text
        elif _valid(int(text[:4]), int(text[5:7]) if len(text) > 4 else 1, int(text[8:10]) if len(text) > 7 else None):
            return text
    raise InputError(text)


def due_display(due: Any) -> str:
    """The reverse of ``iso_input``: "2022-11-24" → "24/11/2022", "--10-31" → "31/10", "2022-11" → "11/2022"."""
    if not isinstance(due, str) or not due:
        return ""
    if re.fullmatch(r"--\d{2}-\d{2}", due):
        return f"{due[5:7]}/{due[2:4]}"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", due):
        return f"{due[8:10]}/{due[5:7]}/{due[:4]}"
    if re.fullmatch(r"\d{4}-\d{2}", due):
        return f"{due[5:7]}/{due[:4]}"
    return due


def _year(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if text.isdigit() and 1900 <= int(text) <= 2200:
        return int(text)
    raise InputError(text)


def _years(text: str) -> list[int]:
    out = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if part:
            year = _year(part)
            if year is not None and year not in out:
                out.append(year)
    return sorted(out)


def parse_parties(text: str) -> list[dict[str, str]]:
    """One party a line, "huyện Na Pô (CN)"; without a code, the vocabulary's country of the place (else VN)."""
    from hoptac.extract.vocab import lookup_locality

    out = []
    for line in names(text):
        m = _PARTY.match(line)
        name, country = (m[1].strip(), m[2].upper()) if m else (line, "")
        if not country:
            loc = lookup_locality(name)
            country = loc.country if loc else "VN"
        out.append({"name": name, "country": country})
    return out


def _text(post: Any, key: str, d: dict[str, Any], field: str) -> None:
    if key in post:
        d[field] = " ".join(str(post.get(key, "")).split())


def parse_decisions(post: Any, extraction: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The review form → decisions for ``apply_decisions``, and the errors, each naming the item."""
    decisions: dict[str, Any] = {}
    errors: list[str] = []

    def bad(label: str, value: str, expected: str) -> None:
        errors.append(_("%(item)s: «%(value)s» không hợp lệ (%(expected)s).") % {
            "item": label, "value": value, "expected": expected})

    # Lengths first: nothing past the limits is read further (issue 11's free-text limits).
    for key in post:
        value = str(post.get(key, ""))
        limit = MAX_TITLE if key.endswith("-title") else MAX_TEXT
        if len(value) > limit:
            errors.append(_("%(item)s: %(why)s") % {"item": key, "why": too_long(limit, len(value))})
        elif key.endswith(("-lead", "-support", "-from", "-to")) and any(len(n) > MAX_LINE for n in names(value)):
            errors.append(
                _("%(item)s: tên cơ quan quá dài (tối đa %(n)s ký tự mỗi cơ quan).") % {"item": key, "n": MAX_LINE}
            )
    if errors:
        return decisions, errors
    day_forms = _("dd/mm/yyyy, mm/yyyy hoặc yyyy")
    doc: dict[str, Any] = {}
    for field in DOC_FIELDS:
        key = f"doc-{field}"
        if key not in post:
            continue
        value = str(post.get(key, ""))
        if field == "date":
            try:
                doc["date"] = iso_input(value)
            except InputError:
                bad(_("Ngày văn bản"), value, day_forms)
        elif field == "signers":
            doc["signers"] = names(value)
        else:
            doc[field] = " ".join(value.split())
    decisions["document"] = doc
    if "period-from" in post or "period-to" in post:
        try:
            first, last = _year(str(post.get("period-from", ""))), _year(str(post.get("period-to", "")))
        except InputError as exc:
            bad(_("Thời kỳ của kế hoạch"), str(exc), _("năm, ví dụ 2024"))
        else:
            if (first is None) != (last is None) or (first and last and first > last):
                errors.append(_("Thời kỳ của kế hoạch: hãy nhập năm bắt đầu và năm kết thúc (bắt đầu trước kết thúc)."))
            decisions["period"] = {"from": first, "to": last} if first and last else None
    for section in SECTIONS:
        chosen: dict[int, dict[str, Any]] = {}
        for i, item in enumerate(extraction.get(section) or []):
            p = f"{section}-{i}-"
            label = _("Mục %(n)s") % {"n": item.get("ref") or i + 1}
            d: dict[str, Any] = {"keep": post.get(p + "keep") == "on"}
            if section == "tasks":
                label = _("Nhiệm vụ %(ref)s") % {"ref": item.get("ref") or i + 1}
                for field in ("title", "lead", "support", "ref"):
                    if p + field in post:
                        d[field] = str(post.get(p + field, ""))
                if d["keep"] and "title" in d and not d["title"].strip():
                    errors.append(_("Nhiệm vụ %(ref)s: tên nhiệm vụ không được để trống.") % {
                        "ref": item.get("ref") or i + 1})
                if p + "due" in post:
                    when: dict[str, Any] = {"yearly": post.get(p + "yearly") == "on",
                                            "ongoing": post.get(p + "ongoing") == "on"}
                    value = str(post.get(p + "due", ""))
                    try:
                        when["due"] = iso_input(value, every_year=True)
                    except InputError:
                        bad(label, value, _("hạn dd/mm/yyyy, mm/yyyy, hoặc dd/mm cho hằng năm"))
                    try:
                        when["years"] = _years(str(post.get(p + "years", "")))
                        when["from_year"] = _year(str(post.get(p + "from_year", "")))
                    except InputError as exc:
                        bad(label, str(exc), _("năm, ví dụ 2024"))
                    d["when"] = when
            elif section == "reporting":
                label = _("Quy định báo cáo %(n)s") % {"n": i + 1}
                if p + "to" in post:
                    d["from"] = names(str(post.get(p + "from", "")))
                    d["to"] = " ".join(str(post.get(p + "to", "")).split())
                    d["yearly"] = post.get(p + "yearly") == "on"
                    value = str(post.get(p + "due", ""))
                    try:
                        d["due"] = iso_input(value, every_year=d["yearly"])
                    except InputError:
                        bad(label, value, _("dd/mm cho hằng năm, dd/mm/yyyy cho một lần"))
                    if d["keep"] and not d["to"]:
                        errors.append(_("%(item)s: hãy ghi cơ quan nhận báo cáo.") % {"item": label})
            elif section == "agreements":
                label = _("Thỏa thuận %(n)s") % {"n": i + 1}
                for field in ("kind", "title", "status"):
                    _text(post, p + field, d, field)
                if p + "parties" in post:
                    d["parties"] = parse_parties(str(post.get(p + "parties", "")))
                    if d["keep"] and not any(x["country"] != "VN" for x in d["parties"]):
                        errors.append(_("%(item)s: hãy ghi ít nhất một bên nước ngoài, ví dụ «huyện Na Pô (CN)».")
                                      % {"item": label})
                if p + "signed" in post:
                    value = str(post.get(p + "signed", ""))
                    try:
                        d["signed"] = iso_input(value)
                    except InputError:
                        bad(label, value, day_forms)
                if p + "from" in post:
                    try:
                        first, last = _year(str(post.get(p + "from", ""))), _year(str(post.get(p + "to", "")))
                    except InputError as exc:
                        bad(label, str(exc), _("năm, ví dụ 2024"))
                    else:
                        if first and last and first > last:
                            errors.append(_("%(item)s: năm bắt đầu phải trước năm kết thúc.") % {"item": label})
                        d["period"] = {"from": first, "to": last} if first and last else None
            elif section == "events":
                label = _("Sự kiện %(n)s") % {"n": i + 1}
                for field in ("kind", "title", "partner"):
                    _text(post, p + field, d, field)
                if p + "date" in post:
                    value = str(post.get(p + "date", ""))
                    try:
                        d["date"] = iso_input(value)
                    except InputError:
                        bad(label, value, day_forms)
                if d["keep"] and "title" in d and not d["title"]:
                    errors.append(_("%(item)s: hãy ghi tên sự kiện.") % {"item": label})
            chosen[i] = d
        decisions[section] = chosen
    return decisions, errors


def apply_decisions(extraction: dict[str, Any], decisions: dict[str, Any]) -> dict[str, Any]:
    """The extraction as the clerk reviewed it.

    ``decisions`` maps each of ``SECTIONS`` to ``{index: {"keep": bool, ...edits}}`` (a section left out keeps
    every item), ``"document"`` to the header's edits and ``"period"`` to the plan's years (or None)."""
    out = dict(extraction)
    if decisions.get("document"):
        out["document"] = {**(extraction.get("document") or {}), **decisions["document"]}
    if "period" in decisions:
        out["period"] = decisions["period"]
    for section in SECTIONS:
        if section not in decisions and section in ("reporting", "agreements"):
            continue
        items = list(extraction.get(section) or [])
        chosen = decisions.get(section) or {}
        kept = []
        for i, item in enumerate(items):
            d = chosen.get(i, chosen.get(str(i), {"keep": True}))
            if not d.get("keep"):
                continue
            item = dict(item)
            for field, value in d.items():
                if field == "keep":
                    continue
                if section == "tasks" and field in ("lead", "support"):
                    item[field] = names(value) if isinstance(value, str) else list(value)
                elif section == "tasks" and field == "when":
                    item["when"] = {**(item.get("when") or {}), **value}
                elif isinstance(value, str):
                    item[field] = value.strip()
                else:
                    item[field] = value
            kept.append(item)
        out[section] = kept
    return out


def review_items(extraction: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The items as the form shows them: names joined, dates as printed."""
    out: dict[str, list[dict[str, Any]]] = {}
    for section in SECTIONS:
        rows = []
        for i, item in enumerate(extraction.get(section) or []):
            row = dict(item)
            row["index"] = i
            if section == "tasks":
                when = item.get("when") or {}
                row["lead_text"] = "; ".join(item.get("lead") or [])
                row["support_text"] = "; ".join(item.get("support") or [])
                row["due_text"] = due_display(when.get("due"))
                row["years_text"] = ", ".join(str(y) for y in when.get("years") or [])
                row["from_year"] = when.get("from_year") or ""
                row["yearly"], row["ongoing"] = bool(when.get("yearly")), bool(when.get("ongoing"))
            elif section == "reporting":
                row["from_text"] = "; ".join(item.get("from") or [])
                row["due_text"] = due_display(item.get("due"))
            elif section == "agreements":
                row["parties_text"] = "\n".join(
                    f"{p.get('name')} ({p.get('country') or 'VN'})" for p in item.get("parties") or []
                )
                row["signed_text"] = due_display(item.get("signed"))
                period = item.get("period") or {}
                row["from"], row["to"] = period.get("from") or "", period.get("to") or ""
            elif section == "events":
                row["date_text"] = due_display(item.get("date"))
            rows.append(row)
        out[section] = rows
    return out
