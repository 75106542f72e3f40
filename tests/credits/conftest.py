"""Credit fixtures: a refund case claimed by the agent, with its facts entered by the agent."""

from __future__ import annotations

import pytest

from credits.models import FactSource
from credits.services import credit_facts_record, credit_rules_update
from escalations.models import Kind
from escalations.services import case_claim, case_create


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def refund_case(db, agent):
    """Open and claim a refund case the way an agent does; ``refund_case(...)`` for more."""

    def make(*, actor=None, client_email="dana@example.com", account_id="", **overrides):
        actor = actor or agent
        fields = {
            "title": "Refund: freelancer never delivered",
            "client_name": "Dana Client",
            "client_email": client_email,
            "client_account_id": account_id,
            "kind": Kind.REFUND_REQUEST,
            "issue_summary": "the work was never delivered",
        }
        fields.update(overrides)
        case = case_create(actor=actor, **fields)
        return case_claim(case=case, agent=actor)

    return make


@pytest.fixture
def facts(agent):
    """Enter facts on a case as the agent (page source)."""

    def enter(case, actor=None, **values):
        return credit_facts_record(
            case=case, actor=actor or agent, values=values, source=FactSource.PAGE
        )

    return enter


@pytest.fixture
def rules(admin_user):
    def change(**values):
        return credit_rules_update(actor=admin_user, values=values, note="test")

    return change
