"""Full-text and trigram search on PostgreSQL (registry.search); nothing on
SQLite, which searches the folded search_text column.

- The extensions unaccent and pg_trgm (both trusted: the database owner may
  create them) and the text search configuration docreg_vi: `simple` (lower
  case, no stop words, no stemming: Vietnamese words are syllables) with
  `unaccent` first, so “Đảng” and “dang” are the same word.
- registry_document.search_vector, a STORED generated column rather than a
  model field: every write path keeps it current, bulk COPY included, and
  SQLite never sees it. Punctuation becomes space before parsing, so
  “375-CV/BTGTU” is the words 375, cv, btgtu (the parser would otherwise
  read “CV/BTGTU” as one file path). Weights: notation and subject A, issuer
  and signer B, search_text (all of it, addressees and body included) D.
  PostgreSQL refuses to change the type of a column a generated column reads
  (notation, subject, issuer_name, signer_name, search_text): a migration that
  must do so drops search_vector first and adds it back after (see SEARCH_VECTOR).
- GIN indexes: the vector; trigrams of UPPER(notation), which Django's
  `notation__icontains` compares; trigrams of recipients_organization.search_text
  for the organization filter's `search_text__contains`.

Reversing drops the column, indexes and configuration but leaves the
extensions, which other objects may have come to use.
"""

from django.db import migrations

from core.migration_operations import PostgreSQLOnly

# ASCII punctuation and the typographic marks Vietnamese text uses.
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~–—‘’“”…•·«»"


def _spaced(column: str) -> str:
    literal = PUNCTUATION.replace("'", "''")
    return f"translate({column}, '{literal}', '{' ' * len(PUNCTUATION)}')"


SEARCH_VECTOR = f"""
ALTER TABLE registry_document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('docreg_vi'::regconfig, {_spaced("notation || ' ' || subject")}), 'A')
    || setweight(to_tsvector('docreg_vi'::regconfig, {_spaced("issuer_name || ' ' || signer_name")}), 'B')
    || setweight(to_tsvector('docreg_vi'::regconfig, {_spaced("search_text")}), 'D')
) STORED
"""

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TEXT SEARCH CONFIGURATION docreg_vi (COPY = pg_catalog.simple)",
    "ALTER TEXT SEARCH CONFIGURATION docreg_vi ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    SEARCH_VECTOR,
    "CREATE INDEX registry_document_search_vector ON registry_document USING gin (search_vector)",
    "CREATE INDEX registry_document_notation_trgm ON registry_document USING gin (upper(notation::text) gin_trgm_ops)",
    "CREATE INDEX recipients_organization_search_trgm ON recipients_organization USING gin (search_text gin_trgm_ops)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS recipients_organization_search_trgm",
    "DROP INDEX IF EXISTS registry_document_notation_trgm",
    "DROP INDEX IF EXISTS registry_document_search_vector",
    "ALTER TABLE registry_document DROP COLUMN IF EXISTS search_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS docreg_vi",
]


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_document_types_and_guards"),
        ("recipients", "0001_initial"),
    ]

    operations = [PostgreSQLOnly(FORWARD, BACKWARD)]
