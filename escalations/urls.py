"""Page URLs of the escalations app (the pages live in the views package)."""

from django.urls import path

from . import views
from .exports import outreach_export
from .views import ufl as ufl_views
from .views.search import search as search_page

app_name = "escalations"

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("search/", search_page, name="search"),
    path("queue/bulk/", views.queue_bulk, name="queue-bulk"),
    path("cases/new/", views.case_new, name="case-new"),
    path("cases/<str:reference>/", views.case_detail, name="case-detail"),
    path("cases/<str:reference>/claim/", views.case_claim, name="case-claim"),
    path("cases/<str:reference>/transition/", views.case_transition, name="case-transition"),
    path("cases/<str:reference>/assign/", views.case_assign, name="case-assign"),
    path("cases/<str:reference>/notes/", views.case_note, name="case-note"),
    path("cases/<str:reference>/calls/", views.case_call, name="case-call"),
    path(
        "cases/<str:reference>/checklist/<int:item_id>/",
        views.case_checklist_tick,
        name="case-checklist-tick",
    ),
    path(
        "cases/<str:reference>/macros/preview/",
        views.case_macro_preview,
        name="case-macro-preview",
    ),
    path("cases/<str:reference>/macros/send/", views.case_macro_send, name="case-macro-send"),
    path(
        "cases/<str:reference>/contact-requests/",
        views.case_contact_request,
        name="case-contact-request",
    ),
    path(
        "contact-requests/<int:pk>/decide/",
        views.contact_request_decide,
        name="contact-request-decide",
    ),
    # UFL-1 to UFL-7 (issue 11): the freelancer contact plan's panel and pages.
    path("cases/<str:reference>/ufl/attempts/", ufl_views.ufl_attempt, name="ufl-attempt"),
    path("cases/<str:reference>/ufl/reply/", ufl_views.ufl_reply, name="ufl-reply"),
    path("cases/<str:reference>/ufl/outcome/", ufl_views.ufl_outcome, name="ufl-outcome"),
    path("cases/<str:reference>/ufl/claims/", ufl_views.ufl_claim, name="ufl-claim"),
    path(
        "cases/<str:reference>/ufl/claims/<int:claim_id>/",
        ufl_views.ufl_claim_update,
        name="ufl-claim-update",
    ),
    path("cases/<str:reference>/ufl/ndf/", ufl_views.ufl_ndf, name="ufl-ndf"),
    path(
        "cases/<str:reference>/ufl/research/<int:item_id>/",
        ufl_views.ufl_research,
        name="ufl-research",
    ),
    path("cases/<str:reference>/ufl/plan/", ufl_views.ufl_plan, name="ufl-plan"),
    path("cases/<str:reference>/ufl/stringent/", ufl_views.ufl_stringent, name="ufl-stringent"),
    path("cases/<str:reference>/ufl/evidence/", ufl_views.ufl_evidence_page, name="ufl-evidence"),
    path(
        "cases/<str:reference>/ufl/evidence.csv",
        ufl_views.ufl_evidence_csv_page,
        name="ufl-evidence-csv",
    ),
    path(
        "cases/<str:reference>/ufl/move-forward/",
        ufl_views.ufl_move_forward,
        name="ufl-move-forward",
    ),
    path("breaches/", views.breach_review, name="breach-review"),
    path(
        "breaches/<int:clock_id>/acknowledge/",
        views.breach_acknowledge,
        name="breach-acknowledge",
    ),
    path("outreach/", views.outreach, name="outreach"),
    path("outreach/export.csv", outreach_export, name="outreach-export"),
]
