"""Pages of the escalations app: function views returning templates, htmx fragments."""

from .breaches import breach_acknowledge, breach_review
from .case import (
    case_assign,
    case_call,
    case_checklist_tick,
    case_claim,
    case_contact_request,
    case_detail,
    case_macro_preview,
    case_macro_send,
    case_note,
    case_transition,
    contact_request_decide,
)
from .outreach import case_new, outreach
from .queue import queue, queue_bulk

__all__ = [
    "breach_acknowledge",
    "breach_review",
    "case_assign",
    "case_call",
    "case_checklist_tick",
    "case_claim",
    "case_contact_request",
    "case_detail",
    "case_macro_preview",
    "case_macro_send",
    "case_new",
    "case_note",
    "case_transition",
    "contact_request_decide",
    "outreach",
    "queue",
    "queue_bulk",
]
