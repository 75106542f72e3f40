"""SRC-1 (issue 16): a CSV import writes in committed chunks with a checkpoint, reports its
progress while writing, and a job whose worker died resumes after its last chunk."""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import AuditEvent
from sourcing.models import CompletedJob, Freelancer, ImportJob
from sourcing.services import import_job_run
from sourcing.services import imports as import_service

from .pool import job, row
from .test_import_src1 import to_csv, upload

pytestmark = pytest.mark.django_db


class WorkerDied(BaseException):
    """Stands in for a killed worker: no ``except Exception`` handler runs."""


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(import_service, "CHUNK", 2)


@pytest.fixture
def chunk_calls(monkeypatch):
    """Record each chunk's write (rows, the job's checkpoint then); die on request."""
    calls, real = [], import_service._replace_children
    die_on = {"call": None}

    def spy(chunk, *args, **kwargs):
        job = ImportJob.objects.latest("pk")
        calls.append(([c["external_id"] for c in chunk], job.status, job.written_rows))
        if len(calls) == die_on["call"]:
            raise WorkerDied
        return real(chunk, *args, **kwargs)

    monkeypatch.setattr(import_service, "_replace_children", spy)
    return calls, die_on


def queued_job(client, lead, rows):
    client.force_login(lead)
    upload(client, to_csv(rows))  # on_commit never fires inside the test transaction
    return ImportJob.objects.get()


def test_a_dead_worker_resumes_after_its_last_chunk_src_1(
    client, lead, small_chunks, chunk_calls, frozen_time
):
    calls, die_on = chunk_calls
    rows = [row(f"F{i}", jobs=[job(hours=10 + i)] * 2) for i in range(5)]
    queued = queued_job(client, lead, rows)
    die_on["call"] = 2
    with pytest.raises(WorkerDied):
        import_job_run(job_id=queued.pk)
    stuck = ImportJob.objects.get()
    assert (stuck.status, stuck.written_rows, stuck.created_count) == ("writing", 2, 2)
    assert Freelancer.objects.count() == 2  # the first chunk was committed, the second not
    # Another worker right away: the job is still leased (heartbeat fresh), nothing runs.
    assert import_job_run(job_id=queued.pk).status == "writing"
    assert len(calls) == 2
    frozen_time.shift(dt.timedelta(seconds=import_service.import_lease_seconds() + 1))
    done = import_job_run(job_id=queued.pk)
    assert (done.status, done.written_rows, done.created_count, done.updated_count) == (
        "succeeded",
        5,
        5,
        0,
    )
    # The resumed run wrote only the chunks after the checkpoint: F2-F3 again, then F4.
    assert [ids for ids, _, _ in calls[2:]] == [["F2", "F3"], ["F4"]]
    assert Freelancer.objects.count() == 5 and CompletedJob.objects.count() == 10
    audit = AuditEvent.objects.get(action="sourcing.freelancers_imported")
    assert audit.after["created"] == 5 and audit.after["resumed_at_row"] == 2


def test_writing_reports_progress_chunk_by_chunk_src_1(client, lead, small_chunks, chunk_calls):
    calls, _ = chunk_calls
    queued = queued_job(client, lead, [row(f"P{i}") for i in range(5)])
    done = import_job_run(job_id=queued.pk)
    assert done.status == "succeeded" and done.percent == 100
    assert [(status, written) for _, status, written in calls] == [
        ("writing", 0),
        ("writing", 2),
        ("writing", 4),
    ]
    job = ImportJob(status="writing", total_rows=5, written_rows=2, processed_rows=5)
    assert job.percent == 70  # checked: the first half; 2 of 5 written: 20 more
    assert ImportJob(status="validating", total_rows=5, processed_rows=4).percent == 40


