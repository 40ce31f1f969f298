"""The audit events that concern documents: their own and their children's.

Services record an event against the object they wrote. For a document that
is the document itself (drafting, issuing, attaching a file, withdrawing,
dispatching, being viewed or downloaded when confidential) and the rows that
hang from it: a delivery (received, registered by the recipient), an
obligation (created, changed, organizations added), an obligated
organization (its own due date) and a report version (submitted, accepted,
returned; against the obligation's document and the incoming document the
report was registered as). Addressees, distribution lines and references are
written with the document and recorded in its own events.

Events are linked to documents by these objects, never by the notation some
events copy into their details: a notation is not unique across issuers, and
a draft has none.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from core.models import AuditEvent
from dispatch.models import Assignment, Delivery, Obligation, Submission
from dispatch.selectors import assignment_list, delivery_list, obligation_list, submission_list
from recipients.models import User
from registry.clearance import clearance_filter
from registry.models import Document


def _ids(queryset: QuerySet[Any]) -> QuerySet[Any]:
    # AuditEvent.object_id is text, so the subquery yields text ids.
    return queryset.order_by().values_list(Cast("pk", output_field=CharField()), flat=True)


def document_events_condition(documents: QuerySet[Document], *, reader: User | None = None) -> Q:
    """Events about `documents` or about a row of theirs (see the module
    docstring), as one condition of subqueries: the cost of the read does not
    depend on how many children or events there are.

    With a `reader`, only the children that reader may see count: a district
    reading a plan that obliges it must not learn, through the plan's history,
    how a sibling district answered."""
    types = ContentType.objects.get_for_models(Document, Delivery, Obligation, Assignment, Submission)
    if reader is None:
        deliveries = Delivery.objects.all()
        obligations = Obligation.objects.all()
        assignments = Assignment.objects.all()
        submissions = Submission.objects.all()
    else:
        deliveries = delivery_list(user=reader)
        obligations = obligation_list(user=reader)
        assignments = assignment_list(user=reader)
        submissions = submission_list(user=reader)
    obligations = obligations.filter(document__in=documents)
    submissions = submissions.filter(
        Q(assignment__obligation__document__in=documents) | Q(incoming_document__in=documents)
    )
    return (
        Q(content_type=types[Document], object_id__in=_ids(documents))
        | Q(content_type=types[Delivery], object_id__in=_ids(deliveries.filter(document__in=documents)))
        | Q(content_type=types[Obligation], object_id__in=_ids(obligations))
        | Q(content_type=types[Assignment], object_id__in=_ids(assignments.filter(obligation__document__in=documents)))
        | Q(content_type=types[Submission], object_id__in=_ids(submissions))
    )


def document_history(document: Document, *, reader: User | None = None) -> QuerySet[AuditEvent]:
    """The document's events and its children's that `reader` may see (all
    of them without a reader), newest first, with what a list shows."""
    return (
        AuditEvent.objects.filter(document_events_condition(Document.objects.filter(pk=document.pk), reader=reader))
        .select_related("organization", "content_type")
        .order_by("-occurred_at", "-id")
    )


def visible_audit_events(events: QuerySet[AuditEvent], *, user: User) -> QuerySet[AuditEvent]:
    """Without the events about documents above the user's clearance: their
    changes and details carry the documents' subjects, bodies and notations."""
    cleared = clearance_filter(user)
    if cleared is None:
        return events
    return events.exclude(document_events_condition(Document.objects.exclude(cleared)))
