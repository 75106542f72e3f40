"""SRC-1: the talent pool is imported over REST (bulk JSON) and CSV, all-or-nothing."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent
from sourcing.models import (
    CompletedJob,
    CompletedJobSkill,
    Freelancer,
    ImportJob,
    Invitation,
    Skill,
)
from sourcing.services import csv_template

from .pool import days_ago, job, row

pytestmark = pytest.mark.django_db
URL = "/api/v1/sourcing/freelancers/import/"


def post(api, rows):
    return api.post(URL, {"rows": rows}, format="json")


def test_bulk_import_creates_the_pool_src_1(lead_api, lead):
    rows = [
        row("A", badges=["Top Rated Plus", "expert-vetted"], skills=["Figma", " UX  design "]),
        row("B", jss=None, badges=["rising_talent"], jobs=[job(hours=7, skills=["figma", "css"])]),
    ]
    response = post(lead_api, rows)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["created_count"], body["updated_count"]) == ("succeeded", 2, 0)
    a = Freelancer.objects.get(external_id="A")
    assert a.is_top_rated_plus and a.is_top_rated and a.is_premium
    assert sorted(s.normalized for s in a.skills.all()) == ["figma", "ux design"]
    assert a.completed_jobs_count == 4 and a.total_hours == 120
    b = Freelancer.objects.get(external_id="B")
    assert b.jss is None and b.is_rising_talent and b.total_hours == 7
    # Job skills carry the freelancer and end date for the engine's index.
    js = CompletedJobSkill.objects.filter(freelancer=b).order_by("skill__normalized")
    assert [(x.skill.normalized, x.end_date.isoformat()) for x in js] == [
        ("css", days_ago(30)),
        ("figma", days_ago(30)),
    ]
    assert Skill.objects.filter(normalized="figma").count() == 1
    audit = AuditEvent.objects.get(action="sourcing.freelancers_imported")
    assert audit.actor == lead and audit.after["created"] == 2


def test_upsert_by_external_id_replaces_the_record_src_1(lead_api):
    assert post(lead_api, [row("A", jobs=[job()] * 4)]).status_code == 201
    response = post(lead_api, [row("A", name="Renamed", jss=99, jobs=[job(hours=200)])])
    assert response.json()["updated_count"] == 1
    a = Freelancer.objects.get(external_id="A")
    assert (a.name, a.jss, a.completed_jobs_count, a.total_hours) == ("Renamed", 99, 1, 200)
    assert CompletedJob.objects.count() == 1 and CompletedJobSkill.objects.count() == 1
    assert Freelancer.objects.count() == 1


@pytest.mark.parametrize(
    ("bad", "field", "text"),
    [
        ({"jss": 101}, "jss", "between 0 and 100"),
        ({"jss": -1}, "jss", "between 0 and 100"),
        ({"jss": "eighty"}, "jss", "whole number"),
        ({"english_level": "excellent"}, "english_level", "basic, conversational"),
        ({"region": "mars"}, "region", "Must be one of"),
        ({"country": "USA"}, "country", "At most 2"),
        ({"name": ""}, "name", "required"),
        ({"badges": ["legend"]}, "badges[0]", "Unknown badge"),
        ({"agency": "NOPE"}, "agency", "Unknown agency"),
        ({"jobs": [job(category="Astrology")]}, "jobs[0].category", "Unknown category"),
        ({"jobs": [job(subcategory="Baking")]}, "jobs[0].subcategory", "Unknown subcategory"),
        ({"jobs": [{**job(), "end_date": "2030-01-01"}]}, "jobs[0].end_date", "future"),
        ({"jobs": [{**job(), "end_date": "yesterday"}]}, "jobs[0].end_date", "YYYY-MM-DD"),
        ({"jobs": [{**job(), "hours": 1.5}]}, "jobs[0].hours", "whole number"),
        ({"colour": "blue"}, "row", "Unknown field"),
    ],
)
def test_bad_rows_name_row_and_field_and_nothing_is_imported_src_1(lead_api, bad, field, text):
    rows = [row("OK1"), row("OK2"), row("BAD", **bad)]
    response = post(lead_api, rows)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "import_rejected"
    assert error["rows"][0]["row"] == 2 and error["rows"][0]["field"] == field
    assert text in error["rows"][0]["message"]
    assert f"rows[2].{field}" in error["fields"]
    assert Freelancer.objects.count() == 0 and ImportJob.objects.count() == 0


def test_every_bad_row_is_reported_src_1(lead_api):
    rows = [row("A", jss=200), row("A"), row("C", region="", jobs=[job(category="Nope")])]
    error = post(lead_api, rows).json()["error"]
    assert [(e["row"], e["field"]) for e in error["rows"]] == [
        (0, "jss"),
        (1, "external_id"),
        (2, "region"),
        (2, "jobs[0].category"),
    ]
    assert "Duplicate of row 0" in error["rows"][1]["message"]
    assert error["error_count"] == 4


def test_at_most_10000_rows_a_request_src_1(lead_api):
    response = post(lead_api, [{}] * 10_001)
    assert response.status_code == 400
    assert "10,000" in response.json()["error"]["message"]
    assert "rows" in response.json()["error"]["fields"]


def test_malformed_bodies_are_400_src_1(lead_api):
    assert lead_api.post(URL, {"rows": "nope"}, format="json").status_code == 400
    assert lead_api.post(URL, {"rows": []}, format="json").status_code == 400
    assert lead_api.post(URL, {"rows": [1, 2]}, format="json").status_code == 400
    response = lead_api.post(URL, "{broken", content_type="application/json")
    assert response.status_code == 400


def test_agents_cannot_import_src_1(agent_api):
    assert post(agent_api, [row("A")]).status_code == 403


def test_agency_import_and_reference_src_1(lead_api):
    agencies = [{"external_id": "AG1", "name": "Acme", "jss": 90, "is_premium": "true"}]
    response = lead_api.post("/api/v1/sourcing/agencies/import/", {"rows": agencies}, format="json")
    assert response.status_code == 201, response.json()
    assert post(lead_api, [row("A", agency="AG1")]).status_code == 201
    listed = lead_api.get("/api/v1/sourcing/agencies/").json()["results"]
    assert listed[0]["is_premium"] is True and listed[0]["member_count"] == 1
    bad = lead_api.post(
        "/api/v1/sourcing/agencies/import/",
        {"rows": [{"external_id": "AG2", "name": "X", "dispute_count": -1}]},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["rows"][0]["field"] == "dispute_count"


def test_imported_invitations_are_kept_src_1(lead_api):
    rows = [row("A", invitations=[{"job": "JOB-9", "at": "2026-06-01T08:00:00Z"}])]
    assert post(lead_api, rows).status_code == 201
    assert post(lead_api, rows).status_code == 201  # re-import does not duplicate
    inv = Invitation.objects.get()
    assert (inv.job_reference, inv.source) == ("JOB-9", "import")


# CSV ----------------------------------------------------------------------------------------
def to_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    columns = ["external_id", "name", "jss", "badges", "english_level", "country", "region",
               "skills", "keywords", "jobs"]  # fmt: skip
    columns += [c for c in ("agency", "invitations") if any(c in r for r in rows)]
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    for r in rows:
        writer.writerow(
            {
                **{k: r.get(k, "") for k in columns},
                "jss": "" if r.get("jss") is None else r["jss"],
                "badges": ";".join(r.get("badges", [])),
                "skills": ";".join(r.get("skills", [])),
                "keywords": ";".join(r.get("keywords", [])),
                "jobs": json.dumps(r.get("jobs", [])),
                **({"invitations": json.dumps(r["invitations"])} if "invitations" in r else {}),
            }
        )
    return out.getvalue().encode()


def upload(client, content: bytes, kind="freelancers", name="pool.csv"):
    return client.post(
        "/sourcing/import/",
        {"kind": kind, "file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_csv_upload_runs_as_a_task_with_progress_src_1(
    client, lead, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, to_csv([row("A"), row("B", jss=None, badges=["rising_talent"])]))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"].endswith(f"?job={job.pk}")
    assert (job.status, job.total_rows, job.processed_rows, job.created_count) == (
        "succeeded",
        2,
        2,
        2,
    )
    assert Freelancer.objects.get(external_id="B").is_rising_talent
    status = client.get(f"/sourcing/import/{job.pk}/status/")
    assert b"Imported 2 rows" in status.content and b"every 1s" not in status.content


def test_csv_with_a_bad_row_imports_nothing_and_names_the_line_src_1(
    client, lead, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    content = to_csv([row("A"), row("B", jss=140)])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, content)
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.error_count == 1
    assert job.errors == [
        {"row": 3, "field": "jss", "message": "Must be between 0 and 100, got 140."}
    ]
    assert Freelancer.objects.count() == 0
    page = client.get(f"/sourcing/import/?job={job.pk}")
    assert b"Nothing was imported" in page.content and b"between 0 and 100" in page.content


def test_csv_parse_errors_are_reported_src_1(client, lead, django_capture_on_commit_callbacks):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, b"external_id,name,jobs\nA,Ann,[not json\n")
        upload(client, b"id,name\n1,x\n")
    first, second = ImportJob.objects.order_by("pk")
    assert first.errors[0]["field"] == "jobs" and "Not valid JSON" in first.errors[0]["message"]
    assert "missing column(s): external_id" in second.errors[0]["message"].lower()


def test_pending_import_polls_and_running_twice_is_harmless_src_1(client, lead):
    from sourcing.services import import_job_run

    client.force_login(lead)
    upload(client, to_csv([row("A")]))  # on_commit never fires inside the test transaction
    job = ImportJob.objects.get()
    assert job.status == "pending"
    page = client.get(f"/sourcing/import/{job.pk}/status/")
    assert b'hx-trigger="every 1s"' in page.content
    import_job_run(job_id=job.pk)
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and Freelancer.objects.count() == 1


def test_csv_templates_download_and_import_cleanly_src_1(
    client, lead, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    agencies = client.get("/sourcing/import/template/agencies.csv")
    assert agencies["Content-Type"].startswith("text/csv")
    freelancers = client.get("/sourcing/import/template/freelancers.csv")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, agencies.content, kind="agencies")
        upload(client, freelancers.content)
    assert list(ImportJob.objects.order_by("pk").values_list("status", flat=True)) == [
        "succeeded",
        "succeeded",
    ]
    assert Freelancer.objects.get(external_id="FL-1001").agency is None  # independents
    assert csv_template("agencies").splitlines()[0].startswith("external_id,name,jss")


@pytest.mark.parametrize("order", [("freelancers", "agencies"), ("agencies", "freelancers")])
def test_each_csv_template_imports_unchanged_on_its_own_src_1(
    client, lead, django_capture_on_commit_callbacks, order
):
    """A template downloaded from the page and uploaded unchanged imports, whichever comes
    first: the freelancers template does not depend on an agency that is not in it."""
    client.force_login(lead)
    page = client.get("/sourcing/import/").content.decode()
    assert "import agencies first" in page
    for kind in order:
        template = client.get(f"/sourcing/import/template/{kind}.csv").content
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(client, template, kind=kind, name=f"{kind}-template.csv")
        job = ImportJob.objects.order_by("-pk").first()
        assert response.status_code == 302
        assert (job.kind, job.status, job.errors) == (kind, "succeeded", []), job.errors
    assert Freelancer.objects.filter(external_id__in=["FL-1001", "FL-1002"]).count() == 2
    # Then a freelancer names an imported agency by its external id.
    content = to_csv([row("FL-2001")]).decode().replace("external_id,", "agency,external_id,", 1)
    lines = content.splitlines()
    lines[1] = "AG-100," + lines[1]
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, ("\n".join(lines) + "\n").encode())
    assert Freelancer.objects.get(external_id="FL-2001").agency.name == "Northwind Studio"


def test_unknown_agency_says_to_import_agencies_first_src_1(
    client, lead, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    content = to_csv([row("X")]).decode().replace("external_id,", "agency,external_id,", 1)
    lines = content.splitlines()
    lines[1] = "AG-404," + lines[1]
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, ("\n".join(lines) + "\n").encode())
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert job.errors[0]["field"] == "agency"
    assert "import the agencies file (agencies.csv) first" in job.errors[0]["message"]


def test_a_template_uploaded_as_the_other_kind_says_which_kind_src_1(
    client, lead, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    agencies = client.get("/sourcing/import/template/agencies.csv").content
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, agencies, kind="freelancers")
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert "columns of agencies.csv" in job.errors[0]["message"]
    assert "“Agencies” as the kind" in job.errors[0]["message"]


def test_recent_imports_update_live_while_a_job_runs_src_1(client, lead):
    """The list polls itself (htmx) while any job is queued or running, newest first, and
    stops once all are done; a queued job reads 'Waiting for a worker', not '0 / 0'."""
    from sourcing.services import import_job_run

    client.force_login(lead)
    upload(client, to_csv([row("A")]), name="first.csv")  # on_commit never fires here
    upload(client, to_csv([row("B")]), name="second.csv")
    first, second = ImportJob.objects.order_by("pk")
    page = client.get(f"/sourcing/import/?job={second.pk}").content.decode()
    recent = page[page.index('id="import-recent"') :]
    assert 'hx-get="/sourcing/import/recent/?job=' in recent and "every 2s" in recent
    assert recent.index("second.csv") < recent.index("first.csv")  # the new job on top
    assert "Waiting for a worker" in recent and "0 / 0" not in recent
    import_job_run(job_id=first.pk)
    polled = client.get("/sourcing/import/recent/").content.decode()
    assert "every 2s" in polled  # the second is still queued
    import_job_run(job_id=second.pk)
    done = client.get("/sourcing/import/recent/", HTTP_HX_REQUEST="true").content.decode()
    assert "every 2s" not in done and "hx-get" not in done
    assert done.count("1 new, 0 updated") == 2


def test_recent_imports_are_for_leads_src_1(client, agent):
    client.force_login(agent)
    assert client.get("/sourcing/import/recent/").status_code == 403


def test_import_pages_are_for_leads_src_1(client, agent):
    client.force_login(agent)
    assert client.get("/sourcing/import/").status_code == 403
    assert upload(client, b"external_id,name\n").status_code == 403


@pytest.mark.celery_worker
def test_csv_import_runs_in_a_real_celery_worker_src_1(celery_processes, lead, client, settings):
    import uuid

    from tests.conftest import wait_until

    queue = f"sourcing-{uuid.uuid4().hex[:8]}"
    settings.SOURCING_IMPORT_QUEUE = queue
    worker = celery_processes(queues=[queue], extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)})
    client.force_login(lead)
    upload(client, to_csv([row(f"W{i}") for i in range(30)]))
    job = ImportJob.objects.get()
    try:
        wait_until(
            lambda: ImportJob.objects.filter(pk=job.pk, status="succeeded").exists(),
            timeout=90,
            message="the worker to import the CSV",
        )
    except AssertionError:
        raise AssertionError("worker log:\n" + worker.output()[-4000:]) from None
    assert Freelancer.objects.count() == 30


def test_csv_errors_are_listed_in_file_order_src_1(
    client, lead, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    content = b"external_id,name,jobs\nA,Ann,[not json\nB,B\x07b,[]\n"
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, content)
    job = ImportJob.objects.get()
    assert [(e["row"], e["field"]) for e in job.errors] == [(2, "jobs"), (3, "name")]
