"""Registering received documents (văn bản đến) with their arrival numbers."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, diff, snapshot
from core.errors import Conflict, DomainError
from core.events import send_event_on_commit
from core.text import clean_text, fold
from core.time import office_date
from recipients.models import Organization, User
from registry.clearance import require_clearance
from registry.models import Direction, Document, DocumentStatus, DocumentType, Register
from registry.permissions import require_register_clerk
from registry.services.content import (
    ReferenceInput,
    apply_fields,
    apply_incoming_notation,
    doc_type_for_notation,
    parse_incoming_notation,
    refresh_search_text,
)
from registry.services.documents import AUDITED_FIELDS, INCOMING_FIELDS, write_lines
from registry.services.numbering import sequence_key, take_next_number

# Allow for a client clock slightly ahead of the server's.
CLOCK_SKEW = datetime.timedelta(minutes=5)


def incoming_duplicates(
    *,
    owner: Organization,
    notation: str,
    sender: Organization | None,
    sender_name: str,
    exclude: Document | None = None,
) -> list[Document]:
    """Received documents of `owner` with the same number, notation and issuer
    (Decree 30, Appendix VI: the system warns about these)."""
    parsed = parse_incoming_notation(notation)
    if parsed is None:
        return []
    candidates = Document.objects.filter(
        direction=Direction.INCOMING, register__owner=owner, number=parsed.number, notation__iexact=parsed.format()
    ).select_related("register", "issuer")
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    folded_sender = fold(sender.name if sender else sender_name)
    return [
        doc
        for doc in candidates
        if (sender is not None and doc.issuer_id == sender.pk) or fold(doc.issuer_name) == folded_sender
    ]


def _duplicate_details(duplicates: Sequence[Document]) -> list[dict[str, Any]]:
    return [
        {
            "id": doc.pk,
            "arrival_number": doc.arrival_number,
            "received_at": doc.received_at.isoformat() if doc.received_at else None,
            "register": doc.register.name,
            "notation": doc.notation,
            "issuer_name": doc.issuer_name,
        }
        for doc in duplicates
    ]


@transaction.atomic
def document_register_incoming(
    *,
    register: Register,
    actor: User,
    subject: str,
    notation: str = "",
    doc_type: DocumentType | None = None,
    sender: Organization | None = None,
    sender_name: str = "",
    received_at: datetime.datetime | None = None,
    original: Document | None = None,
    references: Sequence[ReferenceInput] = (),
    confirm_duplicate: bool = False,
    **fields: Any,
) -> Document:
    """Registers a received document and gives it the next arrival number of
    the register's year.

    When the same number, notation and issuer were already registered, the
    clerk is warned (Conflict "duplicate_incoming" listing the earlier
    records) and nothing is written unless `confirm_duplicate` is set.
    """
    require_register_clerk(actor, register)
    return register_incoming(
        register=register,
        registered_by=actor,
        subject=subject,
        notation=notation,
        doc_type=doc_type,
        sender=sender,
        sender_name=sender_name,
        received_at=received_at,
        original=original,
        references=references,
        confirm_duplicate=confirm_duplicate,
        **fields,
    )


@transaction.atomic
def register_incoming(
    *,
    register: Register,
    registered_by: User,
    subject: str,
    notation: str = "",
    doc_type: DocumentType | None = None,
    sender: Organization | None = None,
    sender_name: str = "",
    received_at: datetime.datetime | None = None,
    original: Document | None = None,
    references: Sequence[ReferenceInput] = (),
    confirm_duplicate: bool = False,
    **fields: Any,
) -> Document:
    """The registration itself, for callers that checked who may do it: the
    register's clerk (document_register_incoming), or the system registering
    a report a district submitted (dispatch) in the requester's register."""
    actor = registered_by
    if register.direction != Direction.INCOMING:
        raise DomainError(
            _("“%(register)s” is an outgoing register; received documents go in an incoming register.")
            % {"register": register.name},
            field="register",
        )
    if not register.is_active:
        raise DomainError(_("The register “%(register)s” is closed.") % {"register": register.name}, field="register")
    now = timezone.now()
    received_at = received_at or now
    if received_at > now + CLOCK_SKEW:
        raise DomainError(_("The time of arrival cannot be in the future."), field="received_at")
    parsed = parse_incoming_notation(notation)
    doc_type = doc_type or (doc_type_for_notation(parsed) if parsed else None)
    if doc_type is None:
        raise DomainError(_("Choose the document type."), field="doc_type")
    sender_name = clean_text(sender_name or "", label=_("Sender"), field="sender_name", max_length=255) or (
        sender.name if sender else ""
    )
    if not sender_name:
        raise DomainError(_("Say who sent the document (the sender organization or its name)."), field="sender")
    issued_on = fields.get("issued_on")
    if issued_on is not None and issued_on > office_date(received_at):
        raise DomainError(_("The document cannot be dated after it arrived."), field="issued_on")

    duplicates = incoming_duplicates(owner=register.owner, notation=notation, sender=sender, sender_name=sender_name)
    # An earlier copy above the clerk's clearance is not named: the warning would reveal it.
    duplicates = [doc for doc in duplicates if actor.is_cleared_for(doc.confidentiality)]
    if duplicates and not confirm_duplicate:
        raise Conflict(
            _(
                "This document seems to be registered already (same number, notation and issuer): arrival number "
                "%(numbers)s. Confirm to register it again."
            )
            % {"numbers": ", ".join(str(doc.arrival_number) for doc in duplicates)},
            code="duplicate_incoming",
            details={"duplicates": _duplicate_details(duplicates)},
        )

    system = parsed.system if parsed else (sender.notation_system if sender else register.system)
    document = Document(
        register=register,
        direction=Direction.INCOMING,
        system=system,
        status=DocumentStatus.RECEIVED,
        doc_type=doc_type,
        issuer=sender,
        issuer_name=sender_name,
        issuer_header_name=sender.printed_header_name if sender else "",
        issuer_header_parent=sender.header_parent_name if sender else "",
        original=original,
        received_at=received_at,
        created_by=actor,
    )
    apply_incoming_notation(document, parsed)
    # Incoming documents keep the sender's system even for types our own
    # system does not use, so the type check is relaxed to either system.
    document.system = system if doc_type.used_by(system) else ("state" if doc_type.state_name else "party")
    apply_fields(
        document,
        {"doc_type": doc_type, "subject": subject, **fields},
        INCOMING_FIELDS | {"confidentiality", "place", "signer_authority"},
    )
    require_clearance(actor, document.confidentiality)
    key = sequence_key(
        register=register, day=office_date(received_at), confidentiality=document.confidentiality, doc_type=None
    )
    document.arrival_sequence_id, document.arrival_number = take_next_number(key)
    refresh_search_text(document, addressee_texts=[])
    document.save()
    write_lines(document, addressees=None, distribution=None, references=references)
    audit_record(
        actor=actor,
        action="document.register_incoming",
        obj=document,
        changes=diff({}, snapshot(document, (*AUDITED_FIELDS, "arrival_number", "received_at", "notation"))),
        data={"duplicate_confirmed": bool(duplicates)} if duplicates else None,
    )
    send_event_on_commit("document.received", document_id=document.pk, arrival_number=document.arrival_number)
    return document
