"""The sourcing pages in Debian's Chromium at 1280 px and 390 px, with demo data."""

import io
import os
from pathlib import Path

import pytest

from sourcing import demo
from sourcing.models import ImportJob
from tests.factories import CaseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots")
)


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-word-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_build_invite_and_explain_in_the_browser_src_5(
    chromium_required, live_server, page, admin_user
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    demo.seed(io.StringIO())
    CaseFactory(reference="ESC-1042")  # a shortlist names a real case (CORE-8)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "admin")

    page.goto(f"{live_server.url}/sourcing/")
    page.fill("#id_title", "Mobile checkout redesign")
    page.fill("#id_job_reference", "JOB-E2E-1")
    page.fill("#id_case_reference", "ESC-1042")
    page.select_option("#id_category", "Design")
    page.select_option("#id_subcategory", "UX/UI Design")
    page.fill("#id_skills", "figma, ux design, prototyping")
    page.fill("#id_budget", "9000")
    page.click("text=Build shortlist")
    page.wait_for_selector(".src-shortlist table")
    assert "/sourcing/shortlists/" in page.url  # htmx pushed the saved shortlist's URL
    assert page.locator(".funnel li").count() == 11
    first_name = page.locator(".cand-name").first.inner_text()
    page.locator("td[data-label=Invite] button").first.click()
    page.wait_for_selector(".flash-success")
    assert "Invited 1 freelancer to job JOB-E2E-1" in page.locator(".flash-success").inner_text()
    page.fill("input[name=freelancer]", "DEMO-FL-005")
    page.click("text=Explain")
    page.wait_for_selector("#explain-" + page.url.rstrip("/").split("/")[-1] + " p")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / "sourcing-builder.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / "sourcing-builder-390.png"), full_page=True)
    for n, top in enumerate((1200, 2400)):  # readable slices of the long phone page
        page.screenshot(
            path=str(SHOTS / f"sourcing-builder-390-part{n + 1}.png"),
            full_page=True,
            clip={"x": 0, "y": top, "width": 390, "height": 1200},
        )
    assert first_name

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/sourcing/thresholds/")
    page.fill("#id_min_jss", "82")
    page.fill("#id_note", "Enterprise clients asked for stricter JSS")
    page.click("text=Save as version 2")
    page.wait_for_selector(".flash-success")
    assert "82" in page.locator(".history").inner_text()
    page.screenshot(path=str(SHOTS / "sourcing-thresholds.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "sourcing-thresholds-390.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    latest = ImportJob.objects.order_by("-pk").first()
    page.goto(f"{live_server.url}/sourcing/import/?job={latest.pk}")
    page.screenshot(path=str(SHOTS / "sourcing-import.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "sourcing-import-390.png"), full_page=True)
