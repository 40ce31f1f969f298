"""Sending issued documents to their recipients, receipt and registration
on the recipient's side."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import Conflict, DomainError, PermissionDenied
from core.events import send_event_on_commit
from core.time import office_today
from dispatch.models import Channel, Delivery
from dispatch.services.notify import notify, organization_users
from recipients.models import Organization, RecipientGroup, Role, User
from recipients.selectors import group_members
from registry.models import (
    AddresseeKind,
    Direction,
    DistributionKind,
    Document,
    DocumentStatus,
    ReferenceRelation,
    Register,
)
from registry.permissions import require_register_clerk
from registry.services import ReferenceInput, register_incoming


@dataclass
class DispatchResult:
    deliveries: list[Delivery]
    not_delivered: list[str] = field(default_factory=list)
    """Lines that name no organization in the directory (free text): send those on paper."""


def dispatch_recipients(document: Document, extra: Sequence[Organization]) -> tuple[list[Organization], list[str]]:
    """Organizations the document goes to, in the order it names them: the
    addressees (groups expanded to their members today), the organizations
    and groups of the distribution (“Như trên” stands for the addressees),
    then `extra`. The issuer and bodies no longer active are left out. Also
    what the dispatch page shows before the clerk confirms: the free-text
    entries come second, to be sent on paper."""
    today = office_today()
    found: dict[int, Organization] = {}
    free_text: list[str] = []

    def add(organization: Organization) -> None:
        inactive = (organization.active_from and organization.active_from > today) or (
            organization.active_to and organization.active_to < today
        )
        if organization.pk != document.register.owner_id and not inactive:
            found.setdefault(organization.pk, organization)

    def add_line(kind: str, organization: Organization | None, group: RecipientGroup | None, text: str) -> None:
        if organization is not None:
            add(organization)
        elif group is not None:
            for member in group_members(group):
                add(member)
        elif kind == AddresseeKind.TEXT:
            free_text.append(text)

    for line in document.addressees.select_related("organization", "group").order_by("position"):
        add_line(line.kind, line.organization, line.group, line.text)
    for entry in document.distribution.select_related("organization", "group").order_by("position"):
        if entry.kind in (DistributionKind.ORGANIZATION, DistributionKind.GROUP):
            add_line(entry.kind, entry.organization, entry.group, entry.text)
        elif entry.kind == DistributionKind.TEXT:
            free_text.append(entry.printed)
    for organization in extra:
        add(organization)
    return list(found.values()), free_text


@transaction.atomic
def document_dispatch(
    *,
    document: Document,
    actor: User,
    channel: str = Channel.ELECTRONIC,
    extra_recipients: Sequence[Organization] = (),
) -> DispatchResult:
    """Sends an issued document: one delivery per recipient organization, each
    keeping the recipient's name as it is today. Dispatching again later
    reaches only recipients that have no delivery yet (a group that grew,
    organizations added with `extra_recipients`)."""
    document = Document.objects.select_for_update().select_related("register__owner").get(pk=document.pk)
    require_register_clerk(actor, document.register)
    if document.direction != Direction.OUTGOING or document.status not in (
        DocumentStatus.ISSUED,
        DocumentStatus.DISPATCHED,
    ):
        raise Conflict(
            _("Only an issued document can be dispatched; this one is %(status)s.")
            % {"status": document.get_status_display().lower()},
            code="not_dispatchable",
        )
    if channel not in Channel.values:
        raise DomainError(_("Unknown channel “%(channel)s”.") % {"channel": channel}, field="channel")
    recipients, free_text = dispatch_recipients(document, extra_recipients)
    already = set(Delivery.objects.filter(document=document).values_list("recipient_id", flat=True))
    now = timezone.now()
    new = [
        Delivery(document=document, recipient=org, recipient_name=org.name, channel=channel, sent_at=now, sent_by=actor)
        for org in recipients
        if org.pk not in already
    ]
    if not new and not already:
        raise DomainError(
            _("The document names no organization of the directory to send it to; send it on paper."),
            code="no_recipients",
        )
    Delivery.objects.bulk_create(new)
    if document.status == DocumentStatus.ISSUED or not document.transferred_on:
        before = document.status
        document.status = DocumentStatus.DISPATCHED
        document.transferred_on = document.transferred_on or office_today()
        document.save(update_fields=["status", "transferred_on", "updated_at"])
        if before != document.status:
            audit_record(
                actor=actor,
                action="document.dispatch",
                obj=document,
                changes={"status": {"before": before, "after": document.status}},
            )
    if new:
        audit_record(
            actor=actor,
            action="document.deliver",
            obj=document,
            data={"channel": channel, "recipients": [delivery.recipient_name for delivery in new]},
        )
        notify(
            organization_users(delivery.recipient_id for delivery in new),
            kind="delivery",
            title=_("New document: %(notation)s") % {"notation": document.notation},
            body=document.subject,
            document=document,
        )
        send_event_on_commit("document.dispatched", document_id=document.pk, deliveries=[d.pk for d in new])
    deliveries = list(Delivery.objects.filter(document=document).select_related("recipient").order_by("id"))
    return DispatchResult(deliveries=deliveries, not_delivered=free_text)


def _require_recipient(actor: User, delivery: Delivery) -> None:
    if actor.organization_id != delivery.recipient_id:
        raise PermissionDenied(
            _("Only people of %(organization)s can receive this delivery.") % {"organization": delivery.recipient_name}
        )


@transaction.atomic
def delivery_acknowledge(*, delivery: Delivery, actor: User) -> Delivery:
    """Records that the recipient organization has the document (opened or
    acknowledged by one of its users). The first time counts."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    _require_recipient(actor, delivery)
    if delivery.received_at is None:
        delivery.received_at = timezone.now()
        delivery.received_by = actor
        delivery.save(update_fields=["received_at", "received_by"])
        audit_record(actor=actor, action="delivery.receive", obj=delivery)
        send_event_on_commit("delivery.received", delivery_id=delivery.pk)
    return delivery


