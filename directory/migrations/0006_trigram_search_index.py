from django.db import migrations


def create_index(apps, schema_editor):
    from directory.search import create_postgres_search_index

    create_postgres_search_index(schema_editor.connection)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_search_indexes")]

    operations = [migrations.RunPython(create_index, drop_index)]
