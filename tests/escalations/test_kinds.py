"""Case kinds route to their own rules (ESC-2): NCO, UFL (also refund requests), general."""

import datetime as dt

import pytest

from core.sla import clocks_for
from escalations.models import Kind, Segment
from escalations.services import case_claim, case_record_contact_attempt

pytestmark = pytest.mark.django_db


def _open_clocks(case):
    return {c.metric: c for c in clocks_for(case).filter(state__in=["running", "paused"])}


def test_the_four_kinds_exist_esc_2():
    """ESC-2's four kinds, and the NDF escalation a UFL-5 marking opens (its own kind)."""
    assert set(Kind.values) == {
        "new_client_outreach",
        "unresponsive_freelancer",
        "refund_request",
        "general",
        "non_delivery_fraud",
    }


def test_nco_kind_gets_the_outreach_response_target_esc_2(make_case):
    case = make_case(kind=Kind.NEW_CLIENT_OUTREACH, client_segment=Segment.SMALL_BUSINESS)
    clock = _open_clocks(case)["first_response"]
    assert clock.target_seconds == 15 * 60
    assert clock.calendar.slug == "us-pacific-support"


def test_general_kind_gets_24_business_hours_esc_2(make_case):
    clock = _open_clocks(make_case(kind=Kind.GENERAL))["first_response"]
    assert clock.target_seconds == 24 * 3600
    assert clock.calendar.slug == "us-pacific-support"


@pytest.mark.parametrize("kind", [Kind.UNRESPONSIVE_FREELANCER, Kind.REFUND_REQUEST])
def test_ufl_kinds_follow_up_48_calendar_hours_after_first_contact_esc_2(make_case, agent, kind):
    case = make_case(kind=kind)
    assert "client_follow_up" not in _open_clocks(case)
    case = case_claim(case=case, agent=agent)
    case_record_contact_attempt(
        case=case, agent=agent, channel="email", research_incomplete_ok=True
    )
    clock = _open_clocks(case)["client_follow_up"]
    assert clock.calendar.slug == "24x7"
    # ESC-5: due at 48 calendar hours; the clock breaches after the 4-hour grace.
    assert clock.due_at - clock.started_at == dt.timedelta(hours=48 + 4)
