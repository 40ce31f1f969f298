"""Reads behind the register books: the register, if the user may see it, and
its documents of one year with the lines the book shows.

The documents stream from one query read with `.iterator(chunk_size=CHUNK_SIZE)`
(a server-side cursor on PostgreSQL); for each chunk of rows the lines come in
one query per kind of line (the outgoing book's addressees and “Nơi nhận”,
the follow-up book's replies), as plain values rather than model instances.
So a register of 100,000 documents is neither held in memory nor read with a
query per row: the queries are the register, the documents, and per chunk at
most two.
"""

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.errors import NotFound
from recipients.models import User
from registry.books.layouts import BookKind, BookLines, Distribution
from registry.clearance import clearance_filter
from registry.models import (
    DistributionEntry,
    Document,
    DocumentAddressee,
    DocumentReference,
    DocumentStatus,
    ReferenceRelation,
    Register,
)
from registry.selectors import SENT_STATUSES, register_get, visible_documents

CHUNK_SIZE = 2000

# The columns each book reads (with the type's names for “Tên loại”); the body and search text stay in the database.
COMMON_FIELDS = (
    "id",
    "system",
    "confidentiality",
    "status",
    "notation",
    "issued_on",
    "subject",
    "transferred_on",
    "receipt_signature",
    "note",
    "withdrawn_at",
    "withdrawal_reason",
    "doc_type__state_name",
    "doc_type__party_name",
    "doc_type__is_letter",
)
FIELDS: dict[str, tuple[str, ...]] = {
    BookKind.OUTGOING: (*COMMON_FIELDS, "signer_name", "file_copy_holder", "copies"),
    BookKind.INCOMING: (*COMMON_FIELDS, "received_at", "arrival_number", "issuer_name", "handling_unit"),
    BookKind.FOLLOW_UP: (
        *COMMON_FIELDS,
        "arrival_number",
        "handling_unit",
        "handling_deadline",
        "handling_progress",
        "original",
    ),
}


def book_register(*, register_id: int, user: User | None) -> Register:
    """The register with its owner: for a user, only one they may see (as
    GET /api/v1/registers/{id}/); None is the command line, which sees all."""
    if user is not None:
        return register_get(user=user, pk=register_id)
    try:
        return Register.objects.select_related("owner").get(pk=register_id)
    except Register.DoesNotExist:
        raise NotFound(_("No register %(id)s.") % {"id": register_id}) from None


def book_documents(*, register: Register, year: int, kind: str, user: User | None) -> QuerySet[Document]:
    """The register's documents of `year` in the book's order, only those the
    user could list (registry.selectors.visible_documents; every one for the
    command line, user None).

    Outgoing: issued, dispatched and withdrawn documents dated in the year
    (never drafts), by date and number. Incoming and follow-up: arrivals
    numbered in the year's arrival sequence, by arrival number.
    """
    documents: QuerySet[Document] = Document.objects.filter(register=register)
    if user is not None:
        documents = visible_documents(documents, user=user)
    documents = documents.select_related("doc_type").only(*FIELDS[kind])
    if kind == BookKind.OUTGOING:
        return documents.filter(status__in=SENT_STATUSES, issued_on__year=year).order_by("issued_on", "number", "id")
    return documents.filter(arrival_sequence__period_start__year=year).order_by("arrival_number", "id")


def outgoing_lines(documents: list[Document]) -> dict[int, BookLines]:
    """Each document's addressees and “Nơi nhận”, in their printed order."""
    ids = [document.pk for document in documents]
    lines = {pk: BookLines() for pk in ids}
    addressees = DocumentAddressee.objects.filter(document_id__in=ids).order_by("document_id", "position")
    for document_id, text in addressees.values_list("document_id", "text"):
        lines[document_id].addressees.append(text)
    distribution = DistributionEntry.objects.filter(document_id__in=ids).order_by("document_id", "position")
    for document_id, kind, text, purpose in distribution.values_list("document_id", "kind", "text", "purpose"):
        lines[document_id].distribution.append(Distribution(kind, text, purpose))
    return lines


def replies_of(register: Register, targets: Iterable[int], user: User | None) -> QuerySet[DocumentReference]:
    """References by which documents of the register's owner — its outgoing
    documents, or its reports registered by the requester — answer one of
    `targets`; drafts and unnumbered documents have no notation to show yet.
    Their notations are the owner's own, known to whoever sees its registers,
    except for replies above the user's clearance (None: the command line)."""
    owner_id = register.owner_id
    references = DocumentReference.objects.all()
    cleared = clearance_filter(user, "document__") if user is not None else None
    if cleared is not None:
        references = references.filter(cleared)
    return (
        references.filter(relation=ReferenceRelation.ANSWERS, target_id__in=targets)
        .filter(Q(document__register__owner_id=owner_id) | Q(document__issuer_id=owner_id))
        .exclude(document__status=DocumentStatus.DRAFT)
        .exclude(document__notation="")
        .order_by("document__issued_on", "document_id")
    )


def follow_up_lines(register: Register, documents: list[Document], user: User | None) -> dict[int, BookLines]:
    """The notations of the owner's replies to each document or to the original it is a copy of, once each."""
    targets = {document.pk for document in documents} | {d.original_id for d in documents if d.original_id}
    replies: dict[int, list[str]] = defaultdict(list)
    for target_id, notation in replies_of(register, targets, user).values_list("target_id", "document__notation"):
        replies[target_id].append(notation)
    lines = {}
    for document in documents:
        found = replies[document.pk] + (replies[document.original_id] if document.original_id else [])
        lines[document.pk] = BookLines(replies=list(dict.fromkeys(found)))
    return lines


def book_entries(
    *, register: Register, year: int, kind: str, user: User | None
) -> Iterator[tuple[Document, BookLines]]:
    """The book's documents (book_documents) with their lines, read chunk by chunk."""
    documents = book_documents(register=register, year=year, kind=kind, user=user)
    for chunk in itertools.batched(documents.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        rows = list(chunk)
        if kind == BookKind.OUTGOING:
            lines = outgoing_lines(rows)
        elif kind == BookKind.FOLLOW_UP:
            lines = follow_up_lines(register, rows, user)
        else:
            lines = {}
        for document in rows:
            yield document, lines.get(document.pk) or BookLines()
