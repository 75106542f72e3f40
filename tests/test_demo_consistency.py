"""The demo data (``seed_demo``) tells one consistent story in time and kind.

Seeded through the services at the instants the events happen (time-machine), so: every
clock starts at or after its case opened and is due after it started; first-response
clocks start with the case; the 48-hour follow-up starts at the first contact attempt;
nothing happens in the future; reasons are written for people; kinds match titles.
"""

import datetime as dt
import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from core.models import SlaClock
from escalations.models import Case, CaseEvent, Kind
from sourcing.models import Shortlist

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=io.StringIO())
    return timezone.now()


def clocks_by_case():
    ct = ContentType.objects.get_for_model(Case)
    cases = {c.pk: c for c in Case.objects.all()}
    for clock in SlaClock.objects.filter(content_type=ct):
        yield cases[clock.object_id], clock


def test_every_clock_starts_after_its_case_opened_and_is_due_after_it_starts(seeded):
    pairs = list(clocks_by_case())
    assert len(pairs) >= 12
    for case, clock in pairs:
        label = f"{case.external_ticket_id} {clock.metric}"
        assert clock.started_at >= case.created_at, label
        assert clock.due_at > clock.started_at, label
        assert clock.started_at <= seeded, label


def test_first_response_clocks_start_with_the_case(seeded):
    for case, clock in clocks_by_case():
        if clock.metric == "first_response":
            assert abs(clock.started_at - case.created_at) <= dt.timedelta(minutes=1), (
                case.external_ticket_id
            )


def test_follow_up_starts_at_the_first_contact_attempt(seeded):
    follow_ups = [(c, k) for c, k in clocks_by_case() if k.metric == "client_follow_up"]
    assert follow_ups
    for case, clock in follow_ups:
        first = case.events.filter(kind="contact_attempt").order_by("at").first()
        assert first is not None and case.created_at < first.at < seeded
        assert abs(clock.started_at - first.at) <= dt.timedelta(minutes=1)


def test_nothing_happens_before_the_case_or_in_the_future(seeded):
    for event in CaseEvent.objects.select_related("case"):
        assert event.case.created_at <= event.at <= seeded, (event.case.external_ticket_id, event)


def test_no_placeholder_demo_words_in_events_or_reasons(seeded):
    for event in CaseEvent.objects.all():
        text = f"{event.body} {json.dumps(event.data)}".lower()
        assert "demo" not in text, event.body
    transitions = CaseEvent.objects.filter(kind="status_changed")
    assert transitions.exists()
    for event in transitions:
        reason = event.body.split(":", 1)[-1].strip()
        assert len(reason) > 10, event.body  # a sentence, not a placeholder


def test_kinds_match_titles(seeded):
    for case in Case.objects.select_related("nco_assessment"):
        outreach_title = case.title.startswith("Possible new client")
        assert outreach_title == (case.kind == Kind.NEW_CLIENT_OUTREACH), case.title
        assessment = getattr(case, "nco_assessment", None)
        if assessment is not None:
            expected = Kind.GENERAL if assessment.routed_as_general else Kind.NEW_CLIENT_OUTREACH
            assert case.kind == expected, case.title


def test_the_demo_shortlist_belongs_to_a_real_case(seeded):
    shortlist = Shortlist.objects.get()
    case = Case.objects.get(reference=shortlist.case_reference)
    assert case.kind == Kind.NEW_CLIENT_OUTREACH and shortlist.created_by is not None


def test_a_routed_general_intake_is_not_titled_as_outreach_nco_1(agent):
    from escalations.models import Segment
    from escalations.services import nco_intake

    general = nco_intake(
        reporter=agent, client_name="Solo", segment=Segment.INDIVIDUAL, job_post_value="10"
    )
    assert general.kind == Kind.GENERAL and general.title == "Client enquiry: Solo"
    outreach = nco_intake(
        reporter=agent, client_name="Big", segment=Segment.ENTERPRISE, job_post_value="90000"
    )
    assert outreach.kind == Kind.NEW_CLIENT_OUTREACH
    assert outreach.title == "Possible new client: Big"
