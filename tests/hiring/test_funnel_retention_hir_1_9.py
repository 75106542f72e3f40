"""HIR-9 funnel report, retention purge, HIR-1 postings and their staleness reminder."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from core.models import Notification
from hiring import services
from hiring.models import Applicant, HiringSettings, StageChange
from hiring.selectors import funnel_for

from .conftest import complete

pytestmark = pytest.mark.django_db


def test_round_has_assessment_and_hourly_postings_hir_1(hiring_round):
    kinds = {p.kind: p for p in hiring_round.postings.all()}
    assert set(kinds) == {"assessment", "hourly"}
    assert str(kinds["assessment"].price) == "5.00"
    assert kinds["hourly"].hours_per_week >= 30 and kinds["hourly"].months >= 6


def test_stale_posting_reminds_lead_on_dashboard_and_weekly_task_once_hir_1(
    hiring_round, lead, frozen_time
):
    client = Client()
    client.force_login(lead)
    assert b"Job postings to review" not in client.get(reverse("dashboard")).content
    frozen_time.shift(dt.timedelta(days=HiringSettings.current().staleness_days + 1))
    client.force_login(lead)  # the session of a month ago has expired
    assert b"Job postings to review" in client.get(reverse("dashboard")).content
    assert services.postings_remind_stale() == 2
    assert services.postings_remind_stale() == 0  # once a week at most
    assert Notification.objects.filter(recipient=lead, kind="hiring.posting_stale").count() == 2
    for posting in hiring_round.postings.all():
        services.posting_mark_reviewed(posting=posting, actor=lead)
    assert b"Job postings to review" not in client.get(reverse("dashboard")).content


def test_funnel_counts_conversion_time_in_stage_pass_rates_and_csv_hir_9(
    offered, add, lead, hiring_round, frozen_time
):
    add(name="Just applied", email="a1@example.com")
    rejected = add(name="Rejected", email="a2@example.com")
    services.applicant_move(applicant=rejected, to_stage="rejected", actor=lead)
    one = offered(name="One", email="one@example.com")
    two = offered(name="Two", email="two@example.com")
    frozen_time.shift(dt.timedelta(hours=2))
    complete(one)
    frozen_time.shift(dt.timedelta(hours=2))
    complete(two)
    funnel = funnel_for(hiring_round)
    rows = {r["stage"]: r for r in funnel["stages"]}
    assert funnel["total"] == 4
    assert rows["applied"]["reached"] == 4 and rows["assessment_offered"]["reached"] == 2
    assert rows["assessment_offered"]["conversion"] == 50.0
    assert rows["submitted"]["reached"] == 2 and rows["submitted"]["conversion"] == 100.0
    assert rows["assessment_offered"]["median_hours"] == 3.0  # 2 h and 4 h
    assert rows["rejected"]["reached"] == 1
    client = Client()
    client.force_login(lead)
    page = client.get(reverse("hiring:funnel", args=[hiring_round.pk]))
    assert page.status_code == 200 and b"dchart-hbars" in page.content
    csv = client.get(reverse("hiring:funnel-csv", args=[hiring_round.pk]))
    text = b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode()
    assert "Assessment offered,2,0,50.0,3.0" in text


def test_retention_purges_personal_data_keeps_funnel_and_hash_idempotent(
    offered, add, lead, hiring_round, frozen_time
):
    applicant = complete(offered(email="gone@example.com"))
    services.applicant_move(applicant=applicant, to_stage="rejected", actor=lead)
    before = funnel_for(hiring_round)
    frozen_time.shift(dt.timedelta(days=179))
    assert services.applicants_purge_expired() == 0
    frozen_time.shift(dt.timedelta(days=2))
    assert services.applicants_purge_expired() == 1
    assert services.applicants_purge_expired() == 0  # idempotent
    applicant.refresh_from_db()
    assert applicant.email == "" and applicant.name == "" and applicant.availability == []
    assert applicant.speedtest_url == "" and applicant.operating_system == ""
    assert applicant.answers.count() == 0 and applicant.purged_at is not None
    assert StageChange.objects.filter(applicant=applicant).count() == 4
    assert funnel_for(hiring_round)["stages"] == before["stages"]
    # The salted hash stays: the same person applying again is flagged and not paid again.
    again = add(email="GONE@example.com")
    assert again.duplicate_of_id == applicant.pk
    assert applicant.email_hash and "gone" not in applicant.email_hash
    with pytest.raises(Exception, match="already paid"):
        services.applicant_move(applicant=again, to_stage="assessment_offered", actor=lead)
    assert Applicant.objects.filter(email="gone@example.com").count() == 1  # the new one only
