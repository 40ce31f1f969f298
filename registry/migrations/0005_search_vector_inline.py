"""Keep registry_document.search_vector in the row (PostgreSQL only; nothing on SQLite).

A row longer than about 2 kB has its longest values compressed, then moved
out to the table's TOAST relation, longest first: that was search_vector
(800 bytes on average, the words with their positions), moved out for
documents with a body of a few sentences. Ranking a search's matches
(registry.search, ts_rank_cd) reads it for each of up to RANK_LIMIT
documents, and each read out of line is one more look-up in the TOAST index
and relation, page by page, where PostgreSQL reads nothing ahead: with the
table not all in memory, most of the time a ranked search took.

STORAGE MAIN keeps the vector in the row, compressed if need be; the body and
search_text, read only for the fifty documents a page shows, go out of line
first. Rows written before keep their layout until they are written again
(VACUUM FULL registry_document rewrites them all at once).

Migration registry 0003 notes that changing the type of a column
search_vector reads means dropping search_vector and adding it back: the
storage must then be set again (registry/tests/test_search.py checks it).
"""

from django.db import migrations

from core.migration_operations import PostgreSQLOnly

FORWARD = "ALTER TABLE registry_document ALTER COLUMN search_vector SET STORAGE MAIN"
BACKWARD = "ALTER TABLE registry_document ALTER COLUMN search_vector SET STORAGE EXTENDED"


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_import_jobs")]

    operations = [PostgreSQLOnly([FORWARD], [BACKWARD])]