def test_resumed_upsert_counts_each_row_once_src_1(
    client, lead, small_chunks, chunk_calls, frozen_time
):
    calls, die_on = chunk_calls
    first = queued_job(client, lead, [row(f"U{i}") for i in range(3)])
    import_job_run(job_id=first.pk)
    ImportJob.objects.all().delete()
    second = queued_job(client, lead, [row(f"U{i}", name=f"Renamed {i}") for i in range(4)])
    calls.clear()
    die_on["call"] = 2
    with pytest.raises(WorkerDied):
        import_job_run(job_id=second.pk)
    frozen_time.shift(dt.timedelta(seconds=import_service.import_lease_seconds() + 1))
    done = import_job_run(job_id=second.pk)
    assert (done.created_count, done.updated_count) == (1, 3)
    assert sorted(Freelancer.objects.values_list("name", flat=True)) == [
        f"Renamed {i}" for i in range(4)
    ]


def test_stale_jobs_are_queued_again_by_the_sweep_src_1(client, lead, monkeypatch, frozen_time):
    from sourcing import tasks

    queued = queued_job(client, lead, [row("S1")])
    ImportJob.objects.filter(pk=queued.pk).update(status="writing", heartbeat_at=timezone.now())
    sent = []
    monkeypatch.setattr(
        tasks.import_job_run_task, "apply_async", lambda args, **kw: sent.append(args)
    )
    assert import_service.import_jobs_resume_stale() == [] and sent == []
    frozen_time.shift(dt.timedelta(seconds=import_service.import_lease_seconds() + 1))
    assert import_service.import_jobs_resume_stale() == [queued.pk]
    assert sent == [(queued.pk,)]


