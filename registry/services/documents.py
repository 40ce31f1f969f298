"""Drafting, correcting, deleting drafts and withdrawing documents."""

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, diff, snapshot
from core.errors import Conflict, DomainError
from core.events import send_event_on_commit
from core.stored_files import stored_files_release
from core.text import clean_text
from recipients.models import User
from registry.clearance import require_clearance
from registry.models import (
    Direction,
    DistributionEntry,
    Document,
    DocumentAddressee,
    DocumentReference,
    DocumentStatus,
    DocumentType,
    Register,
)
from registry.permissions import require_register_clerk
from registry.services.content import (
    AddresseeInput,
    DistributionInput,
    ReferenceInput,
    apply_fields,
    apply_incoming_notation,
    build_addressees,
    build_distribution,
    build_references,
    default_distribution,
    file_copy_holder_from,
    parse_incoming_notation,
    refresh_search_text,
)

__all__ = [
    "AddresseeInput",
    "DistributionInput",
    "ReferenceInput",
    "document_create_draft",
    "document_delete_draft",
    "document_update",
    "document_withdraw",
]

DRAFT_FIELDS = {
    "doc_type",
    "subject",
    "body",
    "signer_name",
    "signer_title",
    "signer_authority",
    "urgency",
    "confidentiality",
    "page_count",
    "copies",
    "drafting_unit",
    "place",
    "file_copy_holder",
    "note",
}
# Register-book columns filled in after issue (copies made, date sent, who
# signed for it). Changing them is recorded, never silent.
AFTER_ISSUE_FIELDS = {"page_count", "copies", "file_copy_holder", "transferred_on", "receipt_signature", "note"}
# What a clerk transcribed from a received document can be corrected, with the
# correction recorded; the arrival number and date cannot.
INCOMING_FIELDS = AFTER_ISSUE_FIELDS | {
    "doc_type",
    "subject",
    "body",
    "issued_on",
    "issuer_name",
    "signer_name",
    "signer_title",
    "urgency",
    "handling_unit",
    "handling_deadline",
    "handling_progress",
}
WITHDRAWN_FIELDS = {"note"}
AUDITED_FIELDS = tuple(sorted(DRAFT_FIELDS | INCOMING_FIELDS | {"register", "notation"}))


def editable_fields(document: Document) -> set[str]:
    if document.status == DocumentStatus.DRAFT:
        return DRAFT_FIELDS | {"register"}
    if document.status == DocumentStatus.WITHDRAWN:
        return WITHDRAWN_FIELDS
    if document.direction == Direction.INCOMING:
        return INCOMING_FIELDS
    return AFTER_ISSUE_FIELDS


def write_lines(
    document: Document,
    *,
    addressees: Sequence[AddresseeInput] | None,
    distribution: Sequence[DistributionInput] | None,
    references: Sequence[ReferenceInput] | None,
) -> dict[str, Any]:
    """Replaces the given line lists; returns their before/after for the audit."""
    changes: dict[str, Any] = {}
    if addressees is not None:
        rows = build_addressees(document, addressees)
        before = list(document.addressees.values_list("text", flat=True))
        document.addressees.all().delete()
        DocumentAddressee.objects.bulk_create(rows)
        changes["addressees"] = {"before": before, "after": [row.text for row in rows]}
    if distribution is not None:
        dist_rows = build_distribution(document, distribution)
        before = [entry.printed for entry in document.distribution.all()]
        document.distribution.all().delete()
        DistributionEntry.objects.bulk_create(dist_rows)
        changes["distribution"] = {"before": before, "after": [row.printed for row in dist_rows]}
        if not document.file_copy_holder:
            document.file_copy_holder = file_copy_holder_from(dist_rows)
    if references is not None:
        ref_rows = build_references(document, references)
        before = [ref.notation for ref in document.references.all()]
        document.references.all().delete()
        DocumentReference.objects.bulk_create(ref_rows)
        changes["references"] = {"before": before, "after": [row.notation for row in ref_rows]}
    return {key: value for key, value in changes.items() if value["before"] != value["after"]}


@transaction.atomic
def document_create_draft(
    *,
    register: Register,
    actor: User,
    doc_type: DocumentType,
    subject: str,
    addressees: Sequence[AddresseeInput] = (),
    distribution: Sequence[DistributionInput] | None = None,
    references: Sequence[ReferenceInput] = (),
    **fields: Any,
) -> Document:
    """A new outgoing draft. Without an explicit distribution the usual one is
    filled in: “Như trên” (when there are addressees) and the file copy line."""
    require_register_clerk(actor, register)
    if register.direction != Direction.OUTGOING:
        raise DomainError(
            _("“%(register)s” is an incoming register; drafts belong in an outgoing register.")
            % {"register": register.name},
            field="register",
        )
    if not register.is_active:
        raise DomainError(_("The register “%(register)s” is closed.") % {"register": register.name}, field="register")
    owner = register.owner
    document = Document(
        register=register,
        direction=Direction.OUTGOING,
        system=register.system,
        status=DocumentStatus.DRAFT,
        doc_type=doc_type,
        issuer=owner,
        issuer_name=owner.name,
        issuer_header_name=owner.printed_header_name,
        issuer_header_parent=owner.header_parent_name,
        issuer_abbreviation=owner.abbreviation,
        place=owner.place,
        created_by=actor,
    )
    apply_fields(document, {"doc_type": doc_type, "subject": subject, **fields}, DRAFT_FIELDS)
    require_clearance(actor, document.confidentiality)
    document.type_abbreviation = document.doc_type.abbreviation_for(document.system)
    document.save()
    if distribution is None:
        distribution = default_distribution(document, has_addressees=bool(addressees))
    lines = write_lines(document, addressees=addressees, distribution=distribution, references=references)
    refresh_search_text(document)
    document.save(update_fields=["search_text", "file_copy_holder"])
    audit_record(
        actor=actor,
        action="document.create_draft",
        obj=document,
        changes={**diff({}, snapshot(document, AUDITED_FIELDS)), **lines},
    )
    send_event_on_commit("document.drafted", document_id=document.pk)
    return document


