"""SQLite refuses DELETE of ledger entries too, as PostgreSQL has since 0002.

The test suite lifts this trigger while it empties tables (tests/conftest.py).
"""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER workflows_ledger_no_delete
BEFORE DELETE ON workflows_ledgerentry
BEGIN
    SELECT RAISE(ABORT, 'the approval ledger is append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS workflows_ledger_no_delete;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0002_ledger_append_only")]

    operations = [migrations.RunPython(forwards, backwards)]
