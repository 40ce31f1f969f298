"""Document types, registers (sổ), numbering sequences and documents.

A number, once given, belongs to its document for good: documents are never
deleted once issued (withdrawal keeps the number), the (sequence, number) pair
is unique in the database, and database triggers refuse to change a number
after it was given (see migration 0002).

registers: document types, registers, numbering sequences; documents: the
documents; lines: their addressees, distribution, references and files;
imports: register books imported from the pages.
"""

from registry.models.documents import (
    Confidentiality,
    Document,
    DocumentDeletionRefused,
    DocumentQuerySet,
    DocumentStatus,
    Urgency,
)
from registry.models.imports import (
    ImportJob,
    ImportJobStatus,
    import_file_path,
)
from registry.models.lines import (
    AddresseeKind,
    Attachment,
    DistributionEntry,
    DistributionKind,
    DocumentAddressee,
    DocumentReference,
    ReferenceRelation,
    attachment_path,
)
from registry.models.registers import (
    Direction,
    DocumentType,
    NotationSystem,
    NumberSequence,
    PeriodKind,
    Register,
    SequenceScope,
    Series,
)

__all__ = [
    "AddresseeKind",
    "Attachment",
    "Confidentiality",
    "Direction",
    "DistributionEntry",
    "DistributionKind",
    "Document",
    "DocumentAddressee",
    "DocumentDeletionRefused",
    "DocumentQuerySet",
    "DocumentReference",
    "DocumentStatus",
    "DocumentType",
    "ImportJob",
    "ImportJobStatus",
    "NotationSystem",
    "NumberSequence",
    "PeriodKind",
    "ReferenceRelation",
    "Register",
    "SequenceScope",
    "Series",
    "Urgency",
    "attachment_path",
    "import_file_path",
]
