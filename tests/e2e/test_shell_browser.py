"""The web shell in Debian's Chromium: sign in, see the dashboard, sign out."""

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots")
)


def test_agent_signs_in_sees_dashboard_and_signs_out(chromium_required, live_server, page, agent):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.screenshot(path=str(SHOTS / "login.png"))

    page.fill("#id_username", "agent")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert page.locator(".flash-error").is_visible()

    page.fill("#id_username", "agent")
    page.fill("#id_password", "pass-word-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text().startswith("Good to see you")
    assert page.locator(".role").inner_text().strip().lower() == "agent"
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "dashboard-390.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("text=Log out")
    page.wait_for_url("**/accounts/login/")
