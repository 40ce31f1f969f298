"""Turning valid rows into documents, and closing an import: the counters
raised past the imported numbers and one audit event for the whole file.

Outgoing rows become issued documents with the number, notation and date the
register book gives them, drawn from the counter (NumberSequence) their date
and type belong to; incoming rows become received documents with their
arrival number. Both are written as the services would leave them, search
text included, without a query per row.
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.events import send_event_on_commit
from core.time import office_timezone
from recipients.models import User
from registry.imports.lookups import Counter, SequenceBook
from registry.imports.report import ImportReport, SequenceResult
from registry.imports.validation import ValidRow
from registry.models import (
    Direction,
    DistributionEntry,
    DistributionKind,
    Document,
    DocumentStatus,
    NumberSequence,
    Register,
)
from registry.services.content import folded_search_text, join_search_text, notation_fields

BATCH_SIZE = 2000
# Dates in a register book have no time: the document is taken as numbered (or received) at noon, office time.
NOON = datetime.time(12)


class DocumentBuilder:
    """Unsaved documents and distribution lines for valid rows of one register."""

    def __init__(self, *, register: Register, actor: User, sequences: SequenceBook) -> None:
        self.register = register
        self.owner = register.owner
        self.actor = actor
        self.sequences = sequences
        self.now = timezone.now()
        self.zone = office_timezone()

    def _moment(self, day: datetime.date) -> datetime.datetime:
        """Noon of `day` in the office's time zone, or now if that is still to come."""
        return min(datetime.datetime.combine(day, NOON, tzinfo=self.zone), self.now)

    def values(self, row: ValidRow) -> dict[str, Any]:
        """The document's field values (by attname) the row gives and the register implies."""
        values = {
            "register_id": self.register.pk,
            "direction": self.register.direction,
            "system": row.system,
            "doc_type_id": row.doc_type.pk,
            "subject": row.subject,
            "issued_on": row.issued_on,
            "signer_name": row.signer_name,
            "copies": row.copies,
            "file_copy_holder": row.file_copy_holder,
            "transferred_on": row.transferred_on,
            "receipt_signature": row.receipt_signature,
            "note": row.note,
            "handling_unit": row.handling_unit,
            "created_by_id": self.actor.pk,
            **notation_fields(row.notation),
        }
        counter_id = self.sequences.counters[row.slot].id
        if self.register.direction == Direction.OUTGOING:
            assert row.issued_on is not None
            values.update(
                status=DocumentStatus.ISSUED.value,
                sequence_id=counter_id,
                issued_at=self._moment(row.issued_on),
                issuer_id=self.owner.pk,
                issuer_name=self.owner.name,
                issuer_header_name=self.owner.printed_header_name,
                issuer_header_parent=self.owner.header_parent_name,
                place=self.owner.place,
            )
        else:
            assert row.received_on is not None
            sender = row.sender
            values.update(
                status=DocumentStatus.RECEIVED.value,
                arrival_sequence_id=counter_id,
                arrival_number=row.arrival_number,
                received_at=self._moment(row.received_on),
                issuer_id=sender.pk if sender else None,
                issuer_name=row.sender_name,
                issuer_header_name=sender.printed_header_name if sender else "",
                issuer_header_parent=sender.header_parent_name if sender else "",
            )
        rest = folded_search_text(
            subject=row.subject,
            issuer_name=values["issuer_name"],
            signer_name=row.signer_name,
            addressee_texts=(),
            body="",
        )
        values["search_text"] = join_search_text(values["notation"], rest)
        return values

    def fill(self, document: Document, row: ValidRow) -> Document:
        """Sets the row's values on `document`, a new one."""
        for name, value in self.values(row).items():
            setattr(document, name, value)
        return document

    def document(self, row: ValidRow) -> Document:
        return self.fill(Document(), row)

    def line_values(self, document_id: int, row: ValidRow) -> list[tuple[Any, ...]]:
        """The row's “Nơi nhận” lines, as values of LINE_COLUMNS."""
        return [
            (document_id, position, DistributionKind.TEXT.value, text, "")
            for position, text in enumerate(row.distribution, start=1)
        ]

    def distribution(self, document: Document, row: ValidRow) -> list[DistributionEntry]:
        """The same lines as instances, for a saved document."""
        return [
            DistributionEntry(**dict(zip(LINE_COLUMNS, values, strict=True)))
            for values in self.line_values(document.pk, row)
        ]


# The columns a distribution line is copied with; its organization and group stay NULL.
LINE_COLUMNS = ("document_id", "position", "kind", "text", "purpose")


