"""Issuing (ban hành): a draft gets the next number of its sequence, its
notation and its date, all in one transaction."""

import datetime
import functools
from collections.abc import Sequence
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import Conflict, DomainError, NotFound
from core.events import send_event_on_commit
from core.time import office_today
from recipients.models import Organization, User
from registry.clearance import require_clearance
from registry.models import (
    Direction,
    DistributionEntry,
    DistributionKind,
    Document,
    DocumentAddressee,
    DocumentStatus,
    DocumentType,
    NotationSystem,
    Register,
)
from registry.notation import NotationError, format_symbol, notation_from_symbol
from registry.permissions import require_register_clerk
from registry.services.content import join_search_text, search_text_besides_notation
from registry.services.numbering import sequence_key, take_next_number


def _check_ready(document: Document, *, issued_on: datetime.date, today: datetime.date) -> None:
    """What a document needs before it may carry a number (the line checks
    come from the annotations of _lock_draft)."""
    missing = []
    if not document.subject:
        missing.append(_("subject"))
    if not document.signer_name and not document.signer_authority and not document.signer_title:
        missing.append(_("signer"))
    if missing:
        raise DomainError(
            _("The draft cannot be issued yet; it lacks: %(missing)s.") % {"missing": ", ".join(missing)},
            code="incomplete",
        )
    if issued_on > today:
        raise DomainError(_("A document cannot be issued with a date in the future."), field="issued_on")
    if not document.has_file_copy:  # type: ignore[attr-defined]
        raise DomainError(
            _("The distribution (Nơi nhận) must end with the file copy line, e.g. “Lưu: VT, …”."),
            code="incomplete",
            field="distribution",
        )
    if document.has_as_above and not document.has_addressees:  # type: ignore[attr-defined]
        raise DomainError(
            _("The distribution says “Như trên” but the document has no addressees (Kính gửi)."),
            code="incomplete",
            field="distribution",
        )
    if document.system == NotationSystem.STATE and document.doc_type.is_letter and not document.drafting_unit:
        raise DomainError(
            _("A State official letter (công văn) names its drafting unit in the notation, e.g. 1163/STTTT-TTBCBC."),
            code="incomplete",
            field="drafting_unit",
        )
    owner = document.register.owner
    if (owner.active_from and issued_on < owner.active_from) or (owner.active_to and issued_on > owner.active_to):
        raise DomainError(
            _("%(organization)s was not active on %(day)s and cannot issue documents dated then.")
            % {"organization": owner.name, "day": issued_on.strftime("%d/%m/%Y")},
            field="issued_on",
        )


@transaction.atomic
def document_issue(*, document: Document, actor: User, issued_on: datetime.date | None = None) -> Document:
    """Gives a draft the next number of its register's current period and
    sequence, sets notation and date, and records who did it.

    `issued_on` defaults to today in Asia/Ho_Chi_Minh; an earlier date (a
    document signed late yesterday) is accepted when no later-dated document
    already took a number in the same sequence, so numbers keep date order.

    Every issue of a register queues on its counter row, so everything that
    does not need the number is read and computed before the counter is
    taken, and after it only three statements run: the counter, the document
    (its changed columns only) and the audit row.
    """
    document = _lock_draft(document.pk)
    register = document.register
    require_register_clerk(actor, register)
    require_clearance(actor, document.confidentiality)
    if document.direction != Direction.OUTGOING or document.status != DocumentStatus.DRAFT:
        raise Conflict(
            _("%(document)s is already %(status)s; only drafts are issued.")
            % {"document": document.notation or document.subject[:60], "status": document.get_status_display().lower()},
            code="not_a_draft",
        )
    if not register.is_active:
        raise DomainError(_("The register “%(register)s” is closed.") % {"register": register.name})
    today = office_today()
    backdated = issued_on is not None and issued_on != today
    issued_on = issued_on or today
    _check_ready(document, issued_on=issued_on, today=today)
    owner = register.owner
    # Every draft write keeps search_text current; only an issuer renamed
    # since then makes it stale (the name is part of it).
    renamed = owner.name != document.issuer_name
    # The document keeps the issuer's names as they are today.
    document.issuer = owner
    document.issuer_name = owner.name
    document.issuer_header_name = owner.printed_header_name
    document.issuer_header_parent = owner.header_parent_name
    document.issuer_abbreviation = owner.abbreviation
    document.type_abbreviation = document.doc_type.abbreviation_for(document.system)
    if renamed:
        texts = document.addressees.order_by("position").values_list("text", flat=True)
        search_rest = search_text_besides_notation(document, list(texts))
    else:
        search_rest = document.search_text
    unit = document.drafting_unit if document.system == NotationSystem.STATE and document.doc_type.is_letter else ""
    try:
        symbol = format_symbol(
            system=document.system, type_abbr=document.type_abbreviation, issuer=owner.abbreviation, unit=unit
        )
    except NotationError as exc:
        raise DomainError(str(exc), field="notation") from exc
    key = sequence_key(
        register=register, day=issued_on, confidentiality=document.confidentiality, doc_type=document.doc_type
    )

    # From here until commit the counter row is locked: keep this stretch short.
    seq_id, number = take_next_number(key)
    if (
        backdated
        and Document.objects.filter(sequence_id=seq_id, issued_on__gt=issued_on).exclude(pk=document.pk).exists()
    ):
        raise DomainError(
            _("A later-dated document already has a number in this sequence; the date must be on or after it."),
            field="issued_on",
        )
    document.status = DocumentStatus.ISSUED
    document.number = number
    document.sequence_id = seq_id
    document.notation = notation_from_symbol(document.system, number, symbol)
    document.issued_on = issued_on
    document.issued_at = timezone.now()
    document.issued_by = actor
    document.search_text = join_search_text(document.notation, search_rest)
    document.updated_at = document.issued_at
    _save_issued(document)
    audit_record(
        actor=actor,
        action="document.issue",
        obj=document,
        changes={
            "status": {"before": DocumentStatus.DRAFT, "after": DocumentStatus.ISSUED},
            "number": {"before": None, "after": number},
            "notation": {"before": "", "after": document.notation},
            "issued_on": {"before": None, "after": issued_on.isoformat()},
        },
    )
    send_event_on_commit("document.issued", document_id=document.pk, notation=document.notation)
    return document


