"""API-4, ESC-1, CORE-7: every observed hostile input is a 4xx naming the field, in JSON
under /api/, and changes nothing. NUL bytes are refused by our code, not the database
(SQLite stores them, PostgreSQL refuses them): these tests pass on both.
"""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from core.models import AuditEvent, Notification
from core.notifications import notify
from escalations.models import CallLog, Case, CaseEvent
from escalations.webhooks import sign
from sourcing.models import Freelancer, ImportJob

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


def assert_error(response, status: int, field: str | None = None):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"]
    if field:
        assert field in body["error"].get("fields", {}), body
    return body["error"]


def new_case(api, **fields):
    payload = {"title": "Vanished freelancer", "client_name": "Dana", **fields}
    response = api.post(CASES, payload, format="json")
    assert response.status_code == 201, response.content
    return response.json()["reference"]


# 1. Control characters ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/outreach/?search=a%00b", "search"),
        ("/api/v1/outreach/?assignee=%00", "assignee"),
        ("/api/v1/outreach/export/?search=%00", "search"),
        ("/api/v1/cases/?search=x%00", "search"),
        ("/api/v1/cases/?tag=%01", "tag"),
        ("/api/v1/sourcing/shortlists/1/explain/?freelancer=%00", "freelancer"),
        ("/api/v1/calendars/%00us/elapsed/?start=x", "path"),
        ("/api/v1/calendars/us%00/", "path"),
    ],
)
def test_nul_in_query_or_path_is_400_naming_it_api_4(agent_api, url, field):
    assert_error(agent_api.get(url), 400, field)


def test_nul_in_page_query_is_a_400_page_not_a_500_api_4(client, agent):
    client.force_login(agent)
    for url in ("/outreach/?search=%00", "/outreach/export.csv?assignee=%00", "/queue/?kind=%00"):
        response = client.get(url)
        assert response.status_code == 400 and b"NUL" in response.content


def test_nul_anywhere_in_a_json_body_names_the_field_api_4(agent_api, lead_api):
    assert_error(agent_api.post(CASES, {"title": "a\x00b", "client_name": "D"}), 400, "title")
    assert_error(
        agent_api.post(CASES, {"title": "t", "client_name": "D", "tags": ["ok", "\x00"]}),
        400,
        "tags[1]",
    )
    rows = [{"external_id": "FL-1", "name": "Ann\x00"}]
    assert_error(
        lead_api.post("/api/v1/sourcing/freelancers/import/", {"rows": rows}), 400, "rows[0].name"
    )
    assert Case.objects.count() == 0 and Freelancer.objects.count() == 0


def test_single_line_fields_refuse_line_breaks_free_text_keeps_them_api_4(agent_api, lead_api):
    for title in ("Hi\r\nBcc: x@example.com", "tab\there", "bell\x07"):
        assert_error(agent_api.post(CASES, {"title": title, "client_name": "D"}), 400, "title")
    assert_error(agent_api.post(CASES, {"title": "t", "client_name": "A\nB"}), 400, "client_name")
    assert Case.objects.count() == 0
    ref = new_case(agent_api, issue_summary="line one\nline two\n\ttabbed")
    note = agent_api.post(f"{CASES}{ref}/notes/", {"body": "para 1\r\n\r\npara 2"})
    assert note.status_code == 201 and "\r\n\r\n" in note.json()["body"]
    assert_error(agent_api.post(f"{CASES}{ref}/notes/", {"body": "x\x1b[31m"}), 400, "body")
    assert_error(lead_api.patch(f"{CASES}{ref}/", {"title": "a\rb"}), 400, "title")
    assert Case.objects.get().title == "Vanished freelancer"


def webhook(client, payload):
    body = json.dumps(payload).encode()
    ts = int(time.time())
    return client.post(
        "/api/v1/webhooks/tickets/",
        data=body,
        content_type="application/json",
        HTTP_X_DESK_TIMESTAMP=str(ts),
        HTTP_X_DESK_SIGNATURE=sign(secret="test-webhook-secret-123", timestamp=ts, body=body),
    )


