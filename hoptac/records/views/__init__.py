"""The web pages: plain functions, each asking ``perms`` who may see and change what.

One module per group of pages; urls.py reaches them all through this package."""

from hoptac.records.views.documents import (
    document_detail,
    document_file,
    document_list,
    document_review,
    highlight,
    parse_decisions,
    upload,
    upload_review,
    upload_status,
)
from hoptac.records.views.home import dashboard, dashboard_stats
from hoptac.records.views.offices import office_edit, office_list
from hoptac.records.views.partners import (
    agency_detail,
    agency_list,
    agency_merge,
    agreement_detail,
    agreement_edit,
    agreement_list,
    event_list,
    graph,
    graph_data,
    partner_detail,
    partner_edit,
    partner_list,
    plan_detail,
)
from hoptac.records.views.tasks import report_attachment, task_detail, task_filters, task_list
from hoptac.records.views.users import account, user_edit, user_list

__all__ = [
    "account",
    "agency_detail",
    "agency_list",
    "agency_merge",
    "agreement_detail",
    "agreement_edit",
    "agreement_list",
    "dashboard",
    "office_edit",
    "office_list",
    "dashboard_stats",
    "document_detail",
    "document_file",
    "document_list",
    "document_review",
    "event_list",
    "graph",
    "graph_data",
    "highlight",
    "parse_decisions",
    "partner_detail",
    "partner_edit",
    "partner_list",
    "plan_detail",
    "report_attachment",
    "task_detail",
    "task_filters",
    "task_list",
    "upload",
    "upload_review",
    "upload_status",
    "user_edit",
    "user_list",
]
