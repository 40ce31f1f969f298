"""Who may read a document without keeping its register, as an indexed column
beside the search vector (PostgreSQL only; nothing on SQLite).

registry.selectors.visible_documents lets an organization read the issued
documents addressed or delivered to it or that oblige it to report. Asked as
EXISTS subqueries, that condition cannot use an index, so a search had to
fetch every document matching the words before it could drop those the user
may not see: tens of thousands of rows for a common subject among a million.

- registry_document.reader_organizations: the organizations a document is
  addressed to (registry_documentaddressee.organization_id), delivered to
  (dispatch_delivery.recipient_id) or obliges (dispatch_assignment through
  dispatch_obligation), distinct and sorted. Not a model field, like
  search_vector: triggers keep it current on every write path (services,
  imports, COPY, the admin, a restore), once per statement, so a dispatch to
  thirty organizations rewrites the document once.
- One GIN index over (register_id, reader_organizations, search_vector), with
  btree_gin for the register id: a search then reads, in one index scan per
  arm of the visibility condition, only the matching documents of the user's
  registers, and only those addressed to the user's organization, instead of
  every match. It serves searches without a visibility condition too, and
  replaces the index of the vector alone.

Reversing drops the triggers, function, index and column (and restores the
vector's own index) but leaves the extension.
"""

from django.db import migrations

from core.migration_operations import PostgreSQLOnly

READERS_OF = """
CREATE FUNCTION docreg_readers_of(document bigint) RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(organization ORDER BY organization), '{}') FROM (
        SELECT organization_id AS organization FROM registry_documentaddressee
            WHERE document_id = document AND organization_id IS NOT NULL
        UNION
        SELECT recipient_id FROM dispatch_delivery WHERE document_id = document
        UNION
        SELECT assignment.organization_id FROM dispatch_assignment assignment
            JOIN dispatch_obligation obligation ON obligation.id = assignment.obligation_id
            WHERE obligation.document_id = document
    ) readers
$$
"""

REFRESH = """
CREATE FUNCTION docreg_refresh_readers(documents bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Only rows whose readers changed are rewritten (COPY of rows already carrying them writes nothing).
    UPDATE registry_document SET reader_organizations = docreg_readers_of(id)
        WHERE id = ANY(documents) AND reader_organizations IS DISTINCT FROM docreg_readers_of(id);
END
$$
"""

# One trigger function per (table, event): a statement trigger sees its rows in
# transition tables, which a trigger may only have for a single event.
LINKS = {
    "registry_documentaddressee": "SELECT document_id FROM {rows}",
    "dispatch_delivery": "SELECT document_id FROM {rows}",
    "dispatch_assignment": (
        "SELECT obligation.document_id FROM {rows} changed "
        "JOIN dispatch_obligation obligation ON obligation.id = changed.obligation_id"
    ),
}
EVENTS = {
    "insert": ("INSERT", "REFERENCING NEW TABLE AS new_rows", ["new_rows"]),
    "update": ("UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows", ["old_rows", "new_rows"]),
    "delete": ("DELETE", "REFERENCING OLD TABLE AS old_rows", ["old_rows"]),
}


def _trigger_statements() -> tuple[list[str], list[str]]:
    forward, backward = [], []
    for table, select in LINKS.items():
        for event, (keyword, referencing, transition_tables) in EVENTS.items():
            name = f"{table}_readers_{event}"
            documents = " UNION ".join(select.format(rows=rows) for rows in transition_tables)
            forward.append(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"PERFORM docreg_refresh_readers(ARRAY(SELECT DISTINCT document_id FROM ({documents}) changed_documents)); "
                "RETURN NULL; END $$"
            )
            forward.append(
                f"CREATE TRIGGER {name} AFTER {keyword} ON {table} {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
            backward.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            backward.append(f"DROP FUNCTION IF EXISTS {name}()")
    return forward, backward


TRIGGERS, DROP_TRIGGERS = _trigger_statements()

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "ALTER TABLE registry_document ADD COLUMN reader_organizations bigint[] NOT NULL DEFAULT '{}'",
    READERS_OF,
    REFRESH,
    *TRIGGERS,
    "UPDATE registry_document SET reader_organizations = docreg_readers_of(id) "
    "WHERE docreg_readers_of(id) <> '{}'",
    "CREATE INDEX registry_document_visible_search ON registry_document "
    "USING gin (register_id, reader_organizations, search_vector)",
    "DROP INDEX IF EXISTS registry_document_search_vector",
]

BACKWARD = [
    "CREATE INDEX IF NOT EXISTS registry_document_search_vector ON registry_document USING gin (search_vector)",
    "DROP INDEX IF EXISTS registry_document_visible_search",
    *DROP_TRIGGERS,
    "DROP FUNCTION IF EXISTS docreg_refresh_readers(bigint[])",
    "DROP FUNCTION IF EXISTS docreg_readers_of(bigint)",
    "ALTER TABLE registry_document DROP COLUMN IF EXISTS reader_organizations",
]


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0002_assignment_unreported_index"),
        ("registry", "0003_document_search"),
    ]

    operations = [PostgreSQLOnly(FORWARD, BACKWARD)]