@pytest.mark.parametrize(
    "ticket, field",
    [
        ({"id": "ZD-1", "subject": "Help\x00", "requester": {"name": "T"}}, "ticket.subject"),
        ({"id": "ZD-1", "subject": "ok", "requester": {"name": "T\x00"}}, "ticket.requester.name"),
        ({"id": "ZD-1", "subject": "Two\r\nlines", "requester": {"name": "T"}}, "title"),
    ],
)
def test_signed_webhook_with_control_chars_is_400_and_stores_nothing_api_4(
    api_client, settings, ticket, field
):
    settings.TICKET_WEBHOOK_SECRET = "test-webhook-secret-123"
    payload = {"event_id": "evt-1", "type": "ticket.created", "ticket": ticket}
    assert_error(webhook(api_client, payload), 400, field)
    assert Case.objects.count() == 0


def test_page_forms_refuse_control_chars_on_the_field_api_4(client, agent):
    client.force_login(agent)
    base = {"form": "case", "case-kind": "general", "case-priority": "normal"}
    base |= {"case-source_channel": "support_ticket", "case-client_segment": "individual"}
    for title in ("A\x00B", "Line\r\nbreak"):
        data = {**base, "case-title": title, "case-client_name": "Dana"}
        response = client.post("/cases/new/", data)
        assert response.status_code == 400
        assert "title" in response.context["case_form"].errors
    assert Case.objects.count() == 0
    data = {**base, "case-title": "Fine", "case-client_name": "Dana"}
    data["case-issue_summary"] = "multi\r\nline"
    assert client.post("/cases/new/", data).status_code == 302
    assert Case.objects.get().issue_summary == "multi\r\nline"


def test_csv_cell_with_nul_is_a_row_error_naming_the_column_api_4(
    client, lead, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(lead)
    content = b"external_id,name\nFL-1,Ann\nFL-2,B\x00b\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/sourcing/import/",
            {"kind": "freelancers", "file": SimpleUploadedFile("p.csv", content, "text/csv")},
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert job.errors[0]["row"] == 3 and job.errors[0]["field"] == "name"
    assert "NUL" in job.errors[0]["message"] and Freelancer.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "row", "field", "message"),
    [
        # Quoted cells spanning lines, and a file without a single other control character.
        (b'external_id,name\r\nFL-1,Ann\r\nFL-2,"B\r\nb"\r\n', 4, "name", "Line breaks"),
        (b'external_id,name\nFL-1,"A\nnn"\nFL-2,Bob\n', 3, "name", "Line breaks"),
        # A lone CR or a tab inside a one-line record.
        (b"external_id,name\nFL-1,Ann\nFL-2,B\rb\n", 3, "row", "Not valid CSV"),
        (b"external_id,name\r\nFL-1,A\tnn\r\n", 2, "name", "U+0009"),
        (b"external_id,name\nFL-1,Ann\x7f\n", 2, "name", "U+007F"),
        # Files that used to slip through or crash the job.
        # A quote left open at the end of the file.
        (b'external_id,name\nFL-1,Ann\nFL-2,"Bob\n', 3, "name", "Line breaks"),
        # A control character written as a JSON escape inside a JSON cell.
        (
            b'external_id,name,jobs\nFL-1,Ann,"[{""title"": ""a\\u0000b""}]"\n',
            2,
            "jobs[0].title",
            "NUL",
        ),
        (b"external_id,name,jobs\nFL-1,Ann," + b"[" * 100_000 + b"\n", 2, "jobs", "too deeply"),
        (b"external_id,name,name\nFL-1,Ann,\n", 1, "header", "Duplicate column(s): name"),
    ],
)
def test_csv_line_breaks_controls_and_malformed_cells_are_row_errors_api_4(
    client,
    lead,
    django_capture_on_commit_callbacks,
    settings,
    tmp_path,
    content,
    row,
    field,
    message,
):
    """The import checks cell by cell only the records a file's control characters could be
    in (issue 16); every such cell is still found, on its line."""
    settings.MEDIA_ROOT = tmp_path
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/sourcing/import/",
            {"kind": "freelancers", "file": SimpleUploadedFile("p.csv", content, "text/csv")},
        )
    job = ImportJob.objects.get()
    assert job.status == "failed" and Freelancer.objects.count() == 0
    assert (job.errors[0]["row"], job.errors[0]["field"]) == (row, field)
    assert message in job.errors[0]["message"]


