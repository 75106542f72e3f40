"""Helpers shared by the case services."""

from __future__ import annotations

from django.utils import timezone

from core.errors import InvalidInput

from ..access import require_can_work  # noqa: F401  (re-exported for the services)
from ..models import CLIENT_SHAREABLE_KINDS, Case, CaseEvent, Visibility

CASE_AUDIT_FIELDS = (
    "reference",
    "title",
    "issue_summary",
    "kind",
    "priority",
    "status",
    "client_name",
    "client_email",
    "client_phone",
    "client_company",
    "client_account_id",
    "client_segment",
    "freelancer_name",
    "freelancer_id",
    "freelancer_email",
    "freelancer_phone",
    "is_agency",
    "contract_ids",
    "contract_type",
    "contract_spend",
    "source_channel",
    "external_ticket_id",
    "assignee",
    "team",
)


def event_record(
    *,
    case: Case,
    kind: str,
    actor=None,
    body: str = "",
    visibility: str = Visibility.INTERNAL,
    data: dict | None = None,
    at=None,
) -> CaseEvent:
    """Append a timeline entry; kinds that are never client-facing are forced internal."""
    if visibility == Visibility.CLIENT_VISIBLE and kind not in CLIENT_SHAREABLE_KINDS:
        raise InvalidInput(
            f"A {kind} event is internal and can never be client-visible (ESC-7).",
            field="visibility",
        )
    if visibility not in Visibility.values:
        raise InvalidInput(
            f"Unknown visibility {visibility!r}; choose internal or client_visible.",
            field="visibility",
        )
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        at=at or timezone.now(),
        visibility=visibility,
        body=body,
        data=data or {},
    )


# Outbound events (issue 15, API-3) ------------------------------------------------------
def case_publish(case: Case, event_type: str, **extra) -> None:
    """Publish ``event_type`` for ``case`` in the caller's transaction (delivered on commit)."""
    from integrations.events import publish_event
    from integrations.payloads import case_data

    publish_event(event_type, {**case_data(case), **extra}, team_id=case.team_id)


def lock_case(case: Case) -> Case:
    """Re-read the case under a row lock (a no-op lock on SQLite)."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("assignee", "team")
        .get(pk=case.pk)
    )
