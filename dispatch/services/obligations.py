"""Reporting obligations: who must report what, by when."""

import datetime
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record, diff, snapshot
from core.errors import Conflict, DomainError
from core.events import send_event_on_commit
from core.text import clean_text
from core.time import office_today
from dispatch.models import Assignment, Obligation
from dispatch.services.notify import notify, organization_users
from recipients.models import Organization, RecipientGroup, User
from recipients.selectors import group_members
from registry.intake import extract_deadlines
from registry.models import Direction, Document, DocumentStatus
from registry.permissions import require_register_clerk

OBLIGATION_FIELDS = ("title", "description", "due_on")


def _issued_document(document: Document, actor: User) -> Document:
    document = Document.objects.select_related("register__owner").get(pk=document.pk)
    require_register_clerk(actor, document.register)
    if document.direction != Direction.OUTGOING or document.status not in (
        DocumentStatus.ISSUED,
        DocumentStatus.DISPATCHED,
    ):
        raise Conflict(
            _("Obligations belong to issued documents; this one is %(status)s.")
            % {"status": document.get_status_display().lower()},
            code="not_issued",
        )
    return document


def _obligated(
    requester: Organization, organizations: Sequence[Organization], groups: Sequence[RecipientGroup]
) -> list[Organization]:
    """The organizations picked directly and the members of the groups today,
    each once, in the order given; the requester itself is not obligated."""
    today = office_today()
    found: dict[int, Organization] = {}
    for organization in [*organizations, *(member for group in groups for member in group_members(group))]:
        if organization.active_to and organization.active_to < today:
            continue
        if organization.pk != requester.pk:
            found.setdefault(organization.pk, organization)
    return list(found.values())


def _check_due(due_on: object, field: str = "due_on") -> datetime.date:
    if isinstance(due_on, datetime.datetime) or not isinstance(due_on, datetime.date):
        raise DomainError(_("The due date must be a date."), field=field)
    return due_on


def _assign(
    obligation: Obligation, organizations: Sequence[Organization], due_dates: Mapping[Organization, datetime.date]
) -> list[Assignment]:
    unknown = [org.name for org in due_dates if org.pk not in {o.pk for o in organizations}]
    if unknown:
        raise DomainError(
            _("Own due dates were given for organizations that are not obligated: %(names)s.")
            % {"names": ", ".join(unknown)},
            field="due_dates",
        )
    own_due = {org.pk: _check_due(day, "due_dates") for org, day in due_dates.items()}
    assignments = [
        Assignment(
            obligation=obligation,
            organization=org,
            organization_name=org.name,
            due_on=own_due.get(org.pk, obligation.due_on),
            due_on_overridden=org.pk in own_due,
        )
        for org in organizations
    ]
    return Assignment.objects.bulk_create(assignments)


def _announce(obligation: Obligation, assignments: Sequence[Assignment]) -> None:
    notify(
        organization_users(a.organization_id for a in assignments),
        kind="obligation",
        title=_("Report requested: %(title)s") % {"title": obligation.title},
        body=_("Due %(day)s, asked by %(organization)s in %(notation)s.")
        % {
            "day": obligation.due_on.strftime("%d/%m/%Y"),
            "organization": obligation.organization.name,
            "notation": obligation.document.notation,
        },
        document=obligation.document,
        obligation=obligation,
    )
    send_event_on_commit("obligation.assigned", obligation_id=obligation.pk, assignments=[a.pk for a in assignments])


@transaction.atomic
def obligation_create(
    *,
    document: Document,
    actor: User,
    title: str,
    due_on: datetime.date,
    organizations: Sequence[Organization] = (),
    groups: Sequence[RecipientGroup] = (),
    due_dates: Mapping[Organization, datetime.date] | None = None,
    description: str = "",
    deadline_text: str = "",
) -> Obligation:
    """Obliges organizations (picked directly or through groups, expanded to
    their members today) to report by `due_on`, the last day that is on
    time; `due_dates` gives some of them a date of their own."""
    document = _issued_document(document, actor)
    title = clean_text(title or "", label=_("What must be reported"), field="title", max_length=500)
    if not title:
        raise DomainError(_("Say what must be reported."), field="title")
    obligated = _obligated(document.register.owner, organizations, groups)
    if not obligated:
        raise DomainError(_("Choose the organizations that must report."), field="organizations")
    obligation = Obligation.objects.create(
        document=document,
        organization=document.register.owner,
        title=title,
        description=clean_text(description or "", label=_("Description"), field="description", multiline=True),
        due_on=_check_due(due_on),
        deadline_text=clean_text(deadline_text or "", label=_("Deadline"), field="deadline_text", multiline=True),
        created_by=actor,
    )
    assignments = _assign(obligation, obligated, due_dates or {})
    audit_record(
        actor=actor,
        action="obligation.create",
        obj=obligation,
        changes=diff({}, snapshot(obligation, OBLIGATION_FIELDS)),
        data={"document": document.notation, "organizations": [a.organization_name for a in assignments]},
    )
    _announce(obligation, assignments)
    return obligation


