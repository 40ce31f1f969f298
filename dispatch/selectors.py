"""Reads of deliveries, obligations and compliance, scoped to what the user
may see: administrators everything; clerks and leaders what their
organization (or a body below it) sent, requested or owes; reporters only
what concerns their own organization. Whatever belongs to a document above
the user's clearance is left out everywhere, counts included
(registry.clearance)."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Exists, Model, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.text import fold
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
from recipients.models import Organization, Role, User
from recipients.selectors import scope_filter
from registry.clearance import clearance_filter


def _own_only(user: User) -> bool:
    return user.role == Role.REPORTER and not user.is_admin


def _cleared[M: Model](rows: QuerySet[M], user: User, prefix: str) -> QuerySet[M]:
    """`rows` without those whose document (through `prefix`) is above the user's clearance."""
    cleared = clearance_filter(user, prefix)
    return rows if cleared is None else rows.filter(cleared)


def delivery_list(*, user: User) -> QuerySet[Delivery]:
    deliveries = _cleared(
        Delivery.objects.select_related("document", "recipient", "sent_by", "received_by", "registered_as"),
        user,
        "document__",
    )
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
    it), or requested by it; reporters only their own organization's. The
    requesting side is a subquery on obligations, so scanning many
    assignments needs no join to them."""
    owed = scope_filter(user, f"{prefix}organization_id")
    requesters = scope_filter(user, "organization_id")
    if owed is None or requesters is None:
        return None
    if _own_only(user):
        return owed
    requested = Obligation.objects.filter(requesters).values("pk")
    return owed | Q(**{f"{prefix}obligation_id__in": requested})


def assignment_list(*, user: User, today: datetime.date | None = None) -> QuerySet[Assignment]:
    """Obligated organizations with their derived `status`."""
    assignments = _visible_assignments(user).select_related("obligation__document", "organization")
    return assignments.annotate(status=status_case(today or office_today()))


def obligation_list(*, user: User) -> QuerySet[Obligation]:
    obligations = _cleared(
        Obligation.objects.select_related("document", "organization", "created_by"), user, "document__"
    )
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


def _visible_assignments(user: User) -> QuerySet[Assignment]:
    """The assignments every compliance list and count is made of."""
    assignments = _cleared(Assignment.objects.all(), user, "obligation__document__")
    scope = _assignment_scope(user)
    return assignments if scope is None else assignments.filter(scope)


def attach_counts(obligations: Sequence[Obligation], *, user: User, today: datetime.date | None = None) -> None:
    """Sets the counts of summary_aggregates (`pending_count` … `total_count`)
    on each obligation, over the organizations the user may see.

    One grouped query for the obligations given — a page — rather than
    counting every obligation's organizations before paginating."""
    today = today or office_today()
    aggregates = summary_aggregates(today)
    grouped = (
        _visible_assignments(user)
        .filter(obligation_id__in=[obligation.pk for obligation in obligations])
        .values("obligation_id")
        .annotate(**aggregates)
        .order_by()
    )
    counts: dict[int, dict[str, Any]] = {}
    for row in grouped:
        values: dict[str, Any] = dict(row)
        counts[values.pop("obligation_id")] = values
    for obligation in obligations:
        for name, value in counts.get(obligation.pk, dict.fromkeys(aggregates, 0)).items():
            setattr(obligation, name, value)


def organization_records(*, user: User, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Per obligated organization, sorted by name: its counts across every
    obligation the user may see. Grouped by id alone (names are looked up for
    the groups afterwards), which keeps the aggregate over many assignments
    small; the list is as long as there are organizations."""
    today = today or office_today()
    grouped = _visible_assignments(user).values("organization_id").annotate(**summary_aggregates(today)).order_by()
    rows: list[dict[str, Any]] = [dict(row) for row in grouped]
    names = dict(Organization.objects.filter(pk__in=[row["organization_id"] for row in rows]).values_list("pk", "name"))
    for row in rows:
        row["organization__name"] = names.get(row["organization_id"], "")
    rows.sort(key=lambda row: (fold(row["organization__name"]), row["organization_id"]))
    return rows


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
    # Hidden with the obligation's document, and when the report itself is classified above the user.
    submissions = _cleared(Submission.objects.all(), user, "assignment__obligation__document__")
    submissions = (
        _cleared(submissions, user, "incoming_document__")
        .select_related(
            "assignment__obligation",
            "assignment__organization",
            "submitted_by",
            "reviewed_by",
            "incoming_document__register",
        )
        .prefetch_related("incoming_document__attachments")
    )
    scope = _assignment_scope(user, "assignment__")
    return submissions if scope is None else submissions.filter(scope)


def submission_get(*, user: User, pk: int) -> Submission:
    try:
        return submission_list(user=user).get(pk=pk)
    except Submission.DoesNotExist:
        raise NotFound(_("No submission %(id)s that you can see.") % {"id": pk}) from None


def notification_list(*, user: User) -> QuerySet[Notification]:
    """The user's messages, without those naming a document above their clearance
    (one whose clearance was lowered after they were sent)."""
    notifications = Notification.objects.filter(user=user)
    for prefix in ("document__", "obligation__document__"):
        cleared = clearance_filter(user, prefix, nullable=True)
        if cleared is not None:
            notifications = notifications.filter(cleared)
    return notifications.select_related("document", "obligation")


def obligation_detail_queryset(*, user: User, today: datetime.date | None = None) -> QuerySet[Obligation]:
    """Obligations with their obligated organizations (status annotated) prefetched."""
    assignments = assignment_list(user=user, today=today).order_by("organization_name", "id")
    return obligation_list(user=user).prefetch_related(Prefetch("assignments", queryset=assignments))
