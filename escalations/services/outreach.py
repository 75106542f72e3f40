"""New-client outreach (NCO-1, NCO-3): intake scoring and the checklist."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from core.errors import InvalidInput
from core.services import audit_record, snapshot
from core.validation import check_text

from ..models import (
    SEGMENT_RANK,
    Case,
    ChecklistItem,
    DeskSettings,
    EventKind,
    Kind,
    NcoAssessment,
    Priority,
    Segment,
    SourceChannel,
)
from ._common import event_record, require_can_work
from .cases import case_create

NCO_CRITERION_WORDS = {
    "job_post_value": "job post value",
    "web_presence": "web presence",
    "segment": "segment",
    "long_term_or_multiple": "long-term or several hires",
}


@dataclass(frozen=True)
class NcoScore:
    job_post_value: bool
    web_presence: bool
    segment: bool
    long_term_or_multiple: bool

    @property
    def met(self) -> int:
        return sum(
            (self.job_post_value, self.web_presence, self.segment, self.long_term_or_multiple)
        )


def nco_score(
    *,
    job_post_value: Decimal | None,
    web_presence: bool,
    segment: str,
    long_term_or_multiple: bool,
    threshold: Decimal,
    min_segment: str,
) -> NcoScore:
    """Pure NCO-1 scoring: which of the four criteria hold (the threshold is inclusive)."""
    return NcoScore(
        job_post_value=job_post_value is not None and job_post_value >= threshold,
        web_presence=bool(web_presence),
        segment=SEGMENT_RANK[segment] >= SEGMENT_RANK[min_segment],
        long_term_or_multiple=bool(long_term_or_multiple),
    )


def _money(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput(f"{field} must be an amount such as 2500.00.", field=field) from None
    if amount < 0:
        raise InvalidInput(f"{field} cannot be negative.", field=field)
    return amount


@transaction.atomic
def nco_intake(
    *,
    reporter,
    client_name: str,
    segment: str,
    job_post_value=None,
    web_presence: bool = False,
    long_term_or_multiple: bool = False,
    client_email: str = "",
    client_phone: str = "",
    client_company: str = "",
    client_account_id: str = "",
    source_channel: str = SourceChannel.SOCIAL_MEDIA,
    reporting_team: str = "",
    report_url: str = "",
    job_post_url: str = "",
    issue_summary: str = "",
    title: str = "",
    priority: str = Priority.NORMAL,
    team=None,
    tags=(),
    external_ticket_id: str | None = None,
    created_at=None,
) -> Case:
    """Score a reported possible new client and open the case (NCO-1).

    Meeting at least the admin-set number of criteria opens a new-client-outreach case
    (with its checklist and 15-minute/2-hour response clock); otherwise a general case.
    """
    if segment not in Segment.values:
        raise InvalidInput(
            f"Unknown segment {segment!r}; choose one of {', '.join(Segment.values)}.",
            field="segment",
        )
    if source_channel not in SourceChannel.values:
        raise InvalidInput(f"Unknown source channel {source_channel!r}.", field="source_channel")
    value = _money(job_post_value, "job_post_value")
    desk = DeskSettings.load()
    score = nco_score(
        job_post_value=value,
        web_presence=web_presence,
        segment=segment,
        long_term_or_multiple=long_term_or_multiple,
        threshold=desk.nco_job_post_value_threshold,
        min_segment=desk.nco_min_segment,
    )
    routed_general = score.met < desk.nco_min_criteria
    who = client_company or client_name
    case = case_create(
        actor=reporter,
        # A routed-general intake is not titled as outreach: the title says what it is.
        title=title
        or (f"Client enquiry: {who}" if routed_general else f"Possible new client: {who}"),
        kind=Kind.GENERAL if routed_general else Kind.NEW_CLIENT_OUTREACH,
        priority=priority,
        client_name=client_name,
        client_email=client_email,
        client_phone=client_phone,
        client_company=client_company,
        client_account_id=client_account_id,
        client_segment=segment,
        source_channel=source_channel,
        issue_summary=issue_summary,
        team=team,
        tags=tags,
        external_ticket_id=external_ticket_id,
        created_at=created_at,
    )
    assessment = NcoAssessment.objects.create(
        case=case,
        reporter=reporter,
        reporting_team=reporting_team,
        report_url=report_url,
        job_post_url=job_post_url,
        job_post_value=value,
        web_presence=bool(web_presence),
        long_term_or_multiple=bool(long_term_or_multiple),
        segment=segment,
        threshold_used=desk.nco_job_post_value_threshold,
        min_segment_used=desk.nco_min_segment,
        meets_job_post_value=score.job_post_value,
        meets_web_presence=score.web_presence,
        meets_segment=score.segment,
        meets_long_term=score.long_term_or_multiple,
        criteria_met=score.met,
        routed_as_general=routed_general,
    )
    held = ", ".join(NCO_CRITERION_WORDS.get(k, k) for k in assessment.criteria_held) or "none"
    event_record(
        case=case,
        kind=EventKind.UPDATED,
        actor=reporter,
        body=f"Outreach intake: {score.met} of 4 criteria held ({held})"
        + ("; routed as a general case." if routed_general else "."),
        data={"nco": assessment.criteria, "routed_as_general": routed_general},
    )
    audit_record(
        actor=reporter,
        action="nco.intake",
        target=case,
        after={
            "criteria": assessment.criteria,
            "criteria_met": score.met,
            "threshold": desk.nco_job_post_value_threshold,
            "routed_as_general": routed_general,
        },
    )
    return case


@transaction.atomic
def checklist_tick(
    *, item: ChecklistItem, actor, done: bool = True, note: str | None = None
) -> ChecklistItem:
    """Tick or untick one NCO-3 (or UFL-4 research) item, recording who and when.

    ``note``: what the research found (internal, ESC-7), e.g. where the contact info was.
    """
    item = ChecklistItem.objects.select_for_update().select_related("case").get(pk=item.pk)
    require_can_work(actor, item.case, "tick the checklist")
    if note is not None:
        note = note.strip()
        check_text(note, field="note")
        if len(note) > ChecklistItem._meta.get_field("note").max_length:
            raise InvalidInput("The note is at most 500 characters.", field="note")
        if note != item.note:
            audit_record(
                actor=actor,
                action="checklist.noted",
                target=item.case,
                before={"item": item.key, "note": item.note},
                after={"item": item.key, "note": note},
            )
            item.note = note
            item.save(update_fields=["note"])
    if item.done == bool(done):
        return item
    before = snapshot(item, ("done", "done_by", "done_at"))
    item.done = bool(done)
    item.done_by = actor if done else None
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done", "done_by", "done_at"])
    event_record(
        case=item.case,
        kind=EventKind.CHECKLIST,
        actor=actor,
        body=f"{'Ticked' if done else 'Unticked'}: {item.label}",
        data={"item": item.key, "done": item.done},
    )
    audit_record(
        actor=actor,
        action="checklist.ticked" if done else "checklist.unticked",
        target=item.case,
        before={"item": item.key, **before},
        after={"item": item.key, **snapshot(item, ("done", "done_by", "done_at"))},
    )
    return item