@transaction.atomic
def obligations_from_deadlines(
    *,
    document: Document,
    actor: User,
    organizations: Sequence[Organization] = (),
    groups: Sequence[RecipientGroup] = (),
    choose: Sequence[int] | None = None,
) -> list[Obligation]:
    """Turns the deadlines the document states (“gởi báo cáo … trước ngày
    01/12/2023”) into obligations in one step: one per deadline, or per
    chosen deadline (indexes into the document's deadlines), due on the last
    day that is on time (“trước ngày 01/12/2023” → 30/11/2023)."""
    document = _issued_document(document, actor)
    deadlines = extract_deadlines(document.body)
    if not deadlines:
        raise DomainError(_("The document states no deadline to turn into an obligation."), code="no_deadlines")
    if choose is not None:
        wrong = [index for index in choose if not 0 <= index < len(deadlines)]
        if wrong or not choose:
            raise DomainError(
                _("Choose deadlines by their position, from 0 to %(last)d.") % {"last": len(deadlines) - 1},
                field="deadlines",
            )
        deadlines = [deadlines[index] for index in dict.fromkeys(choose)]
    return [
        obligation_create(
            document=document,
            actor=actor,
            title=deadline.text[:500],
            due_on=deadline.due_on,
            organizations=organizations,
            groups=groups,
            deadline_text=deadline.text,
        )
        for deadline in deadlines
    ]


def _require_requester_clerk(actor: User, obligation: Obligation) -> None:
    require_register_clerk(actor, obligation.document.register)


@transaction.atomic
def obligation_update(
    *,
    obligation: Obligation,
    actor: User,
    title: str | None = None,
    description: str | None = None,
    due_on: datetime.date | None = None,
) -> Obligation:
    """Changes what is asked or the due date; organizations with a date of
    their own keep it. Statuses follow from the new date."""
    obligation = (
        Obligation.objects.select_for_update().select_related("document__register__owner").get(pk=obligation.pk)
    )
    _require_requester_clerk(actor, obligation)
    before = snapshot(obligation, OBLIGATION_FIELDS)
    if title is not None:
        obligation.title = clean_text(title, label=_("What must be reported"), field="title", max_length=500)
        if not obligation.title:
            raise DomainError(_("Say what must be reported."), field="title")
    if description is not None:
        obligation.description = clean_text(description, label=_("Description"), field="description", multiline=True)
    if due_on is not None:
        obligation.due_on = _check_due(due_on)
        obligation.assignments.filter(due_on_overridden=False).update(due_on=obligation.due_on)
    obligation.save()
    changes = diff(before, snapshot(obligation, OBLIGATION_FIELDS))
    if changes:
        audit_record(actor=actor, action="obligation.update", obj=obligation, changes=changes)
    return obligation


@transaction.atomic
def obligation_add_organizations(
    *,
    obligation: Obligation,
    actor: User,
    organizations: Sequence[Organization] = (),
    groups: Sequence[RecipientGroup] = (),
) -> list[Assignment]:
    """Obliges more organizations; those already obligated are left as they are."""
    obligation = (
        Obligation.objects.select_for_update().select_related("document__register__owner").get(pk=obligation.pk)
    )
    _require_requester_clerk(actor, obligation)
    already = set(obligation.assignments.values_list("organization_id", flat=True))
    new = [org for org in _obligated(obligation.organization, organizations, groups) if org.pk not in already]
    if not new:
        raise DomainError(_("Those organizations are already obligated."), field="organizations")
    assignments = _assign(obligation, new, {})
    audit_record(
        actor=actor,
        action="obligation.add_organizations",
        obj=obligation,
        data={"organizations": [a.organization_name for a in assignments]},
    )
    _announce(obligation, assignments)
    return assignments


@transaction.atomic
def assignment_set_due_date(*, assignment: Assignment, actor: User, due_on: datetime.date | None) -> Assignment:
    """Gives one organization a due date of its own, or (None) the obligation's again."""
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("obligation__document__register__owner")
        .get(pk=assignment.pk)
    )
    _require_requester_clerk(actor, assignment.obligation)
    before = {"due_on": assignment.due_on}
    assignment.due_on = _check_due(due_on) if due_on is not None else assignment.obligation.due_on
    assignment.due_on_overridden = due_on is not None
    assignment.save(update_fields=["due_on", "due_on_overridden"])
    audit_record(
        actor=actor,
        action="assignment.set_due_date",
        obj=assignment,
        changes=diff(before, {"due_on": assignment.due_on}),
    )
    return assignment
