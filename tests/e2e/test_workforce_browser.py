"""Workforce in Debian's Chromium: a client rates a resolved case on a phone (TEAM-2), and
the lead's coverage heatmap in another zone (HIR-5)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from escalations.models import Status
from escalations.services import case_claim, case_create, case_transition
from workforce.models import CsatRating
from workforce.services.csat import token_for
from workforce.services.time import availability_set

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pass-word-123"  # tests/factories.py


def _resolved(agent):
    case = case_create(
        actor=agent,
        title="Payment missing",
        client_name="Rita Client",
        client_email="rita@example.com",
    )
    case = case_claim(case=case, agent=agent)
    return case_transition(case=case, to_status=Status.RESOLVED, actor=agent)


def test_client_rates_a_resolved_case_on_a_phone_team_2(
    chromium_required, live_server, page, agent
):
    case = _resolved(agent)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/rate/{token_for(case.csat)}/")
    expect(page.get_by_role("heading", name="How did we do?")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_text("4", exact=True).click()
    page.get_by_label("Comment (optional)").fill("Quick and kind.")
    page.get_by_role("button", name="Send my rating").click()
    expect(page.get_by_text("4 out of 5")).to_be_visible()
    page.reload()
    expect(page.get_by_text("already been rated")).to_be_visible()
    row = CsatRating.objects.get(case=case)
    assert (row.rating, row.comment) == (4, "Quick and kind.")


def test_lead_sees_the_heatmap_in_london_hir_5(chromium_required, live_server, page, lead, agent):
    availability_set(actor=lead, user=agent, slots=[[0, 9]], zone="America/Los_Angeles")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", lead.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/workforce/coverage/?week=2027-03-15&tz=Europe/London")
    expect(page.get_by_role("heading", name="Agents available")).to_be_visible()
    # Monday 09:00 Pacific is 16:00 in London that week (US on daylight time, UK not yet)
    cell = page.locator("svg[aria-label='Agents available'] title", has_text="Mon 15 Mar 4 pm")
    expect(cell).to_have_count(1)
    assert "1 available" in cell.text_content()
