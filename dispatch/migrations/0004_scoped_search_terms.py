"""Search terms scoped to who may read them (PostgreSQL only; nothing on SQLite).

Migration 0003 put the register and the readers beside the words in one GIN
index, so that a search reads only the matches the user may see. The index
still had to intersect each word's whole posting list with the register's
or the organization's: for the common words of official subjects (“công
tác”, “thông tin”, “kế hoạch”) that is hundreds of thousands of entries per
word, about 15 ms a search among a million documents, whatever the user may
see. And a query naming a document type (“ke hoach …”) asked the type as
`doc_type_id IN (…)`, which the index could not serve: PostgreSQL read the
type's hundred thousand documents through their B-tree for each way of
seeing, then tested the words again on every match.

Now each document's terms are its words under each way it may be seen:
`r<register id>/<word>`, and `o<organization id>/<word>` for each of its
readers (reader_organizations, migration 0003). A search asks
`r18/cong & r18/tac | o18/cong & o18/tac | w/cong & w/tac`: posting lists
as short as the documents the user may see that contain the word.
Administrators, who see every register, ask under every register. The type
is a term too (`#type<id>`, scoped like the words), so naming a type costs
one more posting list. No word can be mistaken for these terms: words are
letters and digits.

- A document that would have more than 40,000 terms (a long body sent to
  many organizations) is indexed under the wide scope `w/` once instead of
  once per reader: a tsvector holds at most 1 MB of terms, and the index
  entries of one document stay bounded. Every user's search asks `w/` too;
  visible_documents then keeps the wide documents the user reads.
- The words are not also indexed without a scope: every search has scopes,
  and that copy only cost the writes (the import bench's 100,000 documents
  took 55 s with it, 37 s without).

- docreg_search_terms(search_vector, doc_type_id, register_id,
  reader_organizations): the terms, as an index expression only. Nothing is
  stored in the rows; a change of register, type or readers (the triggers of
  0003) re-indexes the row. The terms have no positions: ranking reads the
  column search_vector.
- docreg_scoped_query(query, scope): the query with every term prefixed by
  the scope (“r18/”). IMMUTABLE, like to_tsquery with a configuration, so
  the planner computes the query once and sees the terms it estimates by.
- The GIN index of the terms replaces the one of migration 0003. It is
  several times its size: each word is indexed once per way of seeing.

registry.search builds the queries (TYPE_TERM, search scopes).
"""

from django.db import migrations

from core.migration_operations import PostgreSQLOnly

# WIDE_TERMS: past this many terms, a document's readers share one scope.
SEARCH_TERMS = r"""
CREATE FUNCTION docreg_search_terms(words tsvector, doc_type_id bigint, register_id bigint, readers bigint[])
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_tsvector(ARRAY(SELECT scope || term FROM unnest(scopes) scope, unnest(terms) term))
    FROM (SELECT tsvector_to_array(words) || ('#type' || doc_type_id::text) AS terms) document,
    LATERAL (
        SELECT ARRAY['r' || register_id::text || '/'] || CASE
            WHEN cardinality(readers) = 0 THEN '{}'::text[]
            WHEN (1 + cardinality(readers)) * cardinality(terms) <= 40000
                THEN ARRAY(SELECT 'o' || reader::text || '/' FROM unnest(readers) reader)
            ELSE ARRAY['w/']
        END AS scopes
    ) scoping
$$
"""

# A tsquery prints every term quoted ('cong' & 'btg':*), a quote inside one doubled.
SCOPED_QUERY = r"""
CREATE FUNCTION docreg_scoped_query(query tsquery, scope text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT regexp_replace(query::text, '''((?:[^'']|'''')+)''', '''' || scope || '\1''', 'g')::tsquery
$$
"""

FORWARD = [
    SEARCH_TERMS,
    SCOPED_QUERY,
    "CREATE INDEX registry_document_search_terms ON registry_document "
    "USING gin (docreg_search_terms(search_vector, doc_type_id, register_id, reader_organizations))",
    "DROP INDEX IF EXISTS registry_document_visible_search",
]

BACKWARD = [
    "CREATE INDEX IF NOT EXISTS registry_document_visible_search ON registry_document "
    "USING gin (register_id, reader_organizations, search_vector)",
    "DROP INDEX IF EXISTS registry_document_search_terms",
    "DROP FUNCTION IF EXISTS docreg_scoped_query(tsquery, text)",
    "DROP FUNCTION IF EXISTS docreg_search_terms(tsvector, bigint, bigint, bigint[])",
]


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0003_document_readers"),
        ("registry", "0004_import_jobs"),
    ]

    operations = [PostgreSQLOnly(FORWARD, BACKWARD)]
