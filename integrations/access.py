"""Who may see and do what in the integrations app (CORE-8), on top of the case rules.

Client messages belong to their case: lists are scoped by ``cases_visible_to`` in the
query, one message is fetched through that scope (another team's is a 404), and sending
one again needs ``can_work_case`` (403). Endpoints and deliveries are the admins' (and
service tokens holding the ``webhooks`` scope).
"""

from __future__ import annotations

from django.db.models import QuerySet

from core.errors import NotFound
from escalations.access import cases_visible_to

from .models import ClientMessage

WEBHOOKS_SCOPE = "webhooks"


def client_messages_visible_to(user) -> QuerySet[ClientMessage]:
    return ClientMessage.objects.filter(case__in=cases_visible_to(user)).select_related("case")


def client_message_for(user, message_id) -> ClientMessage:
    if not (str(message_id).isascii() and str(message_id).isdigit()) or len(str(message_id)) > 18:
        raise NotFound(f"No client message {message_id!r}.")
    message = client_messages_visible_to(user).filter(pk=int(message_id)).first()
    if message is None:
        raise NotFound(f"No client message {message_id!r}.")
    return message
