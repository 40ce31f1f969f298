"""What the bench database holds: one State organization, its clerk and a
template draft, and for every run a fresh outgoing register with its counter.

Import only after django.setup(). Drafts are bulk copies of the template,
which `document_create_draft` wrote with its addressee and distribution lines
(“Như trên”, “Lưu: VT, TTBCBC”), so every copy passes the service's
readiness checks; copying keeps setup to seconds where a thousand service
calls per run would take about a minute.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import connection, models

from core.time import office_today
from recipients.models import Organization, Role, User
from registry.models import (
    Direction,
    DistributionEntry,
    Document,
    DocumentAddressee,
    DocumentStatus,
    DocumentType,
    NotationSystem,
    NumberSequence,
    PeriodKind,
    Register,
)
from registry.notation import format_symbol
from registry.services import AddresseeInput, document_create_draft
from registry.services.numbering import sequence_key

SEQUENCE_TABLE = NumberSequence._meta.db_table
DOCUMENT_TABLE = Document._meta.db_table
# Set per transaction by the raw SQL clients.
RAW_PER_TRANSACTION = ("number", "notation", "issued_at")


class BenchmarkError(RuntimeError):
    """The database does not hold what the run should have left."""


@dataclass(frozen=True)
class World:
    organization_id: int
    clerk_id: int
    template_id: int


@dataclass(frozen=True)
class FreshRegister:
    """A fresh register and the counter its documents draw from today."""

    register: Register
    sequence_id: int


def create_world() -> World:
    organization = Organization.objects.create(
        name="Sở Thông tin và Truyền thông",
        abbreviation="STTTT",
        system="state",
        level="province",
        place="Kiên Giang",
        header_parent_name="UBND TỈNH KIÊN GIANG",
    )
    clerk = User.objects.create(
        username="vanthu_bench", organization=organization, role=Role.CLERK, last_name="Nguyễn Văn An"
    )
    register = fresh_register(organization.pk, "Sổ mẫu").register
    template = document_create_draft(
        register=register,
        actor=clerk,
        doc_type=DocumentType.objects.get(code="CV"),
        subject="Thông tin, tuyên truyền thực hiện Chỉ thị số 07-CT/TU",
        body="Sở Thông tin và Truyền thông đề nghị các cơ quan, đơn vị phối hợp thực hiện.",
        signer_name="Lâm Văn Sển",
        signer_title="GIÁM ĐỐC",
        drafting_unit="TTBCBC",
        addressees=[AddresseeInput(text="Các sở, ban, ngành cấp tỉnh")],
    )
    return World(organization_id=organization.pk, clerk_id=clerk.pk, template_id=template.pk)


def fresh_register(organization_id: int, name: str) -> FreshRegister:
    """A new register with its counter row for today's period already there,
    as it is for every document after the first of the year."""
    register = Register.objects.create(
        owner_id=organization_id,
        name=name,
        direction=Direction.OUTGOING,
        system=NotationSystem.STATE,
        period_kind=PeriodKind.YEAR,
    )
    key = sequence_key(register=register, day=office_today(), confidentiality="normal", doc_type=None)
    sequence = NumberSequence.objects.create(**key.lookup(), period_end=key.period_end)
    return FreshRegister(register=register, sequence_id=sequence.pk)


def _copy[M: models.Model](row: M, **overrides: object) -> M:
    """An unsaved copy of `row` with the same column values except `overrides` (by attname)."""
    values = {
        field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields if not field.primary_key
    }
    return type(row)(**(values | overrides))


def copy_drafts(world: World, register: Register, count: int) -> list[int]:
    """`count` drafts in `register`, each a copy of the template with its lines; their ids."""
    template = Document.objects.get(pk=world.template_id)
    addressees = list(template.addressees.all())
    distribution = list(template.distribution.all())
    copies = Document.objects.bulk_create([_copy(template, register_id=register.pk) for _ in range(count)])
    DocumentAddressee.objects.bulk_create([_copy(line, document_id=copy.pk) for copy in copies for line in addressees])
    DistributionEntry.objects.bulk_create(
        [_copy(line, document_id=copy.pk) for copy in copies for line in distribution]
    )
    return [copy.pk for copy in copies]


def issued_row(world: World, fresh: FreshRegister) -> tuple[dict[str, object], str]:
    """The columns of the template issued in `fresh` by the clerk today, as the
    service would leave them (except the per-transaction ones), and the notation's
    symbol ("STTTT-TTBCBC")."""
    template = Document.objects.get(pk=world.template_id)
    issued = _copy(
        template,
        register_id=fresh.register.pk,
        status=DocumentStatus.ISSUED,
        sequence_id=fresh.sequence_id,
        issued_on=office_today(),
        issued_by_id=world.clerk_id,
    )
    row = {
        field.column: field.get_db_prep_save(getattr(issued, field.attname), connection)
        for field in Document._meta.concrete_fields
        if field.column and not field.primary_key and field.attname not in RAW_PER_TRANSACTION
    }
    symbol = format_symbol(
        system=issued.system,
        type_abbr=issued.type_abbreviation,
        issuer=issued.issuer_abbreviation,
        unit=issued.drafting_unit,
    )
    return row, symbol


def settle() -> None:
    """Vacuums away the previous run's dead rows, refreshes planner statistics
    and flushes dirty pages, so no run pays for the one before it."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")


def verify_numbers(sequence_id: int, count: int) -> None:
    """Raises unless the counter's documents carry exactly the numbers 1..count."""
    # A document of the sequence without a number (the check constraints forbid it) would count as 0.
    numbers = [n or 0 for n in Document.objects.filter(sequence_id=sequence_id).values_list("number", flat=True)]
    last = NumberSequence.objects.values_list("last_number", flat=True).get(pk=sequence_id)
    expected = range(1, count + 1)
    if sorted(numbers) == list(expected) and last == count:
        return
    taken = Counter(numbers)
    duplicates = sorted(number for number, times in taken.items() if times > 1)
    missing = sorted(set(expected) - set(taken))
    raise BenchmarkError(
        f"sequence {sequence_id}: {len(numbers)} numbered documents, counter at {last}, expected 1..{count}; "
        f"duplicates {duplicates[:20]}, missing {missing[:20]}"
    )


def server_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    return f"postgresql {version.split()[0]}"
