"""Issuing (ban hành): a draft gets the next number of its sequence, its
notation and its date, all in one transaction."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import Conflict, DomainError
from core.events import send_event_on_commit
from core.time import office_today
from recipients.models import User
from registry.models import Direction, DistributionKind, Document, DocumentStatus, NotationSystem
from registry.notation import NotationError, format_notation
from registry.permissions import require_register_clerk
from registry.services.content import refresh_search_text
from registry.services.numbering import sequence_key, take_next_number


def _check_ready(document: Document, issued_on: datetime.date, today: datetime.date) -> None:
    """What a document needs before it may carry a number."""
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
    kinds = [entry.kind for entry in document.distribution.all()]
    if DistributionKind.FILE_COPY not in kinds:
        raise DomainError(
            _("The distribution (Nơi nhận) must end with the file copy line, e.g. “Lưu: VT, …”."),
            code="incomplete",
            field="distribution",
        )
    if DistributionKind.AS_ABOVE in kinds and not document.addressees.exists():
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
    """
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("register__owner", "doc_type")
        .get(pk=document.pk)
    )
    register = document.register
    require_register_clerk(actor, register)
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
    _check_ready(document, issued_on, today)
    owner = register.owner
    type_abbr = document.doc_type.abbreviation_for(document.system)
    unit = document.drafting_unit if document.system == NotationSystem.STATE and document.doc_type.is_letter else ""
    key = sequence_key(
        register=register, day=issued_on, confidentiality=document.confidentiality, doc_type=document.doc_type
    )

    # From here until commit the counter row is locked: keep this stretch short.
    sequence_id, number = take_next_number(key)
    if (
        backdated
        and Document.objects.filter(sequence_id=sequence_id, issued_on__gt=issued_on).exclude(pk=document.pk).exists()
    ):
        raise DomainError(
            _("A later-dated document already has a number in this sequence; the date must be on or after it."),
            field="issued_on",
        )
    try:
        notation = format_notation(
            system=document.system, number=number, type_abbr=type_abbr, issuer=owner.abbreviation, unit=unit
        )
    except NotationError as exc:
        raise DomainError(str(exc), field="notation") from exc
    document.status = DocumentStatus.ISSUED
    document.number = number
    document.sequence_id = sequence_id
    document.notation = notation
    document.type_abbreviation = type_abbr
    document.issuer_abbreviation = owner.abbreviation
    document.issued_on = issued_on
    document.issued_at = timezone.now()
    document.issued_by = actor
    # The document keeps the issuer's names as they are today.
    document.issuer = owner
    document.issuer_name = owner.name
    document.issuer_header_name = owner.printed_header_name
    document.issuer_header_parent = owner.header_parent_name
    refresh_search_text(document)
    document.save()
    audit_record(
        actor=actor,
        action="document.issue",
        obj=document,
        changes={
            "status": {"before": DocumentStatus.DRAFT, "after": DocumentStatus.ISSUED},
            "number": {"before": None, "after": number},
            "notation": {"before": "", "after": notation},
            "issued_on": {"before": None, "after": issued_on.isoformat()},
        },
    )
    send_event_on_commit("document.issued", document_id=document.pk, notation=notation)
    return document
