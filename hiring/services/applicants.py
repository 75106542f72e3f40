"""Applicants in, and through, the pipeline (HIR-2): one audited move service."""

from __future__ import annotations

import csv
import io
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.errors import Conflict, IllegalTransition, InvalidInput
from core.services import audit_record

from .. import pipeline
from ..access import require_decides_for
from ..models import Applicant, Note, Round, Stage, StageChange
from ._events import publish
from ._input import languages_value, text_value

CSV_COLUMNS = ("name", "email", "profile_id", "country", "region", "languages")
MAX_CSV_ROWS = 1000
# Moves a person makes by hand; the others happen through their own service.
MANUAL_TARGETS = {
    Stage.ASSESSMENT_OFFERED,
    Stage.INVITED,
    Stage.INTERVIEWED,
    Stage.REJECTED,
    Stage.WITHDRAWN,
}
WHY_NOT_MANUAL = {
    Stage.SUBMITTED: "An applicant reaches submitted by sending all four parts.",
    Stage.SCORED: "An applicant is scored when every free-text answer has been reviewed.",
    Stage.HIRED: "Hiring goes through the hire form (it creates the agent's account).",
}


def identity_hash(value: str) -> str:
    """Salted hash of an email or profile id; kept after the purge (never paid twice)."""
    value = (value or "").strip().lower()
    if not value:
        return ""
    salt = getattr(settings, "HIRING_IDENTITY_SALT", "") or settings.SECRET_KEY
    return salted_hmac("hiring.identity", value, secret=salt, algorithm="sha256").hexdigest()


def _clean_applicant(data: dict) -> dict:
    name = text_value(data.get("name"), field="name", limit=120)
    email = text_value(data.get("email"), field="email", limit=254, required=False)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput("Enter a valid email address.", field="email") from None
    profile_id = text_value(data.get("profile_id"), field="profile_id", limit=80, required=False)
    if not email and not profile_id:
        raise InvalidInput("Give an email or a marketplace profile id.", field="email")
    country = text_value(data.get("country"), field="country", limit=2).upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise InvalidInput("A two-letter country code, e.g. PH.", field="country")
    region = text_value(data.get("region"), field="region", limit=40, required=False)
    languages = languages_value(data.get("languages") or [])
    return {
        "name": name,
        "email": email.lower(),
        "profile_id": profile_id,
        "country": country,
        "region": region.upper() if len(region) == 2 else region,
        "languages": languages,
    }


def _earlier_same_person(email_hash: str, profile_hash: str, *, exclude_pk=None):
    q = Q(pk__in=[])
    if email_hash:
        q |= Q(email_hash=email_hash)
    if profile_hash:
        q |= Q(profile_hash=profile_hash)
    return Applicant.objects.filter(q).exclude(pk=exclude_pk).order_by("created_at", "id")


def _record_stage(applicant: Applicant, *, from_stage: str, actor, reason: str = "") -> None:
    StageChange.objects.create(
        applicant=applicant,
        from_stage=from_stage,
        to_stage=applicant.stage,
        at=applicant.stage_changed_at,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason[:500],
    )


def _create(rnd: Round, actor, clean: dict) -> Applicant:
    email_hash = identity_hash(clean["email"])
    profile_hash = identity_hash(clean["profile_id"])
    earlier = _earlier_same_person(email_hash, profile_hash).first()
    now = timezone.now()
    applicant = Applicant.objects.create(
        round=rnd,
        email_hash=email_hash,
        profile_hash=profile_hash,
        duplicate_of=earlier,
        stage=Stage.APPLIED,
        stage_changed_at=now,
        created_at=now,
        **clean,
    )
    _record_stage(applicant, from_stage="", actor=actor)
    audit_record(
        actor=actor,
        action="hiring.applicant_added",
        target=applicant,
        after={"round": rnd.pk, "duplicate_of": earlier.pk if earlier else None},
    )
    publish("applicant.added", applicant, duplicate=earlier is not None)
    return applicant


@transaction.atomic
def applicant_add(*, round: Round, actor, **data) -> Applicant:
    """Add one applicant; a second application by the same email or profile id (any
    round) is flagged as a duplicate (``duplicate_of``)."""
    require_decides_for(actor, round.team_id)
    return _create(round, actor, _clean_applicant(data))


def _column(name) -> str:
    """``Profile ID`` and ``profile_id`` name the same column."""
    return (name or "").strip().lower().replace(" ", "_")