# 2. Dates and instants -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/outreach/?since=2026-02-31", "since"),
        ("/api/v1/outreach/export/?until=1800-01-01", "until"),
        ("/api/v1/cases/?due_before=2026-03-01T10:00:00-20:51", "due_before"),
        ("/api/v1/cases/?due_before=2026-03-01T10:00:00%2B05:30:15", "due_before"),
        ("/api/v1/cases/?created_after=1800-01-01T00:00:00Z", "created_after"),
        ("/api/v1/cases/?created_before=2026-02-30T00:00:00Z", "created_before"),
        ("/api/v1/sla-clocks/?due_before=9999-12-31T23:59:59Z", "due_before"),
        ("/api/v1/notifications/?since=0001-01-01T00:00:00Z", "since"),
        ("/api/v1/audit/?since=2026-01-01T00:00:00-20:51", "since"),
        (
            "/api/v1/calendars/24x7/elapsed/?start=0001-01-01T00:00:00Z&end=2026-01-01T00:00:00Z",
            "start",
        ),
        (
            "/api/v1/calendars/24x7/elapsed/?start=2026-01-01T00:00:00Z&end=9999-12-31T00:00:00Z",
            "end",
        ),
        ("/api/v1/calendars/24x7/deadline/?start=2026-01-01T00:00:00-20:51&duration=60", "start"),
    ],
)
def test_impossible_or_out_of_range_instants_are_400_naming_the_parameter_api_4(
    lead_api, url, field
):
    assert_error(lead_api.get(url), 400, field)


def test_page_date_filters_out_of_range_are_form_errors_api_4(client, lead):
    client.force_login(lead)
    response = client.get("/breaches/?since=0001-01-01&until=9999-12-31")
    assert response.status_code == 200
    response = client.get("/outreach/?since=2026-02-31")
    assert response.status_code == 200


def test_contact_attempt_and_call_instants_are_bounded_by_the_case_api_4(agent_api):
    ref = new_case(agent_api, kind="unresponsive_freelancer")
    assert agent_api.post(f"{CASES}{ref}/claim/").status_code == 200
    url = f"{CASES}{ref}/contact-attempts/"
    future = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    events = CaseEvent.objects.count()
    for at in ("1800-01-01T00:00:00Z", "2001-01-01T00:00:00Z", future):
        assert_error(agent_api.post(url, {"channel": "email", "at": at}), 400, "at")
    assert CaseEvent.objects.count() == events
    assert Case.objects.get().sla_clocks.filter(metric="client_follow_up").count() == 0
    calls = f"{CASES}{ref}/calls/"
    call = {"party": "client", "outcome": "connected", "started_at": "2001-01-01T00:00:00Z"}
    assert_error(agent_api.post(calls, call), 400, "started_at")
    ok = {"channel": "email", "research_incomplete_ok": True}  # UFL-4 gate confirmed
    assert agent_api.post(url, ok).status_code == 201  # now is fine


# 3. Integers ---------------------------------------------------------------------------------
def test_integers_beyond_the_column_are_400_api_4(agent_api):
    ref = new_case(agent_api)
    assert agent_api.post(f"{CASES}{ref}/claim/").status_code == 200
    call = {"party": "client", "outcome": "connected", "duration_seconds": 2147483648}
    assert_error(agent_api.post(f"{CASES}{ref}/calls/", call), 400, "duration_seconds")
    assert CallLog.objects.count() == 0
    assert_error(agent_api.get(f"{CASES}?team=1e400"), 400, "team")
    assert_error(agent_api.get("/api/v1/outreach/?criteria_min=99999999999999999999"), 400)
    assert_error(agent_api.get("/api/v1/sla-clocks/?object_id=99999999999999999999999"), 400)