class BatchWriter:
    """Writes valid rows BATCH_SIZE at a time: their documents, then their
    distribution lines. On PostgreSQL each batch is one COPY per table, the
    documents' ids taken from their sequence beforehand so the lines can point
    at them; elsewhere bulk_create does it."""

    def __init__(self, builder: DocumentBuilder, batch_size: int = BATCH_SIZE) -> None:
        self.builder = builder
        self.batch_size = batch_size
        self.pending: list[ValidRow] = []
        self.written = 0

    def add(self, row: ValidRow) -> None:
        self.pending.append(row)
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        if connection.vendor == "postgresql":
            self._copy_pending()
        else:
            documents = Document.objects.bulk_create(
                [self.builder.document(row) for row in self.pending], batch_size=self.batch_size
            )
            DistributionEntry.objects.bulk_create(
                [
                    line
                    for document, row in zip(documents, self.pending, strict=True)
                    for line in self.builder.distribution(document, row)
                ],
                batch_size=self.batch_size,
            )
        self.written += len(self.pending)
        self.pending = []

    def _copy_pending(self) -> None:
        """The pending rows as one COPY of documents (ids taken beforehand) and one of their lines."""
        fields = Document._meta.concrete_fields
        columns = [field.attname for field in fields]
        now = timezone.now()
        defaults = {field.attname: field.get_default() for field in fields} | {"created_at": now, "updated_at": now}
        documents: list[list[Any]] = []
        lines: list[tuple[Any, ...]] = []
        for row, pk in zip(self.pending, _next_ids(Document, len(self.pending)), strict=True):
            values = defaults | self.builder.values(row) | {"id": pk}
            documents.append([values[name] for name in columns])
            lines.extend(self.builder.line_values(pk, row))
        _copy(Document, columns, documents)
        _copy(DistributionEntry, LINE_COLUMNS, lines)


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` ids from the sequence behind the model's primary key (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(model._meta.db_table), model._meta.pk.column, count],
        )
        return [int(row[0]) for row in cursor.fetchall()]


def _copy(model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY of `rows`, values of the fields `attnames`, into the model's table
    (PostgreSQL). psycopg adapts the values itself: the fields written here are
    text, numbers, dates, times and foreign keys. As with bulk_create, no
    model signals fire."""
    quote = connection.ops.quote_name
    column_of = {field.attname: str(field.column) for field in model._meta.concrete_fields}
    columns = ", ".join(quote(column_of[name]) for name in attnames)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _ranges(numbers: Iterable[int]) -> list[str]:
    """1, 2, 3, 7 → ["1–3", "7"]."""
    spans: list[list[int]] = []
    for number in sorted(numbers):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return [f"{start}–{end}" if end > start else str(start) for start, end in spans]


def gap_notice(counter: Counter, arrivals: bool, limit: int = 10) -> str | None:
    """Numbers below the highest imported one that no document carries: after
    the import the counter is past them, so nobody will be given them."""
    highest = max(counter.claimed)
    missing = set(range(1, highest + 1)) - counter.taken - counter.claimed.keys()
    if not missing:
        return None
    spans = _ranges(missing)
    shown = ", ".join(spans[:limit]) + (" …" if len(spans) > limit else "")
    message = (
        _("%(sequence)s: no document carries the arrival numbers %(numbers)s.")
        if arrivals
        else _("%(sequence)s: no document carries the numbers %(numbers)s; they will not be given later.")
    )
    return message % {"sequence": counter.label, "numbers": shown}


def close_import(*, register: Register, actor: User, report: ImportReport, sequences: SequenceBook) -> None:
    """Raises every counter the file wrote numbers into to at least the highest
    of them, never lowering one, so the next number given follows the book;
    then records the import as one audit event."""
    changes = {}
    for counter in sequences.counters:
        if not counter.claimed or counter.id is None:
            continue
        highest = max(counter.claimed)
        NumberSequence.objects.filter(pk=counter.id, last_number__lt=highest).update(last_number=highest)
        after = max(highest, counter.last_number)
        report.sequences.append(
            SequenceResult(
                sequence=counter.label, highest=highest, last_number_before=counter.last_number, last_number=after
            )
        )
        if after != counter.last_number:
            changes[counter.label] = {"before": counter.last_number, "after": after}
        notice = gap_notice(counter, sequences.arrivals)
        if notice:
            report.notices.append(notice)
    audit_record(
        actor=actor,
        action="register.import",
        obj=register,
        changes=changes,
        data={
            "file": report.filename,
            "rows": report.rows,
            "documents": report.imported,
            "header_row": report.header_row,
            "sequences": [
                {"sequence": result.sequence, "highest": result.highest, "last_number": result.last_number}
                for result in report.sequences
            ],
            "unmatched_senders": sorted(report.unmatched_senders),
            "notices": report.notices,
        },
    )
    send_event_on_commit("register.imported", register_id=register.pk, documents=report.imported)
