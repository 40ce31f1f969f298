"""Reads of registers and documents, scoped to what the user may see."""

import operator
from collections.abc import Sequence
from functools import reduce
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Exists, Expression, F, Func, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from core.errors import NotFound
from dispatch.models import Assignment, Delivery
from recipients.models import Role, User
from recipients.selectors import scope_filter
from registry.clearance import clearance_filter
from registry.models import (
    Attachment,
    DistributionEntry,
    Document,
    DocumentAddressee,
    DocumentReference,
    DocumentStatus,
    DocumentType,
    Register,
)
from registry.search import READER_SCOPE, READERS_COLUMN, REGISTER_SCOPE, WIDE_SCOPE, DocumentColumn

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
    (registry.clearance), administrators included.

    On PostgreSQL both halves are conditions an index serves beside the search
    vector (dispatch migration 0003): the register id among the user's
    registers, and the organization among the document's readers."""
    cleared = clearance_filter(user)
    if cleared is not None:
        documents = documents.filter(cleared)
    arms = visibility_arms(user)
    if arms is None:
        return documents
    return documents.filter(reduce(operator.or_, arms) if arms else Q(pk__in=[]))


def visibility_arms(user: User) -> list[Q] | None:
    """The ways the user may see a document, each a condition of its own (see
    visible_documents; clearance aside): none for a user of no organization,
    None for administrators, who see every register."""
    scope = scope_filter(user, "owner_id")
    if scope is None:
        return None
    if user.organization_id is None:
        return []
    own = Q(_AnyOf(F("register_id"), Subquery(Register.objects.filter(scope).order_by().values("pk"))))
    if user.role == Role.REPORTER:
        # Reporters work on answers, not on their organization's drafts.
        own &= ~Q(status=DocumentStatus.DRAFT)
    return [own, _reads(user.organization_id) & Q(status__in=SENT_STATUSES)]


def search_scopes(user: User) -> list[str] | None:
    """On PostgreSQL, the scopes registry.search.search_documents reads the
    user's matches under (dispatch migration 0004): each of the user's
    registers, the user's organization as a reader, and the documents read
    too widely to be indexed under each reader. They are the halves
    of visibility_arms without their conditions on status and clearance,
    which the search leaves to visible_documents. None for administrators
    (the search then reads under every register), and elsewhere: nothing
    indexes them."""
    if connection.vendor != "postgresql":
        return None
    scope = scope_filter(user, "owner_id")
    if scope is None:
        return None
    if user.organization_id is None:
        return []
    registers = Register.objects.filter(scope).order_by("pk").values_list("pk", flat=True)
    return [*(REGISTER_SCOPE.format(pk) for pk in registers), READER_SCOPE.format(user.organization_id), WIDE_SCOPE]


def _reads(organization_id: int) -> Q:
    """The documents addressed or delivered to the organization, or that oblige it to report."""
    if connection.vendor == "postgresql":
        return read_by_index(organization_id)
    return read_by_subqueries(organization_id)


def read_by_index(organization_id: int) -> Q:
    """PostgreSQL: the organization is among the document's reader_organizations,
    which triggers keep equal to read_by_subqueries (dispatch migration 0003)."""
    return Q(_ReadBy(organization_id))


def read_by_subqueries(organization_id: int) -> Q:
    addressed = Exists(DocumentAddressee.objects.filter(document=OuterRef("pk"), organization_id=organization_id))
    delivered = Exists(Delivery.objects.filter(document=OuterRef("pk"), recipient_id=organization_id))
    obliged = Exists(Assignment.objects.filter(obligation__document=OuterRef("pk"), organization_id=organization_id))
    return Q(addressed | delivered | obliged)


class _AnyOf(Func):
    """`column = ANY(ARRAY(subquery))`: the subquery runs once, and the list it
    gives is a condition an index can serve (a plain IN (subquery) is a join)."""

    template = "(%(expressions)s))"
    arg_joiner = " = ANY(ARRAY"
    output_field = BooleanField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" IN ", **extra)


class _ReadBy(Expression):
    output_field = BooleanField()

    def __init__(self, organization_id: int) -> None:
        super().__init__()
        self.organization_id = organization_id

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        column, params = compiler.compile(DocumentColumn(READERS_COLUMN))
        return f"({column} @> ARRAY[%s]::bigint[])", (*params, self.organization_id)


def _with_details(documents: QuerySet[Document], *, lines: bool = True) -> QuerySet[Document]:
    documents = documents.select_related("register", "doc_type", "issued_by", "withdrawn_by")
    if not lines:
        return documents
    return documents.prefetch_related(*(Prefetch(name, queryset=lines_of_kind) for name, lines_of_kind in _lines()))


def _lines() -> list[tuple[str, QuerySet[Any]]]:
    """Each kind of line a document lists, in its order: (related name, lines)."""
    return [
        ("addressees", DocumentAddressee.objects.order_by("position")),
        ("distribution", DistributionEntry.objects.order_by("position")),
        ("references", DocumentReference.objects.order_by("position", "id")),
        ("attachments", Attachment.objects.order_by("id")),
    ]


def document_list(*, user: User, lines: bool = True) -> QuerySet[Document]:
    """The documents the user may see, with what a list shows of them; `lines`:
    with their addressees, distribution, references and files."""
    return visible_documents(_with_details(Document.objects.all(), lines=lines), user=user)


def documents_in_order(ids: Sequence[int], *, lines: bool = True) -> list[Document]:
    """The documents of `ids`, in that order, loaded as document_list loads them:
    the rows of a page whose ids a scoped read (document_list) just gave."""
    # Unordered: the page's order is that of `ids` (compiling the list's ordering costs more than the query).
    found = _with_details(Document.objects.filter(pk__in=ids), lines=False).order_by().in_bulk()
    documents = [found[pk] for pk in ids if pk in found]
    if lines and documents:
        _attach_lines(documents)
    return documents


def visible_linked_documents(documents: Sequence[Document], *, user: User) -> set[int]:
    """Of the documents these link to (each reference's target, a received
    copy's original), the ids of those the user may see: only those are shown
    as links, the others by their citation alone. The references must be
    loaded (document_list, documents_in_order); one query, none without links."""
    linked: set[int] = {
        pk
        for document in documents
        for pk in (document.original_id, *(reference.target_id for reference in document.references.all()))
        if pk is not None
    }
    if not linked:
        return set()
    return set(visible_documents(Document.objects.filter(pk__in=linked), user=user).values_list("pk", flat=True))


def _attach_lines(documents: Sequence[Document]) -> None:
    """Leaves on each document what _with_details' prefetch_related leaves, so
    that `document.addressees.all()` and the others answer without a query:
    the same two attributes prefetch_related_objects sets (checked by
    registry/tests/test_selectors.py), from one query per kind of line.
    prefetch_related also builds a related manager and a filtered queryset
    for every document and kind: nearly half the time a page of fifty took."""
    by_id = {document.pk: document for document in documents}
    for name, lines_of_kind in _lines():
        found: dict[int, list[Any]] = {pk: [] for pk in by_id}
        for line in lines_of_kind.filter(document_id__in=list(by_id)):
            line._state.fields_cache["document"] = by_id[line.document_id]
            found[line.document_id].append(line)
        for pk, document in by_id.items():
            held: QuerySet[Any] = QuerySet(model=lines_of_kind.model)
            held._result_cache = found[pk]
            held.__dict__["_prefetch_done"] = True
            document.__dict__.setdefault("_prefetched_objects_cache", {})[name] = held


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
