"""Compliance pages for people: who has reported, who is late, who is overdue.

Server-rendered and read-only: leaders read everything of their
organization and below, reporters only their own organization's (the
selectors scope every read). Every table comes from one aggregate or one
annotated query, so a page costs the same number of queries with ten
obligations or five hundred; long lists are paginated.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from core.time import office_today
from core.users import request_user
from dispatch.exports import register_rows
from dispatch.models import Obligation
from dispatch.selectors import (
    assignment_list,
    attach_counts,
    obligation_list,
    on_time_rate,
    organization_records,
    overdue_list,
    status_counts,
    summary_aggregates,
)
from dispatch.serializers import days_late
from dispatch.status import ACCEPTED, LATE, OVERDUE, PENDING, RETURNED, SUBMITTED
from recipients.selectors import organization_list

OBLIGATIONS_PER_PAGE = 25
OVERDUE_PER_PAGE = 50
ASSIGNMENTS_PER_PAGE = 50

# Best outcome first, so a bar reads from done to not yet due.
STATUS_ORDER = (ACCEPTED, SUBMITTED, LATE, RETURNED, OVERDUE, PENDING)
STATUS_LABELS: dict[str, Promise] = {
    ACCEPTED: _("Accepted"),
    SUBMITTED: _("Reported on time"),
    LATE: _("Reported late"),
    RETURNED: _("Returned for revision"),
    OVERDUE: _("Overdue"),
    PENDING: _("Not yet due"),
}


@dataclass(frozen=True)
class StatusCount:
    """One status in a summary or a progress bar; the label goes with the colour."""

    status: str
    label: Promise
    count: int
    percent: float


@dataclass(frozen=True)
class Record:
    """Counts of one obligation, one organization or everything, ready to show."""

    total: int
    statuses: list[StatusCount]
    on_time_percent: int | None

    @property
    def shown(self) -> list[StatusCount]:
        """The statuses that occur: the segments of a progress bar."""
        return [item for item in self.statuses if item.count]


def record(row: Any) -> Record:
    """Counts per status (from summary_aggregates) and the on-time rate as a whole percent."""
    counts = status_counts(row)
    total = sum(counts.values())
    rate = on_time_rate(row)
    return Record(
        total=total,
        statuses=[
            StatusCount(status, STATUS_LABELS[status], counts[status], 100 * counts[status] / total if total else 0)
            for status in STATUS_ORDER
        ],
        on_time_percent=None if rate is None else round(rate * 100),
    )


# The on-time chart: per organization a line for its name and percentage, and the bar under it (pixels).
CHART_ROW = 46
CHART_LABEL = 16
CHART_BAR = 18
# A bar this long carries its percentage inside its end; a shorter one right after it.
CHART_LABEL_INSIDE = 88


@dataclass(frozen=True)
class ChartBar:
    """One organization's bar: its on-time rate as the bar's width attribute (a percentage of the chart)."""

    organization_id: int
    name: str
    percent: int | None
    top: int

    @property
    def label_y(self) -> int:
        return self.top + CHART_LABEL

    @property
    def bar_y(self) -> int:
        return self.top + CHART_LABEL + 6

    @property
    def value_y(self) -> int:
        return self.bar_y + CHART_BAR - 5

    @property
    def width(self) -> int:
        return self.percent or 0

    @property
    def value_inside(self) -> bool:
        return self.width >= CHART_LABEL_INSIDE


@dataclass(frozen=True)
class Chart:
    bars: list[ChartBar]
    height: int
    bar_height: int = CHART_BAR


def rate_chart(organization_rows: list[tuple[dict[str, Any], Record]]) -> Chart:
    """A bar per organization, in the order of the table the chart sums up."""
    bars = [
        ChartBar(row["organization_id"], row["organization__name"], rate.on_time_percent, index * CHART_ROW)
        for index, (row, rate) in enumerate(organization_rows)
    ]
    return Chart(bars=bars, height=len(bars) * CHART_ROW)


@require_safe
@login_required
def compliance_dashboard(request: HttpRequest) -> HttpResponse:
    """Summary, per obligation, per organization, and the overdue list."""
    user, today = request_user(request), office_today()
    totals = assignment_list(user=user, today=today).order_by().aggregate(**summary_aggregates(today))
    obligations = Paginator(obligation_list(user=user).order_by("due_on", "id"), OBLIGATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    attach_counts(list(obligations), user=user, today=today)
    organization_rows = [(row, record(row)) for row in organization_records(user=user, today=today)]
    overdue = Paginator(overdue_list(user=user, today=today), OVERDUE_PER_PAGE).get_page(
        request.GET.get("overdue_page")
    )
    return render(
        request,
        "dispatch/compliance_dashboard.html",
        {
            "today": today,
            "summary": record(totals),
            "obligations": obligations,
            "obligation_rows": [(obligation, record(obligation)) for obligation in obligations],
            "organization_rows": organization_rows,
            "chart": rate_chart(organization_rows),
            "overdue": overdue,
            "overdue_rows": [(row, days_late(row, today)) for row in overdue],
        },
    )


@dataclass(frozen=True)
class OrganizationRow:
    """One obligated organization of an obligation, with its latest report."""

    assignment: Any
    label: Promise
    days_late: int | None
    report_notation: str
    arrival_number: int | None
    versions: int


def _organization_row(row: Any, today: datetime.date) -> OrganizationRow:
    submissions = list(row.submissions.all())
    latest = submissions[0] if submissions else None
    return OrganizationRow(
        assignment=row,
        label=STATUS_LABELS[row.status],
        days_late=days_late(row, today),
        report_notation=latest.report_notation if latest else "",
        arrival_number=latest.incoming_document.arrival_number if latest else None,
        versions=len(submissions),
    )


@require_safe
@login_required
def obligation_compliance(request: HttpRequest, pk: int) -> HttpResponse:
    """Every obligated organization of one obligation the user may see."""
    user, today = request_user(request), office_today()
    try:
        obligation = obligation_list(user=user).get(pk=pk)
    except Obligation.DoesNotExist:
        raise Http404(_("No obligation %(id)s that you can see.") % {"id": pk}) from None
    attach_counts([obligation], user=user, today=today)
    rows = register_rows(user=user, today=today).filter(obligation_id=pk).order_by("organization_name", "id")
    return render(
        request,
        "dispatch/obligation_compliance.html",
        {
            "today": today,
            "obligation": obligation,
            "summary": record(obligation),
            "rows": [_organization_row(row, today) for row in rows],
        },
    )


@require_safe
@login_required
def compliance_organization(request: HttpRequest, pk: int) -> HttpResponse:
    """One obligated organization's record across every obligation the user may see."""
    user, today = request_user(request), office_today()
    organization = organization_list().filter(pk=pk).first()
    assignments = assignment_list(user=user, today=today).filter(organization_id=pk)
    totals = assignments.order_by().aggregate(**summary_aggregates(today))
    if organization is None or not totals["total_count"]:
        raise Http404(_("No obligated organization %(id)s that you can see.") % {"id": pk})
    page = Paginator(assignments.order_by("-due_on", "-obligation_id", "id"), ASSIGNMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    shown: list[Any] = list(page)  # annotated with their status
    return render(
        request,
        "dispatch/obligations/compliance_organization.html",
        {
            "today": today,
            "organization": organization,
            "summary": record(totals),
            "page": page,
            "rows": [(row, STATUS_LABELS[row.status], days_late(row, today)) for row in shown],
        },
    )
