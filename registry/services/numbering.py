"""Counters behind document and arrival numbers.

The next number is taken with a single UPDATE … RETURNING on the counter row:
the row lock it takes is held until the surrounding transaction ends, so
concurrent issuers queue on it, and a rollback returns the number. On SQLite
the connection opens every transaction with BEGIN IMMEDIATE (see settings),
which serializes writers the same way.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from core.errors import DomainError
from registry.models import Confidentiality, DocumentType, NumberSequence, Register, SequenceScope, Series


@dataclass(frozen=True)
class SequenceKey:
    register: Register
    period_start: datetime.date
    period_end: datetime.date | None
    series: str
    doc_type: DocumentType | None

    def lookup(self) -> dict[str, object]:
        return {
            "register": self.register,
            "period_start": self.period_start,
            "series": self.series,
            "doc_type": self.doc_type,
        }


def sequence_key(
    *, register: Register, day: datetime.date, confidentiality: str, doc_type: DocumentType | None
) -> SequenceKey:
    """Which counter a document dated `day` draws from under the register's policy."""
    period = register.period_for(day)
    if period is None:
        raise DomainError(
            _(
                "%(day)s is outside the term of the register “%(register)s” (%(start)s – %(end)s); "
                "start the new term on the register first."
            )
            % {
                "day": day.strftime("%d/%m/%Y"),
                "register": register.name,
                "start": register.term_start.strftime("%d/%m/%Y") if register.term_start else "",
                "end": register.term_end.strftime("%d/%m/%Y") if register.term_end else "…",
            },
            code="outside_term",
            field="issued_on",
        )
    confidential = register.confidential_series and confidentiality != Confidentiality.NORMAL
    return SequenceKey(
        register=register,
        period_start=period[0],
        period_end=period[1],
        series=Series.CONFIDENTIAL if confidential else Series.NORMAL,
        doc_type=doc_type if register.sequence_scope == SequenceScope.DOC_TYPE else None,
    )


def sequence_id(key: SequenceKey) -> int:
    """The counter row's id, creating the row on first use.

    Plain reads first: they take no lock, so issuers of an existing period
    never touch the unique index. A concurrent first use is absorbed by
    INSERT … ON CONFLICT DO NOTHING (INSERT OR IGNORE on SQLite).
    """
    rows = NumberSequence.objects.filter(**key.lookup()).order_by().values_list("id", flat=True)
    found = rows.first()
    if found is not None:
        return found
    NumberSequence.objects.bulk_create(
        [NumberSequence(**key.lookup(), period_end=key.period_end)],
        ignore_conflicts=True,
    )
    return rows.get()


def take_next_number(key: SequenceKey) -> tuple[int, int]:
    """Increments the counter for `key` and returns (sequence id, number
    taken); the counter row stays locked until the surrounding transaction
    ends. The counter is found by its unique key inside the UPDATE itself, so
    taking a number is one round trip once the sequence exists."""
    taken = _increment(key)
    if taken is None:
        NumberSequence.objects.bulk_create(
            [NumberSequence(**key.lookup(), period_end=key.period_end)],
            ignore_conflicts=True,
        )
        taken = _increment(key)
    assert taken is not None
    return taken


def _increment(key: SequenceKey) -> tuple[int, int] | None:
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    doc_type_test = "doc_type_id IS NULL" if key.doc_type is None else "doc_type_id = %s"
    params: list[Any] = [key.register.pk, key.period_start, key.series]
    if key.doc_type is not None:
        params.append(key.doc_type.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_number = last_number + 1 "  # noqa: S608
            f"WHERE register_id = %s AND period_start = %s AND series = %s AND {doc_type_test} "
            "RETURNING id, last_number",
            params,
        )
        row = cursor.fetchone()
    return (int(row[0]), int(row[1])) if row else None
