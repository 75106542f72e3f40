"""Invitations from a shortlist (SRC-6): recorded, 7-day cooldown, once per job."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import InvalidInput
from core.services import audit_record

from ..errors import InviteConflict
from ..models import Freelancer, Invitation, Shortlist
from ..selectors import current_rules


def shortlist_invite(
    *, shortlist: Shortlist, freelancer_ids, actor, now: dt.datetime | None = None
) -> list[Invitation]:
    """Invite freelancers from ``shortlist`` to its job: all of them or none.

    Refused (409, nobody invited) when one was already invited to this job, or was invited
    to any job inside the cooldown (``invite_cooldown_days``; it ends exactly that long
    after the last invitation). The database's unique (freelancer, job) constraint settles
    a race between two agents.
    """
    if not shortlist.job_reference:
        raise InvalidInput(
            "This shortlist has no job reference; build it for a job to invite freelancers.",
            field="job_reference",
        )
    if not isinstance(freelancer_ids, list | tuple) or not freelancer_ids:
        raise InvalidInput("Choose at least one freelancer to invite.", field="freelancer_ids")
    try:
        ids = list(dict.fromkeys(int(i) for i in freelancer_ids))
    except (TypeError, ValueError):
        raise InvalidInput("Freelancer ids must be numbers.", field="freelancer_ids") from None
    listed = set(
        shortlist.entries.filter(freelancer_id__in=ids).values_list("freelancer_id", flat=True)
    )
    outsiders = [i for i in ids if i not in listed]
    if outsiders:
        raise InvalidInput(
            f"Not on shortlist #{shortlist.pk}: {', '.join(map(str, outsiders))}.",
            field="freelancer_ids",
        )
    now = now or timezone.now()
    cooldown = dt.timedelta(days=current_rules().invite_cooldown_days)
    job = shortlist.job_reference
    with transaction.atomic():
        # Lock the freelancers so two agents inviting the same people queue up here.
        freelancers = {
            f.pk: f
            for f in Freelancer.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        }
        conflicts, code = [], "invite_cooldown"
        for inv in Invitation.objects.filter(freelancer_id__in=ids, job_reference=job):
            code = "already_invited"
            conflicts.append(
                {
                    "freelancer_id": inv.freelancer_id,
                    "reason": "already_invited",
                    "until": None,
                    "message": (
                        f"{freelancers[inv.freelancer_id].name} was already invited to job {job} "
                        f"on {inv.invited_at:%Y-%m-%d}."
                    ),
                }
            )
        done = {c["freelancer_id"] for c in conflicts}
        recent = Invitation.objects.filter(
            freelancer_id__in=ids, invited_at__gt=now - cooldown, invited_at__lte=now
        ).order_by("freelancer_id", "-invited_at")
        for inv in recent:
            if inv.freelancer_id in done:
                continue
            done.add(inv.freelancer_id)
            ends = inv.invited_at + cooldown
            conflicts.append(
                {
                    "freelancer_id": inv.freelancer_id,
                    "reason": "cooldown",
                    "until": ends.isoformat(),
                    "message": (
                        f"{freelancers[inv.freelancer_id].name} was invited to job "
                        f"{inv.job_reference} on {inv.invited_at:%Y-%m-%d %H:%M} UTC; the "
                        f"cooldown ends {ends:%Y-%m-%d %H:%M} UTC."
                    ),
                }
            )
        if conflicts:
            raise InviteConflict(conflicts, code=code)
        invitations = [
            Invitation(
                freelancer_id=fid,
                job_reference=job,
                invited_at=now,
                source=Invitation.Source.SHORTLIST,
                shortlist=shortlist,
                invited_by=actor if actor is not None and actor.pk else None,
            )
            for fid in ids
        ]
        try:
            with transaction.atomic():
                Invitation.objects.bulk_create(invitations)
        except IntegrityError:
            raise InviteConflict(
                [
                    {
                        "freelancer_id": None,
                        "reason": "already_invited",
                        "until": None,
                        "message": f"Someone else just invited one of them to job {job}.",
                    }
                ],
                code="already_invited",
            ) from None
        for inv in invitations:
            audit_record(
                actor=actor,
                action="invitation.created",
                target=inv,
                after={
                    "freelancer": inv.freelancer_id,
                    "job_reference": job,
                    "shortlist": shortlist.pk,
                    "invited_at": now,
                },
            )
    return invitations
