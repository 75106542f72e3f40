"""Rendering and sending reply macros (ESC-6)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.html import escape

from core.errors import Conflict, InvalidInput
from core.services import audit_record

from ..models import PLACEHOLDERS, Case, DeskSettings, EventKind, Kind, Macro, Visibility
from ..models.macros import PLACEHOLDER_RE, unknown_placeholders
from ._common import event_record, require_can_work
from .sla import case_first_response_meet

DEFAULT_EMPATHY = {
    Kind.UNRESPONSIVE_FREELANCER: (
        "I understand how frustrating it is when a freelancer stops responding"
    ),
    Kind.REFUND_REQUEST: "I'm sorry the project has not gone the way you hoped",
    Kind.NEW_CLIENT_OUTREACH: "We're excited to help you find the right talent",
    Kind.GENERAL: "I'm sorry for the trouble this has caused",
}


# Placeholders only the server fills (CRD-3, CRD-6): another app registers a provider
# ``(case) -> str | None`` and the refusal shown when it has no value for the case. A
# caller's value for them is ignored, so no unapproved figure can reach the client.
SERVER_PLACEHOLDERS: dict[str, tuple] = {}


def register_server_placeholder(name: str, provider, refusal: str) -> None:
    SERVER_PLACEHOLDERS[name] = (provider, refusal)


@dataclass
class RenderedMacro:
    macro: Macro
    case: Case
    subject: str
    body: str
    values: dict = field(default_factory=dict)


def macro_values(*, case: Case, agent, extra: dict | None = None) -> dict[str, str]:
    """Where each placeholder's value comes from: the case, the agent, settings, ``extra``.

    Only client-facing case fields are used; internal notes never reach a macro (ESC-7).
    """
    settings = DeskSettings.load()
    values = {
        "client_name": case.client_name,
        "client_first_name": case.client_first_name,
        "client_company": case.client_company,
        "issue_summary": case.issue_summary,
        "empathy_statement": DEFAULT_EMPATHY.get(case.kind, ""),
        "agent_name": agent.get_full_name() or agent.username,
        "agent_first_name": agent.first_name or agent.username,
        "scheduling_link": settings.scheduling_link_template.replace("{username}", agent.username),
        "case_reference": case.reference or "",
        "freelancer_name": case.freelancer_name,
    }
    for key, value in (extra or {}).items():
        if key not in SERVER_PLACEHOLDERS:
            values[key] = "" if value is None else str(value)
    for name, (provider, _refusal) in SERVER_PLACEHOLDERS.items():
        values[name] = provider(case) or ""
    return values


def _fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER_RE.sub(lambda m: escape(values[m.group(1).strip()]), text)


def macro_render(*, macro: Macro, case: Case, agent, extra: dict | None = None) -> RenderedMacro:
    """Fill the placeholders (values HTML-escaped); refuse unknown or empty ones."""
    if not macro.active:
        raise InvalidInput(f"The macro {macro.name!r} is inactive.", field="macro")
    unknown = unknown_placeholders(f"{macro.subject}\n{macro.body}")
    if unknown:
        raise InvalidInput(
            f"The macro {macro.name!r} uses unknown placeholder(s): {', '.join(unknown)}.",
            field="body",
            code="unknown_placeholder",
        )
    extra = extra or {}
    if not isinstance(extra, dict):
        raise InvalidInput("extra must map placeholder names to values.", field="extra")
    bad = sorted(set(extra) - set(PLACEHOLDERS))
    if bad:
        raise InvalidInput(
            f"Unknown placeholder(s) in extra: {', '.join(bad)}; "
            f"allowed: {', '.join(PLACEHOLDERS)}.",
            field="extra",
            code="unknown_placeholder",
        )
    values = macro_values(case=case, agent=agent, extra=extra)
    used = macro.placeholders
    for name in used:
        if name in SERVER_PLACEHOLDERS and not values[name]:
            raise Conflict(SERVER_PLACEHOLDERS[name][1], code=f"no_{name}")
    missing = [name for name in used if not str(values.get(name, "")).strip()]
    if missing:
        raise InvalidInput(
            f"No value for placeholder(s): {', '.join(missing)}; fill them on the case "
            "or pass them in extra.",
            field="extra",
            code="missing_placeholder",
        )
    body = _fill(macro.body, values)
    if values.get("resources") and "resources" not in used:
        # ESC-11 (issue 15): chosen help-center links go below a macro without the slot.
        body = f"{body.rstrip()}\n\n{escape(values['resources'])}"
    return RenderedMacro(
        macro=macro,
        case=case,
        subject=_fill(macro.subject, values),
        body=body,
        values={name: escape(values[name]) for name in used},
    )


@transaction.atomic
def macro_send(*, macro: Macro, case: Case, agent, extra: dict | None = None):
    """Render and record the reply on the timeline as client-visible."""
    require_can_work(agent, case, "reply to the client")
    rendered = macro_render(macro=macro, case=case, agent=agent, extra=extra)
    event = event_record(
        case=case,
        kind=EventKind.REPLY,
        actor=agent,
        body=rendered.body,
        visibility=Visibility.CLIENT_VISIBLE,
        data={"macro": macro.pk, "macro_name": macro.name, "subject": rendered.subject},
    )
    audit_record(
        actor=agent,
        action="case.macro_sent",
        target=case,
        after={"event": event.pk, "macro": macro.pk},
    )
    case_first_response_meet(case=case, actor=agent, reason=f"reply sent: {macro.name}")
    # ESC-5: a client-visible reply after the 48 hours is the follow-up with the client.
    from .ufl import ufl_client_followed_up

    ufl_client_followed_up(case=case, actor=agent, at=event.at)
    return event
