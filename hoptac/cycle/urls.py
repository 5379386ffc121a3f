"""The cycle's pages under /cycle/ (included from ``hoptac.web.urls``)."""

from __future__ import annotations

from django.urls import path

from hoptac.cycle import views

urlpatterns = [
    path("", views.home, name="cycle_home"),
    path("board/", views.board, name="cycle_board"),
    path("rules/", views.rule_list, name="cycle_rules"),
    path("rules/new/", views.rule_new, name="cycle_rule_new"),
    path("rules/<id:pk>/", views.rule_edit, name="cycle_rule_edit"),
    path("dues/<id:pk>/", views.agency_report, name="cycle_agency_report"),
    path("compiled/new/", views.compile_new, name="cycle_compile_new"),
    path("compiled/<id:pk>/", views.compiled, name="cycle_compiled"),
    path("compiled/<id:pk>/import/", views.compiled_import, name="cycle_compiled_import"),
    path("compiled/<id:pk>/<str:fmt>/", views.compiled_file, name="cycle_compiled_file"),
    path("reminders/", views.reminder_list, name="cycle_reminders"),
    path("reminders/<id:pk>/", views.reminder_edit, name="cycle_reminder_edit"),
    path("calendar/", views.calendar, name="cycle_calendar"),
    path("ical/<str:token>/me.ics", views.ical_me, name="cycle_ical_me"),
    path("ical/<str:token>/agency/<id:pk>.ics", views.ical_agency, name="cycle_ical_agency"),
    path("ical/<str:token>/partner/<id:pk>.ics", views.ical_partner, name="cycle_ical_partner"),
    path("ical/<str:token>/plan/<id:pk>.ics", views.ical_plan, name="cycle_ical_plan"),
]
