"""The queue for every status (ESC-3), lead bulk actions (TEAM-1) scoped by CORE-8, and
flash messages that show once."""

import re

import pytest

from core.models import AuditEvent
from escalations.models import Case, Status
from escalations.services import case_claim, case_transition
from tests.factories import TeamFactory, UserFactory

HX = {"HTTP_HX_REQUEST": "true"}


def _login(client, user):
    client.force_login(user)
    return client


def _page(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode()


def _row_refs(html: str) -> set[str]:
    return set(re.findall(r'id="row-(ESC-\d+)"', html))


@pytest.fixture
def one_case_per_status(make_case, agent, lead):
    """A case in each of the eight statuses, moved there the way users do."""
    cases = {}
    cases[Status.NEW] = make_case(title="still new")
    for status in Status:
        if status == Status.NEW:
            continue
        case = make_case(title=f"case {status.value}")
        if status == Status.CLOSED:
            case = case_transition(case=case, to_status=status, actor=lead, reason="duplicate")
        else:
            case = case_claim(case=case, agent=agent)
            if status != Status.CLAIMED:
                case = case_transition(case=case, to_status=status, actor=agent)
        assert case.status == status
        cases[status] = case
    return cases


# ESC-3: the queue filters every status --------------------------------------------------
def test_queue_status_filter_offers_every_status_with_labels_esc_3(client, agent):
    html = _page(_login(client, agent), "/queue/")
    for status in Status:
        assert f'<option value="{status.value}">{status.label}</option>' in html
    assert '<option value="" selected>Open work</option>' in html


@pytest.mark.parametrize("status", Status.values)
def test_lead_filters_the_queue_by_each_status_esc_3(client, lead, one_case_per_status, status):
    html = _page(_login(client, lead), f"/queue/?status={status}")
    assert "not recognised" not in html
    assert _row_refs(html) == {one_case_per_status[status].reference}


def test_default_queue_is_open_work_and_closed_cases_are_found_esc_3(
    client, agent, one_case_per_status
):
    client = _login(client, agent)
    default = _row_refs(_page(client, "/queue/"))
    finished = {one_case_per_status[s].reference for s in (Status.RESOLVED, Status.CLOSED)}
    assert default and not default & finished
    # The agent's resolved case and the intake case a lead closed unworked.
    assert _row_refs(_page(client, "/queue/?status=resolved")) == {
        one_case_per_status[Status.RESOLVED].reference
    }
    fragment = _page(client, "/queue/?status=closed", **HX)
    assert "<html" not in fragment
    assert _row_refs(fragment) == {one_case_per_status[Status.CLOSED].reference}


def test_finished_cases_of_another_team_stay_hidden_core_8(client, lead, make_case):
    other_lead = UserFactory(username="lead_b", role="team_lead", team=TeamFactory(name="B"))
    foreign = make_case(actor=other_lead)
    foreign = case_transition(case=foreign, to_status=Status.CLOSED, actor=other_lead, reason="x")
    html = _page(_login(client, lead), "/queue/?status=closed")
    assert foreign.reference not in html


# TEAM-1: bulk actions for leads ------------------------------------------------------------
def test_only_leads_get_row_checkboxes_and_the_bulk_bar_team_1(client, make_case, agent, lead):
    case = make_case()
    agent_html = _page(_login(client, agent), "/queue/")
    assert case.reference in agent_html
    assert 'name="case"' not in agent_html and 'id="queue-bulk"' not in agent_html
    lead_html = _page(_login(client, lead), "/queue/")
    assert f'name="case" value="{case.reference}" form="queue-bulk"' in lead_html
    assert 'id="queue-bulk"' in lead_html and 'action="/queue/bulk/"' in lead_html
    assert "csrfmiddlewaretoken" in lead_html


def test_bulk_bar_hidden_when_nothing_is_selectable_team_1(client, make_case, lead):
    case = make_case()
    case_transition(case=case, to_status=Status.CLOSED, actor=lead, reason="spam")
    html = _page(_login(client, lead), "/queue/?status=closed")
    assert case.reference in html
    assert 'id="queue-bulk"' not in html and 'name="case"' not in html


def test_bulk_assign_with_one_failing_row_team_1(client, make_case, agent, lead):
    a, b, done = make_case(title="a"), make_case(title="b"), make_case(title="c")
    case_transition(case=done, to_status=Status.CLOSED, actor=lead, reason="duplicate")
    client = _login(client, lead)
    response = client.post(
        "/queue/bulk/",
        {
            "action": "assign",
            "assignee": agent.username,
            "case": [a.reference, b.reference, done.reference],
            "query": "status=new",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/queue/?status=new"
    for case in (a, b):
        case.refresh_from_db()
        assert case.assignee == agent and case.status == Status.CLAIMED
        assert AuditEvent.objects.for_object(case).filter(action="case.assigned").count() == 1
    done.refresh_from_db()
    assert done.assignee is None and done.status == Status.CLOSED
    assert not AuditEvent.objects.for_object(done).filter(action="case.assigned").exists()
    page = client.get("/queue/").content.decode()
    assert f"Assigned 2 cases to {agent.get_full_name()}: {a.reference}, {b.reference}." in page
    assert f"{done.reference}: is closed; it cannot be reassigned." in page


def test_bulk_release_and_close_with_htmx_report_each_row_team_1(client, make_case, agent, lead):
    claimed = case_claim(case=make_case(title="claimed"), agent=agent)
    fresh = make_case(title="fresh")
    client = _login(client, lead)

    response = client.post(
        "/queue/bulk/",
        {
            "action": "release",
            "reason": "rebalancing",
            "case": [claimed.reference, fresh.reference],
        },
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="queue-table"' in html and 'id="messages" class="messages"' in html
    assert html.count('id="queue-summary"') == 1 and "0 unassigned" not in html
    assert f"Released 1 case: {claimed.reference}." in html
    assert f"{fresh.reference}: already unassigned" in html
    assert "Not changed: already unassigned" in html  # on the row, still ticked
    claimed.refresh_from_db()
    assert claimed.status == Status.NEW and claimed.assignee is None
    audit = AuditEvent.objects.for_object(claimed).filter(action="case.transition").get()
    assert audit.actor == lead and audit.reason == "rebalancing"

    working = case_claim(case=make_case(title="working"), agent=agent)
    response = client.post(
        "/queue/bulk/",
        {"action": "close", "reason": "duplicates", "case": [claimed.reference, working.reference]},
        **HX,
    )
    html = response.content.decode()
    assert f"Closed 1 case: {claimed.reference}." in html
    assert f"{working.reference}: cannot move from claimed to closed" in html
    claimed.refresh_from_db()
    working.refresh_from_db()
    assert claimed.status == Status.CLOSED and working.status == Status.CLAIMED
    assert AuditEvent.objects.for_object(claimed).filter(action="case.transition").count() == 2
    assert not AuditEvent.objects.for_object(working).filter(action="case.transition").exists()

    again = client.post(
        "/queue/bulk/", {"action": "close", "reason": "again", "case": [claimed.reference]}, **HX
    )
    assert f"{claimed.reference}: already closed" in again.content.decode()


def test_bulk_refuses_bad_input_without_changing_anything_team_1(client, make_case, agent, lead):
    case = make_case()
    client = _login(client, lead)
    cases = {"case": [case.reference]}
    for data, message in (
        ({"action": "close", **cases}, "Closing cases needs a reason."),
        ({"action": "release", **cases}, "Releasing cases needs a reason."),
        ({"action": "assign", **cases}, "Choose the agent to assign the cases to."),
        ({"action": "assign", "assignee": "nobody-here", **cases}, "Select a valid choice."),
        ({"action": "explode", **cases}, "Select a valid choice."),
        ({"action": "close", "reason": "x"}, "Select at least one case."),
        (
            {"action": "close", "reason": "x", "case": [f"ESC-{n:06d}" for n in range(1, 102)]},
            "Select at most 100 cases at a time.",
        ),
    ):
        response = client.post("/queue/bulk/", data, **HX)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    case.refresh_from_db()
    assert case.status == Status.NEW and case.assignee is None
    assert not AuditEvent.objects.for_object(case).exclude(action="case.created").exists()


def test_bulk_is_403_for_agents_and_changes_nothing_core_8(client, make_case, agent, other_agent):
    case = make_case()
    client = _login(client, agent)
    data = {"action": "assign", "assignee": other_agent.username, "case": [case.reference]}
    response = client.post("/queue/bulk/", data)
    assert response.status_code == 403
    assert "for team leads and admins" in response.content.decode()
    assert client.post("/queue/bulk/", data, **HX).status_code == 403
    assert client.get("/queue/bulk/").status_code == 405
    case.refresh_from_db()
    assert case.assignee is None


def test_bulk_needs_csrf_core_8(make_case, lead):
    from django.test import Client

    case = make_case()
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    response = client.post(
        "/queue/bulk/", {"action": "close", "reason": "x", "case": [case.reference]}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Status.NEW


def test_foreign_case_in_a_bulk_post_is_not_found_and_unchanged_core_8(
    client, make_case, agent, lead
):
    other_lead = UserFactory(username="lead_b", role="team_lead", team=TeamFactory(name="B"))
    foreign = make_case(actor=other_lead)
    mine = make_case()
    client = _login(client, lead)
    response = client.post(
        "/queue/bulk/",
        {"action": "close", "reason": "cleanup", "case": [foreign.reference, mine.reference]},
        follow=True,
    )
    html = response.content.decode()
    assert f"{foreign.reference}: not found" in html
    assert f"Closed 1 case: {mine.reference}." in html
    foreign.refresh_from_db()
    assert foreign.status == Status.NEW
    assert not AuditEvent.objects.for_object(foreign).filter(action="case.transition").exists()
    assert Case.objects.get(pk=mine.pk).status == Status.CLOSED


def test_bulk_assign_only_to_agents_of_the_case_team_core_8(client, make_case, agent, lead):
    """An admin may pick anyone with a team; the service refuses people outside the case's."""
    admin = UserFactory(username="boss", role="admin")
    outsider = UserFactory(username="outsider", role="agent", team=TeamFactory(name="B"))
    case = make_case()
    client = _login(client, admin)
    response = client.post(
        "/queue/bulk/",
        {"action": "assign", "assignee": outsider.username, "case": [case.reference]},
        **HX,
    )
    assert "is not a member of the case&#x27;s team" in response.content.decode()
    case.refresh_from_db()
    assert case.assignee is None


# Buttons that can do nothing are hidden (CORE-8) -----------------------------------------
def test_claim_button_only_where_the_viewer_may_claim_core_8(client, make_case, agent):
    from core.models import AccessSettings

    other_team_case = make_case(actor=UserFactory(username="b1", team=TeamFactory(name="B")))
    mine = make_case()
    settings_row = AccessSettings.current()
    settings_row.cross_team_read = True
    settings_row.save()
    html = _page(_login(client, agent), "/queue/?agent=none")
    assert f'data-claim="{mine.reference}"' in html
    # Read-only across teams: listed, but no claim offered.
    assert other_team_case.reference in html
    assert f'data-claim="{other_team_case.reference}"' not in html
    page = _page(client, other_team_case.get_absolute_url())
    assert "I'm taking this case" not in page and "Add a note" not in page
    assert "Record a request" not in page


# Flash messages show once ----------------------------------------------------------------
def test_success_banner_shows_once_then_the_next_action_clears_it_team_1(client, make_case, agent):
    case = make_case()
    client = _login(client, agent)
    url = case.get_absolute_url()
    # Without JavaScript: the message shows on the page the action redirects to, once.
    response = client.post(f"{url}claim/", follow=True)
    assert response.content.decode().count(f"You are taking {case.reference}.") == 1
    assert f"You are taking {case.reference}." not in _page(client, url)

    # With htmx: the action's answer re-renders the banner region out of band, so the
    # new message replaces the old one and shows only there.
    client.post(f"{url}notes/", {"body": "first", "visibility": "internal"})  # queued
    note = client.post(f"{url}notes/", {"body": "second", "visibility": "internal"}, **HX)
    html = note.content.decode()
    region = re.search(r'<div id="messages"[^>]*hx-swap-oob="true">(.*?)</div></div>', html)
    assert region and region.group(1).count("Note added.") == 2  # both, now, once
    assert html.count("Note added.") == 2
    assert "Note added." not in _page(client, url)  # nothing left for the next page

    # An action without a message clears the old banner (an empty region).
    refused = client.post(f"{url}notes/", {"body": "", "visibility": "internal"}, **HX)
    assert '<div id="messages" class="messages" aria-live="polite" hx-swap-oob="true"></div>' in (
        refused.content.decode()
    )
    # A filter change is an action too; a background poll leaves the banner alone.
    assert 'id="messages"' in client.get("/queue/?kind=general", **HX).content.decode()
    poll = client.get("/notifications/badge/", HTTP_X_BACKGROUND_POLL="1", **HX)
    assert poll.status_code == 200 and 'id="messages"' not in poll.content.decode()
