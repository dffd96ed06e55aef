from django.db import migrations


def create(apps, schema_editor):
    from intranet.search.index import ensure_schema

    ensure_schema(schema_editor.connection)


def drop(apps, schema_editor):
    from intranet.search.index import drop_schema

    drop_schema(schema_editor.connection)


class Migration(migrations.Migration):
    """The full-text index: FTS5 + triggers (SQLite), tsvector + GIN (PostgreSQL)."""

    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
