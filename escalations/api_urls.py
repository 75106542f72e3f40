from django.urls import path
from rest_framework.routers import DefaultRouter

from .api import (
    CaseViewSet,
    ContactRequestViewSet,
    MacroViewSet,
    OutreachViewSet,
    TicketWebhookView,
)
from .api_search import CaseSearchView
from .api_ufl import (
    UflAttemptsView,
    UflClaimsView,
    UflClaimView,
    UflEvidenceView,
    UflNdfView,
    UflOutcomeView,
    UflPlanView,
    UflReplyView,
)

# UFL-1 to UFL-7: the freelancer contact plan of a case.
UFL = "cases/<str:reference>/ufl/"
ufl_urls = [
    path(UFL, UflPlanView.as_view(), name="case-ufl"),
    path(f"{UFL}attempts/", UflAttemptsView.as_view(), name="case-ufl-attempts"),
    path(f"{UFL}freelancer-reply/", UflReplyView.as_view(), name="case-ufl-reply"),
    path(f"{UFL}outcome/", UflOutcomeView.as_view(), name="case-ufl-outcome"),
    path(f"{UFL}evidence/", UflEvidenceView.as_view(), name="case-ufl-evidence"),
    path(f"{UFL}claims/", UflClaimsView.as_view(), name="case-ufl-claims"),
    path(f"{UFL}claims/<int:id>/", UflClaimView.as_view(), name="case-ufl-claim"),
    path(f"{UFL}ndf/", UflNdfView.as_view(), name="case-ufl-ndf"),
]

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("cases", CaseViewSet, basename="case")
router.register("contact-requests", ContactRequestViewSet, basename="contact-request")
router.register("macros", MacroViewSet, basename="macro")
router.register("outreach", OutreachViewSet, basename="outreach")

urlpatterns = [
    path("webhooks/tickets/", TicketWebhookView.as_view(), name="ticket-webhook"),
    path("search/", CaseSearchView.as_view(), name="case-search"),
    *ufl_urls,
    *router.urls,
]
