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

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("cases", CaseViewSet, basename="case")
router.register("contact-requests", ContactRequestViewSet, basename="contact-request")
router.register("macros", MacroViewSet, basename="macro")
router.register("outreach", OutreachViewSet, basename="outreach")

urlpatterns = [
    path("webhooks/tickets/", TicketWebhookView.as_view(), name="ticket-webhook"),
    path("search/", CaseSearchView.as_view(), name="case-search"),
    *router.urls,
]
