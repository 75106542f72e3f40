"""People and the createuser command (CORE-6)."""

import pytest
from django.core.management import CommandError, call_command

from core.errors import InvalidInput
from core.models import AuditEvent, Team, User
from core.services import user_create_or_update

pytestmark = pytest.mark.django_db


def test_createuser_creates_user_and_prints_token_on_last_line_core_6(capsys):
    call_command(
        "createuser",
        "dana",
        "--role",
        "team_lead",
        "--team",
        "Night Shift",
        "--password",
        "s3cret-pass",
    )
    out = capsys.readouterr().out.strip().splitlines()
    user = User.objects.get(username="dana")
    assert user.role == "team_lead"
    assert user.check_password("s3cret-pass")
    assert Team.objects.get(name="Night Shift").lead == user
    assert out[-1] == user.auth_token.key


def test_createuser_updates_an_existing_user_core_6(capsys):
    call_command("createuser", "erin", "--role", "agent", "--password", "first-pass-1")
    call_command("createuser", "erin", "--role", "admin")
    user = User.objects.get(username="erin")
    assert user.role == "admin" and user.is_staff and user.is_superuser
    assert user.check_password("first-pass-1")  # left unchanged without --password
    assert User.objects.filter(username="erin").count() == 1


def test_createuser_refuses_unknown_role_and_changes_nothing_core_6():
    with pytest.raises(CommandError):
        call_command("createuser", "frank", "--role", "astronaut")
    assert not User.objects.filter(username="frank").exists()


def test_invalid_time_zone_is_refused_core_6():
    with pytest.raises(InvalidInput) as exc:
        user_create_or_update(username="gil", role="agent", time_zone="Mars/Olympus")
    assert exc.value.field == "time_zone"
    assert not User.objects.filter(username="gil").exists()


def test_user_changes_are_audited_core_5():
    user, _ = user_create_or_update(username="hana", role="agent")
    user_create_or_update(username="hana", role="team_lead")
    events = list(AuditEvent.objects.for_object(user).order_by("id"))
    assert [e.action for e in events] == ["user.created", "user.updated"]
    assert events[1].before["role"] == "agent"
    assert events[1].after["role"] == "team_lead"
