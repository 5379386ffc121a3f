"""Partners, agencies, agreements, plans, events and the relationship graph."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Avg, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from hoptac.dates import vn_date
from hoptac.errors import HoptacError
from hoptac.records import audit, perms, queries, summary
from hoptac.records.forms import (
    AgencyMergeForm,
    AgreementForm,
    AgreementStatusForm,
    EventForm,
    PartnerForm,
)
from hoptac.records.merge import merge_agencies
from hoptac.records.models import (
    Agency,
    Agreement,
    AuditLog,
    Event,
    Occurrence,
    Partner,
    Plan,
    Status,
    Task,
)
from hoptac.records.views.common import CLOSED, save_audited, scoped_get, snapshot_with_m2m


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    perms.require_read_all(request.user)
    partners = perms.scope(Partner.objects.all(), request.user).annotate(
        n_agreements=queries.count_of(Agreement.parties.through, "partner_id"),
        n_plans=queries.count_of(Plan.partners.through, "partner_id"),
    )
    return render(request, "records/partner_list.html", {"partners": partners})


def partner_progress(partner: Partner, today: Any) -> dict[str, Any]:
    """How the plans with ``partner`` stand: periods done, open, overdue, and the mean progress."""
    occ = Occurrence.objects.filter(task__plan__in=partner.plans.values("pk"))
    open_ = occ.filter(status__in=summary.OPEN)
    n = occ.count()
    mean = occ.aggregate(m=Avg("percent"))["m"] or 0
    return {
        "n": n,
        "done": occ.filter(status=Status.DONE).count(),
        "open": open_.count(),
        "overdue": open_.filter(due__lt=today).count(),
        "pct": round(mean),
    }


def partner_names(partner: Partner) -> tuple[str, str, bool]:
    """The partner's native name and romanisation: as stored, else as the place-name vocabulary knows them
    (the third value says they come from the vocabulary)."""
    if partner.native_name or partner.romanization or partner.country in ("", "VN"):
        return partner.native_name, partner.romanization, False
    from hoptac.extract.vocab import lookup_locality

    loc = lookup_locality(partner.name, country=partner.country or None, fuzzy=False)
    if loc is None or loc.country == "VN":
        return "", "", False
    return loc.native or "", loc.romanized or "", bool(loc.native or loc.romanized)


@login_required
@require_http_methods(["GET", "POST"])
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    perms.require_read_all(request.user)
    partner = scoped_get(Partner, request.user, pk)
    form = EventForm() if perms.can_edit(request.user) else None
    status = 200
    if request.method == "POST":  # an event with this partner, from its page
        perms.require_edit(request.user)
        form = EventForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                event = form.save(commit=False)
                event.office_id = partner.office_id
                event.save()
                event.parties.add(partner)
                audit.log(request.user, "create", event, after=audit.snapshot(event))
            messages.success(request, _("Đã ghi sự kiện."))
            return redirect("partner_detail", pk=partner.pk)
        status = 400
    events = Event.objects.filter(Q(parties=partner) | Q(agreement__parties=partner)).distinct().order_by("date")
    native, roman, from_vocab = partner_names(partner)
    from hoptac.cycle.models import CalendarToken

    token = CalendarToken.objects.filter(user=request.user).first()
    calendar = reverse("cycle_ical_partner", args=[token.key, partner.pk]) if token and partner.country != "VN" else ""
    return render(
        request,
        "records/partner_detail.html",
        {
            "partner": partner,
            "agreements": partner.agreements.all(),
            "plans": partner.plans.all(),
            "events": events,
            "native_name": native,
            "romanization": roman,
            "names_from_vocab": from_vocab,
            "progress": partner_progress(partner, timezone.localdate()),
            "calendar": calendar,
            "form": form,
        },
        status=status,
    )


SUGGESTED = gettext_lazy(
    "Đã điền sẵn theo danh mục địa danh (tên bản ngữ, đơn vị kế thừa sau sắp xếp 2025…): hãy kiểm tra rồi lưu."
)


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add (``pk`` None) or edit a partner. What the place-name vocabulary knows and the form leaves empty
    (a Vietnamese unit's successor after the 2025 reorganisation, a foreign one's native name) is filled in
    for the clerk to check: on opening an existing partner, or by a first submission that saves nothing."""
    perms.require_edit(request.user)
    partner = scoped_get(Partner, request.user, pk) if pk else None
    office = partner.office if partner else perms.office_of(request.user)
    if office is None:
        raise PermissionDenied(_("Quản trị toàn quốc hãy thêm mục này bằng tài khoản của một văn phòng."))
    form = PartnerForm(instance=partner, office=office)
    notice, status = "", 200
    if request.method == "GET" and partner is not None:
        stored = {f: getattr(partner, f) for f in ("name", "country", "level", "native_name", "romanization")}
        hints = form.suggest({**stored, "successor_choice": str(partner.successor_id or "")})
        for field, value in hints.items():
            form.initial[field] = value
        form.initial["suggested"] = "1"
        notice = str(SUGGESTED) if hints else ""
    elif request.method == "POST":
        before = snapshot_with_m2m(partner) if partner else None  # validation writes into the instance
        form = PartnerForm(request.POST, instance=partner, office=office)
        if not form.is_valid():
            status = 400
        elif hints := ({} if request.POST.get("suggested") else form.suggest(form.cleaned_data)):
            data = request.POST.copy()
            data.update({**hints, "suggested": "1"})
            form = PartnerForm(data, instance=partner, office=office)
            form.is_valid()
            notice = str(SUGGESTED)
        else:
            saved = save_audited(request, form, before)
            messages.success(request, _("Đã lưu đối tác."))
            return redirect("partner_detail", pk=saved.pk)
    return render(
        request, "records/partner_form.html", {"form": form, "partner": partner, "notice": notice}, status=status
    )


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    perms.require_read_all(request.user)
    agencies = perms.scope(Agency.objects.all(), request.user).annotate(
        n_lead=queries.count_of(Task.lead.through, "agency_id"),
        n_support=queries.count_of(Task.support.through, "agency_id"),
    )
    return render(request, "records/agency_list.html", {"agencies": agencies})