@transaction.atomic
def applicants_import_csv(*, round: Round, actor, text: str) -> list[Applicant]:
    """All or nothing: a bad row refuses the file, naming the row and the field."""
    require_decides_for(actor, round.team_id)
    reader = csv.DictReader(io.StringIO(text))
    header = [_column(h) for h in (reader.fieldnames or [])]
    missing = [c for c in ("name", "country") if c not in header]
    if missing:
        raise InvalidInput(
            f"The file needs the columns {', '.join(CSV_COLUMNS)} (missing: {', '.join(missing)}).",
            field="file",
        )
    rows = []
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_CSV_ROWS:
            raise InvalidInput(f"At most {MAX_CSV_ROWS} rows per file.", field="file")
        row = {_column(k): (v or "").strip() for k, v in raw.items()}
        try:
            rows.append(_clean_applicant(row))
        except InvalidInput as exc:
            raise InvalidInput(
                f"Line {number}, {exc.field or 'row'}: {exc.message} Nothing was imported.",
                field="file",
            ) from None
    if not rows:
        raise InvalidInput("The file has no applicant rows.", field="file")
    return [_create(round, actor, row) for row in rows]


def _lock_same_person(applicant: Applicant) -> None:
    """Lock every application of this person, in id order (no deadlock between rounds)."""
    list(
        _earlier_same_person(applicant.email_hash, applicant.profile_hash)
        .order_by("id")
        .select_for_update()
        .values_list("pk", flat=True)
    )


def _paid_before(applicant: Applicant) -> Applicant | None:
    """Another application of the same person already paid for the $5 assessment.

    Every application of the person is locked first (in id order), so two concurrent
    offers to the same person in two rounds serialise and only one is paid."""
    _lock_same_person(applicant)
    return (
        _earlier_same_person(applicant.email_hash, applicant.profile_hash, exclude_pk=applicant.pk)
        .filter(assessment_paid_at__isnull=False)
        .select_related("round")
        .first()
    )


def move(applicant: Applicant, *, to_stage: str, actor, reason: str = "") -> Applicant:
    """The one pipeline move (call inside a transaction, on a locked row): checks the
    table, keeps the stage's timestamp, audits, publishes ``applicant.moved``."""
    from_stage = applicant.stage
    if not pipeline.is_allowed(from_stage, to_stage):
        label = Stage(to_stage).label.lower() if to_stage in Stage.values else repr(to_stage)
        raise IllegalTransition(
            f"An applicant cannot move from {Stage(from_stage).label.lower()} to {label}. "
            f"Allowed: {pipeline.describe_allowed(from_stage)}.",
            field="to_stage",
        )
    if to_stage == Stage.ASSESSMENT_OFFERED:
        paid = _paid_before(applicant)
        if paid is not None:
            raise Conflict(
                f"This person was already paid for the assessment (round “{paid.round}”); "
                "nobody is paid twice.",
                code="already_paid",
                field="to_stage",
            )
        applicant.assessment_paid_at = timezone.now()
    applicant.stage = to_stage
    applicant.stage_changed_at = timezone.now()
    applicant.save()
    _record_stage(applicant, from_stage=from_stage, actor=actor, reason=reason)
    audit_record(
        actor=actor,
        action="hiring.applicant_moved",
        target=applicant,
        before={"stage": from_stage},
        after={"stage": to_stage},
        reason=reason,
    )
    publish("applicant.moved", applicant, from_stage=from_stage)
    return applicant


@transaction.atomic
def applicant_move(*, applicant: Applicant, to_stage: str, actor, reason: str = "") -> Applicant:
    """A lead's move (HIR-2). Illegal moves are refused with the allowed ones named."""
    require_decides_for(actor, applicant.round.team_id)
    reason = text_value(reason, field="reason", limit=500, required=False)
    if to_stage == Stage.ASSESSMENT_OFFERED:
        _lock_same_person(applicant)  # before its own row: one lock order for everyone
    locked = Applicant.objects.select_for_update().select_related("round").get(pk=applicant.pk)
    if to_stage in WHY_NOT_MANUAL and pipeline.is_allowed(locked.stage, to_stage):
        raise IllegalTransition(WHY_NOT_MANUAL[to_stage], field="to_stage")
    if to_stage not in Stage.values:
        raise InvalidInput(
            f"Unknown stage. Allowed from here: {pipeline.describe_allowed(locked.stage)}.",
            field="to_stage",
        )
    return move(locked, to_stage=to_stage, actor=actor, reason=reason)


@transaction.atomic
def applicant_note_add(*, applicant: Applicant, actor, body: str, kind: str = Note.Kind.NOTE):
    require_decides_for(actor, applicant.round.team_id)
    if kind not in Note.Kind.values:
        raise InvalidInput("Unknown kind of note.", field="kind")
    body = text_value(body, field="body", limit=5000, multiline=True)
    note = Note.objects.create(applicant=applicant, author=actor, kind=kind, body=body)
    audit_record(actor=actor, action="hiring.note_added", target=applicant, after={"kind": kind})
    return note
