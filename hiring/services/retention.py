"""Retention: rejected and withdrawn applicants' personal data purged after the
admin-set period (idempotent beat task). Stage changes (the funnel) and the salted
identity hashes stay."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core.services import audit_record

from ..models import Answer, Applicant, HiringSettings, Note, Stage

PURGED_NAME = ""


def applicants_purge_expired(*, now=None) -> int:
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=HiringSettings.current().retention_days)
    due = Applicant.objects.filter(
        stage__in=[Stage.REJECTED, Stage.WITHDRAWN],
        stage_changed_at__lt=cutoff,
        purged_at__isnull=True,
    ).values_list("pk", flat=True)
    purged = 0
    for pk in list(due[:1000]):
        with transaction.atomic():
            applicant = (
                Applicant.objects.select_for_update().filter(pk=pk, purged_at__isnull=True).first()
            )
            if applicant is None:
                continue  # purged by a concurrent run
            Answer.objects.filter(applicant=applicant).delete()
            Note.objects.filter(applicant=applicant).delete()
            applicant.name = PURGED_NAME
            applicant.email = ""
            applicant.profile_id = ""
            applicant.region = ""
            applicant.availability = []
            applicant.operating_system = ""
            applicant.browser = ""
            applicant.speedtest_url = ""
            applicant.draw = []
            applicant.purged_at = now
            applicant.save()
            audit_record(actor=None, action="hiring.applicant_purged", target=applicant)
            purged += 1
    return purged
