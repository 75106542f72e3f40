"""Talent-pool imports (SRC-1): REST bulk JSON and CSV uploads, all-or-nothing.

Every row is validated first; one bad row refuses the batch with an error per row and
field, and nothing is written. A valid batch is upserted by ``external_id`` in one
transaction: a row is the whole record, so its skills, keywords and completed jobs
replace the stored ones (invitations are history and are only added).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.errors import InvalidInput, NotFound
from core.services import audit_record
from core.validation import check_text, json_text_problem, text_problem

from ..errors import MAX_REPORTED_ERRORS, ImportRejected
from ..models import (
    Agency,
    Category,
    CompletedJob,
    CompletedJobSkill,
    Freelancer,
    FreelancerKeyword,
    FreelancerSkill,
    ImportJob,
    Invitation,
    Keyword,
    Skill,
)
from .validation import (
    FREELANCER_COLUMNS,
    MAX_API_ROWS,
    Lookups,
    RowErrors,
    validate_agency_row,
    validate_freelancer_row,
)

logger = logging.getLogger(__name__)
CHUNK = 2000
PROGRESS_EVERY = 500

FREELANCER_CSV_COLUMNS = FREELANCER_COLUMNS
AGENCY_CSV_COLUMNS = ["external_id", "name", "jss", "dispute_count", "is_premium", "country"]
FREELANCER_SCALARS = [
    "name",
    "title",
    "agency_id",
    "jss",
    "is_top_rated",
    "is_top_rated_plus",
    "is_rising_talent",
    "is_premium",
    "english_level",
    "country",
    "region",
    "hourly_rate",
    "total_hours",
    "completed_jobs_count",
    "import_digest",
]

Progress = Callable[[int], None]


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _lookups(rows: list) -> Lookups:
    lookups = Lookups()
    subs: dict[int, dict[str, int]] = {}
    for cat_id, name, sub_id, sub_name in Category.objects.values_list(
        "pk", "name", "subcategories__pk", "subcategories__name"
    ):
        bucket = subs.setdefault(cat_id, {})
        if sub_id is not None:
            bucket[sub_name.casefold()] = sub_id
        lookups.categories[name.casefold()] = (cat_id, name, bucket)
    agency_ids = {
        str(r.get("agency")).strip() for r in rows if isinstance(r, dict) and r.get("agency")
    }
    for chunk in _chunks(sorted(agency_ids)):
        lookups.agencies.update(
            Agency.objects.filter(external_id__in=chunk).values_list("external_id", "pk")
        )
    return lookups


def _file_rows(rows: list, unchanged: UnchangedRows | None) -> int:
    """The rows of the file: those given, and the unchanged ones left out before."""
    return len(rows) + (unchanged.count if unchanged else 0)


def _validate(
    rows: list,
    *,
    kind: str,
    progress: Progress | None,
    row_numbers=None,
    unchanged: UnchangedRows | None = None,
) -> list[dict]:
    errors = RowErrors()
    now = timezone.now()
    lookups = None
    if kind == ImportJob.Kind.FREELANCERS:
        lookups = unchanged.lookups if unchanged else _lookups(rows)
    clean: list[dict] = []
    seen: dict[str, object] = {}
    for index, raw in enumerate(rows):
        row = row_numbers[index] if row_numbers else index
        if kind == ImportJob.Kind.FREELANCERS:
            item = validate_freelancer_row(raw, row, errors, lookups, now)
        else:
            item = validate_agency_row(raw, row, errors)
        key = str(raw.get("external_id") or "").strip() if isinstance(raw, dict) else ""
        first = seen.setdefault(key, row) if key else row
        if first != row:
            errors.add(row, "external_id", f"Duplicate of row {first} in this batch.")
        elif item is not None:
            if kind == ImportJob.Kind.FREELANCERS:
                item["import_digest"] = unchanged.digests[index] if unchanged else ""
            clean.append(item)
        if progress and (index + 1) % PROGRESS_EVERY == 0:
            progress(index + 1)
    if progress:
        progress(len(rows))
    if errors:
        raise ImportRejected(errors.items, _file_rows(rows, unchanged))
    return clean


def _term_ids(model, names: dict[str, str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    keys = sorted(names)
    for chunk in _chunks(keys):
        ids.update(model.objects.filter(normalized__in=chunk).values_list("normalized", "pk"))
    missing = [model(normalized=k, name=names[k]) for k in keys if k not in ids]
    if missing:
        model.objects.bulk_create(missing, ignore_conflicts=True, batch_size=1000)
        for chunk in _chunks([m.normalized for m in missing]):
            ids.update(model.objects.filter(normalized__in=chunk).values_list("normalized", "pk"))
    return ids


def _next_ids(model, n: int) -> list[int]:
    """Reserve ``n`` primary keys (a sequence on PostgreSQL; under SQLite's write lock,
    which the import's transaction holds, the next numbers after the largest)."""
    if not n:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, n],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - our table
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + n))


