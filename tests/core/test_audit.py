"""The audit trail is append-only (CORE-5)."""

import pytest
from django.db import DatabaseError, connection, transaction

from core.models import AuditEvent
from core.models.audit import AppendOnlyError
from core.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(agent, team):
    return audit_record(
        actor=agent,
        action="team.renamed",
        target=team,
        before={"name": "A"},
        after={"name": "B"},
        reason="tidy up",
    )


def test_entry_records_who_when_what_before_after_core_5(entry, agent):
    assert entry.actor == agent and entry.actor_label == "agent"
    assert entry.at is not None
    assert entry.action == "team.renamed"
    assert entry.changes == {"name": ("A", "B")}
    assert entry.reason == "tidy up"


def test_entry_cannot_be_updated_or_deleted_through_the_orm_core_5(entry):
    entry.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=entry.pk).reason == "tidy up"


def test_admin_has_no_edit_or_delete_path_core_5(client, admin_user, entry):
    client.force_login(admin_user)
    change_url = f"/admin/core/auditevent/{entry.pk}/change/"
    assert client.get(change_url).status_code == 200  # view only
    response = client.post(change_url, {"reason": "edited"})
    assert response.status_code == 403
    assert (
        client.post(f"/admin/core/auditevent/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert client.get("/admin/core/auditevent/add/").status_code == 403
    assert AuditEvent.objects.get(pk=entry.pk).reason == "tidy up"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger")
def test_database_refuses_raw_update_on_postgresql_core_5(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [entry.pk])


def test_admin_edits_of_configuration_are_audited_core_5(client, admin_user, team):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/core/team/{team.pk}/change/",
        {"name": "Renamed Team", "lead": "", "chat_webhook_url": ""},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.for_object(team).get(action="team.changed")
    assert event.before["name"] == "Executive Escalations"
    assert event.after["name"] == "Renamed Team"
    assert event.actor == admin_user


def test_a_user_named_by_the_trail_cannot_be_deleted_core_5(entry, agent):
    """The trail's actor column has no database constraint, but Django still protects it:
    deleting the user is refused and the entry keeps naming them."""
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        agent.delete()
    assert AuditEvent.objects.get(pk=entry.pk).actor == agent
