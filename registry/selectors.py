"""Reads of registers and documents, scoped to what the user may see."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from core.errors import NotFound
from dispatch.models import Assignment, Delivery
from recipients.models import Role, User
from recipients.selectors import scope_filter
from registry.clearance import clearance_filter
from registry.models import (
    DistributionEntry,
    Document,
    DocumentAddressee,
    DocumentReference,
    DocumentStatus,
    DocumentType,
    Register,
)

SENT_STATUSES = (DocumentStatus.ISSUED, DocumentStatus.DISPATCHED, DocumentStatus.WITHDRAWN)


def document_type_list() -> QuerySet[DocumentType]:
    return DocumentType.objects.all()


def register_list(*, user: User) -> QuerySet[Register]:
    registers = Register.objects.select_related("owner")
    scope = scope_filter(user, "owner_id")
    return registers if scope is None else registers.filter(scope)


def register_get(*, user: User, pk: int) -> Register:
    try:
        return register_list(user=user).get(pk=pk)
    except Register.DoesNotExist:
        raise NotFound(_("No register %(id)s that you can see.") % {"id": pk}) from None


def visible_documents(documents: QuerySet[Document], *, user: User) -> QuerySet[Document]:
    """Clerks and leaders see the registers of their organization and the
    bodies below it; reporters their own organization's. Everyone sees the
    issued documents addressed or delivered to their organization, or that
    oblige it to report. Nobody sees a document above their clearance
    (registry.clearance), administrators included."""
    cleared = clearance_filter(user)
    if cleared is not None:
        documents = documents.filter(cleared)
    own = scope_filter(user, "register__owner_id")
    if own is None:
        return documents
    if user.organization_id is None:
        return documents.filter(own)
    if user.role == Role.REPORTER:
        # Reporters work on answers, not on their organization's drafts.
        own &= ~Q(status=DocumentStatus.DRAFT)
    organization_id = user.organization_id
    addressed = Exists(DocumentAddressee.objects.filter(document=OuterRef("pk"), organization_id=organization_id))
    delivered = Exists(Delivery.objects.filter(document=OuterRef("pk"), recipient_id=organization_id))
    obliged = Exists(Assignment.objects.filter(obligation__document=OuterRef("pk"), organization_id=organization_id))
    return documents.filter(own | ((addressed | delivered | obliged) & Q(status__in=SENT_STATUSES)))


def document_list(*, user: User) -> QuerySet[Document]:
    documents = Document.objects.select_related("register", "doc_type", "issued_by", "withdrawn_by").prefetch_related(
        Prefetch("addressees", queryset=DocumentAddressee.objects.order_by("position")),
        Prefetch("distribution", queryset=DistributionEntry.objects.order_by("position")),
        Prefetch("references", queryset=DocumentReference.objects.order_by("position", "id")),
        "attachments",
    )
    return visible_documents(documents, user=user)


def document_get(*, user: User, pk: int, detail: bool = True) -> Document:
    """The document if the user may see it. Without `detail` only the row and
    its register are loaded: enough for a service that re-reads and locks it."""
    documents = (
        document_list(user=user)
        if detail
        else visible_documents(Document.objects.select_related("register__owner"), user=user)
    )
    try:
        return documents.get(pk=pk)
    except Document.DoesNotExist:
        raise NotFound(_("No document %(id)s that you can see.") % {"id": pk}) from None
