"""The status of an obligated organization, derived from facts.

One definition serves the annotation of single rows (status_case) and the
counts of summaries (status_conditions), in SQL, so lists and dashboards
never load assignments into Python to classify them.

- accepted: a report was accepted
- returned: the latest report was returned for revision
- submitted: the first report came on or before the due date
- late: the first report came after the due date
- overdue: no report, and the due date has passed
- pending: no report, and the due date has not passed

Due dates are whole days in Asia/Ho_Chi_Minh: first_submitted_on is the
office date of the first report, so a report on the due date is on time.
"""

import datetime

from django.db.models import Case, CharField, F, Q, Value, When

ACCEPTED, RETURNED, SUBMITTED, LATE, OVERDUE, PENDING = (
    "accepted",
    "returned",
    "submitted",
    "late",
    "overdue",
    "pending",
)
STATUSES = (PENDING, SUBMITTED, LATE, OVERDUE, ACCEPTED, RETURNED)
STATUS_CHOICES = [(status, status) for status in STATUSES]


def status_conditions(today: datetime.date, prefix: str = "") -> dict[str, Q]:
    """Mutually exclusive conditions, one per status. `prefix` reaches
    assignments from another model, e.g. "assignments__"."""

    def q(**lookups: object) -> Q:
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    open_ = q(accepted_at__isnull=True) & q(returned_at__isnull=True)
    reported = q(first_submitted_on__isnull=False)
    on_time = on_time_condition(prefix)
    return {
        ACCEPTED: q(accepted_at__isnull=False),
        RETURNED: q(accepted_at__isnull=True) & q(returned_at__isnull=False),
        SUBMITTED: open_ & reported & on_time,
        LATE: open_ & reported & ~on_time,
        OVERDUE: open_ & ~reported & q(due_on__lt=today),
        PENDING: open_ & ~reported & q(due_on__gte=today),
    }


def on_time_condition(prefix: str = "") -> Q:
    """The first report came by the due date, whatever happened after."""
    return Q(**{f"{prefix}first_submitted_on__lte": F(f"{prefix}due_on")})


def determined_condition(today: datetime.date, prefix: str = "") -> Q:
    """Whether the organization was on time is known: it reported, or the due date passed."""
    return Q(**{f"{prefix}first_submitted_on__isnull": False}) | Q(**{f"{prefix}due_on__lt": today})


def status_case(today: datetime.date) -> Case:
    return Case(
        *(When(condition, then=Value(status)) for status, condition in status_conditions(today).items()),
        default=Value(PENDING),
        output_field=CharField(),
    )
