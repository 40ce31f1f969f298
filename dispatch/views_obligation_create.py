"""Creating reporting obligations from the deadlines a document states (and any other), for
the clerk of its register: one row per stated deadline, each with the organizations and
groups to oblige, proposed from the document's addressees or the organizations it was
delivered to. All the chosen rows are created, or none; a service's refusal comes back
next to the field of the row it concerns."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from core.errors import DomainError, NotFound, PermissionDenied
from core.time import office_today
from core.users import request_user
from dispatch.models import Obligation
from dispatch.page_forms import ObligationRowForm
from dispatch.selectors import delivery_list
from dispatch.services import obligation_create
from dispatch.views_obligations_common import (
    Choices,
    group_choices,
    groups_in_bulk,
    organizations_in_bulk,
    organizations_today,
    put_error,
    refused,
)
from recipients.models import User
from recipients.selectors import group_list
from registry.intake import extract_deadlines
from registry.intake.deadlines import Deadline
from registry.models import AddresseeKind, Direction, Document, DocumentStatus
from registry.permissions import require_register_clerk
from registry.selectors import document_get

# The organization pickers: a service's "organizations" error goes next to whichever list is shown.
ORGANIZATION_FIELDS = ("organizations", "other_organizations", "groups")


def _error_aliases(error: DomainError) -> Sequence[str]:
    return ORGANIZATION_FIELDS if error.field == "organizations" else ()


@dataclass
class ProposalRow:
    """One row of the creation page: a stated deadline (or none, for the blank row) and its form."""

    form: ObligationRowForm
    deadline: Deadline | None = None

    @property
    def deadline_text(self) -> str:
        return self.deadline.text if self.deadline else ""


@dataclass
class CreationContext:
    """What the creation page offers: the deadlines, the organizations and groups to pick from."""

    document: Document
    deadlines: list[Deadline]
    suggested: Choices
    others: Choices
    groups: Choices
    initial_organizations: list[int]
    initial_groups: list[int]


def _creation_context(document: Document, user: User) -> CreationContext:
    """Proposals from the document: its stated deadlines, and as organizations to oblige its
    addressees (Kính gửi) — or, when it names none, the organizations it was delivered to."""
    today = office_today()
    requester_id = document.register.owner_id
    directory = organizations_today(today)
    directory.pop(requester_id, None)
    addressees = list(document.addressees.all())
    addressed = [a.organization_id for a in addressees if a.kind == AddresseeKind.ORGANIZATION and a.organization_id]
    addressed_groups = [a.group_id for a in addressees if a.kind == AddresseeKind.GROUP and a.group_id]
    delivered = list(
        delivery_list(user=user).filter(document_id=document.pk).order_by("id").values_list("recipient_id", flat=True)
    )
    suggested_ids = [pk for pk in dict.fromkeys([*addressed, *delivered]) if pk in directory]
    suggested = set(suggested_ids)
    groups = group_list().filter(Q(owner_id=requester_id) | Q(pk__in=addressed_groups)).order_by("name", "id")
    initial_organizations = [pk for pk in addressed if pk in directory]
    if not initial_organizations and not addressed_groups:
        initial_organizations = suggested_ids
    return CreationContext(
        document=document,
        deadlines=extract_deadlines(document.body),
        suggested=[(pk, directory[pk]) for pk in suggested_ids],
        others=[(pk, name) for pk, name in directory.items() if pk not in suggested],
        groups=group_choices(groups),
        initial_organizations=initial_organizations,
        initial_groups=addressed_groups,
    )


def _proposal_rows(context: CreationContext, data: Any = None) -> list[ProposalRow]:
    """A row per stated deadline, ticked, and a blank row for another obligation (ticked only when
    the document states no deadline)."""
    pickers = {"suggested": context.suggested, "others": context.others, "groups": context.groups}
    chosen = {"organizations": context.initial_organizations, "groups": context.initial_groups}
    rows = [
        ProposalRow(
            form=ObligationRowForm(
                data,
                prefix=f"row-{index}",
                initial={"include": True, "title": deadline.text[:500], "due_on": deadline.due_on, **chosen},
                **pickers,
            ),
            deadline=deadline,
        )
        for index, deadline in enumerate(context.deadlines)
    ]
    blank = {"include": not context.deadlines, **chosen}
    rows.append(
        ProposalRow(form=ObligationRowForm(data, prefix=f"row-{len(rows)}", initial=blank, **pickers), deadline=None)
    )
    return rows


def _is_open_for_obligations(document: Document) -> bool:
    """Whether the page offers the form: the service decides, this only spares a form that cannot succeed."""
    return document.direction == Direction.OUTGOING and document.status in (
        DocumentStatus.ISSUED,
        DocumentStatus.DISPATCHED,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def obligation_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Reporting obligations from a document's stated deadlines (and any other), for its clerk."""
    user = request_user(request)
    try:
        document = document_get(user=user, pk=pk)
        require_register_clerk(user, document.register)
    except NotFound as error:
        raise Http404(error.message) from None
    except PermissionDenied as error:
        return refused(request, error)
    context = _creation_context(document, user)
    rows = _proposal_rows(context, request.POST if request.method == "POST" else None)
    page_errors: list[str] = []
    if request.method == "POST":
        if all(row.form.is_valid() for row in rows):
            chosen = [row for row in rows if row.form.cleaned_data["include"]]
            if not chosen:
                page_errors.append(_("Tick at least one obligation to create."))
            else:
                try:
                    created = _create(chosen, document=document, user=user)
                except PermissionDenied as error:
                    return refused(request, error)
                except _RowError as row_error:
                    put_error(row_error.row.form, row_error.error, _error_aliases(row_error.error))
                    if row_error.error.field is None:
                        page_errors.append(row_error.error.message)
                else:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)d reporting obligation created.",
                            "%(count)d reporting obligations created.",
                            len(created),
                        )
                        % {"count": len(created)},
                    )
                    return redirect("obligation-detail", pk=created[0].pk)
        else:
            page_errors.append(_("Some obligations need correcting; see the messages next to the fields."))
    return render(
        request,
        "dispatch/obligations/create.html",
        {
            "document": document,
            "open": _is_open_for_obligations(document),
            "rows": rows,
            "deadline_count": len(context.deadlines),
            "page_errors": page_errors,
        },
    )