def default_incoming_register(organization: Organization) -> Register:
    register = (
        Register.objects.filter(owner=organization, direction=Direction.INCOMING, is_active=True).order_by("id").first()
    )
    if register is None:
        raise DomainError(
            _("%(organization)s has no open incoming register.") % {"organization": organization.name},
            code="no_incoming_register",
        )
    return register


@transaction.atomic
def delivery_register(
    *, delivery: Delivery, actor: User, register: Register | None = None, confirm_duplicate: bool = False
) -> Document:
    """The recipient's clerk registers the delivered document in their own
    incoming register in one step: arrival number, everything the original
    says, and a link to it."""
    delivery = (
        Delivery.objects.select_for_update().select_related("document__doc_type", "recipient").get(pk=delivery.pk)
    )
    _require_recipient(actor, delivery)
    if actor.role != Role.CLERK:
        raise PermissionDenied(_("Only a clerk (văn thư) registers incoming documents."))
    if delivery.registered_as_id is not None:
        raise Conflict(
            _("This delivery is already registered (arrival number %(number)s).")
            % {"number": delivery.registered_as.arrival_number if delivery.registered_as else "?"},
            code="already_registered",
        )
    register = register or default_incoming_register(delivery.recipient)
    require_register_clerk(actor, register)
    original = delivery.document
    incoming = register_incoming(
        register=register,
        registered_by=actor,
        subject=original.subject,
        notation=original.notation,
        doc_type=original.doc_type,
        sender=original.issuer,
        sender_name=original.issuer_name,
        original=original,
        issued_on=original.issued_on,
        signer_name=original.signer_name,
        signer_title=original.signer_title,
        urgency=original.urgency,
        confidentiality=original.confidentiality,
        page_count=original.page_count,
        confirm_duplicate=confirm_duplicate,
        references=[ReferenceInput(relation=ReferenceRelation.CITES, target=original)],
    )
    delivery.registered_as = incoming
    if delivery.received_at is None:
        delivery.received_at = incoming.received_at
        delivery.received_by = actor
    delivery.save(update_fields=["registered_as", "received_at", "received_by"])
    audit_record(
        actor=actor, action="delivery.register", obj=delivery, data={"arrival_number": incoming.arrival_number}
    )
    return incoming
