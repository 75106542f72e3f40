"""HIR-2: one table of moves, audited; duplicates flagged and never paid twice."""

import pytest

from core.errors import Conflict, Forbidden, IllegalTransition, InvalidInput
from core.models import AuditEvent
from hiring import services
from hiring.models import Applicant, StageChange
from hiring.pipeline import ALLOWED_MOVES
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_illegal_move_refused_naming_the_allowed_ones_hir_2(add, lead):
    applicant = add()
    with pytest.raises(IllegalTransition) as refused:
        services.applicant_move(applicant=applicant, to_stage="interviewed", actor=lead)
    assert "assessment offered, rejected, withdrawn" in refused.value.message
    applicant.refresh_from_db()
    assert applicant.stage == "applied"
    assert StageChange.objects.filter(applicant=applicant).count() == 1


def test_every_stage_keeps_its_timestamp_and_audit_hir_2(add, lead, frozen_time):
    applicant = add()
    frozen_time.shift(3600)
    services.applicant_move(
        applicant=applicant, to_stage="assessment_offered", actor=lead, reason="Hired on $5"
    )
    frozen_time.shift(3600)
    services.applicant_move(applicant=applicant, to_stage="withdrawn", actor=lead)
    changes = list(StageChange.objects.filter(applicant=applicant))
    assert [c.to_stage for c in changes] == ["applied", "assessment_offered", "withdrawn"]
    assert changes[1].at < changes[2].at and changes[1].reason == "Hired on $5"
    moved = AuditEvent.objects.filter(action="hiring.applicant_moved", target_id=str(applicant.pk))
    assert moved.count() == 2


def test_closed_stages_are_final_and_submitted_scored_hired_have_their_own_paths_hir_2(add, lead):
    assert ALLOWED_MOVES["hired"] == ALLOWED_MOVES["rejected"] == ALLOWED_MOVES["withdrawn"] == ()
    applicant = add()
    services.applicant_move(applicant=applicant, to_stage="assessment_offered", actor=lead)
    with pytest.raises(IllegalTransition, match="sending all four parts"):
        services.applicant_move(applicant=applicant, to_stage="submitted", actor=lead)


def test_second_application_same_email_or_profile_flagged_hir_2(add, lead, team):
    first = add(email="Ana@Example.com", profile_id="~01abc")
    by_email = add(name="Ana again", email="ana@example.com")
    by_profile = add(name="Ana third", email="other@example.com", profile_id="~01ABC")
    stranger = add(name="Someone else", email="else@example.com")
    assert by_email.duplicate_of == first
    assert by_profile.duplicate_of == first
    assert stranger.duplicate_of is None


def test_same_person_never_paid_twice_across_rounds_hir_2(add, lead, team):
    other_round = services.round_create(
        actor=lead,
        team=team,
        name="August",
        assessment_title="Test",
        assessment_text="Text",
        hourly_title="Hourly",
        hourly_text="Text",
    )
    first = add(email="paid@example.com")
    services.applicant_move(applicant=first, to_stage="assessment_offered", actor=lead)
    again = add(email="paid@example.com", round=other_round)
    with pytest.raises(Conflict, match="already paid"):
        services.applicant_move(applicant=again, to_stage="assessment_offered", actor=lead)
    again.refresh_from_db()
    assert again.stage == "applied" and again.assessment_paid_at is None


def test_only_the_rounds_lead_adds_and_moves_core_8_hir_2(add, hiring_round):
    other_team = TeamFactory(name="Other team")
    other_lead = UserFactory(username="other_lead", role="team_lead", team=other_team)
    other_team.lead = other_lead
    other_team.save()
    with pytest.raises(Forbidden):
        services.applicant_add(
            round=hiring_round, actor=other_lead, name="X", email="x@example.com", country="PH"
        )
    applicant = add()
    with pytest.raises(Forbidden):
        services.applicant_move(applicant=applicant, to_stage="rejected", actor=other_lead)


def test_csv_import_all_or_nothing_naming_the_line_hir_2(hiring_round, lead):
    good = (
        "name,email,profile_id,country,region,languages\nAna,ana@example.com,,PH,,English;Tagalog\n"
    )
    added = services.applicants_import_csv(round=hiring_round, actor=lead, text=good)
    assert [a.languages for a in added] == [["English", "Tagalog"]]
    bad = good + "Ben,not-an-email,,MX,,Spanish\n"
    with pytest.raises(InvalidInput, match="Line 3, email"):
        services.applicants_import_csv(round=hiring_round, actor=lead, text=bad)
    assert Applicant.objects.filter(name="Ben").count() == 0
    assert Applicant.objects.filter(name="Ana").count() == 1


def test_bad_applicant_input_names_the_field_hir_2(hiring_round, lead):
    for data, field in [
        ({"name": "", "email": "a@example.com", "country": "PH"}, "name"),
        ({"name": "A", "email": "", "country": "PH"}, "email"),
        ({"name": "A", "email": "a@example.com", "country": "Philippines"}, "country"),
        ({"name": "A\nB", "email": "a@example.com", "country": "PH"}, "name"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            services.applicant_add(round=hiring_round, actor=lead, **data)
        assert refused.value.field == field
    assert not Applicant.objects.exists()
