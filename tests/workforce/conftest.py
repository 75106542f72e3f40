import pytest

from escalations.models import Kind, Segment, Status
from escalations.services import case_create, case_transition
from escalations.services.claiming import case_claim
from tests.factories import TeamFactory, UserFactory


@pytest.fixture
def make_case(db, agent):
    def make(actor=None, **overrides):
        fields = {
            "title": "Freelancer stopped responding",
            "client_name": "Dana Client",
            "client_email": "dana@example.com",
            "kind": Kind.GENERAL,
            "client_segment": Segment.INDIVIDUAL,
            "issue_summary": "your freelancer not responding",
        }
        fields.update(overrides)
        return case_create(actor=actor if actor is not None else agent, **fields)

    return make


@pytest.fixture
def resolve():
    """Claim (if new) and resolve a case as ``agent`` through the services."""

    def run(case, agent):
        if case.status == Status.NEW:
            case = case_claim(case=case, agent=agent)
        return case_transition(case=case, to_status=Status.RESOLVED, actor=agent)

    return run


@pytest.fixture
def team_b(db):
    team = TeamFactory(name="Second Line")
    lead = UserFactory(username="lead_b", role="team_lead", team=team)
    team.lead = lead
    team.save(update_fields=["lead"])
    return team


@pytest.fixture
def agent_b(team_b):
    return UserFactory(username="agent_b", role="agent", team=team_b)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
