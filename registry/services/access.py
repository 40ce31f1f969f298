"""Reading confidential documents leaves a trace in the audit trail.

Opening a Mật, Tối mật or Tuyệt mật document (its detail), or taking it away
as a file (PDF, DOCX, an attachment, a register book that lists it), records
who did it, for which organization, from which address and in which request.
Normal documents are not recorded: the trail stays readable.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from django.db import transaction

from core.audit import audit_record, audit_record_each
from core.models import AuditEvent
from recipients.models import User
from registry.models import Confidentiality, Document


class Access(StrEnum):
    VIEWED = "viewed"
    DOWNLOADED = "downloaded"


def _action(kind: Access | str) -> str:
    return f"document.{Access(kind).value}"


def document_access_record(
    *, document: Document, actor: User | None, kind: Access | str, data: Mapping[str, Any] | None = None
) -> AuditEvent | None:
    """Records that `actor` viewed or downloaded `document` (`data` says how:
    the format, the attachment) if it is confidential; None for a normal one.
    `actor` None is the command line."""
    if document.confidentiality == Confidentiality.NORMAL:
        return None
    return audit_record(
        actor=actor,
        action=_action(kind),
        obj=document,
        data={"confidentiality": document.confidentiality, **(data or {})},
    )


def documents_access_record(
    *, document_ids: Iterable[int], actor: User | None, kind: Access | str, data: Mapping[str, Any] | None = None
) -> int:
    """document_access_record for many documents at once (the confidential rows
    of a register book), one event each, in a few statements; returns the count."""
    ids = sorted(set(document_ids))
    if not ids:
        return 0
    by_level: dict[str, list[Document]] = defaultdict(list)
    for start in range(0, len(ids), 1000):
        documents = (
            Document.objects.filter(pk__in=ids[start : start + 1000])
            .exclude(confidentiality=Confidentiality.NORMAL)
            .only("id", "direction", "notation", "subject", "arrival_number", "status", "confidentiality")
            .order_by("id")
        )
        for document in documents:
            by_level[document.confidentiality].append(document)
    with transaction.atomic():
        return sum(
            audit_record_each(
                actor=actor, action=_action(kind), objects=found, data={"confidentiality": level, **(data or {})}
            )
            for level, found in by_level.items()
        )