@transaction.atomic
def document_update(
    *,
    document: Document,
    actor: User,
    changes: Mapping[str, Any],
    addressees: Sequence[AddresseeInput] | None = None,
    distribution: Sequence[DistributionInput] | None = None,
    references: Sequence[ReferenceInput] | None = None,
) -> Document:
    """Edits a draft freely; after issue only the register-book columns (and,
    for incoming documents, the transcribed details) can change, each change
    recorded with its before and after. The number never changes."""
    document = Document.objects.select_for_update().select_related("register__owner", "doc_type").get(pk=document.pk)
    require_register_clerk(actor, document.register)
    require_clearance(actor, document.confidentiality)
    changes = dict(changes)
    is_draft = document.status == DocumentStatus.DRAFT
    if not is_draft and (addressees is not None or distribution is not None):
        raise DomainError(
            _("The addressees and distribution of a document that is %(status)s cannot change.")
            % {"status": document.get_status_display().lower()},
            code="frozen_fields",
        )
    if document.status == DocumentStatus.WITHDRAWN and references is not None:
        raise DomainError(_("A withdrawn document is frozen."), code="frozen_fields")
    before = snapshot(document, AUDITED_FIELDS)
    new_register = changes.pop("register", None)
    if new_register is not None and new_register.pk != document.register_id:
        if not is_draft:
            raise DomainError(_("Only a draft can move to another register."), code="frozen_fields", field="register")
        require_register_clerk(actor, new_register)
        if new_register.direction != Direction.OUTGOING or new_register.owner_id != document.register.owner_id:
            raise DomainError(
                _("A draft can only move to another outgoing register of the same organization."), field="register"
            )
        document.register = new_register
        document.system = new_register.system
    if "notation" in changes:
        if document.direction != Direction.INCOMING or document.status == DocumentStatus.WITHDRAWN:
            raise DomainError(
                _("The number and notation are given by issuing and never edited."),
                code="frozen_fields",
                field="notation",
            )
        apply_incoming_notation(document, parse_incoming_notation(changes.pop("notation")))
    apply_fields(document, changes, editable_fields(document))
    require_clearance(actor, document.confidentiality)
    if is_draft:
        document.type_abbreviation = document.doc_type.abbreviation_for(document.system)
    lines = write_lines(document, addressees=addressees, distribution=distribution, references=references)
    refresh_search_text(document)
    document.save()
    recorded = {**diff(before, snapshot(document, AUDITED_FIELDS)), **lines}
    if recorded:
        audit_record(actor=actor, action="document.update", obj=document, changes=recorded)
        send_event_on_commit("document.updated", document_id=document.pk, fields=sorted(recorded))
    return document


@transaction.atomic
def document_delete_draft(*, document: Document, actor: User) -> None:
    """Only drafts can be deleted: a number, once given, stays on record."""
    document = Document.objects.select_for_update().select_related("register__owner").get(pk=document.pk)
    require_register_clerk(actor, document.register)
    require_clearance(actor, document.confidentiality)
    if document.status != DocumentStatus.DRAFT:
        raise Conflict(
            _("%(document)s is %(status)s: documents with a number are never deleted; withdraw it instead.")
            % {"document": document.notation or document.pk, "status": document.get_status_display().lower()},
            code="not_deletable",
        )
    audit_record(
        actor=actor, action="document.delete_draft", obj=document, changes=diff(snapshot(document, AUDITED_FIELDS), {})
    )
    files = list(document.attachments.values_list("file", flat=True))
    document.delete()
    if files:
        # Its files go with it, unless another document's attachment is the same file.
        transaction.on_commit(functools.partial(stored_files_release, files), robust=True)


@transaction.atomic
def document_withdraw(*, document: Document, actor: User, reason: str) -> Document:
    """Withdraws (thu hồi) an issued or received document. It keeps its number
    and is frozen from then on."""
    document = Document.objects.select_for_update().select_related("register__owner").get(pk=document.pk)
    require_register_clerk(actor, document.register)
    require_clearance(actor, document.confidentiality)
    if document.status not in {DocumentStatus.ISSUED, DocumentStatus.DISPATCHED, DocumentStatus.RECEIVED}:
        raise Conflict(
            _("Only an issued, dispatched or received document can be withdrawn; this one is %(status)s.")
            % {"status": document.get_status_display().lower()},
            code="not_withdrawable",
        )
    reason = clean_text(reason or "", label=_("Reason"), field="reason", multiline=True, max_length=2000)
    if not reason:
        raise DomainError(_("Say why the document is withdrawn."), field="reason")
    before_status = document.status
    document.status = DocumentStatus.WITHDRAWN
    document.withdrawn_at = timezone.now()
    document.withdrawn_by = actor
    document.withdrawal_reason = reason
    document.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="document.withdraw",
        obj=document,
        changes={"status": {"before": before_status, "after": document.status}},
        data={"reason": reason, "notation": document.notation},
    )
    send_event_on_commit("document.withdrawn", document_id=document.pk)
    return document
