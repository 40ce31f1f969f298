"""Reporting obligations for the requesting clerk: the list, and one obligation with every
obligated organization's reports and the forms of the clerk's actions on it.

Creating obligations is in dispatch.views_obligation_create, the actions
(reviewing a report, a due date, adding organizations) in
dispatch.views_obligation_actions, which show this page again with the
form sent back when it has errors. Reads go through the dispatch
selectors (scoped by role, organization and clearance); an obligation the
user may not even see is a 404. Every page costs a fixed number of
queries, whatever the number of organizations.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.errors import NotFound
from core.time import office_today
from core.users import request_user
from dispatch.models import Obligation, Submission
from dispatch.page_forms import AddOrganizationsForm, DueDateForm, ObligationFilterForm, ReviewForm
from dispatch.selectors import assignment_list, attach_counts, obligation_list, submission_list
from dispatch.serializers import days_late
from dispatch.status import PENDING, status_conditions
from dispatch.views import STATUS_LABELS, STATUS_ORDER, record
from dispatch.views_obligations_common import group_choices, organizations_today
from recipients.models import User
from recipients.selectors import group_list
from registry.permissions import is_register_clerk
from registry.selectors import document_get

OBLIGATIONS_PER_PAGE = 25


# ---------------------------------------------------------------- the list


@require_safe
@login_required
def obligations(request: HttpRequest) -> HttpResponse:
    """The obligations the user can see, latest due date first, with their progress."""
    user, today = request_user(request), office_today()
    visible = obligation_list(user=user)
    documents = sorted(
        {
            (document_id, f"{notation or _('(no number)')} — {subject}"[:120])
            for document_id, notation, subject in visible.order_by()
            .values_list("document_id", "document__notation", "document__subject")
            .distinct()
        },
        key=lambda choice: choice[1],
    )
    statuses = [(status, str(STATUS_LABELS[status])) for status in STATUS_ORDER]
    form = ObligationFilterForm(request.GET or None, statuses=statuses, documents=documents)
    rows = visible.order_by("-due_on", "-id")
    chosen: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        chosen = form.cleaned_data
    status, document_id = chosen.get("status"), chosen.get("document")
    if status:
        owing = assignment_list(user=user, today=today).filter(status_conditions(today)[status])
        rows = rows.filter(pk__in=owing.values("obligation_id"))
    if document_id:
        rows = rows.filter(document_id=document_id)
    page = Paginator(rows, OBLIGATIONS_PER_PAGE).get_page(request.GET.get("page"))
    attach_counts(list(page), user=user, today=today)
    create_url = ""
    if document_id:
        try:
            document = document_get(user=user, pk=document_id, detail=False)
        except NotFound:
            document = None
        if document is not None and is_register_clerk(user, document.register):
            create_url = reverse("obligation-create", args=[document_id])
    return render(
        request,
        "dispatch/obligations/list.html",
        {
            "form": form,
            "filtered": bool(status or document_id),
            "page": page,
            "rows": [(obligation, record(obligation)) for obligation in page],
            "create_url": create_url,
        },
    )


# ---------------------------------------------------------------- one obligation


@dataclass
class VersionRow:
    """One version of an organization's report."""

    submission: Submission
    files: list[Any]
    review_form: ReviewForm | None = None


@dataclass
class AssignmentRow:
    """One obligated organization of the obligation, with its reports newest first."""

    assignment: Any
    label: Any
    days_late: int | None
    days_left: int | None
    versions: list[VersionRow]
    due_form: DueDateForm | None = None

    @property
    def latest(self) -> VersionRow | None:
        return self.versions[0] if self.versions else None


@dataclass
class Bound:
    """A form the user sent back with errors, to show in its place on the obligation's page."""

    review: tuple[int, ReviewForm] | None = None
    due: tuple[int, DueDateForm] | None = None
    add: AddOrganizationsForm | None = None


def visible_obligation(user: User, pk: int) -> Obligation:
    """The obligation (with its document's register) if the user may see it, else a 404."""
    try:
        return obligation_list(user=user).select_related("document__register").get(pk=pk)
    except Obligation.DoesNotExist:
        raise Http404(_("No obligation %(id)s that you can see.") % {"id": pk}) from None


def _assignment_rows(
    obligation: Obligation, user: User, today: datetime.date, can_manage: bool, bound: Bound
) -> list[AssignmentRow]:
    versions = Prefetch("submissions", queryset=submission_list(user=user).order_by("-version"), to_attr="versions")
    assignments = (
        assignment_list(user=user, today=today)
        .filter(obligation_id=obligation.pk)
        .order_by("organization_name", "id")
        .prefetch_related(versions)
    )
    annotated: list[Any] = list(assignments)  # with their status and their versions
    rows = []
    for assignment in annotated:
        version_rows = [
            VersionRow(submission=submission, files=list(submission.incoming_document.attachments.all()))
            for submission in assignment.versions
        ]
        latest = version_rows[0] if version_rows else None
        if can_manage and latest is not None and not latest.submission.decision:
            submission_id = latest.submission.pk
            latest.review_form = (
                bound.review[1]
                if bound.review and bound.review[0] == submission_id
                else ReviewForm(auto_id=f"review-{submission_id}-%s")
            )
        due_form = None
        if can_manage:
            due_form = (
                bound.due[1]
                if bound.due and bound.due[0] == assignment.pk
                else DueDateForm(
                    auto_id=f"due-{assignment.pk}-%s",
                    initial={"due_on": assignment.due_on if assignment.due_on_overridden else None},
                )
            )
        rows.append(
            AssignmentRow(
                assignment=assignment,
                label=STATUS_LABELS[assignment.status],
                days_late=days_late(assignment, today),
                days_left=(assignment.due_on - today).days if assignment.status == PENDING else None,
                versions=version_rows,
                due_form=due_form,
            )
        )
    return rows


def add_organizations_form(obligation: Obligation, obligated: Iterable[int], data: Any = None) -> AddOrganizationsForm:
    """Organizations not yet obligated (nor the requester), and the requester's groups."""
    directory = organizations_today(office_today())
    taken = {obligation.organization_id, *obligated}
    groups = group_list().filter(owner_id=obligation.organization_id).order_by("name", "id")
    return AddOrganizationsForm(
        data,
        organizations=[(pk, name) for pk, name in directory.items() if pk not in taken],
        groups=group_choices(groups),
    )


def render_detail(request: HttpRequest, pk: int, bound: Bound | None = None, status: int = 200) -> HttpResponse:
    user, today, bound = request_user(request), office_today(), bound or Bound()
    obligation = visible_obligation(user, pk)
    can_manage = is_register_clerk(user, obligation.document.register)
    attach_counts([obligation], user=user, today=today)
    rows = _assignment_rows(obligation, user, today, can_manage, bound)
    return render(
        request,
        "dispatch/obligations/detail.html",
        {
            "today": today,
            "obligation": obligation,
            "summary": record(obligation),
            "rows": rows,
            "can_manage": can_manage,
            "add_form": (
                bound.add or add_organizations_form(obligation, [row.assignment.organization_id for row in rows])
            )
            if can_manage
            else None,
        },
        status=status,
    )


@require_safe
@login_required
def obligation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One obligation: every obligated organization, its reports, and the clerk's actions."""
    return render_detail(request, pk)


urlpatterns: list[URLPattern] = [
    path("obligations/", obligations, name="obligations"),
    path("obligations/<id:pk>/", obligation_detail, name="obligation-detail"),
]
