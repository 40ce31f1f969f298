"""Seeds the document types of GUIDE.md §1 and installs database triggers that
keep given numbers from ever changing (and, on PostgreSQL, issued documents
from being deleted)."""

from django.db import migrations

# code, State name, State abbreviation, Party name, Party abbreviation, is_letter
DOCUMENT_TYPES = [
    ("NQ", "Nghị quyết", "NQ", "Nghị quyết", "NQ", False),
    ("QĐ", "Quyết định", "QĐ", "Quyết định", "QĐ", False),
    ("CT", "Chỉ thị", "CT", "Chỉ thị", "CT", False),
    ("KL", "", "", "Kết luận", "KL", False),
    ("QC", "Quy chế", "QC", "Quy chế", "QC", False),
    ("QyĐ", "Quy định", "QyĐ", "Quy định", "QĐi", False),
    ("TC", "Thông cáo", "TC", "", "", False),
    ("TB", "Thông báo", "TB", "Thông báo", "TB", False),
    ("TT", "", "", "Thông tri", "TT", False),
    ("HD", "Hướng dẫn", "HD", "Hướng dẫn", "HD", False),
    ("CTr", "Chương trình", "CTr", "Chương trình", "CTr", False),
    ("KH", "Kế hoạch", "KH", "Kế hoạch", "KH", False),
    ("PA", "Phương án", "PA", "", "", False),
    ("ĐA", "Đề án", "ĐA", "", "", False),
    ("DA", "Dự án", "DA", "", "", False),
    ("BC", "Báo cáo", "BC", "Báo cáo", "BC", False),
    ("BB", "Biên bản", "BB", "", "", False),
    ("TTr", "Tờ trình", "TTr", "Tờ trình", "TTr", False),
    ("HĐ", "Hợp đồng", "HĐ", "", "", False),
    ("CV", "Công văn", "", "Công văn", "CV", True),
    ("CĐ", "Công điện", "CĐ", "", "", False),
    ("BGN", "Bản ghi nhớ", "BGN", "", "", False),
    ("BTT", "Bản thỏa thuận", "BTT", "", "", False),
    ("GUQ", "Giấy ủy quyền", "GUQ", "", "", False),
    ("GM", "Giấy mời", "GM", "", "", False),
    ("GGT", "Giấy giới thiệu", "GGT", "", "", False),
    ("GNP", "Giấy nghỉ phép", "GNP", "", "", False),
    ("PG", "Phiếu gửi", "PG", "", "", False),
    ("PC", "Phiếu chuyển", "PC", "", "", False),
    ("PB", "Phiếu báo", "PB", "", "", False),
    ("SY", "Bản sao y", "SY", "", "", False),
    ("TrS", "Bản trích sao", "TrS", "", "", False),
    ("SL", "Bản sao lục", "SL", "", "", False),
]


def seed_document_types(apps, schema_editor):
    DocumentType = apps.get_model("registry", "DocumentType")
    for position, (code, state_name, state_abbr, party_name, party_abbr, is_letter) in enumerate(DOCUMENT_TYPES):
        DocumentType.objects.update_or_create(
            code=code,
            defaults={
                "state_name": state_name,
                "state_abbreviation": state_abbr,
                "party_name": party_name,
                "party_abbreviation": party_abbr,
                "is_letter": is_letter,
                "position": position,
            },
        )


POSTGRES_GUARD = """
CREATE OR REPLACE FUNCTION registry_document_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'docreg: document % is % and can never be deleted; withdraw it instead', OLD.id, OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.sequence_id IS NOT NULL AND (
        NEW.sequence_id IS DISTINCT FROM OLD.sequence_id OR NEW.number IS DISTINCT FROM OLD.number
        OR NEW.notation IS DISTINCT FROM OLD.notation OR NEW.issued_on IS DISTINCT FROM OLD.issued_on
    ) THEN
        RAISE EXCEPTION 'docreg: the number, notation and date of issued document % never change', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.arrival_sequence_id IS NOT NULL AND (
        NEW.arrival_sequence_id IS DISTINCT FROM OLD.arrival_sequence_id
        OR NEW.arrival_number IS DISTINCT FROM OLD.arrival_number OR NEW.received_at IS DISTINCT FROM OLD.received_at
    ) THEN
        RAISE EXCEPTION 'docreg: the arrival number and time of document % never change', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status <> 'draft' AND NEW.status = 'draft' THEN
        RAISE EXCEPTION 'docreg: document % cannot become a draft again', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER registry_document_guard BEFORE UPDATE OR DELETE ON registry_document
    FOR EACH ROW EXECUTE FUNCTION registry_document_guard();
"""

POSTGRES_UNGUARD = """
DROP TRIGGER IF EXISTS registry_document_guard ON registry_document;
DROP FUNCTION IF EXISTS registry_document_guard();
"""

# SQLite has no DELETE guard: Django's test flush empties tables with DELETE.
SQLITE_GUARD = [
    """
    CREATE TRIGGER registry_document_number_frozen
    BEFORE UPDATE OF sequence_id, number, notation, issued_on ON registry_document
    WHEN OLD.sequence_id IS NOT NULL AND (
        NEW.sequence_id IS NOT OLD.sequence_id OR NEW.number IS NOT OLD.number
        OR NEW.notation IS NOT OLD.notation OR NEW.issued_on IS NOT OLD.issued_on)
    BEGIN SELECT RAISE(ABORT, 'docreg: the number, notation and date of an issued document never change'); END
    """,
    """
    CREATE TRIGGER registry_document_arrival_frozen
    BEFORE UPDATE OF arrival_sequence_id, arrival_number, received_at ON registry_document
    WHEN OLD.arrival_sequence_id IS NOT NULL AND (
        NEW.arrival_sequence_id IS NOT OLD.arrival_sequence_id OR NEW.arrival_number IS NOT OLD.arrival_number
        OR NEW.received_at IS NOT OLD.received_at)
    BEGIN SELECT RAISE(ABORT, 'docreg: the arrival number and time of a document never change'); END
    """,
    """
    CREATE TRIGGER registry_document_no_redraft
    BEFORE UPDATE OF status ON registry_document
    WHEN OLD.status <> 'draft' AND NEW.status = 'draft'
    BEGIN SELECT RAISE(ABORT, 'docreg: an issued document cannot become a draft again'); END
    """,
]

SQLITE_UNGUARD = [
    "DROP TRIGGER IF EXISTS registry_document_number_frozen",
    "DROP TRIGGER IF EXISTS registry_document_arrival_frozen",
    "DROP TRIGGER IF EXISTS registry_document_no_redraft",
]


def install_guards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_GUARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_GUARD:
            schema_editor.execute(statement)


def remove_guards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UNGUARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UNGUARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        migrations.RunPython(seed_document_types, migrations.RunPython.noop),
        migrations.RunPython(install_guards, remove_guards),
    ]
