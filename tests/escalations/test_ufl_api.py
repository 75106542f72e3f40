"""The UFL REST endpoints and pages (UFL-1 to UFL-7): schema'd, access-checked, 4xx on bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time

import pytest
import time_machine
from django.utils.html import escape

from core.models import SlaClock
from escalations.models import EventKind, Kind, PlanStatus, UflPlan, Visibility
from escalations.services import case_claim, note_add
from escalations.webhooks import sign
from sourcing.models import Shortlist

from .ufl_helpers import T0, H, attempt, open_refund_case, research_done, sweep

pytestmark = pytest.mark.django_db


def url(case, tail=""):
    return f"/api/v1/cases/{case.reference}/ufl/{tail}"


def unchanged(case, before_events: int) -> bool:
    return (
        case.events.count() == before_events
        and not UflPlan.objects.get(case=case).attempts.exists()
    )


def test_plan_lists_attempts_due_and_made_with_instants_ufl_2(agent, agent_api):
    case = open_refund_case(agent)
    attempt(case, agent)
    with time_machine.travel(T0 + H, tick=False):
        body = agent_api.get(url(case)).json()
    assert body["status"] == "contacting"
    assert [(a["number"], a["offset_hours"], a["state"]) for a in body["attempts_due"]] == [
        (1, 0, "made"),
        (2, 24, "upcoming"),
        (3, 44, "upcoming"),
    ]
    due = [dt.datetime.fromisoformat(a["due_at"]) for a in body["attempts_due"]]
    assert due == [T0, T0 + 24 * H, T0 + 44 * H]
    assert dt.datetime.fromisoformat(body["mark_at"]) == T0 + 48 * H
    assert dt.datetime.fromisoformat(body["follow_up_due_at"]) == T0 + 48 * H
    assert body["exhausted_at"] is None
    assert body["attempts_made"][0]["channel"] == "message"


def test_attempt_via_api_with_research_confirmation_ufl_4(agent, agent_api):
    case = open_refund_case(agent)
    payload = {"channel": "email", "delivery_status": "sent", "outcome": "no_response"}
    with time_machine.travel(T0, tick=False):
        refused = agent_api.post(url(case, "attempts/"), payload, format="json")
        assert refused.status_code == 400
        assert "research_incomplete_ok" in refused.json()["error"]["fields"]
        made = agent_api.post(
            url(case, "attempts/"), {**payload, "research_incomplete_ok": True}, format="json"
        )
    assert made.status_code == 201 and made.json()["number"] == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"channel": "pigeon"}, "channel"),
        ({"at": "2026-06-01T12:00:00Z"}, "at"),  # before the case opened (13:59 UTC)
        ({"at": "2026-06-01T18:00:00Z"}, "at"),  # in the future
        ({"delivery_status": "teleported"}, "delivery_status"),
    ],
)
def test_bad_attempts_are_400_and_change_nothing_ufl_2(agent, agent_api, change, field):
    case = open_refund_case(agent)
    research_done(case, agent)
    before = case.events.count()
    payload = {"channel": "email", "delivery_status": "sent", "outcome": "no_response", **change}
    with time_machine.travel(T0, tick=False):
        answer = agent_api.post(url(case, "attempts/"), payload, format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["error"]["fields"]
    assert unchanged(case, before)
    assert not SlaClock.objects.filter(ufl_plan__case=case).exists()


def test_attempt_on_a_closed_case_is_409_and_changes_nothing_ufl_2(agent, agent_api):
    from escalations.services import case_transition

    case = open_refund_case(agent)
    with time_machine.travel(T0 - H / 2, tick=False):
        case_transition(case=case, to_status="waiting_on_freelancer", actor=agent)
        case_transition(case=case, to_status="closed", actor=agent, reason="duplicate")
    before = case.events.count()
    with time_machine.travel(T0, tick=False):
        answer = agent_api.post(
            url(case, "attempts/"),
            {
                "channel": "email",
                "delivery_status": "sent",
                "outcome": "no_response",
                "research_incomplete_ok": True,
            },
            format="json",
        )
    assert answer.status_code == 409
    assert unchanged(case, before)


def test_reply_on_a_case_that_is_not_ufl_is_409_ufl_2(agent, agent_api, make_case):
    case = case_claim(case=make_case(kind=Kind.GENERAL), agent=agent)
    before = case.events.count()
    answer = agent_api.post(url(case, "freelancer-reply/"), {"summary": "hi"}, format="json")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "not_ufl"
    assert case.events.count() == before
    assert agent_api.get(url(case)).status_code == 409


def test_outcome_twice_is_409_and_changes_nothing_ufl_7(agent, agent_api):
    case = open_refund_case(agent)
    attempt(case, agent)
    with time_machine.travel(T0 + H, tick=False):
        assert (
            agent_api.post(
                url(case, "freelancer-reply/"), {"summary": "I will finish it."}, format="json"
            ).status_code
            == 200
        )
        first = agent_api.post(url(case, "outcome/"), {"outcome": "completion"}, format="json")
        assert first.status_code == 200 and first.json()["status"] == "resolved"
        before = case.events.count()
        again = agent_api.post(url(case, "outcome/"), {"outcome": "delivery"}, format="json")
    assert again.status_code == 409
    assert case.events.count() == before
    assert UflPlan.objects.get(case=case).outcome == "completion"


def test_teammate_cannot_record_and_other_team_sees_nothing_core_8(
    agent, other_agent, other_agent_api, agent_b
):
    from rest_framework.test import APIClient

    case = open_refund_case(agent)
    payload = {"channel": "email", "delivery_status": "sent", "outcome": "no_response"}
    assert other_agent_api.get(url(case)).status_code == 200
    assert other_agent_api.post(url(case, "attempts/"), payload, format="json").status_code == 403
    client = APIClient()
    client.force_authenticate(agent_b)
    assert client.get(url(case)).status_code == 404
    assert client.get(url(case, "evidence/")).status_code == 404


def test_claims_api_and_ndf_count_ufl_5(agent, agent_api):
    case = open_refund_case(agent)
    made = agent_api.post(
        url(case, "claims/"),
        {"kind": "extortion", "claimed_by": "freelancer", "description": "Threats for 5 stars."},
        format="json",
    )
    assert made.status_code == 201
    claim_id = made.json()["id"]
    claim_url = url(case, f"claims/{claim_id}/")
    moved = agent_api.patch(claim_url, {"status": "unfounded"}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "unfounded"
    bad = agent_api.patch(url(case, f"claims/{claim_id}/"), {"status": "maybe"}, format="json")
    assert bad.status_code == 400
    ndf = agent_api.post(url(case, "ndf/"), {"reason": "Paid, nothing delivered."}, format="json")
    assert ndf.status_code == 201
    assert ndf.json()["ndf_count"] == 1 and ndf.json()["freelancer_ref"] == "~01sam"
    again = agent_api.post(url(case, "ndf/"), {"reason": "again"}, format="json")
    assert again.status_code == 409


# The evidence packet: never internal notes (ESC-7) ------------------------------------------
def _packet_case(agent):
    case = open_refund_case(agent, client_phone="")
    from escalations.services import checklist_tick, ufl_plan_update

    ufl_plan_update(
        case=case, actor=agent, freelancer_time_zone="Asia/Manila", client_time_zone="US/Central"
    )
    item = case.checklist.get(key="ufl_contact_info")
    checklist_tick(item=item, actor=agent, note="SECRET-RESEARCH phone in ticket signature")
    note_add(case=case, author=agent, body="SECRET-NOTE the client seems to exaggerate")
    attempt(case, agent, note="SECRET-ATTEMPT left a message with the agency owner")
    return case


def test_packet_has_no_internal_note_and_both_zones_ufl_2(agent, agent_api, client):
    case = _packet_case(agent)
    packet = agent_api.get(url(case, "evidence/")).json()
    text = json.dumps(packet)
    assert "SECRET" not in text
    row = packet["attempts"][0]
    assert row["at_utc"] == "2026-06-01T15:00:00+00:00"
    assert row["at_freelancer"] == "2026-06-01T23:00:00+08:00"
    assert row["at_client"] == "2026-06-01T10:00:00-05:00"
    assert packet["client_timeline"][0]["body"].startswith("Hello Dana")
    client.force_login(agent)
    page = client.get(f"/cases/{case.reference}/ufl/evidence/")
    assert page.status_code == 200 and b"SECRET" not in page.content
    text = page.content.decode()
    assert "1 Jun 2026, 23:00" in text and "Asia/Manila" in text  # the freelancer's time
    assert "1 Jun 2026, 10:00 CDT" in text and "US/Central" in text  # the client's time
    exported = client.get(f"/cases/{case.reference}/ufl/evidence.csv")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[0][0] == "section" and rows[1][0] == "attempt"
    assert "SECRET" not in exported.content.decode()


def test_nothing_client_visible_carries_an_internal_note_esc_7(agent):
    case = _packet_case(agent)
    visible = case.events.filter(visibility=Visibility.CLIENT_VISIBLE)
    assert visible.exists()
    assert not visible.filter(body__contains="SECRET").exists()


# The ticket webhook: a freelancer reply event ------------------------------------------------
def test_freelancer_reply_by_ticket_webhook_moves_to_mediation_ufl_2(agent, webhook_secret, client):
    case = open_refund_case(agent)
    from escalations.models import Case

    Case.objects.filter(pk=case.pk).update(external_ticket_id="ZD-777")
    attempt(case, agent)
    payload = {
        "event_id": "evt-fl-1",
        "type": "ticket.freelancer_replied",
        "ticket": {"id": "ZD-777", "comment": "Sorry, I can send what is done."},
    }
    with time_machine.travel(T0 + 2 * H, tick=False):
        body = json.dumps(payload).encode()
        ts = int(time.time())
        answer = client.post(
            "/api/v1/webhooks/tickets/",
            data=body,
            content_type="application/json",
            HTTP_X_DESK_TIMESTAMP=str(ts),
            HTTP_X_DESK_SIGNATURE=sign(secret=webhook_secret, timestamp=ts, body=body),
        )
    assert answer.status_code == 200, answer.content
    assert answer.json()["action"] == "freelancer_replied"
    plan = UflPlan.objects.get(case=case)
    assert plan.status == PlanStatus.MEDIATION and plan.reply_source == "ticket"
    assert case.events.filter(kind=EventKind.FREELANCER_REPLY).count() == 1


# Pages ---------------------------------------------------------------------------------------
def test_case_page_shows_the_plan_in_words_ufl_3(agent, client, django_capture_on_commit_callbacks):
    case = open_refund_case(agent, client_phone="")
    attempt(case, agent)
    sweep(T0 + 48 * H, django_capture_on_commit_callbacks)
    client.force_login(agent)
    with time_machine.travel(T0 + 49 * H, tick=False):
        page = client.get(case.get_absolute_url()).content.decode()
    assert 'id="ufl-panel"' in page
    assert "the freelancer avenue is exhausted" in page
    assert "Follow up with the client now" in page
    assert "No phone number on file" in page  # UFL-6: the scheduling macro leads


def test_page_flow_research_attempt_reply_outcome_ufl_7(agent, client):
    case = open_refund_case(agent)
    client.force_login(agent)
    base = f"/cases/{case.reference}/ufl/"
    with time_machine.travel(T0, tick=False):
        form = {"channel": "message", "delivery_status": "delivered", "outcome": "no_response"}
        refused = client.post(base + "attempts/", form)
        assert refused.status_code == 400 and b"research is not complete" in refused.content
        confirmed = {**form, "research_incomplete_ok": "on"}
        assert client.post(base + "attempts/", confirmed).status_code == 302
        assert client.post(base + "reply/", {"summary": "Can deliver"}).status_code == 302
        done = client.post(base + "outcome/", {"outcome": "delivery"}, follow=True)
    assert done.status_code == 200
    assert UflPlan.objects.get(case=case).status == PlanStatus.RESOLVED


def test_move_forward_opens_the_builder_prefilled_and_links_the_shortlist_ufl_7(
    agent, client, django_capture_on_commit_callbacks
):
    from escalations.services import ufl_plan_update
    from sourcing.models import Category

    category = Category.objects.order_by("id").first()
    assert category is not None, "the sourcing categories ship with the migrations"
    case = open_refund_case(agent, contract_spend="1200.00")
    ufl_plan_update(
        case=case,
        actor=agent,
        job_category=category.name,
        job_skills="figma, ux design",
        client_countries="US",
    )
    client.force_login(agent)
    page = client.get(f"/cases/{case.reference}/ufl/move-forward/").content.decode()
    assert f'value="{case.reference}"' in page
    assert 'value="figma, ux design"' in page and 'value="1200.00"' in page
    assert f'<option value="{escape(category.name)}" selected' in page
    built = client.post(
        "/sourcing/shortlists/",
        {
            "title": "New hire",
            "case_reference": case.reference,
            "category": category.name,
            "skills": "figma",
            "size": 10,
        },
    )
    assert built.status_code == 302
    assert Shortlist.objects.filter(case_reference=case.reference).exists()


def test_admin_edits_the_expectations_template_and_refuses_unknown_placeholders_ufl_1(
    admin_user, client
):
    from escalations.models import UflSettings

    UflSettings.load()
    client.force_login(admin_user)
    page = "/admin/escalations/uflsettings/1/change/"
    assert client.get(page).status_code == 200
    form = {
        "attempt_offsets_hours": "[0, 24, 44]",
        "exhaust_after_hours": "48",
        "follow_up_grace_hours": "4",  # ESC-5 grace after the mark
        "expectations_template": "Hi {{ client_first_name }}, {{ secret_field }}",
        "stringent_block": "Escrow.",
        "ndf_team": "",
    }
    refused = client.post(page, form)
    assert refused.status_code == 200 and b"Unknown placeholder" in refused.content
    saved = client.post(page, {**form, "expectations_template": "Hi {{ client_first_name }}"})
    assert saved.status_code == 302
    assert UflSettings.load().expectations_template == "Hi {{ client_first_name }}"


def test_plan_clocks_are_listed_within_the_case_access_core_8(agent, agent_api, agent_b):
    from rest_framework.test import APIClient

    case = open_refund_case(agent)
    attempt(case, agent)
    mine = agent_api.get("/api/v1/sla-clocks/?subject_type=escalations.uflplan").json()
    rows = mine["results"] if isinstance(mine, dict) else mine
    assert sorted(r["metric"] for r in rows) == ["ufl_48h_mark", "ufl_attempt_2", "ufl_attempt_3"]
    other = APIClient()
    other.force_authenticate(agent_b)
    theirs = other.get("/api/v1/sla-clocks/?subject_type=escalations.uflplan").json()
    assert (theirs["results"] if isinstance(theirs, dict) else theirs) == []


def test_page_errors_name_the_fields_as_the_form_does_ufl_2(agent, client):
    case = open_refund_case(agent)
    client.force_login(agent)
    form = {
        "channel": "email",
        "delivery_status": "sent",
        "outcome": "no_response",
        "research_incomplete_ok": "on",
        "at": "2026-06-03T09:00",  # two days ahead, in any viewer's zone
    }
    with time_machine.travel(T0, tick=False):
        answer = client.post(f"/cases/{case.reference}/ufl/attempts/", form)
    assert answer.status_code == 400
    assert b"When: cannot be in the future" in answer.content
    assert not UflPlan.objects.get(case=case).attempts.exists()
