"""Rounds, postings and the question bank (HIR-1, HIR-4)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import validation
from core.errors import InvalidInput
from core.models import Team
from core.notifications import notify
from core.services import audit_record, snapshot

from ..access import require_decides_for, require_may_hire
from ..models import HiringSettings, Posting, PostingKind, Question, QuestionKind, Round
from ._input import text_value as _text

REMIND_EVERY = dt.timedelta(days=7)


@transaction.atomic
def round_create(
    *,
    actor,
    team: Team,
    name: str,
    assessment_title: str,
    assessment_text: str,
    hourly_title: str,
    hourly_text: str,
    posted_at: dt.datetime | None = None,
    hours_per_week: int = 30,
    months: int = 6,
) -> Round:
    """A round with its two postings (HIR-1): the public $5 assessment job and the
    invite-only long-term hourly job (30+ hours a week, 6+ months)."""
    require_decides_for(actor, team.pk)
    name = _text(name, field="name", limit=120)
    posted_at = posted_at or timezone.now()
    validation.check_instant(posted_at, field="posted_at")
    if hours_per_week < 30:
        raise InvalidInput("The hourly job is 30 or more hours a week.", field="hours_per_week")
    if months < 6:
        raise InvalidInput("The hourly job runs 6 months or longer.", field="months")
    rnd = Round.objects.create(team=team, name=name, created_by=actor, created_at=timezone.now())
    Posting.objects.create(
        round=rnd,
        kind=PostingKind.ASSESSMENT,
        title=_text(assessment_title, field="assessment_title", limit=200),
        text=_text(assessment_text, field="assessment_text", limit=10000, multiline=True),
        posted_at=posted_at,
        hours_per_week=0,
        months=0,
    )
    Posting.objects.create(
        round=rnd,
        kind=PostingKind.HOURLY,
        title=_text(hourly_title, field="hourly_title", limit=200),
        text=_text(hourly_text, field="hourly_text", limit=10000, multiline=True),
        posted_at=posted_at,
        price=0,
        hours_per_week=hours_per_week,
        months=months,
    )
    audit_record(actor=actor, action="hiring.round_created", target=rnd, after={"name": rnd.name})
    return rnd


@transaction.atomic
def posting_mark_reviewed(*, posting: Posting, actor) -> Posting:
    """The lead re-read the posting (HIR-1): its staleness counts from now."""
    require_decides_for(actor, posting.round.team_id)
    before = snapshot(posting, ["reviewed_at"])
    posting.reviewed_at = timezone.now()
    posting.reminded_at = None
    posting.save(update_fields=["reviewed_at", "reminded_at"])
    audit_record(
        actor=actor,
        action="hiring.posting_reviewed",
        target=posting,
        before=before,
        after=snapshot(posting, ["reviewed_at"]),
    )
    return posting


def stale_postings(*, team_ids=None, now=None):
    """Postings older than the admin-set staleness age, oldest first (HIR-1)."""
    now = now or timezone.now()
    days = HiringSettings.current().staleness_days
    qs = Posting.objects.select_related("round__team")
    if team_ids is not None:
        qs = qs.filter(round__team_id__in=team_ids)
    return sorted((p for p in qs if p.is_stale(now=now, days=days)), key=lambda p: p.freshness_from)


def postings_remind_stale(*, now=None) -> int:
    """The weekly beat task: notify each stale posting's team lead, once a week at most."""
    now = now or timezone.now()
    sent = 0
    for posting in stale_postings(now=now):
        with transaction.atomic():
            fresh = Posting.objects.select_for_update().get(pk=posting.pk)
            if fresh.reminded_at and now - fresh.reminded_at < REMIND_EVERY:
                continue
            lead = posting.round.team.lead
            if lead is not None:
                notify(
                    recipients=[lead],
                    kind="hiring.posting_stale",
                    title=f"Review the job posting “{posting.title}”",
                    body="It has not been reviewed for a while; check it still says what "
                    "applicants need to know.",
                    url=reverse("hiring:round", args=[posting.round_id]),
                    target=posting,
                    email=True,
                )
            fresh.reminded_at = now
            fresh.save(update_fields=["reminded_at"])
            sent += 1
    return sent


@transaction.atomic
def question_create(
    *,
    actor,
    kind: str,
    text: str,
    options=None,
    correct_option=None,
    rubric: str = "",
    points: int = 1,
    as_image: bool = True,
) -> Question:
    require_may_hire(actor)
    if kind not in QuestionKind.values:
        raise InvalidInput(f"Choose one of {', '.join(QuestionKind.values)}.", field="kind")
    text = _text(text, field="text", limit=2000, multiline=True)
    if not isinstance(points, int) or not 1 <= points <= 20:
        raise InvalidInput("Points run from 1 to 20.", field="points")
    options = options or []
    if kind == QuestionKind.CHOICE:
        if not isinstance(options, list) or not 2 <= len(options) <= 8:
            raise InvalidInput("Give 2 to 8 options.", field="options")
        options = [_text(o, field="options", limit=300) for o in options]
        if not isinstance(correct_option, int) or not 0 <= correct_option < len(options):
            raise InvalidInput(
                "Name the correct option by its position (from 0).", field="correct_option"
            )
    else:
        options, correct_option = [], None
        rubric = _text(rubric, field="rubric", limit=2000, multiline=True)
    question = Question.objects.create(
        kind=kind,
        text=text,
        options=options,
        correct_option=correct_option,
        rubric=rubric or "",
        points=points,
        as_image=bool(as_image),
    )
    audit_record(actor=actor, action="hiring.question_created", target=question)
    return question
