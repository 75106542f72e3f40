from .messages import ClientMessage, InboundEmail, MessageStatus, TeamMailbox
from .resources import Audience, Resource, ResourcePack
from .webhooks import (
    DeliveryStatus,
    OutboundEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)

__all__ = [
    "Audience",
    "ClientMessage",
    "DeliveryStatus",
    "InboundEmail",
    "MessageStatus",
    "OutboundEvent",
    "Resource",
    "ResourcePack",
    "TeamMailbox",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]
