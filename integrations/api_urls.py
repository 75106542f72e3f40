from django.urls import path
from rest_framework.routers import DefaultRouter

from .api import (
    ClientMessageViewSet,
    InboundEmailWebhookView,
    ResourceViewSet,
    WebhookDeliveryViewSet,
    WebhookEndpointViewSet,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
router.register("resources", ResourceViewSet, basename="resource")
router.register("client-messages", ClientMessageViewSet, basename="client-message")

urlpatterns = [
    path("webhooks/email/", InboundEmailWebhookView.as_view(), name="email-webhook"),
    *router.urls,
]
