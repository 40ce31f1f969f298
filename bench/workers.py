"""The benchmark's clients: one operating-system process each.

Processes, not threads: the machine has two cores and each Python process has
one interpreter lock, so eight threads would mostly measure the GIL instead of
the database. The pool starts them with "spawn", so no client inherits a
connection from the parent; each opens its own Django connection and its own
plain psycopg connection before the clock starts.

All clients of a run warm up, then wait on one shared barrier; each reports
when it left the barrier and when its last transaction committed, and the
run's wall time is the last commit minus the first start.

This module imports nothing from Django at import time: the parent imports it
before Django is set up.
"""

import datetime
import os
import time
from dataclasses import dataclass
from multiprocessing.synchronize import Barrier

import psycopg
from psycopg import sql

# Long enough for eight clients to set up Django on two cores; a client that
# fails before the barrier breaks it for the others instead of hanging them.
BARRIER_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Span:
    """When one client left the start barrier and when its last commit returned (time.monotonic, system-wide)."""

    started: float
    finished: float


@dataclass(frozen=True)
class ServiceShare:
    """Drafts one client issues through the service, in this order."""

    clerk_id: int
    document_ids: list[int]


@dataclass(frozen=True)
class RawShare:
    """How many numbers one client takes with plain SQL, and the issued row it writes for each.

    `row` maps every column of the issued document except the per-transaction
    ones (number, notation, issued_at); the notation is "NN/<symbol>".
    """

    sequence_table: str
    document_table: str
    sequence_id: int
    count: int
    row: dict[str, object]
    symbol: str


@dataclass
class _Client:
    barrier: Barrier
    raw: psycopg.Connection


_client: _Client | None = None


def start_client(barrier: Barrier) -> None:
    """Pool initializer: sets up Django (DATABASE_URL comes from the parent's
    environment) and opens the plain psycopg connection the raw SQL runs use."""
    global _client
    import django

    django.setup()
    _client = _Client(barrier=barrier, raw=psycopg.connect(os.environ["DATABASE_URL"]))


def _this_client() -> _Client:
    if _client is None:
        raise RuntimeError("start_client did not run in this process")
    return _client


def _wait_for_start(client: _Client) -> float:
    client.barrier.wait(BARRIER_TIMEOUT_S)
    return time.monotonic()


def issue_through_service(share: ServiceShare) -> Span:
    """Issues each draft with `document_issue`, one transaction per document,
    as a clerk's request would."""
    from django.contrib.contenttypes.models import ContentType

    from recipients.models import User
    from registry.models import Document
    from registry.services import document_issue

    client = _this_client()
    # Connecting, loading the clerk and the audit trail's content type (cached
    # per process) are what a warm server has done before the first request.
    clerk = User.objects.select_related("organization").get(pk=share.clerk_id)
    ContentType.objects.get_for_model(Document)
    started = _wait_for_start(client)
    for pk in share.document_ids:
        # The service reads the draft again under lock; only the pk is used.
        document_issue(document=Document(pk=pk), actor=clerk)
    return Span(started=started, finished=time.monotonic())


def issue_with_raw_sql(share: RawShare) -> Span:
    """Per transaction: lock the counter row, increment it, insert the issued
    document row, commit; psycopg's defaults (server-side binding, statements
    prepared after five runs), no Django."""
    client = _this_client()
    conn = client.raw
    sequences = sql.Identifier(share.sequence_table)
    lock = sql.SQL("SELECT last_number FROM {} WHERE id = %s FOR UPDATE").format(sequences)
    increment = sql.SQL("UPDATE {} SET last_number = last_number + 1 WHERE id = %s RETURNING last_number").format(
        sequences
    )
    columns = [*share.row, "number", "notation", "issued_at"]
    insert = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        sql.Identifier(share.document_table),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(map(sql.Placeholder, columns)),
    )
    with conn.cursor() as cursor:
        started = _wait_for_start(client)
        for _ in range(share.count):
            cursor.execute(lock, (share.sequence_id,))
            cursor.execute(increment, (share.sequence_id,))
            row = cursor.fetchone()
            assert row is not None
            number = row[0]
            cursor.execute(
                insert,
                {
                    **share.row,
                    "number": number,
                    "notation": f"{number:02d}/{share.symbol}",
                    "issued_at": datetime.datetime.now(datetime.UTC),
                },
            )
            conn.commit()
    return Span(started=started, finished=time.monotonic())
