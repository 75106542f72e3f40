"""SRC-2 to SRC-4 thresholds as configuration: versioned, audited, admin-editable."""

import pytest

from core.models import AuditEvent
from sourcing.models import SourcingRules
from sourcing.models.rules import RULE_FIELDS

pytestmark = pytest.mark.django_db
PAGE = "/sourcing/thresholds/"


def form_data(**changes):
    current = SourcingRules.objects.order_by("-version").first()
    data = {}
    for name in RULE_FIELDS:
        value = getattr(current, name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    data.update(changes)
    return data


def test_admin_change_saves_a_new_version_with_audit_src_2(client, admin_user):
    client.force_login(admin_user)
    response = client.post(PAGE, form_data(min_jss=85, note="Stricter for enterprise"))
    assert response.status_code == 302
    versions = list(SourcingRules.objects.order_by("version").values_list("version", "min_jss"))
    assert versions == [(1, 80), (2, 85)]
    event = AuditEvent.objects.get(action="sourcing_rules.changed")
    assert event.actor == admin_user and event.reason == "Stricter for enterprise"
    assert event.changes["min_jss"] == (80, 85)
    page = client.get(PAGE).content.decode()
    assert "Who changed what, and when" in page
    assert "admin" in page and "Stricter for enterprise" in page
    assert '<span class="old">80</span> → <span class="new">85</span>' in page


def test_lists_are_configuration_too_src_3(client, admin_user):
    client.force_login(admin_user)
    data = form_data()
    data["premium_agency_categories"] = ["Design", "Writing"]
    data["writing_categories"] = ["Writing"]
    assert client.post(PAGE, data).status_code == 302
    current = SourcingRules.objects.order_by("-version").first()
    assert current.premium_agency_categories == ["Design", "Writing"]
    assert current.writing_categories == ["Writing"]


def test_unchanged_form_saves_no_version_src_2(client, admin_user):
    client.force_login(admin_user)
    client.post(PAGE, form_data())
    assert SourcingRules.objects.count() == 1


def test_invalid_thresholds_are_refused_and_named_src_2(client, admin_user):
    client.force_login(admin_user)
    response = client.post(PAGE, form_data(min_jss=101))
    assert response.status_code == 200
    assert "min_jss" in response.context["form"].errors
    response = client.post(PAGE, form_data(min_english_level=3, writing_min_english_level=2))
    assert "writing_min_english_level" in response.context["form"].errors
    assert SourcingRules.objects.count() == 1


def test_leads_read_agents_do_not_src_2(client, lead, agent):
    client.force_login(lead)
    page = client.get(PAGE)
    assert page.status_code == 200 and b"Only admins can change them" in page.content
    assert client.post(PAGE, form_data(min_jss=70)).status_code == 403
    client.force_login(agent)
    assert client.get(PAGE).status_code == 403
    assert SourcingRules.objects.count() == 1


def test_django_admin_edit_creates_a_new_version_src_2(client, admin_user):
    client.force_login(admin_user)
    current = SourcingRules.objects.get()
    url = f"/admin/sourcing/sourcingrules/{current.pk}/change/"
    assert client.get(url).status_code == 200
    data = form_data(invite_cooldown_days=10, note="via admin")
    data["writing_categories"] = '["Writing", "Translation"]'
    data["premium_agency_categories"] = '["Design"]'
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(SourcingRules.objects.order_by("version").values_list("invite_cooldown_days")) == [
        (7,),
        (10,),
    ]
    assert AuditEvent.objects.filter(action="sourcing_rules.changed", actor=admin_user).count() == 1


def test_rules_api_read_and_admin_write_src_2(agent_api, admin_api):
    assert agent_api.get("/api/v1/sourcing/rules/current/").json()["min_jss"] == 80
    assert agent_api.post("/api/v1/sourcing/rules/", {"min_jss": 70}).status_code == 403
    response = admin_api.post("/api/v1/sourcing/rules/", {"min_jss": 70, "note": "API"})
    assert response.status_code == 201
    body = response.json()
    assert (body["version"], body["min_jss"], body["invite_cooldown_days"]) == (2, 70, 7)
    bad = admin_api.post(
        "/api/v1/sourcing/rules/", {"premium_agency_categories": ["Astrology"]}, format="json"
    )
    assert bad.status_code == 400
    assert "premium_agency_categories" in bad.json()["error"]["fields"]
