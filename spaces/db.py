"""Database-level guarantees that Django's model constraints cannot express portably.

``RunOnVendor`` is a migration operation that runs its SQL only on one database vendor
and never changes the migration state (so ``makemigrations`` stays quiet). Migration
0002 uses it for the PostgreSQL exclusion constraint and the SQLite triggers that make
double booking impossible.
"""

from __future__ import annotations

from django.db import migrations

HOLDING_STATUSES = ("confirmed", "checked_in", "checked_out")
OVERLAP_MESSAGE = "spaces_booking_overlap"
_STATUS_LIST = ", ".join(f"'{status}'" for status in HOLDING_STATUSES)

POSTGRES_EXCLUSION = f"""
ALTER TABLE spaces_booking ADD CONSTRAINT spaces_booking_no_overlap
EXCLUDE USING gist (
    resource_id WITH =,
    tstzrange(starts_at, ends_at, '[)') WITH &&
) WHERE (status IN ({_STATUS_LIST}))
"""
POSTGRES_EXCLUSION_DROP = (
    "ALTER TABLE spaces_booking DROP CONSTRAINT IF EXISTS spaces_booking_no_overlap"
)

# SQLite keeps aware datetimes as UTC text of one format, so text comparison orders them.
# Built from the constants above only (no user input).
_SQLITE_CHECK = f"""
    SELECT RAISE(ABORT, '{OVERLAP_MESSAGE}')
    WHERE NEW.status IN ({_STATUS_LIST})
      AND EXISTS (
        SELECT 1 FROM spaces_booking AS other
        WHERE other.resource_id = NEW.resource_id
          AND other.id IS NOT NEW.id
          AND other.status IN ({_STATUS_LIST})
          AND other.starts_at < NEW.ends_at
          AND NEW.starts_at < other.ends_at
      );
"""  # noqa: S608
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER spaces_booking_no_overlap_insert
    BEFORE INSERT ON spaces_booking
    BEGIN {_SQLITE_CHECK} END""",
    f"""CREATE TRIGGER spaces_booking_no_overlap_update
    BEFORE UPDATE OF resource_id, starts_at, ends_at, status ON spaces_booking
    BEGIN {_SQLITE_CHECK} END""",
]
SQLITE_TRIGGERS_DROP = [
    "DROP TRIGGER IF EXISTS spaces_booking_no_overlap_insert",
    "DROP TRIGGER IF EXISTS spaces_booking_no_overlap_update",
]


class RunOnVendor(migrations.operations.base.Operation):
    """Run ``forwards`` (and ``backwards``) SQL only when the database is ``vendor``."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, vendor: str, forwards: list[str], backwards: list[str]):
        self.vendor = vendor
        self.forwards = forwards
        self.backwards = backwards

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [self.vendor, self.forwards, self.backwards],
            {},
        )

    def state_forwards(self, app_label, state):
        pass

    def _run(self, schema_editor, statements):
        if schema_editor.connection.vendor != self.vendor:
            return
        for statement in statements:
            schema_editor.execute(statement)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, self.forwards)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, self.backwards)

    def describe(self):
        return f"Run SQL on {self.vendor} only"
