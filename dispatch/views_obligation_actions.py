"""The requesting clerk's actions on one obligation: reviewing (accepting or returning) the
latest version of a report, giving an obligated organization a due date of its own, and
obliging more organizations.

Each posts from the obligation's page (dispatch.views_obligations) and
goes back to it: after success with a message, or with the form sent back
and its errors in place. The services decide; their refusals come back
next to the fields they name, or as a 403 page when the user may not act."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.errors import DomainError, NotFound, PermissionDenied
from core.users import request_user
from dispatch.models import Assignment, Decision
from dispatch.page_forms import DueDateForm, ReviewForm
from dispatch.selectors import assignment_list, submission_get
from dispatch.services import assignment_set_due_date, obligation_add_organizations, submission_review
from dispatch.views_obligations import Bound, add_organizations_form, render_detail, visible_obligation
from dispatch.views_obligations_common import groups_in_bulk, organizations_in_bulk, put_error, refused


def _back_to_obligation(obligation_id: int, anchor: str = "") -> HttpResponse:
    url = reverse("obligation-detail", args=[obligation_id])
    return redirect(f"{url}#{anchor}" if anchor else url)


@require_POST
@login_required
def submission_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The clerk accepts the latest version of a report, or returns it saying why."""
    user = request_user(request)
    try:
        submission = submission_get(user=user, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from None
    assignment: Assignment = submission.assignment
    obligation_id, anchor = assignment.obligation_id, f"assignment-{assignment.pk}"
    form = ReviewForm(request.POST, auto_id=f"review-{submission.pk}-%s")
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            submission_review(submission=submission, actor=user, decision=decision, reason=form.cleaned_data["reason"])
        except PermissionDenied as error:
            return refused(request, error)
        except DomainError as error:
            if error.field is None:  # reviewed meanwhile, or not the latest version: say so on the page
                messages.error(request, error.message)
                return _back_to_obligation(obligation_id, anchor)
            put_error(form, error)
        else:
            words = (
                _("The report of %(organization)s was accepted.")
                if decision == Decision.ACCEPTED
                else _("The report of %(organization)s was returned for revision.")
            )
            messages.success(request, words % {"organization": assignment.organization_name})
            return _back_to_obligation(obligation_id, anchor)
    return render_detail(request, obligation_id, Bound(review=(submission.pk, form)))


@require_POST
@login_required
def obligation_add_organizations_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Obliges more organizations (directly or through groups)."""
    user = request_user(request)
    obligation = visible_obligation(user, pk)
    obligated = assignment_list(user=user).filter(obligation_id=pk).values_list("organization_id", flat=True)
    form = add_organizations_form(obligation, list(obligated), request.POST)
    if form.is_valid():
        if not form.organization_ids() and not form.group_ids():
            form.add_error("organizations", _("Choose the organizations to add."))
        else:
            try:
                added = obligation_add_organizations(
                    obligation=obligation,
                    actor=user,
                    organizations=organizations_in_bulk(form.organization_ids()),
                    groups=groups_in_bulk(form.group_ids()),
                )
            except PermissionDenied as error:
                return refused(request, error)
            except DomainError as error:
                put_error(form, error, ("organizations",))
            else:
                messages.success(
                    request,
                    ngettext("%(count)d organization added.", "%(count)d organizations added.", len(added))
                    % {"count": len(added)},
                )
                return _back_to_obligation(pk, "organizations")
    return render_detail(request, pk, Bound(add=form))


@require_POST
@login_required
def assignment_due_date_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Gives one obligated organization a due date of its own, or the obligation's again."""
    user = request_user(request)
    assignment = assignment_list(user=user).filter(pk=pk).first()
    if assignment is None:
        raise Http404(_("No obligated organization %(id)s that you can see.") % {"id": pk})
    form = DueDateForm(request.POST, auto_id=f"due-{assignment.pk}-%s")
    if form.is_valid():
        try:
            changed = assignment_set_due_date(assignment=assignment, actor=user, due_on=form.due_date())
        except PermissionDenied as error:
            return refused(request, error)
        except DomainError as error:
            put_error(form, error, ("due_on",))
        else:
            messages.success(
                request,
                _("%(organization)s now reports by %(day)s.")
                % {"organization": changed.organization_name, "day": changed.due_on.strftime("%d/%m/%Y")},
            )
            return _back_to_obligation(assignment.obligation_id, f"assignment-{assignment.pk}")
    return render_detail(request, assignment.obligation_id, Bound(due=(assignment.pk, form)))


urlpatterns: list[URLPattern] = [
    path("obligations/<id:pk>/organizations/", obligation_add_organizations_view, name="obligation-add-organizations"),
    path("assignments/<id:pk>/due-date/", assignment_due_date_view, name="assignment-due-date"),
    path("submissions/<id:pk>/review/", submission_review_view, name="submission-review"),
]
