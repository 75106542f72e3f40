"""The SQL of the ledger's append-only triggers (migration 0002 and the test flush)."""

PG_CREATE = """
CREATE OR REPLACE FUNCTION credits_ledgerentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'credits_ledgerentry is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS credits_ledgerentry_append_only ON credits_ledgerentry;
CREATE TRIGGER credits_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON credits_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION credits_ledgerentry_append_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS credits_ledgerentry_append_only ON credits_ledgerentry;
DROP FUNCTION IF EXISTS credits_ledgerentry_append_only();
"""
SQLITE_CREATE = [
    """CREATE TRIGGER IF NOT EXISTS credits_ledgerentry_no_update
    BEFORE UPDATE ON credits_ledgerentry
    BEGIN SELECT RAISE(ABORT, 'credits_ledgerentry is append-only (UPDATE refused)'); END""",
    """CREATE TRIGGER IF NOT EXISTS credits_ledgerentry_no_delete
    BEFORE DELETE ON credits_ledgerentry
    BEGIN SELECT RAISE(ABORT, 'credits_ledgerentry is append-only (DELETE refused)'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS credits_ledgerentry_no_update",
    "DROP TRIGGER IF EXISTS credits_ledgerentry_no_delete",
]