def _insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert plain tuples: COPY on PostgreSQL, ``executemany`` elsewhere."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        for start in range(0, len(rows), 5000):
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})", rows[start : start + 5000]
            )


Checkpoint = Callable[[int, int, int], None]


def _write_freelancers(
    clean: list[dict], *, checkpoint: Checkpoint | None = None
) -> tuple[int, int]:
    """Upsert ``clean`` chunk by chunk, each chunk in its own (sub)transaction
    with ``checkpoint(rows written, created, updated)`` called inside it.

    PostgreSQL: COPY into a staging table and one ``INSERT ... ON CONFLICT`` per chunk
    (issue 16); elsewhere ``bulk_create`` (the fallback)."""
    skill_names: dict[str, str] = {}
    keyword_names: dict[str, str] = {}
    for item in clean:
        skill_names.update(item["skills"])
        keyword_names.update(item["keywords"])
        for job in item["jobs"]:
            skill_names.update(job["skills"])
    skill_ids = _term_ids(Skill, skill_names)
    keyword_ids = _term_ids(Keyword, keyword_names)
    upsert = _upsert_staged if connection.vendor == "postgresql" else _upsert_bulk
    created = updated = 0
    for offset in range(0, len(clean), CHUNK):
        chunk = clean[offset : offset + CHUNK]
        with transaction.atomic():
            ids, old_ids = upsert(chunk)
            _replace_children(chunk, ids, old_ids, skill_ids, keyword_ids)
            new = len(chunk) - len(old_ids)
            created, updated = created + new, updated + len(old_ids)
            if checkpoint is not None:
                checkpoint(offset + len(chunk), new, len(old_ids))
    return created, updated


STAGE = "src_stage_freelancer"
STAGE_INVITES = "src_stage_invitation"


def _stage_table(cursor, stage: str, table: str, columns: str) -> None:
    """An empty temporary table with ``columns`` of ``table`` (types only, no constraints),
    emptied at every commit."""
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS "  # noqa: S608
        f"SELECT {columns} FROM {table} WITH NO DATA"
    )
    cursor.execute(f"TRUNCATE {stage}")


def _upsert_staged(chunk: list[dict]) -> tuple[dict[str, int], list[int]]:
    """COPY the chunk into a temporary table, then one INSERT ... ON CONFLICT
    (external_id) DO UPDATE ... RETURNING: ids by external id, and the ids that existed."""
    columns = ["external_id", *FREELANCER_SCALARS]
    table = Freelancer._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        names = ", ".join(columns)
        _stage_table(cursor, STAGE, table, names)
        with cursor.cursor.copy(f"COPY {STAGE} ({names}) FROM STDIN") as copy:
            for item in chunk:
                copy.write_row([item[c] for c in columns])
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*FREELANCER_SCALARS, "updated_at"])
        cursor.execute(
            f"INSERT INTO {table} ({names}, created_at, updated_at) "  # noqa: S608
            f"SELECT {names}, %s, %s FROM {STAGE} "
            f"ON CONFLICT (external_id) DO UPDATE SET {updates} "
            "RETURNING id, external_id, (xmax <> 0)",
            [now, now],
        )
        rows = cursor.fetchall()
    return {ext: pk for pk, ext, _ in rows}, [pk for pk, _, existed in rows if existed]


