"""NCO-1 intake scoring, NCO-3 checklist, NCO-4 tracker and CSV export."""

import csv
import io
from decimal import Decimal

import pytest

from core.errors import Forbidden, InvalidInput
from core.models import AuditEvent
from escalations.exports import outreach_csv_response
from escalations.models import NCO_CHECKLIST, DeskSettings, Kind, Segment
from escalations.selectors import outreach_tracker
from escalations.services import case_claim, checklist_tick, nco_intake, nco_score


def score(**kw):
    base = {
        "job_post_value": None,
        "web_presence": False,
        "segment": Segment.INDIVIDUAL,
        "long_term_or_multiple": False,
        "threshold": Decimal("2500"),
        "min_segment": Segment.SMALL_BUSINESS,
    }
    return nco_score(**{**base, **kw})


@pytest.mark.parametrize(
    "value,meets",
    [(None, False), ("0", False), ("2499.99", False), ("2500.00", True), ("2500.01", True)],
)
def test_job_post_value_threshold_inclusive_at_2500_nco_1(value, meets):
    result = score(job_post_value=Decimal(value) if value else None)
    assert result.job_post_value is meets


@pytest.mark.parametrize(
    "segment,meets",
    [
        (Segment.INDIVIDUAL, False),
        (Segment.SMALL_BUSINESS, True),
        (Segment.MID_MARKET, True),
        (Segment.ENTERPRISE, True),
    ],
)
def test_segment_small_business_or_larger_nco_1(segment, meets):
    assert score(segment=segment).segment is meets


def test_all_four_criteria_counted_nco_1():
    result = score(
        job_post_value=Decimal("2500"),
        web_presence=True,
        segment=Segment.ENTERPRISE,
        long_term_or_multiple=True,
    )
    assert result.met == 4


def test_intake_records_criteria_and_opens_outreach_case_nco_1(agent):
    case = nco_intake(
        reporter=agent,
        client_name="Acme",
        client_company="Acme Inc",
        segment=Segment.INDIVIDUAL,
        job_post_value="2500",
        web_presence=True,
    )
    a = case.nco_assessment
    assert case.kind == Kind.NEW_CLIENT_OUTREACH
    assert a.criteria_held == ["job_post_value", "web_presence"]
    assert a.criteria_met == 2 and a.threshold_used == Decimal("2500.00")
    assert [i.key for i in case.checklist.all()] == [k for k, _ in NCO_CHECKLIST]
    assert AuditEvent.objects.for_object(case).filter(action="nco.intake").exists()


def test_none_met_routes_as_general_case_nco_1(agent):
    case = nco_intake(
        reporter=agent, client_name="Solo", segment=Segment.INDIVIDUAL, job_post_value="2499.99"
    )
    assert case.kind == Kind.GENERAL
    assert case.nco_assessment.routed_as_general and case.nco_assessment.criteria_met == 0
    assert not case.checklist.exists()


def test_admin_threshold_applies_nco_1(agent):
    desk = DeskSettings.load()
    desk.nco_job_post_value_threshold = Decimal("10000")
    desk.save()
    case = nco_intake(
        reporter=agent, client_name="Mid", segment=Segment.INDIVIDUAL, job_post_value="9999"
    )
    assert case.kind == Kind.GENERAL
    assert case.nco_assessment.threshold_used == Decimal("10000.00")


def test_intake_bad_input_names_field_nco_1(agent):
    with pytest.raises(InvalidInput) as exc:
        nco_intake(reporter=agent, client_name="X", segment="galactic")
    assert exc.value.field == "segment"
    with pytest.raises(InvalidInput) as exc:
        nco_intake(reporter=agent, client_name="X", segment="enterprise", job_post_value="lots")
    assert exc.value.field == "job_post_value"


@pytest.fixture
def outreach_case(agent, other_agent):
    case = nco_intake(
        reporter=other_agent,
        client_name="Bea Buyer",
        client_company="Bea Co",
        segment=Segment.MID_MARKET,
        job_post_value="5000",
        long_term_or_multiple=True,
    )
    return case_claim(case=case, agent=agent)


def test_checklist_tick_records_who_and_when_nco_3(outreach_case, agent):
    item = outreach_case.checklist.get(key="reply_to_reporter")
    item = checklist_tick(item=item, actor=agent)
    assert item.done and item.done_by == agent and item.done_at is not None
    item = checklist_tick(item=item, actor=agent, done=False)
    assert not item.done and item.done_by is None
    actions = AuditEvent.objects.for_object(outreach_case).values_list("action", flat=True)
    assert "checklist.ticked" in actions and "checklist.unticked" in actions


def test_checklist_only_by_assignee_or_lead_nco_3(outreach_case, other_agent):
    item = outreach_case.checklist.get(key="hold_call")
    with pytest.raises(Forbidden):
        checklist_tick(item=item, actor=other_agent)


def test_tracker_filters_and_csv_nco_4(outreach_case, agent):
    nco_intake(reporter=agent, client_name="=HYPERLINK(evil)", segment=Segment.INDIVIDUAL)
    assert outreach_tracker(viewer=agent).count() == 2
    assert list(outreach_tracker(viewer=agent, segment=Segment.MID_MARKET)) == [
        outreach_case.nco_assessment
    ]
    assert outreach_tracker(viewer=agent, criteria_min=2).count() == 1
    assert outreach_tracker(viewer=agent, routed_general=True).count() == 1
    assert outreach_tracker(viewer=agent, search="bea co").count() == 1
    assert outreach_tracker(viewer=agent, assignee=agent).count() == 1

    response = outreach_csv_response(outreach_tracker(viewer=agent))
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM (API-4)
    text = raw.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    bea = next(r for r in rows if r["client_company"] == "Bea Co")
    assert bea["reference"] == outreach_case.reference and bea["criteria_met"] == "3"
    evil = next(r for r in rows if r["client_company"] == "")
    assert evil["client_name"].startswith("'=")  # no spreadsheet formula injection
