"""Set-based foreign keys for the talent pool's child tables (issue 16, SRC-1).

A freelancer brings about 16 child rows (skills, keywords, completed jobs, their skills,
invitations) and 38 foreign-key values. PostgreSQL checks an ordinary foreign key with one
trigger call per row, and for an import those checks were most of the time: a COPY of
5,000 freelancers' rows took 0.5 s and its commit, where the deferred checks run, 2 s
(bench/bench_import.py). So these columns carry no per-row constraint
(``db_constraint=False``) and the same rule is kept by statement-level triggers over the
transition tables instead: one pass per column and statement, whatever the number of
rows.

* Inserting or updating child rows: every referenced parent must exist. The parents are
  locked ``FOR KEY SHARE`` (once each, not once per row), as PostgreSQL's own check
  does, so a concurrent delete of a parent waits for this transaction and then sees its
  children; fewer parents locked than distinct keys means one is missing.
* Deleting parent rows: no child row may still reference them (Django deletes the
  children of a ``CASCADE`` first, and refuses a ``PROTECT`` before any SQL).

A violation is SQLSTATE 23503 (``foreign_key_violation``), which Django raises as
``IntegrityError``, like the constraint it replaces. A primary key is never updated, so
parent updates are not watched. On SQLite (development and the demo) the ORM keeps these
rules (``on_delete``) and the import writes only ids it has just read or created.
"""

from __future__ import annotations

# (child table, column, parent table): the foreign keys kept by the triggers below.
FOREIGN_KEYS = (
    ("sourcing_freelancerskill", "freelancer_id", "sourcing_freelancer"),
    ("sourcing_freelancerskill", "skill_id", "sourcing_skill"),
    ("sourcing_freelancerkeyword", "freelancer_id", "sourcing_freelancer"),
    ("sourcing_freelancerkeyword", "keyword_id", "sourcing_keyword"),
    ("sourcing_completedjob", "freelancer_id", "sourcing_freelancer"),
    ("sourcing_completedjob", "category_id", "sourcing_category"),
    ("sourcing_completedjob", "subcategory_id", "sourcing_subcategory"),
    ("sourcing_completedjobskill", "job_id", "sourcing_completedjob"),
    ("sourcing_completedjobskill", "skill_id", "sourcing_skill"),
    ("sourcing_completedjobskill", "freelancer_id", "sourcing_freelancer"),
    ("sourcing_invitation", "freelancer_id", "sourcing_freelancer"),
)


def _children() -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for child, column, parent in FOREIGN_KEYS:
        out.setdefault(child, []).append((column, parent))
    return out


def _parents() -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for child, column, parent in FOREIGN_KEYS:
        out.setdefault(parent, []).append((child, column))
    return out


def _child_function(child: str, columns: list[tuple[str, str]]) -> str:
    # One pass a column: the distinct keys, their parents locked as PostgreSQL's own check
    # does; fewer parents locked than keys means one is missing, only then looked for.
    # (A NOT EXISTS per new row besides the lock cost an import as much again, issue 16.)
    checks = "\n".join(
        f"""
    WITH keys AS MATERIALIZED (
           SELECT DISTINCT n.{column} AS id FROM new_rows n WHERE n.{column} IS NOT NULL),
         locked AS (
           SELECT p.id FROM {parent} p WHERE p.id IN (SELECT id FROM keys) FOR KEY SHARE OF p)
    SELECT (SELECT count(*) FROM keys) - (SELECT count(*) FROM locked) INTO gap;
    IF gap > 0 THEN
      SELECT n.{column} INTO missing FROM new_rows n
        WHERE n.{column} IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.id = n.{column})
        LIMIT 1;
      RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
        MESSAGE = 'insert or update on table "{child}" violates foreign key '
                  '"{child}.{column}": key (' || coalesce(missing::text, '?')
                  || ') is not present in table "{parent}"';
    END IF;"""
        for column, parent in columns
    )
    return f"""
CREATE OR REPLACE FUNCTION {child}_fk_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing bigint;
  gap bigint;
BEGIN{checks}
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS {child}_fk_insert ON {child};
CREATE TRIGGER {child}_fk_insert AFTER INSERT ON {child}
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {child}_fk_check();
DROP TRIGGER IF EXISTS {child}_fk_update ON {child};
CREATE TRIGGER {child}_fk_update AFTER UPDATE ON {child}
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {child}_fk_check();
"""


def _parent_function(parent: str, children: list[tuple[str, str]]) -> str:
    checks = "\n".join(
        f"""
    SELECT o.id INTO kept FROM old_rows o
      WHERE EXISTS (SELECT 1 FROM {child} c WHERE c.{column} = o.id)
      LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
        MESSAGE = 'update or delete on table "{parent}" violates foreign key '
                  '"{child}.{column}": key (' || kept || ') is still referenced';
    END IF;"""
        for child, column in children
    )
    return f"""
CREATE OR REPLACE FUNCTION {parent}_fk_delete_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kept bigint;
BEGIN{checks}
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS {parent}_fk_delete ON {parent};
CREATE TRIGGER {parent}_fk_delete AFTER DELETE ON {parent}
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION {parent}_fk_delete_check();
"""


def create_sql() -> str:
    parts = [_child_function(child, cols) for child, cols in _children().items()]
    parts += [_parent_function(parent, kids) for parent, kids in _parents().items()]
    return "\n".join(parts)


def drop_sql() -> str:
    parts = []
    for child in _children():
        parts.append(f"DROP TRIGGER IF EXISTS {child}_fk_insert ON {child};")
        parts.append(f"DROP TRIGGER IF EXISTS {child}_fk_update ON {child};")
        parts.append(f"DROP FUNCTION IF EXISTS {child}_fk_check();")
    for parent in _parents():
        parts.append(f"DROP TRIGGER IF EXISTS {parent}_fk_delete ON {parent};")
        parts.append(f"DROP FUNCTION IF EXISTS {parent}_fk_delete_check();")
    return "\n".join(parts)