def _upsert_bulk(chunk: list[dict]) -> tuple[dict[str, int], list[int]]:
    """The fallback (SQLite): one INSERT ... ON CONFLICT through ``bulk_create``."""
    existing = dict(
        Freelancer.objects.filter(external_id__in=[c["external_id"] for c in chunk]).values_list(
            "external_id", "pk"
        )
    )
    now = timezone.now()
    objs = []
    for item in chunk:
        obj = Freelancer(
            external_id=item["external_id"], **{f: item[f] for f in FREELANCER_SCALARS}
        )
        obj.updated_at = obj.created_at = now
        objs.append(obj)
    Freelancer.objects.bulk_create(
        objs,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["external_id"],
        update_fields=[*FREELANCER_SCALARS, "updated_at"],
    )
    ids = {o.external_id: o.pk for o in objs}
    if None in ids.values():  # a backend that cannot return ids from an upsert
        ids.update(
            Freelancer.objects.filter(external_id__in=list(ids)).values_list("external_id", "pk")
        )
    return ids, [existing[ext] for ext in ids if ext in existing]


def _replace_children(chunk, ids, old_ids, skill_ids, keyword_ids) -> None:
    """Whole-record rows: drop the known freelancers' lists, write the new ones (COPY on
    PostgreSQL); invitations are history and only added."""
    if old_ids:
        CompletedJobSkill.objects.filter(freelancer_id__in=old_ids)._raw_delete(connection.alias)
        stale_jobs = CompletedJob.objects.filter(freelancer_id__in=old_ids)
        stale_jobs._raw_delete(stale_jobs.db)  # their job skills are gone: no collector
        FreelancerSkill.objects.filter(freelancer_id__in=old_ids)._raw_delete(connection.alias)
        FreelancerKeyword.objects.filter(freelancer_id__in=old_ids)._raw_delete(connection.alias)
    fskills, fkeywords, jobs, job_skills, invitations = [], [], [], [], []
    job_ids = iter(_next_ids(CompletedJob, sum(len(item["jobs"]) for item in chunk)))
    for item in chunk:
        fid = ids[item["external_id"]]
        fskills += [(fid, skill_ids[s]) for s in item["skills"]]
        fkeywords += [(fid, keyword_ids[k]) for k in item["keywords"]]
        for job in item["jobs"]:
            job_id = next(job_ids)
            jobs.append(
                (
                    job_id,
                    fid,
                    job["title"],
                    job["category_id"],
                    job["subcategory_id"],
                    job["end_date"],
                    job["hours"],
                )
            )
            job_skills += [
                (job_id, skill_ids[name], fid, job["end_date"]) for name in job["skills"]
            ]
        invitations += [
            (fid, inv["job_reference"], inv["invited_at"], Invitation.Source.IMPORT.value)
            for inv in item["invitations"]
        ]
    # Plain rows, no model instances: the child tables are most of an import's volume.
    _insert_rows(FreelancerSkill, ["freelancer_id", "skill_id"], fskills)
    _insert_rows(FreelancerKeyword, ["freelancer_id", "keyword_id"], fkeywords)
    _insert_rows(
        CompletedJob,
        ["id", "freelancer_id", "title", "category_id", "subcategory_id", "end_date", "hours"],
        jobs,
    )
    _insert_rows(CompletedJobSkill, ["job_id", "skill_id", "freelancer_id", "end_date"], job_skills)
    _insert_invitations(invitations)


