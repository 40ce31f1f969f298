"""What is asked of a district, for the people who answer it ("Việc cần báo cáo").

A reporter (or a clerk of the obligated organization) sees the obligations
assigned to their own organization, open ones first by due date; opens one to
read what is asked and the history of its reports; submits a report; and gets
a printable receipt with the arrival number the requesting body's incoming
register gave it. Reads go through dispatch.selectors (scoped by role,
organization and clearance); the submission and every rule about files and
notations belong to dispatch.services.submissions, whose refusals come back
next to the field they concern."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from core.errors import DomainError
from core.time import office_date, office_today
from core.users import request_user
from dispatch.models import Assignment, Decision, Submission
from dispatch.reporter_forms import SubmissionForm
from dispatch.selectors import assignment_list, submission_list
from dispatch.services.submissions import submission_create
from dispatch.status import OVERDUE, PENDING, RETURNED, status_conditions
from dispatch.views import STATUS_LABELS
from recipients.models import User

TASKS_PER_PAGE = 20

# What still asks something of the organization: nothing sent yet, or sent back for revision.
OPEN_STATUSES = (PENDING, OVERDUE, RETURNED)
# The leaders' words, except that a task not yet reported is said from the reporter's side.
TASK_LABELS: dict[str, Promise] = {**STATUS_LABELS, PENDING: gettext_lazy("Not yet reported")}
SHOW_OPEN, SHOW_ALL = "open", "all"


def _open_condition(today: datetime.date) -> Q:
    conditions = status_conditions(today)
    open_ = Q()
    for status in OPEN_STATUSES:
        open_ |= conditions[status]
    return open_


def _own_assignments(user: User, today: datetime.date) -> QuerySet[Assignment]:
    """What is asked of the user's own organization, among what the selector lets them see."""
    assignments = assignment_list(user=user, today=today).select_related("obligation__organization")
    if user.organization_id is None:
        return assignments.none()
    return assignments.filter(organization_id=user.organization_id)


@dataclass(frozen=True)
class Task:
    """One assignment as the district reads it: its status in words and how the deadline stands."""

    assignment: Any
    label: Promise
    is_open: bool
    # For an open task: days until the due date (0 on the day itself), negative once it has passed.
    days_left: int | None
    # For a done task: days after the due date the first report came (0 when it was on time).
    reported_late_by: int | None

    @property
    def days_late(self) -> int:
        return -(self.days_left or 0)


def _task(assignment: Any, today: datetime.date) -> Task:
    is_open = assignment.status in OPEN_STATUSES
    first = assignment.first_submitted_on
    return Task(
        assignment=assignment,
        label=TASK_LABELS[assignment.status],
        is_open=is_open,
        days_left=(assignment.due_on - today).days if is_open else None,
        reported_late_by=max((first - assignment.due_on).days, 0) if first and not is_open else None,
    )


@require_safe
@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """The organization's obligations: open ones by due date, then (with "all") the done ones, latest first."""
    user, today = request_user(request), office_today()
    show = SHOW_ALL if request.GET.get("show") == SHOW_ALL else SHOW_OPEN
    open_ = _open_condition(today)
    assignments = _own_assignments(user, today)
    counts = assignments.order_by().aggregate(open_count=Count("id", filter=open_), all_count=Count("id"))
    if show == SHOW_OPEN:
        assignments = assignments.filter(open_)
    assignments = assignments.annotate(
        done=Case(When(open_, then=Value(0)), default=Value(1), output_field=IntegerField()),
        open_due=Case(When(open_, then=F("due_on")), default=Value(None)),
    ).order_by("done", "open_due", "-due_on", "id")
    page = Paginator(assignments, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "today": today,
        "show": show,
        "counts": counts,
        "page": page,
        "tasks": [_task(assignment, today) for assignment in page],
    }
    # The filter's and pages' htmx requests swap the list alone (a history restore wants the whole page).
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and htmx.target == "tasks" and not htmx.history_restore_request  # type: ignore[union-attr]
    response = render(request, "dispatch/reporter/_tasks.html" if partial else "dispatch/reporter/tasks.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _versions(user: User, assignment: Assignment) -> list[Submission]:
    """Every report of the assignment the user may see, newest first, files prefetched."""
    return list(submission_list(user=user).filter(assignment_id=assignment.pk).order_by("-version"))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One assignment: what is asked, its status, the history of reports, and the form to submit one."""
    user, today = request_user(request), office_today()
    try:
        assignment = _own_assignments(user, today).get(pk=pk)
    except Assignment.DoesNotExist:
        raise Http404(_("No reporting task %(id)s of your organization.") % {"id": pk}) from None
    status = 200
    if request.method == "POST":
        form = SubmissionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                submission = submission_create(
                    obligation=assignment.obligation,
                    actor=user,
                    files=form.cleaned_data["file"],
                    note=form.cleaned_data["note"],
                    report_notation=form.cleaned_data["report_notation"],
                )
            except DomainError as exc:
                form.add_service_error(exc.field, exc.message)
                # A refusal that is not about what was typed keeps its own status (403 not allowed, 409 accepted).
                status = exc.status_code if exc.status_code in (403, 409) else 200
            else:
                messages.success(
                    request,
                    _("Your report was received: arrival number %(number)s.")
                    % {"number": submission.incoming_document.arrival_number},
                )
                return redirect("submission-receipt", pk=submission.pk)
    else:
        form = SubmissionForm()
    return render(
        request,
        "dispatch/reporter/task.html",
        {
            "today": today,
            "task": _task(assignment, today),
            "assignment": assignment,
            "obligation": assignment.obligation,
            "versions": _versions(user, assignment),
            "form": form,
            "can_submit": assignment.accepted_at is None,
        },
        status=status,
    )


@require_safe
@login_required
def submission_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt of one report: when it arrived, the arrival number, its files, on time or late."""
    user = request_user(request)
    submission = (
        submission_list(user=user)
        .select_related("assignment__obligation__document", "assignment__obligation__organization")
        .filter(pk=pk)
        .first()
    )
    if submission is None:
        raise Http404(_("No report %(id)s that you can see.") % {"id": pk})
    assignment = submission.assignment
    received_on = office_date(submission.submitted_at)
    days_late = (received_on - assignment.due_on).days
    attachments = list(submission.incoming_document.attachments.all())
    return render(
        request,
        "dispatch/reporter/receipt.html",
        {
            "submission": submission,
            "assignment": assignment,
            "obligation": assignment.obligation,
            "incoming": submission.incoming_document,
            "attachments": attachments,
            "total_size": sum(attachment.size for attachment in attachments),
            "days_late": max(days_late, 0),
            "on_time": days_late <= 0,
            "reviewed": submission.decision != Decision.PENDING,
            "own_task": assignment.organization_id == user.organization_id,
        },
    )


urlpatterns: list[URLPattern] = [
    path("tasks/", task_list, name="reporter-tasks"),
    path("tasks/<id:pk>/", task_detail, name="reporter-task"),
    path("submissions/<id:pk>/receipt/", submission_receipt, name="submission-receipt"),
]
