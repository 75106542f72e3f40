"""The talent pool's set-based foreign keys (issue 16, SRC-1; sourcing/integrity.py).

The pool's child tables carry no per-row foreign-key constraint: statement-level triggers
check each statement's rows at once on PostgreSQL. A child naming a missing parent, or a
parent deleted under its children, is still an IntegrityError; the ORM's cascades and
protections still work; imports, upserts and deletes leave no orphan on either backend.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import ProtectedError

from sourcing.integrity import FOREIGN_KEYS
from sourcing.models import (
    CompletedJob,
    CompletedJobSkill,
    Freelancer,
    FreelancerKeyword,
    FreelancerSkill,
    Invitation,
    Skill,
)
from sourcing.services import freelancers_import

from .pool import NOW, row

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the set-based checks are PostgreSQL triggers"
)


def orphans() -> dict[str, int]:
    """Child rows whose parent is missing, per (child.column), over every kept key."""
    out = {}
    with connection.cursor() as cursor:
        for child, column, parent in FOREIGN_KEYS:
            cursor.execute(
                f"SELECT COUNT(*) FROM {child} c WHERE c.{column} IS NOT NULL "  # noqa: S608
                f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.id = c.{column})"
            )
            out[f"{child}.{column}"] = cursor.fetchone()[0]
    return out


def pool(*ids: str) -> list[Freelancer]:
    invitations = [{"job": "JOB-1", "at": NOW.isoformat()}]
    freelancers_import(rows=[row(i, invitations=invitations) for i in ids])
    return list(Freelancer.objects.filter(external_id__in=ids).order_by("external_id"))


def test_imports_upserts_and_deletes_leave_no_orphan_src_1():
    first = pool("A", "B", "C")
    assert CompletedJobSkill.objects.count() and Invitation.objects.count() == 3
    # An upsert replaces every list of the known freelancers.
    freelancers_import(rows=[row("A", skills=["python"], jobs=[]), row("B"), row("D")])
    assert not CompletedJob.objects.filter(freelancer=first[0]).exists()
    # The ORM's CASCADE removes a freelancer's rows with it.
    Freelancer.objects.filter(external_id__in=["B", "C"]).delete()
    assert set(orphans().values()) == {0}
    assert FreelancerSkill.objects.filter(freelancer__external_id="A").count() == 1


def test_a_skill_in_use_is_protected_by_the_orm_src_1():
    pool("A")
    with pytest.raises(ProtectedError):
        Skill.objects.filter(normalized="figma").delete()
    assert Skill.objects.filter(normalized="figma").exists()


@postgres_only
@pytest.mark.parametrize(
    "make",
    [
        lambda f, s, j: FreelancerSkill(freelancer_id=f.pk + 10_000, skill=s),
        lambda f, s, j: FreelancerSkill(freelancer=f, skill_id=s.pk + 10_000),
        lambda f, s, j: FreelancerKeyword(freelancer_id=f.pk + 10_000, keyword_id=1),
        lambda f, s, j: CompletedJob(
            freelancer=f, category_id=10_000, end_date=NOW.date(), hours=1
        ),
        lambda f, s, j: CompletedJobSkill(
            job_id=j.pk + 10_000, skill=s, freelancer=f, end_date=NOW.date()
        ),
        lambda f, s, j: Invitation(freelancer_id=f.pk + 10_000, job_reference="J", invited_at=NOW),
    ],
    ids=["skill-freelancer", "skill", "keyword-freelancer", "job-category", "job", "invite"],
)
def test_a_child_naming_a_missing_parent_is_refused_src_1(make):
    (freelancer,) = pool("A")
    skill = Skill.objects.get(normalized="figma")
    job = CompletedJob.objects.filter(freelancer=freelancer).first()
    before = orphans()
    with pytest.raises(IntegrityError, match="violates foreign key"), transaction.atomic():
        make(freelancer, skill, job).save()
    assert orphans() == before


@postgres_only
def test_an_update_to_a_missing_parent_is_refused_src_1():
    (freelancer,) = pool("A")
    with pytest.raises(IntegrityError, match="violates foreign key"), transaction.atomic():
        CompletedJobSkill.objects.filter(freelancer=freelancer).update(skill_id=10_000_000)
    assert set(orphans().values()) == {0}


@postgres_only
@pytest.mark.parametrize(
    "table", ["sourcing_freelancer", "sourcing_skill", "sourcing_completedjob"]
)
def test_a_parent_deleted_under_its_children_is_refused_src_1(table):
    pool("A")
    with (
        pytest.raises(IntegrityError, match="still referenced"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a fixed table name
    assert set(orphans().values()) == {0}
    assert Freelancer.objects.count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_delete_waits_for_the_new_children_then_fails_src_1():
    """Transaction 1 adds a skill row to freelancer A (the check locks A FOR KEY SHARE);
    transaction 2 deletes A's rows and A meanwhile: it waits for 1 to commit, then sees the
    new row and is refused. No orphan either way."""
    (freelancer,) = pool("A")
    skill = Skill.objects.create(normalized="rust", name="rust")
    added = threading.Event()
    outcome: dict[str, object] = {}

    def add_child():
        try:
            with transaction.atomic():
                FreelancerSkill.objects.create(freelancer=freelancer, skill=skill)
                added.set()
                time.sleep(1.0)  # the delete below is waiting on A's lock by now
        finally:
            added.set()
            connections.close_all()

    def delete_parent():
        added.wait(10)
        started = time.monotonic()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # What a careless delete would do: the rows it knows of, then the parent.
                # (job skills before the jobs they name)
                for child, column, parent in sorted(
                    FOREIGN_KEYS, key=lambda k: "skill" not in k[0]
                ):
                    if parent == "sourcing_freelancer":
                        cursor.execute(
                            f"DELETE FROM {child} WHERE {column} = %s",  # noqa: S608
                            [freelancer.pk],
                        )
                cursor.execute("DELETE FROM sourcing_freelancer WHERE id = %s", [freelancer.pk])
            outcome["deleted"] = True
        except IntegrityError as exc:
            outcome["refused"] = str(exc)
        finally:
            outcome["waited"] = time.monotonic() - started
            connections.close_all()

    threads = [threading.Thread(target=add_child), threading.Thread(target=delete_parent)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert "still referenced" in outcome.get("refused", ""), outcome
    assert outcome["waited"] >= 0.5
    assert Freelancer.objects.filter(pk=freelancer.pk).exists()
    assert set(orphans().values()) == {0}