def _insert_invitations(rows: list[tuple]) -> None:
    """Add invitations, skipping ones already recorded (freelancer, job)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        Invitation.objects.bulk_create(
            [
                Invitation(freelancer_id=f, job_reference=j, invited_at=at, source=src)
                for f, j, at, src in rows
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        return
    table = Invitation._meta.db_table
    columns = "freelancer_id, job_reference, invited_at, source"
    with connection.cursor() as cursor:
        _stage_table(cursor, STAGE_INVITES, table, columns)
        with cursor.cursor.copy(f"COPY {STAGE_INVITES} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {STAGE_INVITES} "  # noqa: S608
            "ON CONFLICT (freelancer_id, job_reference) DO NOTHING"
        )


def _write_agencies(clean: list[dict]) -> tuple[int, int]:
    existing = {}
    for chunk in _chunks([c["external_id"] for c in clean]):
        existing.update(
            Agency.objects.filter(external_id__in=chunk).values_list("external_id", "pk")
        )
    fields = ["name", "jss", "dispute_count", "is_premium", "country"]
    now = timezone.now()
    new_objs, old_objs = [], []
    for item in clean:
        obj = Agency(**item, updated_at=now)
        if item["external_id"] in existing:
            obj.pk = existing[item["external_id"]]
            old_objs.append(obj)
        else:
            new_objs.append(obj)
    Agency.objects.bulk_create(new_objs, batch_size=1000)
    Agency.objects.bulk_update(old_objs, [*fields, "updated_at"], batch_size=500)
    return len(new_objs), len(old_objs)


def pool_import(
    *,
    rows: list,
    kind: str = ImportJob.Kind.FREELANCERS,
    actor=None,
    import_job: ImportJob | None = None,
    progress: Progress | None = None,
    row_numbers: list[int] | None = None,
    unchanged: UnchangedRows | None = None,
) -> ImportJob:
    """Validate every row, then upsert them all in one transaction (SRC-1).

    Raises ``ImportRejected`` (nothing written) if any row is invalid. Without
    ``import_job`` (the REST path) an ``ImportJob`` row is created to record the run.
    """
    if kind not in ImportJob.Kind.values:
        raise InvalidInput(f"Unknown import kind {kind!r}.", field="kind")
    if not isinstance(rows, list) or not (rows or unchanged):
        raise InvalidInput("Send a non-empty list of rows.", field="rows")
    clean = _validate(
        rows, kind=kind, progress=progress, row_numbers=row_numbers, unchanged=unchanged
    )
    if import_job is not None and kind == ImportJob.Kind.FREELANCERS:
        total = _file_rows(rows, unchanged)
        return _write_job_in_chunks(import_job, clean, actor=actor, total=total)
    if import_job is not None:
        ImportJob.objects.filter(pk=import_job.pk).update(status=ImportJob.Status.WRITING)
    with transaction.atomic():
        if kind == ImportJob.Kind.FREELANCERS:
            created, updated = _write_freelancers(clean)
        else:
            created, updated = _write_agencies(clean)
        now = timezone.now()
        if import_job is None:
            import_job = ImportJob.objects.create(
                kind=kind, source=ImportJob.Source.API, created_by=actor, started_at=now
            )
        import_job.created_count, import_job.updated_count = created, updated
        _succeed(import_job, actor=actor, total=len(rows))
    return import_job


def _succeed(job: ImportJob, *, actor, total: int, **audit_extra) -> None:
    """Record a finished import on its job row and in the audit log."""
    job.status = ImportJob.Status.SUCCEEDED
    job.total_rows = job.processed_rows = total
    job.error_count, job.errors = 0, []
    job.finished_at = timezone.now()
    job.save()
    after = {"source": job.source, "rows": total, "created": job.created_count}
    after["updated"] = job.updated_count
    if job.unchanged_count:
        after["unchanged"] = job.unchanged_count
    audit_record(
        actor=actor,
        action=f"sourcing.{job.kind}_imported",
        target=job,
        after={**after, **audit_extra},
    )


def _write_job_in_chunks(job: ImportJob, clean: list[dict], *, actor, total: int) -> ImportJob:
    """A queued job writes chunk by chunk, each chunk committed with the job's checkpoint
    (rows done, counts, heartbeat), so a job whose worker died resumes after its last
    committed chunk instead of starting over (issue 16): the rows it wrote carry their
    row's digest, so the resumed run finds them unchanged and ``clean`` is what is left.
    Readers may see a job's first chunks before its last; every row was validated before
    the first was written."""
    jobs = ImportJob.objects.filter(pk=job.pk)
    resumed_at = jobs.values_list("written_rows", flat=True).first() or 0
    already_done = total - len(clean)  # unchanged, or written by a run that died
    start = {"status": ImportJob.Status.WRITING, "heartbeat_at": timezone.now()}
    if not resumed_at:  # a resumed run also skips what the dead run wrote: not "unchanged"
        start["unchanged_count"] = already_done
    jobs.update(**start)

    def checkpoint(written: int, created: int, updated: int) -> None:
        jobs.update(
            written_rows=already_done + written,
            created_count=F("created_count") + created,
            updated_count=F("updated_count") + updated,
            heartbeat_at=timezone.now(),
        )

    _write_freelancers(clean, checkpoint=checkpoint)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        job.written_rows = total
        # A row the dead run wrote and the resumed run wrote again (changed in between by
        # hand, or a category added) was counted by both runs: counted once, as created.
        job.unchanged_count = min(job.unchanged_count, total - job.created_count)
        job.updated_count = min(job.updated_count, total - job.created_count - job.unchanged_count)
        _succeed(job, actor=actor, total=total, resumed_at_row=resumed_at or None)
    return job


def freelancers_import(*, rows: list, actor=None) -> ImportJob:
    """REST bulk import of freelancers: at most 10,000 rows a request."""
    if isinstance(rows, list) and len(rows) > MAX_API_ROWS:
        raise InvalidInput(
            f"At most {MAX_API_ROWS:,} rows a request (got {len(rows):,}); "
            "split the batch or upload a CSV file.",
            field="rows",
        )
    return pool_import(rows=rows, kind=ImportJob.Kind.FREELANCERS, actor=actor)


def agencies_import(*, rows: list, actor=None) -> ImportJob:
    if isinstance(rows, list) and len(rows) > MAX_API_ROWS:
        raise InvalidInput(f"At most {MAX_API_ROWS:,} rows a request.", field="rows")
    return pool_import(rows=rows, kind=ImportJob.Kind.AGENCIES, actor=actor)


# CSV ----------------------------------------------------------------------------------------
def csv_template(kind: str) -> str:
    """A header and two example rows, ready to fill in."""
    out = io.StringIO()
    if kind == ImportJob.Kind.AGENCIES:
        writer = csv.writer(out)
        writer.writerow(AGENCY_CSV_COLUMNS)
        writer.writerow(["AG-100", "Northwind Studio", 93, 0, "true", "US"])
        writer.writerow(["AG-101", "Blue Pixel Collective", 88, 1, "false", "PL"])
        return out.getvalue()
    writer = csv.writer(out)
    writer.writerow(FREELANCER_CSV_COLUMNS)
    jobs = [
        {
            "title": "Landing page redesign",
            "category": "Design",
            "subcategory": "UX/UI Design",
            "end_date": "2025-03-14",
            "hours": 60,
            "skills": ["figma", "ux design"],
        }
    ]
    writer.writerow(
        [
            "FL-1001",
            "Ana Souza",
            "Product designer",
            "",  # an agency's external id, once that agency is imported (agencies.csv)
            96,
            "top_rated_plus",
            "fluent",
            "BR",
            "latin_america",
            "55.00",
            "",
            "figma;ux design;prototyping",
            "saas;mobile",
            json.dumps(jobs),
            json.dumps([{"job": "JOB-77", "at": "2025-04-01T10:00:00Z"}]),
        ]
    )
    writer.writerow(
        [
            "FL-1002",
            "Kofi Mensah",
            "Support specialist",
            "",
            "",
            "rising_talent",
            "native",
            "GH",
            "africa",
            "",
            120,
            "zendesk;customer service",
            "",
            "[]",
            "",
        ]
    )
    return out.getvalue()


# Any C0 control character or DEL but CR and LF.
_CONTROL_BUT_CR_LF = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]")


def _records(reader, errors: list[dict]) -> Iterable[list[str]]:
    """The ``csv.reader``'s records; a file the csv module cannot read (a bare CR in an
    unquoted cell, a runaway quote) ends with a row error on the line it stopped at."""
    try:
        yield from reader
    except csv.Error as exc:
        reason = str(exc).split(" - ")[0]  # the csv module's hint is about Python files
        message = f"Not valid CSV ({reason})."
        if "new-line" in reason:
            message += " Put a cell holding a line break in double quotes."
        errors.append({"row": reader.line_num, "field": "row", "message": message})


def _cell_problems(header: list[str], cells: list[str], line: int) -> list[dict]:
    """API-4: a row error per cell holding a control character (the JSON cells are free
    text, the others single-line)."""
    return [
        {"row": line, "field": name, "message": problem}
        for name, value in zip(header, cells, strict=False)
        if (problem := text_problem(value, multiline=name in ("jobs", "invitations")))
    ]


def _stored_digests(external_ids: list[str]) -> Iterable[tuple[str, str]]:
    """(external id, import digest) of the known freelancers among ``external_ids``: one
    array parameter a statement on PostgreSQL (an IN list of thousands of parameters cost
    more to build than to run), the ORM elsewhere."""
    if connection.vendor != "postgresql":
        for chunk in _chunks(external_ids):
            stored = Freelancer.objects.filter(external_id__in=chunk).exclude(import_digest="")
            yield from stored.values_list("external_id", "import_digest")
        return
    table = Freelancer._meta.db_table
    for chunk in _chunks(external_ids, 20_000):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT external_id, import_digest FROM {table} "  # noqa: S608 - our table
                "WHERE external_id = ANY(%s) AND import_digest <> ''",
                [chunk],
            )
            yield from cursor.fetchall()


def csv_rows(text: str, kind: str, *, skip=None) -> tuple[list[dict], list[int]]:
    """Parse CSV text into row dicts (JSON cells decoded) and their line numbers.

    Raises ``ImportRejected`` for a missing column or a cell that is not valid JSON.
    ``skip(rows)`` (``UnchangedRows``), given the rows of a file without errors before
    their JSON is decoded, returns the indexes of the rows to leave out.
    """
    columns = AGENCY_CSV_COLUMNS if kind == ImportJob.Kind.AGENCIES else FREELANCER_CSV_COLUMNS
    # csv.reader, not DictReader: a row dict built once, from the cells that have a value.
    reader = csv.reader(io.StringIO(text))
    header_errors: list[dict] = []
    header = [h.strip() for h in next(iter(_records(reader, header_errors)), [])]
    if header_errors:
        raise ImportRejected(header_errors, 0)
    missing = [c for c in ("external_id", "name") if c not in header]
    unknown = [h for h in header if h not in columns]
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        message = f"Duplicate column(s): {', '.join(twice)}; each column may appear once."
        raise ImportRejected([{"row": 1, "field": "header", "message": message}], 0)
    other_kind, other_columns = (
        ("freelancers", FREELANCER_CSV_COLUMNS)
        if kind == ImportJob.Kind.AGENCIES
        else ("agencies", AGENCY_CSV_COLUMNS)
    )
    if unknown and not missing and all(h in other_columns for h in header):
        raise ImportRejected(
            [
                {
                    "row": 1,
                    "field": "header",
                    "message": f"These are the columns of {other_kind}.csv: upload it again "
                    f"with “{other_kind.capitalize()}” as the kind.",
                }
            ],
            0,
        )
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"missing column(s): {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown column(s): {', '.join(unknown)}")
        raise ImportRejected(
            [{"row": 1, "field": "header", "message": "; ".join(problems).capitalize() + "."}], 0
        )
    rows, lines, errors = [], [], []
    # API-4: a control character is a row error naming the column, never a DB error. When
    # the file has none but line ends, a record read from one line has none in any cell,
    # so only the records spanning lines are checked cell by cell (issue 16).
    every_cr_ends_a_line = text.count("\r") == text.count("\r\n")
    clean_file = every_cr_ends_a_line and _CONTROL_BUT_CR_LF.search(text) is None
    previous_line = reader.line_num
    width = len(header)
    last = None  # the last record taken unchecked: (its cells, its line, its row's index)
    for cells in _records(reader, errors):
        line = reader.line_num
        one_line, previous_line = clean_file and line == previous_line + 1, line
        if not any(cell.strip() for cell in cells[:width]):
            continue  # a blank line, or only separators
        if len(cells) > width:
            errors.append({"row": line, "field": "row", "message": "More cells than columns."})
            continue
        bad = [] if one_line else _cell_problems(header, cells, line)
        if bad:
            errors += bad
            continue
        last = (cells, line, len(rows)) if one_line else None
        rows.append({name: cell.strip() for name, cell in zip(header, cells, strict=False) if cell})
        lines.append(line)
    if last is not None:
        # A quote left open at the end of the file keeps its line break in the cell
        # without the reader counting a line: the last record is always checked.
        cells, line, index = last
        bad = _cell_problems(header, cells, line)
        if bad:
            errors += bad
            del rows[index], lines[index]
    total = len(rows)
    if not rows and not errors:
        raise ImportRejected([{"row": 2, "field": "row", "message": "The file has no rows."}], 0)
    if skip is not None and not errors:
        left_out = skip(rows)
        if left_out:
            rows = [r for i, r in enumerate(rows) if i not in left_out]
            lines = [n for i, n in enumerate(lines) if i not in left_out]
    for row, line in zip(rows, lines, strict=True):
        for name in ("jobs", "invitations"):
            if row.get(name):
                raw = row[name]
                try:
                    row[name] = json.loads(raw)
                except json.JSONDecodeError as exc:
                    errors.append(
                        {"row": line, "field": name, "message": f"Not valid JSON: {exc.msg}."}
                    )
                    continue
                except RecursionError:
                    message = "Not valid JSON: nested too deeply."
                    errors.append({"row": line, "field": name, "message": message})
                    continue
                # API-4 inside the JSON: a control character can only come as a \u escape.
                found = "\\u" in raw and json_text_problem(row[name], name)
                if found:
                    errors.append({"row": line, "field": found[0], "message": found[1]})
    if errors:  # in file order (JSON cells are decoded after every line was read)
        errors.sort(key=lambda error: error["row"])
        raise ImportRejected(errors, total)
    return rows, lines


@functools.cache
def _rules_source() -> bytes:
    """What decides whether a row is valid besides the reference data: the validation
    module and the pool's models (regions, English levels). A release that changes either
    makes every row's digest new, so the next import checks every row again."""
    from .. import models
    from . import validation

    files = (validation.__file__, models.pool.__file__)
    return b"".join(Path(name).read_bytes() for name in files)


