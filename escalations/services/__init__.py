"""Every write on cases goes through one of these (see STYLE: services)."""

from .cases import (
    call_log_create,
    case_create,
    case_record_contact_attempt,
    case_transition,
    case_update,
    note_add,
)
from .claiming import AlreadyClaimed, case_assign, case_claim
from .contact import contact_info_shareable, contact_request_create, contact_request_decide
from .macros import RenderedMacro, macro_render, macro_send, macro_values
from .outreach import NcoScore, checklist_tick, nco_intake, nco_score
from .sla import (
    case_breach_acknowledge,
    case_clocks_reconcile,
    case_clocks_start,
    policies_for,
    policy_select,
)
from .tickets import ticket_event_receive
from .ufl import (
    ufl_attempt_record,
    ufl_claim_record,
    ufl_claim_update,
    ufl_outcome_record,
    ufl_plan_open,
    ufl_plan_update,
    ufl_reply_record,
    ufl_stringent_add,
)

__all__ = [
    "AlreadyClaimed",
    "NcoScore",
    "RenderedMacro",
    "call_log_create",
    "case_assign",
    "case_breach_acknowledge",
    "case_claim",
    "case_clocks_reconcile",
    "case_clocks_start",
    "case_create",
    "case_record_contact_attempt",
    "case_transition",
    "case_update",
    "checklist_tick",
    "contact_info_shareable",
    "contact_request_create",
    "contact_request_decide",
    "macro_render",
    "macro_send",
    "macro_values",
    "nco_intake",
    "nco_score",
    "note_add",
    "policies_for",
    "policy_select",
    "ticket_event_receive",
    "ufl_attempt_record",
    "ufl_claim_record",
    "ufl_claim_update",
    "ufl_outcome_record",
    "ufl_plan_open",
    "ufl_plan_update",
    "ufl_reply_record",
    "ufl_stringent_add",
]
