"""HIR-3 on a phone: an applicant completes the four steps at 390 px in Debian's Chromium
through the signed link (no account), and the lead sees the submission."""

import os
from pathlib import Path

import pytest

from hiring import services
from hiring.models import Applicant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots")
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36"
)


@pytest.fixture
def open_submission(lead, team):
    rnd = services.round_create(
        actor=lead,
        team=team,
        name="Phone round",
        assessment_title="Test Fixed Price",
        assessment_text="Four steps.",
        hourly_title="Hourly",
        hourly_text="30+ hours.",
    )
    services.question_create(
        actor=lead,
        kind="choice",
        text="Which reply is polite?",
        options=["No.", "Thanks!"],
        correct_option=1,
    )
    services.question_create(
        actor=lead,
        kind="free",
        text="Write a reply to a late parcel.",
        rubric="Kind, clear.",
        points=4,
    )
    applicant = services.applicant_add(
        round=rnd, actor=lead, name="Lucía Fernández", email="lucia@example.com", country="MX"
    )
    return services.applicant_move(applicant=applicant, to_stage="assessment_offered", actor=lead)


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def test_full_submission_on_a_phone_hir_3(chromium_required, live_server, browser, open_submission):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, user_agent=ANDROID, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    link = live_server.url + services.submission_url(open_submission)
    page.goto(link)
    assert "Hello Lucía Fernández" in page.locator("h1").inner_text()
    _no_sideways_scroll(page)

    page.click("text=Complete the short assessment")
    assert page.locator("img[src$='.png']").count() == 2  # question text served as images
    assert page.locator("#timer").is_visible()
    page.locator("input[type=radio][value='1']").check()  # "Thanks!", wherever the draw put it
    page.locator("textarea").fill("Sorry for the wait; I checked the carrier and will refund.")
    page.click("text=Save answers")
    _no_sideways_scroll(page)
    page.click("text=‹ Your application")

    page.click("text=Test your internet speed")
    page.fill("#id_speedtest_url", "https://speedtest.example.com/result/1")
    page.click("button[type=submit]")
    assert page.locator(".field-error").is_visible()  # not on the allow-list
    page.fill("#id_speedtest_url", "https://www.speedtest.net/result/15320001")
    page.click("button[type=submit]")

    page.click("text=Your system details")
    assert page.input_value("#id_operating_system") == "Android"  # from the user agent
    assert page.input_value("#id_browser") == "Chrome"
    page.click("button[type=submit]")

    page.click("text=Your weekly availability")
    page.click("button[type=submit]")
    assert "Mark the hours you can work" in page.locator(".flash-error").inner_text()
    for day in range(5):
        for hour in (9, 10, 11):
            page.click(f"label[for='s{day}-{hour}']")
    page.fill("#languages", "Spanish, English")
    page.check("input[name=hours_confirmed]")
    _no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "hiring-availability-390.png"), full_page=True)
    page.click("button[type=submit]")

    assert page.locator(".apply-steps .done").count() == 4
    page.click("text=Send my submission")
    assert "We have your submission" in page.content()
    page.screenshot(path=str(SHOTS / "hiring-submitted-390.png"), full_page=True)

    applicant = Applicant.objects.get(pk=open_submission.pk)
    assert applicant.stage == "submitted" and applicant.choice_points == 1
    assert applicant.availability_hours == 15 and applicant.languages == ["Spanish", "English"]
    assert [applicant.operating_system, applicant.browser] == ["Android", "Chrome"]
    context.close()
