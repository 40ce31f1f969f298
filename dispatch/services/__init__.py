"""Every write of the dispatch app: deliveries, obligations, submissions and
reminders. Each checks the actor, writes in one transaction, records an
audit event and sends its domain events after commit."""

from dispatch.services.deliveries import (
    DispatchResult,
    default_incoming_register,
    delivery_acknowledge,
    delivery_register,
    document_dispatch,
)
from dispatch.services.obligations import (
    assignment_set_due_date,
    obligation_add_organizations,
    obligation_create,
    obligation_update,
    obligations_from_deadlines,
)
from dispatch.services.reminders import ReminderRun, reminders_send
from dispatch.services.submissions import submission_create, submission_record_paper, submission_review

__all__ = [
    "DispatchResult",
    "ReminderRun",
    "assignment_set_due_date",
    "default_incoming_register",
    "delivery_acknowledge",
    "delivery_register",
    "document_dispatch",
    "obligation_add_organizations",
    "obligation_create",
    "obligation_update",
    "obligations_from_deadlines",
    "reminders_send",
    "submission_create",
    "submission_record_paper",
    "submission_review",
]