class UnchangedRows:
    """The rows of a freelancers CSV identical to the row each freelancer was last imported
    from (issue 16): a daily refresh of a large pool changes a few records, and the rest
    need neither checking nor writing.

    A row's digest covers its cells (as read, trimmed) and what they refer to: the
    categories and subcategories (ids and names) and the agency the row names (its id, or
    none). A renamed category or a deleted agency changes the digest, so such a row is
    checked again and its errors reported. Rows whose external id appears twice in the
    file are always checked (the duplicate is an error). The freelancer's stored digest is
    set when an import writes the record and cleared by any other write.
    """

    VERSION = "1"  # with the source of the row validation and of the pool's choices

    def __init__(self) -> None:
        self.lookups: Lookups | None = None
        self.digests: list[str] = []  # of the rows left in, in order
        self.count = 0

    def __call__(self, rows: list[dict]) -> set[int]:
        self.lookups = lookups = _lookups(rows)
        refs = hashlib.blake2b(self.VERSION.encode() + _rules_source(), digest_size=16)
        for key, (cat_id, name, subs) in sorted(lookups.categories.items()):
            refs.update(f"{key}\x1f{cat_id}\x1f{name}\x1f{sorted(subs.items())}\x1e".encode())
        prefix = refs.hexdigest()
        agencies = lookups.agencies
        digests = []
        for row in rows:
            agency = row.get("agency")
            payload = "\x1e".join(map("\x1f".join, row.items()))
            digests.append(
                hashlib.blake2b(
                    f"{prefix}\x1d{agencies.get(agency) if agency else ''}\x1d{payload}".encode(),
                    digest_size=16,
                ).hexdigest()
            )
        ids = Counter(row.get("external_id", "") for row in rows)
        candidates = {
            row["external_id"]: index
            for index, row in enumerate(rows)
            if ids[row.get("external_id", "")] == 1 and row.get("external_id")
        }
        left_out = set()
        for external_id, digest in _stored_digests(sorted(candidates)):
            index = candidates[external_id]
            if digests[index] == digest:
                left_out.add(index)
        self.digests = [d for i, d in enumerate(digests) if i not in left_out]
        self.count = len(left_out)
        return left_out


