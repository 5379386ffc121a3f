"""The JSON API under ``/api/`` (OpenAPI at ``/api/openapi.json``): the UI's permissions, JSON errors."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, File, NinjaAPI, Schema
from ninja import Status as Reply
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.files import UploadedFile
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from hoptac.errors import HoptacError
from hoptac.files import read_upload
from hoptac.records import audit, perms, progress, queries
from hoptac.records.auth import WITH_PROFILE
from hoptac.records.ingest import MAX_BYTES, ingest_bytes
from hoptac.records.limits import (
    MAX_DATE,
    MAX_ID,
    MAX_LINE,
    MAX_PASSWORD,
    MAX_TEXT,
    MAX_TITLE,
    MAX_YEAR,
    MIN_DATE,
    MIN_YEAR,
)
from hoptac.records.models import (
    Agreement,
    ApiToken,
    Document,
    Event,
    Occurrence,
    Partner,
    Plan,
    ProgressReport,
    Status,
    Task,
)

# An id or a query number a database column can hold: past it, a 422 rather than an overflow in the query.
Id = Annotated[int, Field(ge=0, le=MAX_ID)]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
Day = Annotated[dt.date, Field(ge=MIN_DATE, le=MAX_DATE)]  # what a calendar and a report can show
MAX_OFFSET = 10**9
LAST_USED_STEP = dt.timedelta(minutes=1)  # "last used" is written at most once a minute per token
MAX_EXPIRY = MAX_DATE


def _token_user(key: str | None) -> Any:
    """The user of API key ``key`` (looked up by its digest), None if unknown, expired or inactive."""
    if not key:
        return None
    tokens = ApiToken.objects.select_related("user", *(f"user__{f}" for f in WITH_PROFILE))
    token = tokens.filter(digest=ApiToken.digest_of(key)).first()
    if token is None or token.expired or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used > LAST_USED_STEP:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = _token_user(token)
        if user is not None:
            request.user = user
        return user


class HeaderTokenAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = _token_user(key)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="hoptac API",
    version="1",
    docs_url=None,
    urls_namespace="api",
    auth=[BearerAuth(), HeaderTokenAuth(), SessionAuth()],
    description=(
        "Hồ sơ hợp tác quốc tế: văn bản, đối tác, thỏa thuận, kế hoạch, nhiệm vụ, báo cáo tiến độ, sự kiện."
    ),
)


def _error(request: HttpRequest, status: int, message: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": message, **extra}, status=status)


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": list(e.get("loc", [])), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in exc.errors
    ]
    if any(e["type"] == "json_invalid" for e in errors):
        return _error(request, 400, "Nội dung gửi lên không phải JSON hợp lệ.", errors=errors)
    return _error(request, 422, "Dữ liệu không hợp lệ.", errors=errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Chưa đăng nhập hoặc mã API không hợp lệ.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if exc.status_code == 400 and "parse" in message.lower():
        message = "Nội dung gửi lên không phải JSON hợp lệ."
    elif exc.status_code == 403 and message in ("Forbidden", "CSRF check Failed"):
        message = "Thiếu mã CSRF hoặc không có quyền."
    return _error(request, exc.status_code, message)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Không tìm thấy.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "Bạn không có quyền.")


@api.exception_handler(HoptacError)
def _hoptac_error(request: HttpRequest, exc: HoptacError) -> HttpResponse:
    return _error(request, 400, str(exc))


def _get(qs: Any, user: Any, pk: Id) -> Any:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    perms.check_office(user, obj)
    return obj


def _page(qs: Any, limit: int, offset: int) -> dict[str, Any]:
    if not 1 <= limit <= 500 or not 0 <= offset <= MAX_OFFSET:
        raise HttpError(422, f"limit phải từ 1 đến 500, offset từ 0 đến {MAX_OFFSET}.")
    items, count = queries.rows_and_count(qs, offset, limit)
    return {"count": count, "items": items}


# --- schemas ------------------------------------------------------------


class TokenIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=MAX_PASSWORD)
    name: str = Field("", max_length=100)
    expires: Day | None = None


class TokenOut(Schema):
    token: str


class MeOut(Schema):
    username: str
    role: str | None
    office: str | None
    agency: str | None


class NamedOut(Schema):
    id: int
    name: str


class DocumentOut(Schema):
    id: int
    filename: str
    kind: str
    number: str
    date: dt.date | None
    date_text: str
    issuer: str
    title: str
    reviewed: bool
    created_at: dt.datetime


class DocumentDetailOut(DocumentOut):
    text: str
    extraction: dict[str, Any]


class PartnerOut(Schema):
    id: int
    name: str
    level: str
    country: str
    aliases: list[str]
    native_name: str
    romanization: str
    successor_id: int | None


class AgreementOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    signed_on: dt.date | None
    start_year: int | None
    end_year: int | None
    parties: list[int]

    @staticmethod
    def resolve_parties(obj: Agreement) -> list[int]:
        return [p.pk for p in obj.parties.all()]


class AgreementPatch(Schema):
    status: Agreement.Status | None = None  # may be left out, not null (see ``patch_agreement``)
    signed_on: Day | None = None


class PlanOut(Schema):
    id: int
    document_id: int
    title: str
    start_year: int | None
    end_year: int | None
    budget: int | None
    agreement_id: int | None


class TaskOut(Schema):
    id: int
    plan_id: int
    ref: str
    title: str
    status: str
    when: dict[str, Any]
    lead: list[NamedOut]
    support: list[NamedOut]

    @staticmethod
    def resolve_lead(obj: Task) -> list[dict[str, Any]]:
        listed = getattr(obj, "listed_agencies", None)  # read for a whole page by ``list_tasks``
        return listed["lead"] if listed else [{"id": a.pk, "name": a.name} for a in obj.lead.order_by("name")]

    @staticmethod
    def resolve_support(obj: Task) -> list[dict[str, Any]]:
        listed = getattr(obj, "listed_agencies", None)
        return listed["support"] if listed else [{"id": a.pk, "name": a.name} for a in obj.support.order_by("name")]


class TaskPatch(Schema):
    status: Status


class OccurrenceOut(Schema):
    id: int
    task_id: int
    year: int
    due: dt.date
    status: str
    percent: int


class ReportIn(Schema):
    status: Status
    percent: int = Field(..., ge=0, le=100)
    text: str = Field(..., min_length=1, max_length=MAX_TEXT)


class ReportOut(Schema):
    id: int
    occurrence_id: int
    status: str
    percent: int
    text: str
    role: str
    agency_id: int | None
    author_id: int | None
    created_at: dt.datetime


EventKind = Literal["hoi_dam", "tham", "ky_ket", "hoi_nghi", "doan_ra", "doan_vao", "khac"]


class EventIn(Schema):
    kind: EventKind = "khac"
    date: Day
    title: str = Field(..., min_length=1, max_length=MAX_TITLE)
    place: str = Field("", max_length=MAX_LINE)
    members: str = Field("", max_length=MAX_TEXT)
    agreement_id: Id | None = None
    task_id: Id | None = None
    parties: list[Id] = Field([], max_length=100)


class EventOut(Schema):
    id: int
    kind: str
    date: dt.date | None
    title: str
    place: str
    members: str
    agreement_id: int | None
    task_id: int | None
    document_id: int | None


class Page(Schema):
    count: int


class DocumentPage(Page):
    items: list[DocumentOut]


class PartnerPage(Page):
    items: list[PartnerOut]


class AgreementPage(Page):
    items: list[AgreementOut]


class PlanPage(Page):
    items: list[PlanOut]


class TaskPage(Page):
    items: list[TaskOut]


class OccurrencePage(Page):
    items: list[OccurrenceOut]


class ReportPage(Page):
    items: list[ReportOut]


class EventPage(Page):
    items: list[EventOut]


# --- endpoints ------------------------------------------------------------


@api.post("/token", auth=None, response=TokenOut, summary="Tạo mã API từ tên đăng nhập và mật khẩu")
def create_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise HttpError(401, "Sai tên đăng nhập hoặc mật khẩu.")
    if payload.expires is not None and not timezone.localdate() <= payload.expires <= MAX_EXPIRY:
        raise HttpError(422, "Ngày hết hạn phải từ hôm nay đến 31/12/2200.")
    token = ApiToken.issue(user, name=payload.name.strip(), expires=payload.expires)
    audit.log(user, "create", token, after=audit.snapshot(token), summary="Tạo mã API", office=perms.office_of(user))
    return {"token": token.key}


@api.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    office = perms.office_of(request.user)
    agency = perms.reporter_agency(request.user)
    return {
        "username": request.user.get_username(),
        "role": perms.role_of(request.user),
        "office": office.name if office else None,
        "agency": agency.name if agency else None,
    }


@api.get("/documents", response=DocumentPage)
def list_documents(
    request: HttpRequest, reviewed: bool | None = None, limit: int = 50, offset: int = 0
) -> Any:
    perms.require_read_all(request.user)
    qs = perms.scope(Document.objects.defer("text", "extraction"), request.user)
    if reviewed is not None:
        qs = qs.filter(reviewed=reviewed)
    return _page(qs, limit, offset)


@api.get("/documents/{pk}", response=DocumentDetailOut)
def get_document(request: HttpRequest, pk: Id) -> Any:
    perms.require_read_all(request.user)
    return _get(Document.objects, request.user, pk)


@api.post(
    "/documents", response={201: DocumentOut, 200: DocumentOut}, summary="Nhập một văn bản (chưa duyệt)"
)
def upload_document(request: HttpRequest, file: File[UploadedFile]) -> Any:
    perms.require_edit(request.user)
    office = perms.office_of(request.user)
    if office is None:
        raise HttpError(400, "Quản trị toàn quốc hãy nhập văn bản bằng tài khoản của một văn phòng.")
    result = ingest_bytes(read_upload(file, MAX_BYTES), file.name or "document", office, request.user)
    return Reply(201 if result.created else 200, result.document)


@api.get("/partners", response=PartnerPage)
def list_partners(request: HttpRequest, country: str | None = None, limit: int = 50, offset: int = 0) -> Any:
    perms.require_read_all(request.user)
    qs = perms.scope(Partner.objects.all(), request.user)
    if country:
        qs = qs.filter(country=country.upper())
    return _page(qs, limit, offset)


@api.get("/partners/{pk}", response=PartnerOut)
def get_partner(request: HttpRequest, pk: Id) -> Any:
    perms.require_read_all(request.user)
    return _get(Partner.objects, request.user, pk)


@api.get("/agreements", response=AgreementPage)
def list_agreements(request: HttpRequest, status: str | None = None, limit: int = 50, offset: int = 0) -> Any:
    perms.require_read_all(request.user)
    qs = perms.scope(Agreement.objects.prefetch_related("parties"), request.user)
    if status:
        qs = qs.filter(status=status)
    return _page(qs, limit, offset)


@api.get("/agreements/{pk}", response=AgreementOut)
def get_agreement(request: HttpRequest, pk: Id) -> Any:
    perms.require_read_all(request.user)
    return _get(Agreement.objects, request.user, pk)


@api.patch("/agreements/{pk}", response=AgreementOut)
def patch_agreement(request: HttpRequest, pk: Id, payload: AgreementPatch) -> Any:
    perms.require_edit(request.user)
    agreement = _get(Agreement.objects, request.user, pk)
    changes = payload.dict(exclude_unset=True)
    if "status" in changes and changes["status"] is None:
        raise HttpError(422, f"status không được để trống: một trong {', '.join(Agreement.Status.values)}.")
    before = audit.snapshot(agreement)
    with transaction.atomic():
        for field, value in changes.items():
            setattr(agreement, field, value)
        agreement.save()
        audit.log(request.user, "update", agreement, before=before, after=audit.snapshot(agreement))
    return agreement


@api.get("/plans", response=PlanPage)
def list_plans(request: HttpRequest, limit: int = 50, offset: int = 0) -> Any:
    perms.require_read_all(request.user)
    return _page(perms.scope(Plan.objects.all(), request.user), limit, offset)


@api.get("/plans/{pk}", response=PlanOut)
def get_plan(request: HttpRequest, pk: Id) -> Any:
    perms.require_read_all(request.user)
    return _get(Plan.objects, request.user, pk)


def _visible_task(request: HttpRequest, pk: Id) -> Task:
    task = Task.objects.filter(pk=pk).first()
    if task is None:
        raise Http404
    perms.check_office(request.user, task)
    if not perms.tasks_for(request.user).filter(pk=pk).exists():
        raise PermissionDenied("Bạn không có quyền xem nhiệm vụ này.")
    return task


@api.get("/tasks", response=TaskPage)
def list_tasks(
    request: HttpRequest,
    agency: Id | None = None,
    partner: Id | None = None,
    plan: Id | None = None,
    year: Year | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Any:
    if status and status not in Status.values:
        raise HttpError(422, f"status phải là một trong: {', '.join(Status.values)}.")
    visible = perms.tasks_for(request.user)
    qs = queries.filter_tasks(visible, agency=agency, partner=partner, plan=plan, year=year, status=status)
    page = _page(qs.only("id", "plan_id", "ref", "title", "status", "when").order_by("id"), limit, offset)
    names = dict(queries.menus_for(request.user, visible)["agencies"])
    agencies = queries.agencies_of([t.pk for t in page["items"]], names)
    for task in page["items"]:
        task.listed_agencies = agencies[task.pk]
    return page


@api.get("/tasks/{pk}", response=TaskOut)
def get_task(request: HttpRequest, pk: Id) -> Any:
    return _visible_task(request, pk)


@api.patch("/tasks/{pk}", response=TaskOut)
def patch_task(request: HttpRequest, pk: Id, payload: TaskPatch) -> Any:
    task = _visible_task(request, pk)
    perms.require_edit(request.user)
    with transaction.atomic():
        before = task.status
        task.status = payload.status
        task.save(update_fields=["status"])
        audit.log(
            request.user,
            "update",
            task,
            before={"status": before},
            after={"status": task.status},
            document=task.plan.document,
        )
    return task


@api.get("/occurrences", response=OccurrencePage)
def list_occurrences(
    request: HttpRequest,
    task: Id | None = None,
    year: Year | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Any:
    qs = perms.occurrences_for(request.user)
    if task:
        qs = qs.filter(task_id=task)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return _page(qs.order_by("due", "id"), limit, offset)


def _visible_occurrence(request: HttpRequest, pk: Id) -> Occurrence:
    occ = Occurrence.objects.select_related("task").filter(pk=pk).first()
    if occ is None:
        raise Http404
    perms.check_office(request.user, occ)
    if not perms.occurrences_for(request.user).filter(pk=pk).exists():
        raise PermissionDenied("Bạn không có quyền xem mục này.")
    return occ


@api.get("/occurrences/{pk}", response=OccurrenceOut)
def get_occurrence(request: HttpRequest, pk: Id) -> Any:
    return _visible_occurrence(request, pk)


@api.get("/reports", response=ReportPage)
def list_reports(
    request: HttpRequest, occurrence: Id | None = None, limit: int = 50, offset: int = 0
) -> Any:
    qs = perms.scope(ProgressReport.objects.all(), request.user).filter(
        occurrence__in=perms.occurrences_for(request.user).values("pk")
    )
    if occurrence:
        qs = qs.filter(occurrence_id=occurrence)
    return _page(qs, limit, offset)


@api.post("/occurrences/{pk}/reports", response={201: ReportOut})
def create_report(request: HttpRequest, pk: Id, payload: ReportIn) -> Any:
    occ = _visible_occurrence(request, pk)
    if not perms.can_report(request.user, occ.task):
        raise PermissionDenied("Bạn không có quyền báo cáo nhiệm vụ này.")
    text = payload.text.strip()
    if not text:
        raise HttpError(422, "Hãy ghi nội dung báo cáo.")
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 100:
        raise HttpError(422, "Idempotency-Key tối đa 100 ký tự.")
    report = progress.submit(
        request.user, occ, status=payload.status, percent=payload.percent, text=text, key=f"api:{key}" if key else ""
    )
    return Reply(201, report)  # a repeated Idempotency-Key: the first report, stored once


@api.get("/events", response=EventPage)
def list_events(request: HttpRequest, limit: int = 50, offset: int = 0) -> Any:
    perms.require_read_all(request.user)
    return _page(perms.scope(Event.objects.all(), request.user), limit, offset)


@api.get("/events/{pk}", response=EventOut)
def get_event(request: HttpRequest, pk: Id) -> Any:
    perms.require_read_all(request.user)
    return _get(Event.objects, request.user, pk)


@api.post("/events", response={201: EventOut})
def create_event(request: HttpRequest, payload: EventIn) -> Any:
    perms.require_edit(request.user)
    office = perms.office_of(request.user)
    if office is None:
        raise HttpError(400, "Quản trị toàn quốc hãy ghi sự kiện bằng tài khoản của một văn phòng.")
    agreement = _get(Agreement.objects, request.user, payload.agreement_id) if payload.agreement_id else None
    task = _get(Task.objects, request.user, payload.task_id) if payload.task_id else None
    parties = list(Partner.objects.filter(office=office, pk__in=payload.parties))
    if len(parties) != len(set(payload.parties)):
        raise HttpError(404, "Không tìm thấy đối tác.")
    with transaction.atomic():
        event = Event.objects.create(
            office=office,
            kind=payload.kind,
            date=payload.date,
            title=payload.title.strip(),
            place=payload.place,
            members=payload.members,
            agreement=agreement,
            task=task,
        )
        event.parties.set(parties)
        audit.log(request.user, "create", event, after=audit.snapshot(event))
    return Reply(201, event)
