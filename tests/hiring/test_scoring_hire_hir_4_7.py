"""HIR-4 scoring and integrity tiers; hiring creates the agent; HIR-7 classification."""

import datetime as dt

import pytest
from django.test import Client

from core.errors import Forbidden, IllegalTransition, InvalidInput
from core.models import AuditEvent, User
from hiring import services
from hiring.integrity import signal_points, similarity, tier_of
from hiring.models import Question

from .conftest import FREE_ANSWER, complete

pytestmark = pytest.mark.django_db


def _free_question(applicant):
    return next(
        Question.objects.get(pk=e["q"])
        for e in applicant.draw
        if Question.objects.get(pk=e["q"]).kind == "free"
    )


def _to_interviewed(applicant, lead):
    question = _free_question(applicant)
    services.answers_score(
        applicant=applicant, actor=lead, scores=[{"question": question.pk, "points": 5}]
    )
    services.applicant_move(applicant=applicant, to_stage="invited_to_interview", actor=lead)
    return services.applicant_move(applicant=applicant, to_stage="interviewed", actor=lead)


def test_free_text_scored_by_reviewer_then_applicant_is_scored_hir_4(offered, lead):
    applicant = complete(offered())
    question = _free_question(applicant)
    with pytest.raises(InvalidInput, match="0 to 6"):
        services.answers_score(
            applicant=applicant, actor=lead, scores=[{"question": question.pk, "points": 9}]
        )
    applicant = services.answers_score(
        applicant=applicant,
        actor=lead,
        scores=[{"question": question.pk, "points": 5, "note": "Clear and kind."}],
    )
    assert applicant.stage == "scored"
    assert (applicant.choice_points, applicant.free_points, applicant.max_points) == (4, 5, 10)
    assert applicant.score_percent == 90


def test_near_identical_free_text_flagged_in_tiers_never_rejected_hir_4(offered):
    first = complete(offered(name="First", email="first@example.com"))
    copied = FREE_ANSWER.replace("apologise", "apologize").upper()
    second = complete(
        offered(name="Second", email="second@example.com"), free_text=copied, pasted=True
    )
    second.refresh_from_db()
    flagged = second.answers.get(question=_free_question(second))
    assert flagged.similar_to_id == first.pk and flagged.similarity >= 0.85
    assert flagged.pasted
    assert tier_of(second.integrity_points)[0] == "strong"
    assert second.stage == "submitted"  # shown to reviewers, never an automatic rejection
    first.refresh_from_db()
    assert tier_of(first.integrity_points)[0] == "clear"


def test_integrity_tiers_and_similarity_are_pure_hir_4():
    assert similarity("short", "short") == 0.0  # too short to compare
    assert similarity(FREE_ANSWER, FREE_ANSWER.lower()) == 1.0
    assert similarity(FREE_ANSWER, "A completely different answer about something else.") < 0.85
    assert tier_of(signal_points(pasted=0, near_duplicates=0, left_page=2, fast_long=0))[0] == (
        "clear"
    )
    assert tier_of(signal_points(pasted=1, near_duplicates=0, left_page=0, fast_long=0))[0] == (
        "review"
    )


def test_hire_creates_agent_in_rounds_team_who_can_sign_in_hir_2(offered, lead, team):
    applicant = _to_interviewed(complete(offered(name="Maria Santos")), lead)
    with pytest.raises(IllegalTransition, match="hire form"):
        services.applicant_move(applicant=applicant, to_stage="hired", actor=lead)
    applicant = services.applicant_hire(
        applicant=applicant,
        actor=lead,
        username="maria",
        password="a-long-pass-phrase-42",
        time_zone="Asia/Manila",
        channels=["tickets", "live_chat"],
        start_date=dt.date(2026, 7, 20),
    )
    user = User.objects.get(username="maria")
    assert applicant.stage == "hired" and applicant.hired_user == user
    assert (user.team, user.role, user.time_zone) == (team, "agent", "Asia/Manila")
    assert user.languages == ["English", "Spanish"] and user.channels == ["tickets", "live_chat"]
    assert user.start_date == dt.date(2026, 7, 20)
    assert Client().login(username="maria", password="a-long-pass-phrase-42")


def _hire(applicant, lead, **kw):
    return services.applicant_hire(
        applicant=applicant,
        actor=lead,
        username=kw.pop("username", "newagent"),
        password="a-long-pass-phrase-42",
        time_zone="America/Chicago",
        channels=["tickets"],
        start_date=dt.date(2026, 7, 20),
        **kw,
    )


def test_california_long_term_hourly_refused_even_with_override_hir_7(offered, lead):
    applicant = _to_interviewed(complete(offered(country="US", region="CA")), lead)
    with pytest.raises(InvalidInput, match="California"):
        _hire(applicant, lead, override_reason="We really want them.")
    applicant.refresh_from_db()
    assert applicant.stage == "interviewed"
    assert not User.objects.filter(username="newagent").exists()
    # A short-term project is allowed.
    assert _hire(applicant, lead, contract="short_term").stage == "hired"


def test_us_hire_short_term_unless_lead_overrides_with_reason_audited_hir_7(offered, lead):
    applicant = _to_interviewed(complete(offered(country="US", region="TX")), lead)
    with pytest.raises(InvalidInput, match="unless a lead overrides"):
        _hire(applicant, lead)
    hired = _hire(applicant, lead, override_reason="Contractor entity verified by legal.")
    assert hired.stage == "hired"
    override = AuditEvent.objects.get(action="hiring.classification_override")
    assert override.reason == "Contractor entity verified by legal." and override.actor == lead


def test_only_a_lead_of_the_team_hires_hir_7(offered, lead, agent):
    applicant = _to_interviewed(complete(offered(country="PH")), lead)
    with pytest.raises(Forbidden):
        _hire(applicant, agent)
    assert _hire(applicant, lead).stage == "hired"