def import_job_create(*, actor, upload, kind: str) -> ImportJob:
    """Store an uploaded CSV and queue its import (the task calls ``import_job_run``)."""
    from ..tasks import import_job_run_task  # tasks import services; avoid the cycle

    if kind not in ImportJob.Kind.values:
        raise InvalidInput(f"Unknown import kind {kind!r}.", field="kind")
    name = getattr(upload, "name", "") or "upload.csv"
    if not name.lower().endswith(".csv"):
        raise InvalidInput("Upload a .csv file (download the template).", field="file")
    check_text(name, field="file")
    limit = settings.CSV_IMPORT_MAX_BYTES
    if (getattr(upload, "size", 0) or 0) > limit:
        raise InvalidInput(
            f"The file is larger than {limit / 1024 / 1024:.0f} MB; split it.", field="file"
        )
    with transaction.atomic():
        job = ImportJob(kind=kind, source=ImportJob.Source.CSV, created_by=actor, filename=name)
        job.file.save(name, upload, save=False)
        job.save()
        audit_record(actor=actor, action="sourcing.import_queued", target=job, after={"file": name})
        queue = getattr(settings, "SOURCING_IMPORT_QUEUE", None) or None
        transaction.on_commit(lambda: import_job_run_task.apply_async((job.pk,), queue=queue))
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued CSV import; safe to call twice (only a queued job is claimed)."""
    now = timezone.now()
    # A queued job, or (issue 16) a running one whose worker stopped beating: resumed
    # after its last committed chunk. One UPDATE claims it, so two workers never share it.
    stale = now - dt.timedelta(seconds=import_lease_seconds())
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .filter(
            Q(status=ImportJob.Status.PENDING)
            | Q(
                status__in=[ImportJob.Status.VALIDATING, ImportJob.Status.WRITING],
                heartbeat_at__lt=stale,
            )
        )
        .update(
            status=ImportJob.Status.VALIDATING,
            started_at=Coalesce("started_at", Value(now)),
            heartbeat_at=now,
        )
    )
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound(f"No import job {job_id}.")
    if not claimed:
        return job

    unchanged = UnchangedRows() if job.kind == ImportJob.Kind.FREELANCERS else None

    def progress(done: int) -> None:
        done += unchanged.count if unchanged else 0
        ImportJob.objects.filter(pk=job_id).update(processed_rows=done, heartbeat_at=timezone.now())

    try:
        with job.file.open("rb") as fh:
            text = fh.read().decode("utf-8-sig")
        rows, lines = csv_rows(text, job.kind, skip=unchanged)
        ImportJob.objects.filter(pk=job_id).update(total_rows=_file_rows(rows, unchanged))
        return pool_import(
            rows=rows,
            kind=job.kind,
            actor=job.created_by,
            import_job=job,
            progress=progress,
            row_numbers=lines,
            unchanged=unchanged,
        )
    except ImportRejected as exc:
        _fail(job_id, exc.rows, exc.total_rows)
    except UnicodeDecodeError:
        _fail(job_id, [{"row": None, "field": "file", "message": "The file is not UTF-8 text."}], 0)
    except Exception as exc:  # recorded for the uploader, then re-raised for the logs
        logger.exception("import job %s failed", job_id)
        # The details go to the log, not to the uploader (no raw database errors).
        message = f"Import failed ({type(exc).__name__}); the details are in the server log."
        _fail(job_id, [{"row": None, "field": "file", "message": message}], 0)
        raise
    return ImportJob.objects.get(pk=job_id)


def import_lease_seconds() -> int:
    """How long a running job may go without a heartbeat before another worker resumes it
    (a chunk of CHUNK rows takes well under a second; validation beats every 500 rows)."""
    return int(getattr(settings, "SOURCING_IMPORT_LEASE_SECONDS", 120))


def import_jobs_resume_stale() -> list[int]:
    """Queue again the jobs whose worker died mid-run (run periodically by beat)."""
    from ..tasks import import_job_run_task

    stale = timezone.now() - dt.timedelta(seconds=import_lease_seconds())
    ids = list(
        ImportJob.objects.filter(
            status__in=[ImportJob.Status.VALIDATING, ImportJob.Status.WRITING],
            heartbeat_at__lt=stale,
        ).values_list("pk", flat=True)
    )
    queue = getattr(settings, "SOURCING_IMPORT_QUEUE", None) or None
    for pk in ids:
        import_job_run_task.apply_async((pk,), queue=queue)
    return ids


def _fail(job_id: int, errors: list[dict], total: int) -> None:
    update = {
        "status": ImportJob.Status.FAILED,
        "errors": errors[:MAX_REPORTED_ERRORS],
        "error_count": len(errors),
        "finished_at": timezone.now(),
    }
    if total:
        update["total_rows"] = total
    ImportJob.objects.filter(pk=job_id).update(**update)