@login_required
def agency_detail(request: HttpRequest, pk: int, merge_form: AgencyMergeForm | None = None) -> HttpResponse:
    agency = scoped_get(Agency, request.user, pk)
    own = perms.reporter_agency(request.user)
    if not perms.can_read_all(request.user) and (own is None or own.pk != agency.pk):
        raise PermissionDenied(_("Bạn chỉ xem được cơ quan của mình."))
    today = timezone.localdate()
    tasks = queries.filter_tasks(Task.objects.filter(office_id=agency.office_id), agency=agency.pk)
    occ = Occurrence.objects.filter(office_id=agency.office_id, task__in=tasks.values("pk"))
    return render(
        request,
        "records/agency_detail.html",
        {
            "agency": agency,
            "lead": agency.lead_tasks.select_related("plan").all(),
            "support": agency.support_tasks.select_related("plan").all(),
            "open": occ.exclude(status__in=CLOSED).select_related("task").order_by("due")[:50],
            "overdue": occ.exclude(status__in=CLOSED).filter(due__lt=today).count(),
            "merge_form": merge_form or AgencyMergeForm(agency=agency) if perms.can_edit(request.user) else None,
        },
        status=400 if merge_form is not None else 200,
    )


@login_required
@require_http_methods(["POST"])
def agency_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this agency into another (a duplicate): everything moves over; the page again on an error."""
    perms.require_edit(request.user)
    agency = scoped_get(Agency, request.user, pk)
    form = AgencyMergeForm(request.POST, agency=agency)
    if form.is_valid():
        target = form.cleaned_data["into"]
        try:
            merge_agencies(agency, target, request.user)
        except HoptacError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã gộp «%(a)s» vào «%(b)s».") % {"a": agency.name, "b": target.name})
            return redirect("agency_detail", pk=target.pk)
    return agency_detail(request, pk, merge_form=form)


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    perms.require_read_all(request.user)
    agreements = perms.scope(Agreement.objects.all(), request.user).prefetch_related("parties")
    return render(request, "records/agreement_list.html", {"agreements": agreements})


@login_required
@require_http_methods(["GET", "POST"])
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    perms.require_read_all(request.user)
    agreement = scoped_get(Agreement, request.user, pk)
    form = AgreementStatusForm(instance=agreement)
    if request.method == "POST":
        perms.require_edit(request.user)
        before = audit.snapshot(agreement)
        form = AgreementStatusForm(request.POST, instance=agreement)
        if form.is_valid():
            with transaction.atomic():
                form.save()
                audit.log(request.user, "update", agreement, before=before, after=audit.snapshot(agreement))
            messages.success(request, _("Đã lưu."))
            return redirect("agreement_detail", pk=agreement.pk)
        agreement.refresh_from_db()
    labels = dict(Agreement.Status.choices)
    history = [
        {
            "at": entry.at,
            "user": entry.user,
            "before": labels.get((entry.before or {}).get("status"), ""),
            "after": labels.get((entry.after or {}).get("status"), ""),
        }
        for entry in AuditLog.objects.filter(model="agreement", object_id=str(agreement.pk))
        .select_related("user")
        .order_by("at", "id")
        if (entry.before or {}).get("status") != (entry.after or {}).get("status")
    ]
    return render(
        request,
        "records/agreement_detail.html",
        {"agreement": agreement, "form": form, "history": history},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add (``pk`` None) or edit an agreement with all its fields."""
    perms.require_edit(request.user)
    agreement = scoped_get(Agreement, request.user, pk) if pk else None
    office = agreement.office if agreement else perms.office_of(request.user)
    if office is None:
        raise PermissionDenied(_("Quản trị toàn quốc hãy thêm mục này bằng tài khoản của một văn phòng."))
    form = AgreementForm(instance=agreement, office=office)
    status = 200
    if request.method == "POST":
        before = snapshot_with_m2m(agreement) if agreement else None
        form = AgreementForm(request.POST, instance=agreement, office=office)
        if form.is_valid():
            form.instance.office = office
            saved = save_audited(request, form, before)
            messages.success(request, _("Đã lưu thỏa thuận."))
            return redirect("agreement_detail", pk=saved.pk)
        status = 400
    return render(request, "records/agreement_form.html", {"form": form, "agreement": agreement}, status=status)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    perms.require_read_all(request.user)
    plan = scoped_get(Plan, request.user, pk)
    tasks = plan.tasks.prefetch_related("lead", "support", "occurrences")
    return render(request, "records/plan_detail.html", {"plan": plan, "tasks": tasks})


