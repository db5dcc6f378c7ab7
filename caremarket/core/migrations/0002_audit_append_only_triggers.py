"""Database triggers that refuse changes to audit records, whatever code runs against the database.

PostgreSQL refuses UPDATE and DELETE (TRUNCATE stays possible for installation staff and test flushes).
SQLite refuses UPDATE; its DELETE is left to the application, because SQLite has no TRUNCATE and Django's
test flush empties tables with DELETE.
"""

from django.db import migrations

POSTGRES_UP = [
    """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit records are append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE OR DELETE ON core_auditevent
  FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only()
""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only()",
]
SQLITE_UP = [
    """
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'audit records are append-only: UPDATE refused'); END
"""
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS core_auditevent_no_update"]


def forwards(apps, schema_editor):
    for sql in {"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    for sql in {"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
