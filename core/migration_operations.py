"""Migration operations shared by the apps' migrations."""

from typing import Any

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that only PostgreSQL runs; elsewhere (SQLite) it does nothing.

    For what exists on PostgreSQL alone: text search configurations, generated
    columns, triggers, GIN indexes over expressions. Each statement of `sql`
    and `reverse_sql` runs as it is, without parameters."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
