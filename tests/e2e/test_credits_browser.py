"""The credit flow in Debian's Chromium (CRD-3, CRD-5): quote, lead changes and approves,
issue with a double click, offer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from credits.models import FactSource, LedgerEntry
from credits.services import credit_facts_record
from escalations.services import case_claim
from tests.e2e.cases import open_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pass-word-123"  # tests/factories.py


def _sign_in(page, base_url, user):
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


@pytest.mark.parametrize("width", [390, 1280])
def test_quote_approve_changed_issue_once_and_offer_crd_3_crd_5(
    chromium_required, live_server, page, agent, lead, width
):
    page.set_viewport_size({"width": width, "height": 900})
    case = case_claim(case=open_case(agent, "Refund dispute"), agent=agent)
    credit_facts_record(
        case=case,
        actor=agent,
        values={"contract_id": "C-E2E", "non_refunded_payments": "900.00"},
        source=FactSource.PAGE,
    )
    url = f"{live_server.url}{case.get_absolute_url()}"

    _sign_in(page, live_server.url, agent)
    page.goto(url)
    page.click("[data-credit-quote]")
    panel = page.locator("#credit-panel")
    expect(panel).to_contain_text("Awaiting a lead's approval")
    expect(panel.locator("[data-credit-issue]")).to_have_count(0)

    _sign_in(page, live_server.url, lead)
    page.goto(f"{live_server.url}/credits/approvals/")
    card = page.locator(".approval-card").first
    expect(card).to_contain_text(case.reference)
    card.locator("input[id^=approve-amount]").fill("60.00")
    card.locator("input[id^=approve-reason]").fill("Agreed with the team")
    card.locator("[data-credit-approve]").click()
    expect(page.locator("#credit-panel")).to_contain_text("Approved")

    _sign_in(page, live_server.url, agent)
    page.goto(url)
    page.locator("[data-credit-issue]").dblclick()
    expect(page.locator("#credit-panel")).to_contain_text("Issued")
    page.click("[data-credit-offer]")
    expect(page.locator("#messages")).to_contain_text("Offer of $60.00 sent")
    assert LedgerEntry.objects.filter(case=case).count() == 1
    width_ok = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert width_ok, "the case page scrolls sideways"
