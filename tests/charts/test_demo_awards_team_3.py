"""The demo's Customer Service Week (TEAM-3): on the recognition page's default range every
award has a winner, one tie is broken and explained, and an agent under the minimum number
of ratings is left out of highest CSAT."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.models import User
from workforce.models import CsatRating
from workforce.stats import customer_service_week, day_bounds

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=io.StringIO())


def test_demo_week_has_a_winner_for_every_award_and_an_explained_tie_team_3(seeded, client):
    lead = User.objects.get(username="lead")
    client.force_login(lead)
    page = client.get(reverse("workforce:recognition"))
    assert page.status_code == 200
    awards = {a.key: a for a in page.context["awards"]}
    assert all(len(a.winners) == 1 for a in awards.values()), awards
    csat = awards["highest_csat"]
    assert csat.winners[0]["name"] == "Isabel Reyes"
    assert "tied on csat" in csat.explanation and "more hours logged" in csat.explanation
    assert csat.explanation in page.content.decode()
    left_out = [p["name"] for p in page.context["below_minimum"]]
    assert left_out == ["Lukas Weber"]


def test_demo_week_ratings_were_given_inside_that_week_team_3(seeded):
    since, until = customer_service_week()
    start, end = day_bounds(since, until)
    rows = CsatRating.objects.filter(case__external_ticket_id__startswith="TKT-CSW-")
    assert rows.count() == 11
    for row in rows:
        assert row.rating is not None and start <= row.rated_at < end
        assert row.case.resolved_at <= row.rated_at


def test_team_dashboard_and_breach_review_mark_weeks_under_90_percent_in_red(seeded, client):
    """The demo has recent weeks under 90 % compliance: both compliance charts (the shared
    helper's ``warn_below``) draw their labels in the warning style."""
    client.force_login(User.objects.get(username="lead"))
    for url in (reverse("workforce:team"), reverse("escalations:breach-review")):
        page = client.get(url)
        assert page.status_code == 200 and b"bar-label-warn" in page.content, url
