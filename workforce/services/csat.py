"""CSAT (TEAM-2): a signed, expiring rating link emailed to the client when a case is
resolved; the client rates 1-5 once (a second submission changes nothing).

The link carries ``signing.dumps({"r": row id, "n": nonce})`` under this module's salt:
a forged or altered link fails the signature (404), a link whose row's ``expires_at``
has passed is refused (410), and the rating is set under the row's lock, only when it is
still empty. The email is sent after commit; the beat task ``workforce.csat_emails_send``
sends any the worker missed. ``csat.rated`` carries the rating and the case reference
only (no comment, no contact details).
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError, InvalidInput, NotFound
from core.services import audit_record, snapshot
from core.validation import check_text, email_subject

from ..models import CsatRating, WorkforceSettings

log = logging.getLogger(__name__)
SALT = "workforce.csat.link"
COMMENT_MAX = 2000
SEND_BATCH = 200


class LinkExpired(DomainError):
    code = "link_expired"
    status = 410


# The link -----------------------------------------------------------------------------
def token_for(rating: CsatRating) -> str:
    return signing.dumps({"r": rating.pk, "n": rating.nonce}, salt=SALT, compress=True)


def link_for(rating: CsatRating) -> str:
    path = reverse("workforce:rate", args=[token_for(rating)])
    return settings.SITE_URL.rstrip("/") + path


def rating_for_token(token: str, *, now=None) -> CsatRating:
    """The rating row a link names: forged -> NotFound, expired -> LinkExpired."""
    try:
        payload = signing.loads(str(token or "")[:500], salt=SALT)
        pk, nonce = int(payload["r"]), str(payload["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("This rating link is not valid.") from None
    row = CsatRating.objects.select_related("case", "agent").filter(pk=pk).first()
    if row is None or not hmac.compare_digest(row.nonce, nonce):
        raise NotFound("This rating link is not valid.")
    if row.rating is None and (now or timezone.now()) >= row.expires_at:
        raise LinkExpired("This rating link has expired.")
    return row


# Creating the request when a case is resolved -----------------------------------------
def csat_request_create(*, case, now=None) -> CsatRating | None:
    """Once per case: a case resolved again keeps its first request."""
    if not case.client_email:
        return None
    now = now or timezone.now()
    days = WorkforceSettings.current().rating_link_days
    row, created = CsatRating.objects.get_or_create(
        case=case,
        defaults={
            "agent_id": case.assignee_id,
            "team_id": case.team_id,
            "nonce": secrets.token_hex(8),
            "created_at": now,
            "expires_at": now + dt.timedelta(days=days),
        },
    )
    if created:
        audit_record(
            actor=None,
            action="csat.requested",
            target=row,
            after=snapshot(row, ("case", "agent", "team", "expires_at")),
            reason=f"{case.reference} resolved: the client is asked to rate it",
        )
        row_id = row.pk
        transaction.on_commit(lambda: _queue_email(row_id), robust=True)
    return row


def on_case_event_saved(sender, instance, created: bool, raw=False, **kwargs) -> None:
    """The case resolution hook: a status change to resolved asks the client to rate."""
    from escalations.models import EventKind

    if raw or not created or instance.kind != EventKind.STATUS_CHANGED:
        return
    if (instance.data or {}).get("to") != "resolved":
        return
    csat_request_create(case=instance.case, now=instance.at)


def _queue_email(row_id: int) -> None:
    from ..tasks import csat_email_send

    csat_email_send.delay(row_id)


def csat_email_send_one(row_id: int) -> bool:
    """Email one rating link (once: the row is marked under its lock in the same
    transaction that sends, so a second task skips it)."""
    with transaction.atomic():
        row = (
            CsatRating.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("case", "agent")
            .filter(pk=row_id, emailed_at__isnull=True, rating__isnull=True)
            .first()
        )
        if row is None or row.expires_at <= timezone.now():
            return False
        CsatRating.objects.filter(pk=row.pk).update(emailed_at=timezone.now())
        agent = row.agent.get_full_name() if row.agent else "our support team"
        send_mail(
            subject=email_subject(f"How did we do? Rate your support case {row.case.reference}"),
            message=(
                f"Hello {row.case.client_first_name or 'there'},\n\n"
                f"Your case {row.case.reference} was resolved by {agent}. Would you tell us "
                "how we did? It takes one tap (1 to 5) and an optional comment:\n\n"
                f"{link_for(row)}\n\n"
                f"The link works until {row.expires_at:%d %B %Y} and can be used once.\n"
            ),
            from_email=None,
            recipient_list=[row.case.client_email],
        )
    return True


def csat_emails_send(*, now=None) -> int:
    """Beat: the rating links not yet emailed (a dead worker or broker loses none)."""
    now = now or timezone.now()
    ids = list(
        CsatRating.objects.filter(
            emailed_at__isnull=True, rating__isnull=True, expires_at__gt=now
        ).values_list("pk", flat=True)[:SEND_BATCH]
    )
    sent = 0
    for row_id in ids:
        try:
            sent += bool(csat_email_send_one(row_id))
        except Exception as exc:  # an email outage: the next run tries again
            log.warning("csat %s: email failed: %s", row_id, exc)
    return sent


# Rating -------------------------------------------------------------------------------
def clean_rating(value) -> int:
    try:
        rating = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput("Choose a rating from 1 to 5.", field="rating") from None
    if not 1 <= rating <= 5:
        raise InvalidInput("Choose a rating from 1 to 5.", field="rating")
    return rating


@transaction.atomic
def csat_submit(*, token: str, rating, comment: str = "") -> tuple[CsatRating, bool]:
    """Record the client's rating; returns (row, recorded now). Used twice: unchanged."""
    found = rating_for_token(token)
    row = CsatRating.objects.select_for_update().select_related("case").get(pk=found.pk)
    if row.rating is not None:
        return row, False
    value = clean_rating(rating)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(f"Keep the comment under {COMMENT_MAX} characters.", field="comment")
    comment = check_text(comment, field="comment", multiline=True)
    before = snapshot(row, ("rating",))
    row.rating = value
    row.comment = comment
    row.rated_at = timezone.now()
    row.save(update_fields=["rating", "comment", "rated_at"])
    audit_record(
        actor=None,
        action="csat.rated",
        target=row,
        before=before,
        after=snapshot(row, ("rating",)),
        reason="rated by the client through the signed link",
    )
    from integrations.events import publish_event

    publish_event(
        "csat.rated",
        {"case_reference": row.case.reference, "rating": value},
        team_id=row.team_id,
    )
    return row, True