def test_an_impossible_end_date_is_a_row_error_not_a_crash_src_1(lead_api):
    """The memoised date parser keeps the row-exact error for a date that cannot exist."""
    bad = row("D1", jobs=[{**job(), "end_date": "2025-02-30"}])
    response = lead_api.post("/api/v1/sourcing/freelancers/import/", {"rows": [bad]}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["rows"] == [
        {
            "row": 0,
            "field": "jobs[0].end_date",
            "message": "Must be a date YYYY-MM-DD, got '2025-02-30'.",
        }
    ]
    assert Freelancer.objects.count() == 0


# Unchanged rows (issue 16): a refresh skips the rows identical to each freelancer's last
# import, and checks again any row whose references changed.
def run_csv(client, rows):
    upload(client, to_csv(rows))
    return import_job_run(job_id=ImportJob.objects.latest("pk").pk)


def test_a_refresh_skips_unchanged_rows_and_writes_the_changed_src_1(
    client, lead, chunk_calls, frozen_time
):
    calls, _ = chunk_calls
    client.force_login(lead)
    rows = [row(f"R{i}") for i in range(4)]
    first = run_csv(client, rows)
    assert (first.created_count, first.updated_count, first.unchanged_count) == (4, 0, 0)
    stamps = dict(Freelancer.objects.values_list("external_id", "updated_at"))
    calls.clear()
    frozen_time.shift(dt.timedelta(minutes=5))
    rows[2] = row("R2", name="Renamed")
    again = run_csv(client, [*rows, row("R4")])
    assert (again.status, again.total_rows, again.processed_rows, again.written_rows) == (
        "succeeded",
        5,
        5,
        5,
    )
    assert (again.created_count, again.updated_count, again.unchanged_count) == (1, 1, 3)
    assert [ids for ids, _, _ in calls] == [["R2", "R4"]]  # only these were written
    after = dict(Freelancer.objects.values_list("external_id", "updated_at"))
    assert [k for k in stamps if after[k] != stamps[k]] == ["R2"]
    assert Freelancer.objects.get(external_id="R2").name == "Renamed"
    assert CompletedJob.objects.filter(freelancer__external_id="R0").count() == 4
    status = client.get(f"/sourcing/import/{again.pk}/status/")
    assert b"1 new, 1 updated, 3 unchanged (skipped)" in status.content
    audit = AuditEvent.objects.filter(action="sourcing.freelancers_imported").latest("pk")
    assert audit.after["unchanged"] == 3
    # The same file once more: nothing to check or write.
    calls.clear()
    same = run_csv(client, [*rows, row("R4")])
    assert (same.status, same.unchanged_count, same.written_rows, calls) == ("succeeded", 5, 5, [])


def test_an_unchanged_row_whose_references_changed_is_checked_again_src_1(client, lead):
    from sourcing.models import Agency, Category
    from sourcing.services import agencies_import

    client.force_login(lead)
    agencies_import(rows=[{"external_id": "AG-1", "name": "North", "country": "US"}])
    rows = [row("C1", agency="AG-1"), row("C2")]
    assert run_csv(client, rows).created_count == 2
    assert Freelancer.objects.get(external_id="C1").agency.external_id == "AG-1"
    Agency.objects.filter(external_id="AG-1").delete()
    gone = run_csv(client, rows)
    assert gone.status == "failed" and [(e["row"], e["field"]) for e in gone.errors] == [
        (2, "agency")
    ]
    Category.objects.filter(name="Design").update(name="Visual Design")
    renamed = run_csv(client, [row("C2")])
    assert renamed.status == "failed" and renamed.errors[0]["field"] == "jobs[0].category"


def test_a_record_changed_by_hand_or_a_duplicate_row_is_never_skipped_src_1(client, lead):
    client.force_login(lead)
    rows = [row("H1"), row("H2")]
    run_csv(client, rows)
    edited = Freelancer.objects.get(external_id="H1")
    edited.name = "Typed by hand"
    edited.save()
    refreshed = run_csv(client, rows)
    assert (refreshed.updated_count, refreshed.unchanged_count) == (1, 1)
    assert Freelancer.objects.get(external_id="H1").name == "Freelancer H1"
    twice = run_csv(client, [row("H2"), row("H2")])
    assert twice.status == "failed"
    assert twice.errors == [
        {"row": 3, "field": "external_id", "message": "Duplicate of row 2 in this batch."}
    ]


def test_a_row_changed_between_a_death_and_the_resume_is_counted_once_src_1(
    client, lead, small_chunks, chunk_calls, frozen_time
):
    calls, die_on = chunk_calls
    queued = queued_job(client, lead, [row(f"F{i}") for i in range(5)])
    die_on["call"] = 2
    with pytest.raises(WorkerDied):
        import_job_run(job_id=queued.pk)
    written = Freelancer.objects.get(external_id="F0")
    written.title = "Edited while the job was stuck"
    written.save()  # its digest is cleared: the resumed run writes F0 again
    frozen_time.shift(dt.timedelta(seconds=import_service.import_lease_seconds() + 1))
    done = import_job_run(job_id=queued.pk)
    assert (done.status, done.written_rows) == ("succeeded", 5)
    assert (done.created_count, done.updated_count, done.unchanged_count) == (5, 0, 0)
    assert Freelancer.objects.get(external_id="F0").title == ""


def test_a_failed_refresh_counts_every_row_of_the_file_src_1(client, lead):
    client.force_login(lead)
    run_csv(client, [row("T1"), row("T2")])
    failed = run_csv(client, [row("T1", jss=500), row("T2")])
    assert (failed.status, failed.total_rows, failed.error_count) == ("failed", 2, 1)


def test_an_invitation_deleted_in_the_admin_comes_back_with_the_next_import_src_1(
    client, lead, admin_user
):
    from sourcing.models import Invitation

    client.force_login(lead)
    rows = [row("I1", invitations=[{"job": "JOB-1", "at": "2026-06-01T10:00:00Z"}])]
    run_csv(client, rows)
    invitation = Invitation.objects.get()
    client.force_login(admin_user)
    response = client.post(
        "/admin/sourcing/invitation/",
        {"action": "delete_selected", "_selected_action": [invitation.pk], "post": "yes"},
    )
    assert response.status_code == 302 and not Invitation.objects.exists()
    client.force_login(lead)
    again = run_csv(client, rows)
    assert (again.updated_count, again.unchanged_count) == (1, 0)
    assert Invitation.objects.get().job_reference == "JOB-1"
