"""The escalations pages in Debian's Chromium (ESC-3, ESC-4, ESC-6, ESC-8, TEAM-1)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.models import SlaClock
from core.sla import sla_sweep
from escalations.models import Case, EventKind, Status, Visibility
from escalations.services import case_claim
from tests.e2e.cases import open_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots")
)
PASSWORD = "pass-word-123"  # tests/factories.py


def _sign_in(page, base_url, user):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def test_agent_claims_renders_macro_and_waits_on_client_esc_4_esc_6(
    chromium_required, live_server, page, agent, other_agent, lead
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    case = open_case(lead, "Freelancer stopped responding")
    contested = open_case(lead, "Contested case")

    _sign_in(page, live_server.url, agent)
    page.click("nav.mainnav >> text=Queue")
    row = page.locator(f"#row-{case.reference}")
    expect(row).to_be_visible()

    # The countdown script has taken over the server-rendered text (it ticks every second).
    countdown = row.locator(".countdown")
    expect(countdown).to_have_attribute("data-state", "ok")
    expect(countdown).to_contain_text("due in ")

    # Someone else claims the contested case meanwhile: the conflict shows in place (ESC-4).
    case_claim(case=contested, agent=other_agent)
    page.click(f"[data-claim={contested.reference}]")
    expect(page.locator(f"#row-{contested.reference} .inline-error")).to_contain_text(
        "already claimed by"
    )

    expect(page.locator("#queue-summary")).to_contain_text("0 assigned to you · 1 unassigned")
    page.click(f"[data-claim={case.reference}]")
    expect(row.locator(".badge-ok")).to_have_text("Yours now")
    # The page head follows the row (an out-of-band swap in the same response).
    expect(page.locator("#queue-summary")).to_contain_text("1 assigned to you · 0 unassigned")
    page.screenshot(path=str(SHOTS / "e2e-queue-claimed.png"), full_page=True)

    row.get_by_role("link", name="Open").click()
    page.wait_for_url(f"**/cases/{case.reference}/")
    expect(page.locator("[data-status]")).to_have_text("Claimed")

    # The suggested macro (no phone on file) is preselected; preview, then send (ESC-6).
    expect(page.locator("#macro-select")).to_contain_text("Suggested")
    page.click("[data-macro-preview]")
    preview = page.locator(".macro-preview")
    expect(preview).to_contain_text(f"Let's talk about {case.reference}")
    expect(preview).to_contain_text("Dana Client")
    page.click("[data-macro-send]")
    # One banner region for the page (the answer swaps it out of band).
    expect(page.locator("#messages .flash-success")).to_contain_text("Reply sent")
    expect(page.locator("#case-timeline [data-kind=reply]")).to_have_count(1)

    page.click("[data-transition=waiting_on_client]")
    expect(page.locator("[data-status]")).to_have_text("Waiting on client")
    page.screenshot(path=str(SHOTS / "e2e-case-waiting.png"), full_page=True)

    case.refresh_from_db()
    assert case.status == Status.WAITING_ON_CLIENT and case.assignee == agent
    reply = case.events.get(kind=EventKind.REPLY)
    assert reply.visibility == Visibility.CLIENT_VISIBLE
    contested.refresh_from_db()
    assert contested.assignee == other_agent


def test_lead_acknowledges_a_breach_esc_8(chromium_required, live_server, page, agent, lead):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    # Reach the breach the way it happens: a clock started long ago, then the sweep.
    case = open_case(agent, "Nobody answered", created_at=timezone.now() - dt.timedelta(days=10))
    sla_sweep()
    clock = SlaClock.objects.get(object_id=case.pk, metric="first_response")
    assert clock.state == "breached", (clock.state, clock.due_at, clock.started_at)

    _sign_in(page, live_server.url, lead)
    page.click("nav.mainnav >> text=Breaches")
    row = page.locator(f"#breach-{clock.pk}")
    expect(row).to_contain_text(case.reference)
    expect(page.locator(".dchart svg")).to_be_visible()  # core/charts.py (issue 14)

    expect(page.locator("#breach-summary")).to_contain_text("1 breach to acknowledge")
    row.locator("input[name=reason]").fill("Weekend cover gap; rota fixed")
    row.locator("button", has_text="Acknowledge").click()
    row = page.locator(f"#breach-{clock.pk}")
    expect(row.locator(".badge-ok")).to_have_text("Acknowledged")
    expect(row).to_contain_text("Weekend cover gap; rota fixed")
    expect(page.locator("#breach-summary")).to_contain_text("0 breaches to acknowledge")
    page.screenshot(path=str(SHOTS / "e2e-breach-acknowledged.png"), full_page=True)

    clock.refresh_from_db()
    assert clock.acknowledged_by == lead
    assert clock.acknowledge_reason == "Weekend cover gap; rota fixed"
    assert Case.objects.get(pk=case.pk).events.filter(body__contains="rota fixed").exists()
