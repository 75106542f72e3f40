"""HIR-3, HIR-4, HIR-6: the applicant's submission through a signed, expiring link."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from PIL import Image

from core.errors import InvalidInput, NotFound
from hiring import services
from hiring.assessment import draw_questions
from hiring.availability import weekly_slots_to_utc
from hiring.models import Answer, HiringSettings
from hiring.submission_rules import speedtest_problem, system_from_user_agent

from .conftest import SPEEDTEST, answer_all, complete

pytestmark = pytest.mark.django_db
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def test_forged_or_expired_link_refused_without_naming_the_applicant_hir_3(
    offered, client, frozen_time
):
    applicant = offered(name="Lucia Fernandez")
    token = services.token_for(applicant)
    assert client.get(reverse("hiring:apply", args=[token])).status_code == 200
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    other_id = f"{applicant.pk + 1}:{token.split(':', 1)[1]}"
    for bad in (forged, other_id, "nonsense"):
        response = client.get(reverse("hiring:apply", args=[bad]))
        assert response.status_code == 404
        assert b"Lucia" not in response.content
    frozen_time.shift(dt.timedelta(days=HiringSettings.current().link_valid_days, seconds=1))
    response = client.get(reverse("hiring:apply", args=[token]))
    assert response.status_code == 404 and b"Lucia" not in response.content
    with pytest.raises(NotFound):
        services.applicant_from_token(token)


def test_draw_is_reproducible_per_applicant_seed_hir_4(offered):
    bank = [(i, 4) for i in range(1, 30)]
    assert draw_questions(1234, bank) == draw_questions(1234, bank)
    assert draw_questions(1234, bank) != draw_questions(4321, bank)
    applicant = offered()
    opened = services.assessment_open(applicant=applicant)
    again = services.assessment_open(applicant=opened)
    assert opened.draw == again.draw and opened.assessment_started_at is not None
    ids = sorted((e["q"], len(e["options"])) for e in opened.draw)
    assert opened.draw == draw_questions(opened.seed, ids)


def test_question_served_as_png_image_hir_4(offered, client):
    applicant = services.assessment_open(applicant=offered())
    token = services.token_for(applicant)
    page = client.get(reverse("hiring:apply-assessment", args=[token]))
    assert b".png" in page.content
    image = client.get(reverse("hiring:apply-question-image", args=[token, 1]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    picture = Image.open(io.BytesIO(image.content))
    assert picture.width > 300 and picture.height > 30
    # The question's text is not in the page: it cannot be pasted into a search engine.
    first = applicant.draw[0]["q"]
    from hiring.models import Question

    assert Question.objects.get(pk=first).text.encode() not in page.content
    assert client.get(reverse("hiring:apply-question-image", args=[token, 99])).status_code == 404


def test_one_hour_limit_checked_on_every_save_nothing_saved_after_hir_4(offered, frozen_time):
    applicant = answer_all(offered())
    saved = {a.question_id: (a.option, a.text) for a in Answer.objects.filter(applicant=applicant)}
    frozen_time.shift(dt.timedelta(minutes=61))
    qid = applicant.draw[0]["q"]
    with pytest.raises(InvalidInput, match="hour for the assessment is over"):
        services.assessment_save(applicant=applicant, answers={qid: {"text": "late", "option": 1}})
    after = {a.question_id: (a.option, a.text) for a in Answer.objects.filter(applicant=applicant)}
    assert after == saved


def test_all_four_parts_required_partial_progress_kept_hir_3(offered):
    applicant = offered()
    answer_all(applicant)
    services.speedtest_save(applicant=applicant, url=SPEEDTEST)
    with pytest.raises(InvalidInput) as refused:
        services.submission_submit(applicant=applicant)
    assert "your system details, your availability" in refused.value.message
    applicant.refresh_from_db()
    assert applicant.stage == "assessment_offered"
    assert applicant.speedtest_url == SPEEDTEST and applicant.answers.count() == 3


def test_speedtest_link_must_match_admin_allow_list_hir_3(offered):
    shapes = HiringSettings.current().speedtest_url_shapes
    assert speedtest_problem("https://www.speedtest.net/result/15310887", shapes) is None
    for bad in (
        "http://www.speedtest.net/result/1",
        "https://evil.example/result/1",
        "https://www.speedtest.net/result/1/../../x",
        "javascript:alert(1)",
        "not a url",
        "",
    ):
        assert speedtest_problem(bad, shapes), bad
    applicant = offered()
    with pytest.raises(InvalidInput) as refused:
        services.speedtest_save(applicant=applicant, url="https://fast.com/en/")
    assert refused.value.field == "speedtest_url"
    settings_row = HiringSettings.current()
    settings_row.speedtest_url_shapes += "\nhttps://fast.com/*/"
    settings_row.save()
    services.speedtest_save(applicant=applicant, url="https://fast.com/en/")


def test_system_details_prefilled_from_user_agent_and_editable_hir_3(offered, client):
    assert system_from_user_agent(IPHONE) == ("iOS", "Safari")
    applicant = offered()
    url = reverse("hiring:apply-system", args=[services.token_for(applicant)])
    page = client.get(url, HTTP_USER_AGENT=IPHONE)
    assert b'value="iOS"' in page.content and b'value="Safari"' in page.content
    client.post(url, {"operating_system": "Windows 11", "browser": "Firefox"})
    applicant.refresh_from_db()
    assert (applicant.operating_system, applicant.browser) == ("Windows 11", "Firefox")


def test_availability_pacific_local_times_dst_aware_hir_5():
    nine_am_monday = [[0, 9]]
    summer = weekly_slots_to_utc(nine_am_monday, dt.date(2026, 7, 6))
    winter = weekly_slots_to_utc(nine_am_monday, dt.date(2026, 12, 7))
    assert summer == [dt.datetime(2026, 7, 6, 16, tzinfo=dt.UTC)]  # UTC-7 in summer
    assert winter == [dt.datetime(2026, 12, 7, 17, tzinfo=dt.UTC)]  # UTC-8 in winter
    # Spring forward (Sunday 8 March 2026): 2 am Pacific does not exist that day.
    week = dt.date(2026, 3, 2)
    assert weekly_slots_to_utc([[6, 2]], week) == []
    assert weekly_slots_to_utc([[6, 1], [6, 3]], week) == [
        dt.datetime(2026, 3, 8, 9, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 8, 10, tzinfo=dt.UTC),
    ]


def test_availability_grid_with_no_hours_refused_hir_3(offered, client):
    applicant = offered()
    with pytest.raises(InvalidInput, match="at least one"):
        services.availability_save(
            applicant=applicant, slots=[], languages=["English"], hours_confirmed=True
        )
    url = reverse("hiring:apply-availability", args=[services.token_for(applicant)])
    page = client.post(url, {"languages": "English", "hours_confirmed": "on"})
    assert b"Mark the hours you can work" in page.content
    applicant.refresh_from_db()
    assert applicant.availability == []


def test_languages_and_forty_hours_confirmation_required_hir_6(offered):
    applicant = offered()
    with pytest.raises(InvalidInput) as refused:
        services.availability_save(
            applicant=applicant, slots=[[0, 9]], languages=["English"], hours_confirmed=False
        )
    assert refused.value.field == "hours_confirmed"
    with pytest.raises(InvalidInput) as refused:
        services.availability_save(
            applicant=applicant, slots=[[0, 9]], languages=[], hours_confirmed=True
        )
    assert refused.value.field == "languages"
    services.availability_save(
        applicant=applicant, slots=[[0, 9]], languages="English, Tagalog", hours_confirmed=True
    )
    applicant.refresh_from_db()
    assert applicant.languages == ["English", "Tagalog"] and applicant.hours_confirmed


def test_full_submission_moves_to_submitted_and_scores_choices_hir_3_hir_4(offered):
    applicant = complete(offered())
    applicant.refresh_from_db()
    assert applicant.stage == "submitted" and applicant.submitted_at is not None
    assert applicant.choice_points == 4 and applicant.free_points is None
    with pytest.raises(InvalidInput, match="closed"):
        services.speedtest_save(applicant=applicant, url=SPEEDTEST)
