from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path, register_converter
from django.views.generic.base import RedirectView

from hoptac.records import audit_views, views
from hoptac.records.api import api
from hoptac.records.limits import IdConverter

register_converter(IdConverter, "id")  # before the cycle's patterns are included, which use it too

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # browsers ask for /favicon.ico whatever the page says
    path("favicon.ico", RedirectView.as_view(url=static("records/favicon.ico"), permanent=True), name="favicon"),
    path("login/", auth_views.LoginView.as_view(template_name="records/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<id:pk>/", views.task_detail, name="task_detail"),
    path("reports/<id:pk>/attachment/", views.report_attachment, name="report_attachment"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/<id:pk>/", views.partner_detail, name="partner_detail"),
    path("partners/new/", views.partner_edit, name="partner_create"),
    path("partners/<id:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<id:pk>/", views.agency_detail, name="agency_detail"),
    path("agencies/<id:pk>/merge/", views.agency_merge, name="agency_merge"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/<id:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/new/", views.agreement_edit, name="agreement_create"),
    path("agreements/<id:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("plans/<id:pk>/", views.plan_detail, name="plan_detail"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/<id:pk>/", views.document_detail, name="document_detail"),
    path("documents/<id:pk>/file/", views.document_file, name="document_file"),
    path("documents/<id:pk>/review/", views.document_review, name="document_review"),
    path("upload/", views.upload, name="upload"),
    path("upload/<str:digest>/", views.upload_review, name="upload_review"),
    path("upload/<str:digest>/status/", views.upload_status, name="upload_status"),
    path("events/", views.event_list, name="event_list"),
    path("graph/", views.graph, name="graph"),
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("audit/export.<str:fmt>", audit_views.audit_export, name="audit_export"),
    path("account/", views.account, name="account"),
    path("offices/", views.office_list, name="office_list"),
    path("offices/new/", views.office_edit, name="office_create"),
    path("offices/<id:pk>/", views.office_edit, name="office_edit"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_edit, name="user_create"),
    path("users/<id:pk>/", views.user_edit, name="user_edit"),
    path("search/", include("hoptac.search.urls")),
    path("cycle/", include("hoptac.cycle.urls")),
    path("api/", api.urls),
]
