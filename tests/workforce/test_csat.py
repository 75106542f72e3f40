"""TEAM-2: a signed, expiring rating link emailed when a case is resolved; rated once;
roll-ups per agent and team. TEAM-3: awards, ties and the minimum-ratings rule."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client

from core.errors import InvalidInput, NotFound
from integrations.models import OutboundEvent
from workforce.models import CsatRating, TimeEntry, WorkforceSettings
from workforce.services.csat import (
    LinkExpired,
    csat_emails_send,
    csat_submit,
    rating_for_token,
    token_for,
)
from workforce.stats import csat_summary, customer_service_week, recognition


@pytest.fixture
def rated_case(make_case, resolve, agent):
    case = resolve(make_case(actor=agent), agent)
    return case, CsatRating.objects.get(case=case)


@pytest.mark.django_db(transaction=True)
def test_resolving_a_case_emails_a_signed_rating_link_team_2(make_case, resolve, agent):
    case = resolve(make_case(actor=agent), agent)
    row = CsatRating.objects.get(case=case)
    assert row.agent == agent and row.team_id == agent.team_id
    sent = [m for m in mail.outbox if "dana@example.com" in m.to]
    assert len(sent) == 1
    link = re.search(r"https?://\S+/rate/(\S+)/", sent[0].body).group(1)
    assert rating_for_token(link).pk == row.pk
    row.refresh_from_db()
    assert row.emailed_at is not None
    assert csat_emails_send() == 0  # nothing left to send


@pytest.mark.django_db
def test_rating_link_used_twice_changes_nothing_team_2(rated_case):
    case, row = rated_case
    token = token_for(row)
    _, first = csat_submit(token=token, rating=5, comment="Great help")
    again, second = csat_submit(token=token, rating=1, comment="changed my mind")
    assert (first, second) == (True, False)
    row.refresh_from_db()
    assert (row.rating, row.comment) == (5, "Great help")
    events = OutboundEvent.objects.filter(event_type="csat.rated")
    assert events.count() == 1
    assert events.get().payload == {"case_reference": case.reference, "rating": 5}


@pytest.mark.django_db
def test_forged_rating_link_is_refused_team_2(rated_case):
    _, row = rated_case
    token = token_for(row)
    for forged in (token[:-2] + "xx", "abc", token.replace(":", ";", 1)):
        with pytest.raises(NotFound):
            csat_submit(token=forged, rating=5)
    row.refresh_from_db()
    assert row.rating is None


@pytest.mark.django_db
def test_expired_rating_link_changes_nothing_team_2(rated_case):
    _, row = rated_case
    token = token_for(row)
    with time_machine.travel(row.expires_at + dt.timedelta(seconds=1)), pytest.raises(LinkExpired):
        csat_submit(token=token, rating=4)
    row.refresh_from_db()
    assert row.rating is None


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [0, 6, "five", None, -1])
def test_rating_outside_one_to_five_is_refused_team_2(rated_case, bad):
    _, row = rated_case
    with pytest.raises(InvalidInput) as exc:
        csat_submit(token=token_for(row), rating=bad)
    assert exc.value.field == "rating"
    row.refresh_from_db()
    assert row.rating is None


@pytest.mark.django_db
def test_rating_page_on_a_phone_without_account_team_2(rated_case):
    _, row = rated_case
    client = Client()
    url = f"/rate/{token_for(row)}/"
    page = client.get(url)
    assert page.status_code == 200 and b"How did we do?" in page.content
    bad = client.post(url, {"rating": "9"})
    assert bad.status_code == 400 and b"Choose a rating from 1 to 5" in bad.content
    done = client.post(url, {"rating": "4", "comment": "Quick and kind"})
    assert done.status_code == 200 and b"4 out of 5" in done.content
    twice = client.post(url, {"rating": "1"})
    assert twice.status_code == 200 and b"already been rated" in twice.content
    assert client.get("/rate/forged-link/").status_code == 404
    row.refresh_from_db()
    assert row.rating == 4


@pytest.mark.django_db
def test_expired_link_page_answers_410_team_2(rated_case):
    _, row = rated_case
    with time_machine.travel(row.expires_at + dt.timedelta(days=1)):
        page = Client().get(f"/rate/{token_for(row)}/")
    assert page.status_code == 410 and b"expired" in page.content


@pytest.mark.django_db
def test_resolved_again_keeps_one_rating_request_team_2(rated_case, agent):
    from escalations.services import case_transition

    case, row = rated_case
    case = case_transition(case=case, to_status="in_progress", actor=agent)
    case_transition(case=case, to_status="resolved", actor=agent)
    assert CsatRating.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_csat_rolls_up_per_agent_and_team_with_counts_team_2(
    make_case, resolve, agent, other_agent
):
    for who, stars in ((agent, 5), (agent, 3), (other_agent, 4)):
        case = resolve(make_case(actor=who), who)
        csat_submit(token=token_for(case.csat), rating=stars)
    today = dt.date.today()
    by_agent = csat_summary([agent.team_id], today, today, by="agent")
    assert [(r["id"], r["count"], str(r["average"])) for r in by_agent] == [
        (agent.pk, 2, "4.00"),
        (other_agent.pk, 1, "4.00"),
    ]
    assert by_agent[0]["distribution"] == [0, 0, 1, 0, 1]
    by_team = csat_summary([agent.team_id], today, today, by="team")
    assert by_team[0]["count"] == 3
    assert (
        csat_summary([agent.team_id], today - dt.timedelta(days=9), today - dt.timedelta(days=2))
        == []
    )


# TEAM-3 --------------------------------------------------------------------------------
def test_default_period_is_the_first_full_week_of_october_team_3():
    assert customer_service_week(dt.date(2027, 11, 1)) == (
        dt.date(2027, 10, 4),
        dt.date(2027, 10, 10),
    )
    assert customer_service_week(dt.date(2026, 10, 5)) == (
        dt.date(2026, 10, 5),
        dt.date(2026, 10, 11),
    )
    assert customer_service_week(dt.date(2027, 3, 1)) == (
        dt.date(2026, 10, 5),
        dt.date(2026, 10, 11),
    )


def _log(user, day, minutes):
    start = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
    TimeEntry.objects.create(
        user=user,
        kind="tracked",
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes),
        minutes=minutes,
        day=day,
        week=day - dt.timedelta(days=day.weekday()),
        source="api",
    )


def _rate(make_case, resolve, who, stars):
    case = resolve(make_case(actor=who), who)
    csat_submit(token=token_for(case.csat), rating=stars)


@pytest.mark.django_db
def test_award_ties_are_broken_and_explained_team_3(make_case, resolve, agent, other_agent):
    agent.start_date = other_agent.start_date = dt.date(2020, 5, 1)
    agent.save()
    other_agent.save()
    today = dt.date.today()
    _log(agent, today, 120)
    _log(other_agent, today, 60)
    for stars in (5, 4):
        _rate(make_case, resolve, agent, stars)
    for stars in (5, 4, 5, 4):
        _rate(make_case, resolve, other_agent, stars)
    WorkforceSettings.objects.create(pk=1, recognition_min_ratings=2)
    result = recognition([agent.team_id], today, today)
    longest, hours, csat = result["awards"]
    assert longest.winners[0]["user"] == agent  # same start date: more hours logged wins
    assert "tie goes to" in longest.explanation and "more hours" in longest.explanation
    assert hours.winners[0]["user"] == agent and hours.explanation == ""
    assert csat.winners[0]["user"] == other_agent  # both 4.5: more ratings wins
    assert "more ratings" in csat.explanation and "4" in csat.explanation


@pytest.mark.django_db
def test_highest_csat_needs_the_minimum_ratings_team_3(make_case, resolve, agent, other_agent):
    WorkforceSettings.objects.create(pk=1, recognition_min_ratings=3)
    _rate(make_case, resolve, agent, 5)  # one perfect rating: below the minimum
    for stars in (4, 4, 3):
        _rate(make_case, resolve, other_agent, stars)
    today = dt.date.today()
    result = recognition([agent.team_id], today, today)
    csat = result["awards"][2]
    assert [w["user"] for w in csat.winners] == [other_agent]
    assert [p["user"] for p in result["below_minimum"]] == [agent]


@pytest.mark.django_db
def test_rating_request_and_rating_are_audited_team_2(rated_case):
    from core.models import AuditEvent

    case, row = rated_case
    csat_submit(token=token_for(row), rating=5)
    actions = list(
        AuditEvent.objects.filter(target_id=str(row.pk), action__startswith="csat.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["csat.requested", "csat.rated"]
