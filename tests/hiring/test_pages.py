"""The lead's pages: the same services behind forms, refusals shown on the page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hiring.availability import slots_in_zone
from hiring.models import Applicant, Round

from .conftest import NOW, complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_client(lead):
    client = Client()
    client.force_login(lead)
    return client


def test_lead_opens_a_round_on_the_page_hir_1(lead_client, team):
    response = lead_client.post(
        reverse("hiring:rounds"),
        {
            "team": team.pk,
            "name": "October",
            "assessment_title": "Test Fixed Price",
            "assessment_text": "Four steps.",
            "hourly_title": "Hourly",
            "hourly_text": "30+ hours a week.",
        },
    )
    rnd = Round.objects.get(name="October")
    assert response.status_code == 302 and response["Location"] == reverse(
        "hiring:round", args=[rnd.pk]
    )
    assert rnd.postings.count() == 2


def test_csv_upload_refusal_shown_and_nothing_saved_hir_2(lead_client, hiring_round):
    bad = SimpleUploadedFile(
        "applicants.csv", b"name,email,country\nAna,ana@example.com,PH\nBen,ben@example.com,XYZ\n"
    )
    page = lead_client.post(
        reverse("hiring:import", args=[hiring_round.pk]), {"file": bad}, follow=True
    )
    assert "Line 3, country" in page.content.decode()
    assert not Applicant.objects.exists()
    good = SimpleUploadedFile(
        "applicants.csv", b"Name,Email,Profile ID,Country\nAna,ana@example.com,~01a,PH\n"
    )
    page = lead_client.post(
        reverse("hiring:import", args=[hiring_round.pk]), {"file": good}, follow=True
    )
    assert "1 applicant imported" in page.content.decode()
    assert Applicant.objects.get().profile_id == "~01a"


def test_illegal_move_on_the_page_names_allowed_moves_hir_2(lead_client, add):
    applicant = add()
    page = lead_client.post(
        reverse("hiring:applicant-move", args=[applicant.pk]),
        {"to_stage": "interviewed"},
        follow=True,
    )
    assert "Allowed: assessment offered, rejected, withdrawn" in page.content.decode()
    applicant.refresh_from_db()
    assert applicant.stage == "applied"


def test_california_hire_refused_on_the_page_hir_7(lead_client, offered, lead):
    from hiring import services

    applicant = complete(offered(country="US", region="CA"))
    free = applicant.answers.get(question__kind="free")
    services.answers_score(
        applicant=applicant, actor=lead, scores=[{"question": free.question_id, "points": 3}]
    )
    for stage in ("invited_to_interview", "interviewed"):
        services.applicant_move(applicant=applicant, to_stage=stage, actor=lead)
    page = lead_client.post(
        reverse("hiring:applicant-hire", args=[applicant.pk]),
        {
            "username": "calagent",
            "password": "a-long-pass-phrase-42",
            "time_zone": "America/Los_Angeles",
            "channels": ["tickets"],
            "start_date": "2026-08-01",
            "contract": "long_term_hourly",
            "override_reason": "Please",
        },
        follow=True,
    )
    assert "located in California is refused" in page.content.decode()
    applicant.refresh_from_db()
    assert applicant.stage == "interviewed" and applicant.hired_user is None


def test_availability_shown_in_the_viewers_time_zone_hir_5(lead_client, offered, lead):
    week = NOW.date()  # Monday 6 July 2026
    assert slots_in_zone([[0, 9]], week, "Asia/Manila") == [[1, 0]]  # 9 am PDT = midnight
    assert slots_in_zone([[0, 9]], week, "Europe/London") == [[0, 17]]
    applicant = complete(offered())
    lead.time_zone = "Asia/Manila"
    lead.save()
    page = lead_client.get(reverse("hiring:applicant", args=[applicant.pk]) + "?zone=mine")
    assert "In your time zone (Asia/Manila)" in page.content.decode()


def test_agents_refused_hiring_pages_core_8(agent, hiring_round):
    client = Client()
    client.force_login(agent)
    assert client.get(reverse("hiring:rounds")).status_code == 403
    assert client.get(reverse("hiring:round", args=[hiring_round.pk])).status_code == 403


def test_question_bank_page_adds_choice_with_first_option_correct_hir_4(lead_client):
    from hiring.models import Question

    page = lead_client.post(
        reverse("hiring:questions"),
        {
            "kind": "choice",
            "text": "Pick the polite reply.",
            "options": "Thanks!\nNo.",
            "points": 2,
        },
        follow=True,
    )
    assert "Question added to the bank." in page.content.decode()
    question = Question.objects.get()
    assert question.options == ["Thanks!", "No."] and question.correct_option == 0
    refused = lead_client.post(
        reverse("hiring:questions"),
        {"kind": "choice", "text": "One option", "options": "Only", "points": 2},
    )
    assert "Give 2 to 8 options." in refused.content.decode()
    assert Question.objects.count() == 1
