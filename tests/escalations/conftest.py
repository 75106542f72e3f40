import pytest

from escalations.models import Kind, Segment
from escalations.services import case_create
from tests.factories import TeamFactory, UserFactory


@pytest.fixture
def make_case(db, agent):
    """Open a case the way users do (the service), with sensible defaults."""

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
def webhook_secret(settings, db):
    settings.TICKET_WEBHOOK_SECRET = "test-webhook-secret-123"
    return settings.TICKET_WEBHOOK_SECRET


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Personas hash passwords; PBKDF2 would dominate these tests' runtime."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team_b(db):
    """A second team with its own lead (CORE-8: another team's view)."""
    team = TeamFactory(name="Team B")
    team.lead = UserFactory(username="lead_b", role="team_lead", team=team)
    team.save(update_fields=["lead"])
    return team


@pytest.fixture
def agent_b(team_b):
    return UserFactory(username="agent_b", role="agent", team=team_b)