class _RowError(Exception):
    """A service refused one row of the creation page."""

    def __init__(self, row: ProposalRow, error: DomainError) -> None:
        super().__init__(error.message)
        self.row, self.error = row, error


def _create(rows: Sequence[ProposalRow], *, document: Document, user: User) -> list[Obligation]:
    """Every chosen obligation, or none: the first one a service refuses undoes the others."""
    organization_ids = [pk for row in rows for pk in row.form.organization_ids()]
    organizations = {org.pk: org for org in organizations_in_bulk(organization_ids)}
    groups = {group.pk: group for group in groups_in_bulk([pk for row in rows for pk in row.form.group_ids()])}
    created: list[Obligation] = []
    with transaction.atomic():
        for row in rows:
            data = row.form.cleaned_data
            try:
                created.append(
                    obligation_create(
                        document=document,
                        actor=user,
                        title=data["title"],
                        due_on=data["due_on"],
                        organizations=[organizations[pk] for pk in row.form.organization_ids() if pk in organizations],
                        groups=[groups[pk] for pk in row.form.group_ids() if pk in groups],
                        description=data["description"],
                        deadline_text=row.deadline_text,
                    )
                )
            except PermissionDenied:
                raise
            except DomainError as error:
                raise _RowError(row, error) from error
    return created


urlpatterns: list[URLPattern] = [
    path("documents/<id:pk>/obligations/new/", obligation_create_view, name="obligation-create"),
]
