"""Every write to registers and documents goes through these functions: they
check the actor and the rules, write in one transaction, record an audit
event, and send domain events after commit."""

from registry.services.attachments import attachment_add
from registry.services.document_types import document_type_create, document_type_delete, document_type_update
from registry.services.documents import (
    AddresseeInput,
    DistributionInput,
    ReferenceInput,
    document_create_draft,
    document_delete_draft,
    document_update,
    document_withdraw,
)
from registry.services.incoming import document_register_incoming, incoming_duplicates, register_incoming
from registry.services.issuing import document_issue
from registry.services.registers import register_create, register_set_opening_number, register_update

__all__ = [
    "AddresseeInput",
    "DistributionInput",
    "ReferenceInput",
    "attachment_add",
    "document_create_draft",
    "document_delete_draft",
    "document_issue",
    "document_register_incoming",
    "document_type_create",
    "document_type_delete",
    "document_type_update",
    "document_update",
    "document_withdraw",
    "incoming_duplicates",
    "register_create",
    "register_incoming",
    "register_set_opening_number",
    "register_update",
]
