"""ESC-11: an admin-managed, audited library of help-center links; agents insert chosen
ones into a reply from the macro panel ({{ resources }}); default packs for new-client
outreach and hourly-contract questions (the Monday weekly time-log summary)."""

from __future__ import annotations

from html import escape

import pytest
from django.core import mail

from core.models import AuditEvent
from escalations.models import CaseEvent, EventKind, Macro
from escalations.services import case_claim, case_create
from integrations.models import Resource, ResourcePack
from integrations.resources import default_resources

pytestmark = pytest.mark.django_db


@pytest.fixture
def hourly_case(agent):
    case = case_create(
        actor=agent,
        title="Where is my weekly summary?",
        client_name="Dana Client",
        client_email="dana.client@example.com",
        contract_type="hourly",
    )
    return case_claim(case=case, agent=agent)


def test_default_packs_ship_for_outreach_and_hourly_questions_esc_11(hourly_case, agent):
    packs = {p.slug: p for p in ResourcePack.objects.all()}
    assert {"new-client-outreach", "hourly-contract-questions"} <= set(packs)
    titles = [r.title for r in default_resources(hourly_case)]
    assert any("weekly time-log summary" in t and "Monday" in t for t in titles)
    outreach = case_create(
        actor=agent, title="New client", client_name="Ari", kind="new_client_outreach"
    )
    assert any("post a job" in r.title for r in default_resources(outreach))


def test_agent_inserts_chosen_resources_into_a_reply_from_the_macro_panel_esc_11(
    hourly_case, agent, client, django_capture_on_commit_callbacks
):
    macro = Macro.objects.get(slug="helpful-resources")
    chosen = Resource.objects.filter(title__icontains="Work Diary").first()
    client.force_login(agent)
    page = client.get(hourly_case.get_absolute_url())
    assert b"Help-center links to include" in page.content
    assert escape(chosen.title).encode() in page.content
    preview = client.get(
        f"/cases/{hourly_case.reference}/macros/preview/",
        {"macro": macro.pk, "resource": [chosen.pk]},
    )
    assert preview.status_code == 200
    assert chosen.url.encode() in preview.content
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            f"/cases/{hourly_case.reference}/macros/send/",
            {"macro": macro.pk, "resource": [chosen.pk]},
        )
    assert sent.status_code in (200, 302)
    reply = CaseEvent.objects.get(case=hourly_case, kind=EventKind.REPLY)
    assert f"- {escape(chosen.title)}: {chosen.url}" in reply.body  # stored as rendered
    assert "{{" not in reply.body
    assert f"- {chosen.title}: {chosen.url}" in mail.outbox[0].body  # plain text


def test_macro_with_placeholder_and_nothing_chosen_uses_the_default_pack_esc_11(
    hourly_case, agent, client
):
    macro = Macro.objects.get(slug="helpful-resources")
    client.force_login(agent)
    preview = client.get(f"/cases/{hourly_case.reference}/macros/preview/", {"macro": macro.pk})
    assert preview.status_code == 200
    assert b"weekly time-log summary" in preview.content


def test_resources_go_below_a_macro_without_the_placeholder_esc_11(hourly_case, agent, client):
    macro = Macro.objects.create(name="Plain", slug="plain", subject="Hi", body="See these.")
    chosen = Resource.objects.first()
    client.force_login(agent)
    preview = client.get(
        f"/cases/{hourly_case.reference}/macros/preview/",
        {"macro": macro.pk, "resource": [chosen.pk]},
    )
    body = preview.content.decode()
    assert "See these." in body and chosen.url in body


def test_unknown_resource_is_refused_on_the_panel_esc_11(hourly_case, agent, client):
    macro = Macro.objects.get(slug="helpful-resources")
    client.force_login(agent)
    response = client.get(
        f"/cases/{hourly_case.reference}/macros/preview/",
        {"macro": macro.pk, "resource": ["999999"]},
    )
    assert response.status_code == 400
    assert b"no longer in the library" in response.content


def test_library_is_admin_managed_and_audited_esc_11(admin_user, client, agent_api):
    client.force_login(admin_user)
    response = client.post(
        "/admin/integrations/resource/add/",
        {
            "title": "Understanding service fees",
            "url": "https://support.upwork.com/hc/en-us/search?query=fees",
            "audience": "client",
            "case_kinds": '["refund_request"]',
            "tags": '["fees"]',
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    resource = Resource.objects.get(title="Understanding service fees")
    audit = AuditEvent.objects.get(action="resource.created")
    assert audit.actor == admin_user and audit.after["url"] == resource.url
    listed = agent_api.get("/api/v1/resources/", {"kind": "refund_request"})
    assert listed.status_code == 200
    assert resource.title in [r["title"] for r in listed.json()["results"]]
    other_kind = agent_api.get("/api/v1/resources/", {"kind": "new_client_outreach"})
    assert resource.title not in [r["title"] for r in other_kind.json()["results"]]
    assert agent_api.post("/api/v1/resources/", {}).status_code in (403, 405)
