"""Hiring creates the agent (HIR-2 hired, HIR-7 classification guard)."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from core.errors import IllegalTransition, InvalidInput
from core.models import Channel, Role, User
from core.models.people import validate_time_zone
from core.services import audit_record, user_create_or_update

from ..access import require_decides_for
from ..models import Applicant, Stage
from ..submission_rules import Contract, classification_problem
from ._events import publish
from ._input import text_value
from .applicants import move

USERNAME = re.compile(r"^[\w.@+-]{3,150}$")


def _check_person_fields(*, username, password, time_zone, channels, start_date):
    if not isinstance(username, str) or not USERNAME.match(username or ""):
        raise InvalidInput("3 to 150 letters, digits and . @ + - _ characters.", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput("That username is taken.", field="username")
    if password:
        try:
            validate_password(password)
        except ValidationError as exc:
            raise InvalidInput(" ".join(exc.messages), field="password") from None
    try:
        validate_time_zone(time_zone)
    except ValidationError:
        raise InvalidInput("An IANA time zone, e.g. Asia/Manila.", field="time_zone") from None
    if not isinstance(channels, list) or any(c not in Channel.values for c in channels):
        raise InvalidInput(f"Channels from {', '.join(Channel.values)}.", field="channels")
    if not isinstance(start_date, dt.date):
        raise InvalidInput("A start date is required.", field="start_date")


@transaction.atomic
def applicant_hire(
    *,
    applicant: Applicant,
    actor,
    username: str,
    password: str = "",
    time_zone: str,
    channels: list[str],
    start_date: dt.date,
    contract: str = Contract.LONG_TERM_HOURLY,
    override_reason: str = "",
) -> Applicant:
    """Create the agent's account in the round's team and move the applicant to hired.

    HIR-7: a long-term hourly hire located in California is refused; any other US-located
    hire is limited to short-term projects unless a lead of the team overrides with a
    reason (audited).
    """
    require_decides_for(actor, applicant.round.team_id)
    applicant = (
        Applicant.objects.select_for_update().select_related("round__team").get(pk=applicant.pk)
    )
    if applicant.stage != Stage.INTERVIEWED:
        raise IllegalTransition(
            "Only interviewed applicants are hired "
            f"(this one is {applicant.get_stage_display().lower()}).",
            field="to_stage",
        )
    if contract not in Contract.LABELS:
        raise InvalidInput(f"Choose one of {', '.join(Contract.LABELS)}.", field="contract")
    override_reason = text_value(
        override_reason, field="override_reason", limit=500, required=False
    )
    problem = classification_problem(
        country=applicant.country,
        region=applicant.region,
        contract=contract,
        override_reason=override_reason,
    )
    if problem:
        raise InvalidInput(problem[0], code="classification", field="contract")
    _check_person_fields(
        username=username,
        password=password,
        time_zone=time_zone,
        channels=channels,
        start_date=start_date,
    )
    first, _, last = applicant.name.partition(" ")
    user, _ = user_create_or_update(
        username=username,
        role=Role.AGENT,
        team_name=applicant.round.team.name,
        password=password or None,
        email=applicant.email,
        time_zone=time_zone,
        first_name=first,
        last_name=last,
        actor=actor,
    )
    user.languages = list(applicant.languages)
    user.channels = list(channels)
    user.start_date = start_date
    user.save(update_fields=["languages", "channels", "start_date"])
    if applicant.country.upper() == "US" and contract == Contract.LONG_TERM_HOURLY:
        audit_record(
            actor=actor,
            action="hiring.classification_override",
            target=applicant,
            after={"contract": contract, "country": applicant.country},
            reason=override_reason,
        )
    applicant.hired_user = user
    applicant.contract = contract
    move(applicant, to_stage=Stage.HIRED, actor=actor, reason=Contract.LABELS[contract])
    publish("applicant.hired", applicant, agent_id=user.pk, contract=contract)
    return applicant
