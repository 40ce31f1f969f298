"""Reads of deliveries, obligations and compliance, scoped to what the user
may see: administrators everything; clerks and leaders what their
organization (or a body below it) sent, requested or owes; reporters only
what concerns their own organization."""

import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.time import office_today
from dispatch.models import Assignment, Delivery, Notification, Obligation, Submission
from dispatch.status import (
    OVERDUE,
    STATUSES,
    determined_condition,
    on_time_condition,
    status_case,
    status_conditions,
)
from recipients.models import Role, User
from recipients.selectors import scope_filter


def _own_only(user: User) -> bool:
    return user.role == Role.REPORTER and not user.is_admin


def delivery_list(*, user: User) -> QuerySet[Delivery]:
    deliveries = Delivery.objects.select_related("document", "recipient", "sent_by", "received_by", "registered_as")
    sent = scope_filter(user, "document__register__owner_id")
    received = scope_filter(user, "recipient_id")
    if sent is None or received is None:
        return deliveries
    if _own_only(user):
        return deliveries.filter(received)
    return deliveries.filter(sent | received)


def delivery_get(*, user: User, pk: int) -> Delivery:
    try:
        return delivery_list(user=user).get(pk=pk)
    except Delivery.DoesNotExist:
        raise NotFound(_("No delivery %(id)s that you can see.") % {"id": pk}) from None


def _assignment_scope(user: User, prefix: str = "") -> Q | None:
    """Assignments the user may read: owed by their organization (or one below
    it), or requested by it; reporters only their own organization's."""
    owed = scope_filter(user, f"{prefix}organization_id")
    requested = scope_filter(user, f"{prefix}obligation__organization_id")
    if owed is None or requested is None:
        return None
    return owed if _own_only(user) else owed | requested


def assignment_list(*, user: User, today: datetime.date | None = None) -> QuerySet[Assignment]:
    """Obligated organizations with their derived `status`."""
    assignments = Assignment.objects.select_related("obligation__document", "organization").annotate(
        status=status_case(today or office_today())
    )
    scope = _assignment_scope(user)
    return assignments if scope is None else assignments.filter(scope)


def obligation_list(*, user: User) -> QuerySet[Obligation]:
    obligations = Obligation.objects.select_related("document", "organization", "created_by")
    requested = scope_filter(user, "organization_id")
    owed_by = scope_filter(user, "organization_id")
    if requested is None or owed_by is None:
        return obligations
    owed = Exists(Assignment.objects.filter(owed_by, obligation=OuterRef("pk")))
    return obligations.filter(owed if _own_only(user) else requested | owed)


def obligation_get(*, user: User, pk: int) -> Obligation:
    try:
        return obligation_list(user=user).get(pk=pk)
    except Obligation.DoesNotExist:
        raise NotFound(_("No obligation %(id)s that you can see.") % {"id": pk}) from None


def summary_aggregates(today: datetime.date, prefix: str = "", within: Q | None = None) -> dict[str, Any]:
    """Count aggregates per status, on time, and determined, for annotate()/aggregate()."""

    def count(condition: Q) -> Count:
        return Count(f"{prefix}id" if prefix else "id", filter=condition & within if within else condition)

    counts: dict[str, Any] = {
        f"{status}_count": count(condition) for status, condition in status_conditions(today, prefix).items()
    }
    counts["on_time_count"] = count(on_time_condition(prefix))
    counts["determined_count"] = count(determined_condition(today, prefix))
    counts["total_count"] = count(Q())
    return counts


def obligation_summaries(*, user: User, today: datetime.date | None = None) -> QuerySet[Obligation]:
    """Obligations with counts per status of the organizations the user may see."""
    today = today or office_today()
    return obligation_list(user=user).annotate(
        **summary_aggregates(today, "assignments__", _assignment_scope(user, "assignments__"))
    )


def organization_records(*, user: User, today: datetime.date | None = None) -> QuerySet[Any]:
    """Per obligated organization: its counts across every obligation the user may see."""
    today = today or office_today()
    assignments = Assignment.objects.all()
    scope = _assignment_scope(user)
    if scope is not None:
        assignments = assignments.filter(scope)
    return (
        assignments.values("organization_id", "organization__name")
        .annotate(**summary_aggregates(today))
        .order_by("organization__name", "organization_id")
    )


def overdue_list(*, user: User, today: datetime.date | None = None) -> QuerySet[Assignment]:
    """Organizations with nothing submitted after the due date, longest overdue first."""
    today = today or office_today()
    overdue = status_conditions(today)[OVERDUE]
    return assignment_list(user=user, today=today).filter(overdue).order_by("due_on", "organization_name", "id")


def on_time_rate(row: Any) -> float | None:
    """Share of organizations whose outcome is known that reported on time."""
    on_time = row["on_time_count"] if isinstance(row, dict) else row.on_time_count
    determined = row["determined_count"] if isinstance(row, dict) else row.determined_count
    return round(on_time / determined, 4) if determined else None


def status_counts(row: Any) -> dict[str, int]:
    get = row.get if isinstance(row, dict) else lambda key: getattr(row, key)
    return {status: int(get(f"{status}_count") or 0) for status in STATUSES}


def submission_list(*, user: User) -> QuerySet[Submission]:
    submissions = Submission.objects.select_related(
        "assignment__obligation",
        "assignment__organization",
        "submitted_by",
        "reviewed_by",
        "incoming_document__register",
    ).prefetch_related("incoming_document__attachments")
    scope = _assignment_scope(user, "assignment__")
    return submissions if scope is None else submissions.filter(scope)


def submission_get(*, user: User, pk: int) -> Submission:
    try:
        return submission_list(user=user).get(pk=pk)
    except Submission.DoesNotExist:
        raise NotFound(_("No submission %(id)s that you can see.") % {"id": pk}) from None


def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("document", "obligation")


def obligation_detail_queryset(*, user: User, today: datetime.date | None = None) -> QuerySet[Obligation]:
    """Obligations with their obligated organizations (status annotated) prefetched."""
    assignments = assignment_list(user=user, today=today).order_by("organization_name", "id")
    return obligation_list(user=user).prefetch_related(Prefetch("assignments", queryset=assignments))
