"""The ledger refuses changes at the database level.

PostgreSQL: a row trigger refuses UPDATE and DELETE of ledger entries (TRUNCATE, which
the test suite uses to empty tables, is a separate statement-level event).
SQLite: a trigger refuses UPDATE (DELETE is left to the hash chain: Django's test
flush empties tables with DELETE on SQLite).
The hash chain (``manage.py verify_ledger``) detects what gets past these.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION workflows_ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the approval ledger is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workflows_ledger_append_only
    BEFORE UPDATE OR DELETE ON workflows_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION workflows_ledger_refuse_change();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS workflows_ledger_append_only ON workflows_ledgerentry;
DROP FUNCTION IF EXISTS workflows_ledger_refuse_change();
"""
SQLITE_UP = """
CREATE TRIGGER workflows_ledger_append_only
BEFORE UPDATE ON workflows_ledgerentry
BEGIN
    SELECT RAISE(ABORT, 'the approval ledger is append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS workflows_ledger_append_only;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
