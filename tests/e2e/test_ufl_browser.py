"""The unresponsive-freelancer panel in Debian's Chromium, on a phone (UFL-2, UFL-4, UFL-7)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from escalations.models import Kind, PlanStatus, UflPlan
from escalations.services import case_claim, case_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots")
)
PASSWORD = "pass-word-123"  # tests/factories.py


def test_agent_contacts_the_freelancer_then_mediates_on_a_phone_ufl_7(
    chromium_required, live_server, page, agent
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    case = case_create(
        actor=agent,
        title="Refund for an abandoned logo",
        client_name="Dana Client",
        issue_summary="a refund for the logo",
        kind=Kind.REFUND_REQUEST,
    )
    case_claim(case=case, agent=agent)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", agent.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    panel = page.locator("#ufl-panel")
    expect(panel.locator("[data-ufl-headline]")).to_contain_text("Research first")

    # UFL-4: the first attempt before the research asks for a confirmation.
    panel.locator("#ufl-attempt summary").click()
    panel.locator("#ufl-attempt button[type=submit]").click()
    expect(page.locator("#ufl-panel .flash-error")).to_contain_text("research is not complete")
    page.locator("#ufl-attempt input[name=research_incomplete_ok]").check()
    page.locator("#ufl-attempt button[type=submit]").click()
    expect(page.locator("[data-attempt='1']")).to_have_attribute("data-state", "made")
    expect(page.locator("[data-attempt='2'] .countdown")).to_contain_text("due in 23h")

    # A reply moves the case to mediation, then a resolution (UFL-2, UFL-7).
    page.locator("#ufl-reply summary").click()
    page.fill("#ufl-reply textarea[name=summary]", "The designer will send the files.")
    page.locator("#ufl-reply button[type=submit]").click()
    expect(page.locator("[data-ufl-status]")).to_have_attribute("data-ufl-status", "mediation")
    expect(page.locator(".ufl-paths li")).to_have_count(3)
    page.locator("#ufl-outcome summary").click()
    page.select_option("#ufl-outcome select[name=outcome]", "delivery")
    page.locator("#ufl-outcome button[type=submit]").click()
    expect(page.locator("[data-ufl-status]")).to_have_attribute("data-ufl-status", "resolved")

    # Usable at 390 px: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "e2e-ufl-resolved-390.png"), full_page=True)
    assert UflPlan.objects.get(case=case).status == PlanStatus.RESOLVED
