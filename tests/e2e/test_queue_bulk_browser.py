"""The lead's bulk bar and the status filter in Debian's Chromium (TEAM-1, ESC-3)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from escalations.models import Case, Status
from tests.e2e.cases import open_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots")
)
PASSWORD = "pass-word-123"  # tests/factories.py


def test_lead_bulk_assigns_and_closes_then_finds_closed_cases_team_1_esc_3(
    chromium_required, live_server, page, agent, lead
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    a, b, c = (open_case(lead, f"Bulk case {n}") for n in "abc")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", lead.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/queue/")

    bar = page.locator("#queue-bulk")
    expect(bar.locator("button[value=assign]")).to_be_disabled()  # nothing ticked yet
    page.check(f"input[name=case][value={a.reference}]")
    page.check(f"input[name=case][value={b.reference}]")
    expect(bar.locator("[data-bulk-count]")).to_have_text("2 selected:")
    bar.locator("#bulk-assignee").select_option(agent.username)
    bar.locator("button[value=assign]").click()
    expect(page.locator("#messages .flash-success")).to_contain_text("Assigned 2 cases")
    assert Case.objects.filter(assignee=agent).count() == 2
    page.screenshot(path=str(SHOTS / "e2e-queue-bulk-assigned.png"), full_page=True)

    # Close one that may close (new) and one that may not (claimed): each row reported.
    page.check(f"input[name=case][value={c.reference}]")
    page.check(f"input[name=case][value={a.reference}]")
    page.fill("#bulk-reason", "Duplicate")
    bar.locator("button[value=close]").click()
    expect(page.locator("#messages .flash-success")).to_have_text(f"Closed 1 case: {c.reference}.")
    expect(page.locator("#messages .flash-error")).to_contain_text(
        f"{a.reference}: cannot move from claimed to closed"
    )
    expect(page.locator(f"#row-{a.reference} .inline-error")).to_contain_text("Not changed")

    # The next action (a filter change) replaces the banner; closed cases can be found.
    page.select_option("#id_status", Status.CLOSED)
    expect(page.locator(f"#row-{c.reference}")).to_be_visible()
    expect(page.locator("#messages .flash")).to_have_count(0)
    expect(page.locator("#queue-bulk")).to_have_count(0)  # nothing selectable there
    page.screenshot(path=str(SHOTS / "e2e-queue-closed.png"), full_page=True)