# 4. Limits (ESC-1) ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "extra, field",
    [
        ({"tags": [f"t{i}" for i in range(5000)]}, "tags"),
        ({"contract_ids": [str(i) for i in range(20000)]}, "contract_ids"),
        ({"issue_summary": "x" * 10_001}, "issue_summary"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_case_create_limits_esc_1(agent_api, extra, field):
    payload = {"title": "t", "client_name": "D", **extra}
    assert_error(agent_api.post(CASES, payload, format="json"), 400, field)
    assert Case.objects.count() == 0


def test_limits_are_in_the_schema_esc_1(agent_api):
    schema = agent_api.get("/api/schema/?format=json").json()
    props = schema["components"]["schemas"]["CaseWriteRequest"]["properties"]
    assert props["tags"]["maxItems"] == 20 and props["contract_ids"]["maxItems"] == 50
    assert props["issue_summary"]["maxLength"] == 10_000 and props["title"]["maxLength"] == 200
    assert "line breaks" in props["title"]["description"]
    call = schema["components"]["schemas"]["CallCreateRequest"]["properties"]
    assert call["duration_seconds"]["maximum"] == 2147483647


def test_oversized_bodies_are_413_json_and_store_nothing_esc_1(agent_api):
    body = json.dumps({"title": "t", "client_name": "D", "issue_summary": "x" * 10_000_000})
    response = agent_api.post(CASES, body, content_type="application/json")
    assert_error(response, 413)
    assert Case.objects.count() == 0


def test_oversized_csv_upload_is_a_form_error_and_nothing_is_queued_esc_1(
    client, lead, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.CSV_IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(lead)
    content = b"external_id,name\n" + b"FL-1,Ann\n" * 200_000  # 1.8 MB
    response = client.post(
        "/sourcing/import/",
        {"kind": "freelancers", "file": SimpleUploadedFile("p.csv", content, "text/csv")},
    )
    assert response.status_code == 200
    assert "larger than" in str(response.context["form"].errors["file"])
    assert ImportJob.objects.count() == 0 and not list(tmp_path.rglob("*.csv"))


# 5. Every /api/ response is JSON ----------------------------------------------------------------
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_unrouted_api_paths_are_json_404_for_any_method_api_4(agent_api, agent, method):
    assert_error(getattr(agent_api, method)("/api/v1/no-such-thing/"), 404)
    session = Client(enforce_csrf_checks=True)
    session.force_login(agent)
    assert_error(getattr(session, method)("/api/v1/no-such-thing/"), 404)
    assert_error(getattr(Client(), method)("/api/nope"), 404)


def test_csrf_failures_under_api_are_json_pages_keep_html_api_4(agent):
    session = Client(enforce_csrf_checks=True)
    session.force_login(agent)
    error = assert_error(session.post(CASES, {"title": "t", "client_name": "D"}), 403)
    assert "CSRF" in error["message"]
    page = session.post("/cases/new/", {"case-title": "t"})
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")
    assert Case.objects.count() == 0


def test_protocol_errors_are_json_api_4(agent_api):
    assert_error(agent_api.delete(CASES), 405)
    assert_error(agent_api.get(CASES, HTTP_ACCEPT="application/xml"), 406)
    assert_error(agent_api.post(CASES, "title=t", content_type="text/plain"), 415)
    assert_error(agent_api.post(CASES, "{broken", content_type="application/json"), 400)
    many = "&".join(f"f{i}=1" for i in range(1500))
    assert_error(agent_api.post(CASES, many, content_type="application/x-www-form-urlencoded"), 413)


# 6. Email headers (CORE-7) ------------------------------------------------------------------------
def test_stored_crlf_title_still_emails_with_a_clean_subject_core_7(
    agent_api, agent, django_capture_on_commit_callbacks
):
    ref = new_case(agent_api)
    # Written before the fix (a raw UPDATE skips every check); PostgreSQL refuses NUL itself.
    Case.objects.filter(reference=ref).update(title="Refund\r\nBcc: victim@example.com\x07")
    case = Case.objects.get(reference=ref)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[agent], kind="sla_breach", title=f"SLA breached on {case}")
    assert len(mail.outbox) == 1
    subject = mail.outbox[0].subject
    assert "\r" not in subject and "\n" not in subject and "\x07" not in subject
    assert subject.endswith("Refund Bcc: victim@example.com")
    assert Notification.objects.get().email_status == "sent"


def test_long_subjects_are_capped_core_7(agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[agent], kind="test", title="word " * 100)
    assert len(mail.outbox[0].subject) <= 200


# 7. CSV exports -----------------------------------------------------------------------------------
def test_outreach_csv_is_utf8_with_bom_and_neutralises_cells_api_4(lead_api, lead):
    response = lead_api.post(
        "/api/v1/outreach/intake/",
        {"client_name": '=HYPERLINK("x")', "client_segment": "enterprise"},
        format="json",
    )
    assert response.status_code == 201, response.content
    export = lead_api.get("/api/v1/outreach/export/")
    assert export.status_code == 200
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(export.streaming_content)
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert AuditEvent.objects.exists()


def test_invite_with_an_id_beyond_bigint_is_400_api_4(agent_api):
    """Found by schemathesis: a freelancer id past the bigint range was a 500."""
    from tests.sourcing.pool import add, build, row

    add(row("A"))
    shortlist = build(job_reference="JOB-1")
    response = agent_api.post(
        f"/api/v1/sourcing/shortlists/{shortlist.pk}/invite/",
        {"freelancer_ids": [20283051878458362691584]},
        format="json",
    )
    assert response.status_code == 400
    assert "freelancer_ids" in response.json()["error"]["fields"]