@login_required
@require_http_methods(["GET", "POST"])
def event_list(request: HttpRequest) -> HttpResponse:
    perms.require_read_all(request.user)
    office = perms.office_of(request.user)
    form = EventForm(office=office)
    status = 200
    if request.method == "POST":
        perms.require_edit(request.user)
        form = EventForm(request.POST, office=office)
        if office is None:
            form.add_error(None, _("Quản trị toàn quốc hãy ghi sự kiện bằng tài khoản của một văn phòng."))
        if form.is_valid():
            with transaction.atomic():
                event = form.save(commit=False)
                event.office = office
                event.save()
                form.save_m2m()
                after = {**audit.snapshot(event), "parties": sorted(p.pk for p in event.parties.all())}
                audit.log(request.user, "create", event, after=after, document=event.document)
            messages.success(request, _("Đã ghi sự kiện."))
            return redirect("event_list")
        status = 400
    events = perms.scope(Event.objects.all(), request.user).select_related("document", "agreement")
    events = events.prefetch_related("parties").order_by("-date", "-id")[:200]
    return render(request, "records/event_list.html", {"events": events, "form": form}, status=status)


def shorten_words(text: str, limit: int) -> str:
    """``text`` cut at the last whole word within ``limit`` characters (never in the middle of a word)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return (cut or text[:limit]) + " …"


def graph_data(user: Any, limit: int = 60) -> dict[str, Any]:
    """The relationship graph: localities, partners, agreements and plans as nodes (Cytoscape.js elements),
    linked by who signed what, which plan carries out which agreement or partnership, and the events that
    brought two parties together (a talk between Vị Xuyên and Malypho links them with no agreement yet);
    and the same as a list, for a phone."""
    partners = list(perms.scope(Partner.objects.all(), user).order_by("country", "name")[: limit * 2])
    agreements = list(perms.scope(Agreement.objects.prefetch_related("parties"), user)[:limit])
    plans = list(perms.scope(Plan.objects.prefetch_related("partners"), user)[:limit])
    events = list(perms.scope(Event.objects.prefetch_related("parties"), user).order_by("date", "pk")[: limit * 4])
    nodes: dict[str, dict[str, Any]] = {}
    for p in partners:
        kind = "local" if p.country == "VN" else "partner"
        nodes[f"p{p.pk}"] = {
            "id": f"p{p.pk}",
            "label": p.name,
            "kind": kind,
            "url": reverse("partner_detail", args=[p.pk]),
        }
    for a in agreements:
        nodes[f"a{a.pk}"] = {
            "id": f"a{a.pk}",
            "label": shorten_words(a.title, 70),
            "kind": "agreement",
            "url": reverse("agreement_detail", args=[a.pk]),
        }
    for pl in plans:
        nodes[f"k{pl.pk}"] = {
            "id": f"k{pl.pk}",
            "label": shorten_words(pl.title, 70),
            "kind": "plan",
            "url": reverse("plan_detail", args=[pl.pk]),
        }
    edges: dict[tuple[str, str], dict[str, Any]] = {}

    def link(a: str, b: str, label: str = "") -> None:
        if a in nodes and b in nodes and a != b:
            key = (min(a, b), max(a, b))
            edge = edges.setdefault(key, {"id": f"{key[0]}-{key[1]}", "source": a, "target": b, "label": ""})
            if label and not edge["label"]:
                edge["label"] = label

    # The Vietnamese side signs agreements but is no partner: its co-signatories are the local nodes.
    local_ids: dict[str, str] = {}
    for ag in agreements:
        for name in ag.cosignatories or []:
            node = local_ids.setdefault(name, f"l{len(local_ids)}")
            nodes.setdefault(node, {"id": node, "label": name, "kind": "local", "url": ""})
            link(node, f"a{ag.pk}")
    for ag in agreements:
        for p in ag.parties.all():
            link(f"p{p.pk}", f"a{ag.pk}")
    for pl in plans:
        if pl.agreement_id:
            link(f"a{pl.agreement_id}", f"k{pl.pk}")
        for p in pl.partners.all():
            link(f"p{p.pk}", f"k{pl.pk}")
    cosigned = {ag.pk: ag.cosignatories or [] for ag in agreements}
    for e in events:
        parties = list(e.parties.all())
        label = f"{e.get_kind_display()} {vn_date(e.date or e.date_text)}".strip()
        for i, a in enumerate(parties):
            for b in parties[i + 1 :]:
                link(f"p{a.pk}", f"p{b.pk}", label)
            # The talks of a Vietnamese locality with its partner, when the event's agreement names it.
            for name in cosigned.get(e.agreement_id or 0, []):
                link(local_ids[name], f"p{a.pk}", label)
    used = {end for edge in edges.values() for end in (edge["source"], edge["target"])}
    shown = [n for n in nodes.values() if n["id"] in used or n["kind"] != "local"]
    neighbours: dict[str, list[dict[str, Any]]] = {n["id"]: [] for n in shown}
    for edge in edges.values():
        for here, there in ((edge["source"], edge["target"]), (edge["target"], edge["source"])):
            if here in neighbours and there in nodes:
                neighbours[here].append({**nodes[there], "via": edge["label"]})
    kinds = {"local": _("Địa phương"), "partner": _("Đối tác"), "agreement": _("Thỏa thuận"), "plan": _("Kế hoạch")}
    listing = [
        {"kind": kinds[kind], "rows": [{**n, "links": neighbours[n["id"]]} for n in shown if n["kind"] == kind]}
        for kind in kinds
    ]
    elements = [{"data": n} for n in shown] + [{"data": e} for e in edges.values()]
    return {"elements": elements, "listing": listing, "kinds": kinds, "empty": not shown}


@login_required
def graph(request: HttpRequest) -> HttpResponse:
    perms.require_read_all(request.user)
    return render(request, "records/graph.html", graph_data(request.user))
