"""Database triggers that keep the audit trail append-only, whatever writes to
the database: an UPDATE of an audit event is refused on PostgreSQL and
SQLite, a DELETE on PostgreSQL.

SQLite has no DELETE guard: Django's test flush (after `transaction=True`
tests, and `manage.py flush`) empties tables with DELETE, where PostgreSQL
uses TRUNCATE, which row triggers do not see. Nothing in the application
deletes audit events (AuditEvent.delete refuses, and the rows they point at
are protected)."""

from django.db import migrations

POSTGRES_GUARD = """
CREATE OR REPLACE FUNCTION core_auditevent_guard() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'docreg: audit event % is append-only and can never be changed or deleted', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_guard BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_guard();
"""

POSTGRES_UNGUARD = """
DROP TRIGGER IF EXISTS core_auditevent_guard ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_guard();
"""

SQLITE_GUARD = """
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'docreg: audit events are append-only and can never be changed'); END
"""

SQLITE_UNGUARD = "DROP TRIGGER IF EXISTS core_auditevent_no_update"


def install_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_GUARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_GUARD)


def remove_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UNGUARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UNGUARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [migrations.RunPython(install_guard, remove_guard)]