# Issuing is the hot path of a busy register: every issue queues on the
# register's counter, so it is written with explicit SQL (three statements
# instead of the ORM's seven, none of them compiled per call). The statements
# are built from the models' own column names.
DRAFT_FIELDS = (
    "id",
    "register_id",
    "doc_type_id",
    "direction",
    "status",
    "system",
    "notation",
    "subject",
    "signer_name",
    "signer_title",
    "signer_authority",
    "drafting_unit",
    "confidentiality",
    "issuer_name",
    "search_text",
)
REGISTER_FIELDS = (
    "id",
    "owner_id",
    "name",
    "is_active",
    "period_kind",
    "term_start",
    "term_end",
    "sequence_scope",
    "confidential_series",
)
OWNER_FIELDS = ("id", "name", "abbreviation", "header_name", "header_parent_name", "active_from", "active_to")
TYPE_FIELDS = ("id", "code", "state_name", "state_abbreviation", "party_name", "party_abbreviation", "is_letter")


def _concrete(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    """The named fields (by attname) in the model's own order, the order Model.from_db takes values in."""
    return [field for field in model._meta.concrete_fields if field.attname in names]


def _columns(model: type[models.Model], alias: str, fields: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(str(field.column))}" for field in _concrete(model, fields))


@functools.cache
def _draft_sql(vendor: str) -> str:
    """Identifiers come from the models' metadata; every value is a parameter.
    Built once per database vendor."""
    quote = connection.ops.quote_name

    def table(model: type[models.Model]) -> str:
        return quote(model._meta.db_table)

    lines = (
        f"SELECT 1 FROM {table(DistributionEntry)} e WHERE e.{quote('document_id')} = d.{quote('id')} "  # noqa: S608
        f"AND e.{quote('kind')} = %s"
    )
    lock = " FOR UPDATE OF d" if connection.features.has_select_for_update_of else ""
    return (
        f"SELECT {_columns(Document, 'd', DRAFT_FIELDS)}, {_columns(Register, 'r', REGISTER_FIELDS)}, "  # noqa: S608
        f"{_columns(Organization, 'o', OWNER_FIELDS)}, {_columns(DocumentType, 't', TYPE_FIELDS)}, "
        f"EXISTS (SELECT 1 FROM {table(DocumentAddressee)} a WHERE a.{quote('document_id')} = d.{quote('id')}), "
        f"EXISTS ({lines}), EXISTS ({lines}) "
        f"FROM {table(Document)} d "
        f"JOIN {table(Register)} r ON r.{quote('id')} = d.{quote('register_id')} "
        f"JOIN {table(Organization)} o ON o.{quote('id')} = r.{quote('owner_id')} "
        f"JOIN {table(DocumentType)} t ON t.{quote('id')} = d.{quote('doc_type_id')} "
        f"WHERE d.{quote('id')} = %s{lock}"
    )


def _lock_draft(pk: int) -> Document:
    """The draft, locked, with its register, owner and type; attributes
    has_addressees, has_file_copy and has_as_above tell what its lines hold.
    Fields not read here are deferred and load on access."""
    with connection.cursor() as cursor:
        cursor.execute(_draft_sql(connection.vendor), [DistributionKind.FILE_COPY, DistributionKind.AS_ABOVE, pk])
        row = cursor.fetchone()
    if row is None:
        raise NotFound(_("No document %(id)s.") % {"id": pk})
    values = iter(row)

    def load[M: models.Model](model: type[M], fields: tuple[str, ...]) -> M:
        names = [field.attname for field in _concrete(model, fields)]
        return model.from_db(connection.alias, names, [next(values) for _ in names])

    document = load(Document, DRAFT_FIELDS)
    document.register = load(Register, REGISTER_FIELDS)
    document.register.owner = load(Organization, OWNER_FIELDS)
    document.doc_type = load(DocumentType, TYPE_FIELDS)
    flags = [bool(value) for value in values]
    document.has_addressees, document.has_file_copy, document.has_as_above = flags  # type: ignore[attr-defined]
    return document


@functools.cache
def _save_issued_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in _concrete(Document, ISSUED_FIELDS))
    return f"UPDATE {quote(Document._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608


def _save_issued(document: Document) -> None:
    """UPDATE of the columns issuing sets, nothing else."""
    fields = _concrete(Document, ISSUED_FIELDS)
    params = [field.get_db_prep_save(getattr(document, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(_save_issued_sql(connection.vendor), [*params, document.pk])


ISSUED_FIELDS = [
    "status",
    "number",
    "sequence_id",
    "notation",
    "type_abbreviation",
    "issuer_abbreviation",
    "issued_on",
    "issued_at",
    "issued_by_id",
    "issuer_id",
    "issuer_name",
    "issuer_header_name",
    "issuer_header_parent",
    "search_text",
    "updated_at",
]
