"""No double booking, held by the database itself.

PostgreSQL: an exclusion constraint over (resource, [starts_at, ends_at)) for holding
bookings (btree_gist lets the = on resource_id share the GiST index). SQLite: triggers
that abort an overlapping insert or update. Each part runs only on its own database.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

from spaces import db


class Migration(migrations.Migration):
    dependencies = [("spaces", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        db.RunOnVendor(
            "postgresql", [db.POSTGRES_EXCLUSION], [db.POSTGRES_EXCLUSION_DROP]
        ),
        db.RunOnVendor("sqlite", db.SQLITE_TRIGGERS, db.SQLITE_TRIGGERS_DROP),
    ]
