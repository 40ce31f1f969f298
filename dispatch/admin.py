"""Admin for deliveries, reporting obligations, submissions, reminders and
notifications.

These are records of what was sent, asked, reported and decided, so nothing
is added or deleted here. Administrators read them; the only writes are the
ones a service makes and audits: an obligation's title, description and due
date (obligation_update) and the review of a report (submission_review).
Obligations themselves are created by clerks through the API and pages, the
rest by the services that record them. Rows of documents above the
administrator's clearance are not shown (core.admin.ClearanceAdminMixin).
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from core.admin import (
    ClearanceAdminMixin,
    ReadOnlyAdmin,
    ReadOnlyTabularInline,
    ServiceAdmin,
    acting_user,
    adopt,
    audit_history,
    is_administrator,
)
from core.errors import DomainError
from core.time import office_today
from dispatch.models import Assignment, Decision, Delivery, Notification, Obligation, Reminder, Submission
from dispatch.services import obligation_update, submission_review
from dispatch.services.obligations import OBLIGATION_FIELDS
from dispatch.status import (
    ACCEPTED,
    LATE,
    OVERDUE,
    PENDING,
    RETURNED,
    STATUSES,
    SUBMITTED,
    status_case,
    status_conditions,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# dispatch.status names statuses with plain words for programs; people read these.
STATUS_LABELS: dict[str, "StrOrPromise"] = {
    PENDING: _("Pending"),
    SUBMITTED: _("Reported on time"),
    LATE: _("Reported late"),
    OVERDUE: _("Overdue"),
    ACCEPTED: _("Accepted"),
    RETURNED: _("Returned for revision"),
}


def with_status(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Assignments with their `status` derived for today, as the API and dashboards derive it."""
    return assignments.annotate(status=status_case(office_today()))


class AssignmentStatusFilter(admin.SimpleListFilter):
    """The status is never stored: it is derived from the facts and today's
    date, so the filter uses the same SQL conditions as the status itself."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, "StrOrPromise"]]:
        return [(status, STATUS_LABELS[status]) for status in STATUSES]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        status = self.value()
        if status not in STATUSES:
            return queryset
        return queryset.filter(status_conditions(office_today())[status])


class RecordedListFilter(admin.SimpleListFilter):
    """Whether a moment (`field`) was recorded yet: yes, or not yet."""

    field: str
    recorded: "StrOrPromise"
    not_recorded: "StrOrPromise"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, "StrOrPromise"]]:
        return [("yes", self.recorded), ("no", self.not_recorded)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() not in ("yes", "no"):
            return queryset
        return queryset.filter(**{f"{self.field}__isnull": self.value() == "no"})


class ReceivedListFilter(RecordedListFilter):
    title = _("received")
    parameter_name = "received"
    field = "received_at"
    recorded = pgettext_lazy("delivery", "Received")
    not_recorded = _("Not received yet")


class RegisteredListFilter(RecordedListFilter):
    title = _("registered by the recipient")
    parameter_name = "registered"
    field = "registered_as"
    recorded = _("Registered")
    not_recorded = _("Not registered yet")


class ReadListFilter(RecordedListFilter):
    title = _("read")
    parameter_name = "read"
    field = "read_at"
    recorded = _("Read")
    not_recorded = _("Unread")


@admin.register(Delivery)
class DeliveryAdmin(ClearanceAdminMixin, ReadOnlyAdmin[Delivery]):
    """Who was sent which document, and when they received and registered it
    (document_dispatch, delivery_acknowledge, delivery_register)."""

    clearance_paths = ("document__",)
    list_display = (
        "document_notation",
        "recipient_name",
        "channel",
        "sent_at",
        "sent_by",
        "received_at",
        "received_by",
        "arrival_number",
    )
    list_filter = ("channel", ReceivedListFilter, RegisteredListFilter, ("recipient", admin.RelatedOnlyFieldListFilter))
    search_fields = ("document__notation", "document__subject", "recipient_name", "recipient__name")
    list_select_related = ("document", "sent_by", "received_by", "registered_as")
    date_hierarchy = "sent_at"
    fields = (
        "document",
        "recipient",
        "recipient_name",
        "channel",
        "sent_at",
        "sent_by",
        "received_at",
        "received_by",
        "registered_as",
        "history",
    )
    readonly_fields = fields

    @admin.display(description=_("document"), ordering="document__notation")
    def document_notation(self, delivery: Delivery) -> str:
        return delivery.document.notation or str(delivery.document)

    @admin.display(description=_("arrival number"), ordering="registered_as__arrival_number")
    def arrival_number(self, delivery: Delivery) -> int | None:
        return delivery.registered_as.arrival_number if delivery.registered_as else None

    @admin.display(description=_("history"))
    def history(self, delivery: Delivery) -> str:
        return audit_history(delivery)


class AssignmentInline(ReadOnlyTabularInline[Assignment, Obligation]):
    model = Assignment
    fields = (
        "organization_name",
        "due_on",
        "due_on_overridden",
        "status",
        "first_submitted_at",
        "last_submitted_at",
        "returned_at",
        "accepted_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assignment]:
        return with_status(super().get_queryset(request))

    @admin.display(description=_("status"))
    def status(self, assignment: Assignment) -> "StrOrPromise":
        return STATUS_LABELS[assignment.status]  # type: ignore[attr-defined]


@admin.register(Obligation)
class ObligationAdmin(ClearanceAdminMixin, ServiceAdmin[Obligation]):
    """What is asked and by when can be corrected here (obligation_update;
    organizations with a date of their own keep it). Who is obligated and
    what they reported are shown read-only."""

    clearance_paths = ("document__",)
    list_display = ("title", "document_notation", "organization", "due_on", "organization_count", "created_by")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter), "due_on")
    search_fields = ("title", "document__notation", "organization__name", "assignments__organization_name")
    list_select_related = ("document", "organization", "created_by")
    date_hierarchy = "due_on"
    inlines = (AssignmentInline,)
    fields = (
        "document",
        "organization",
        "title",
        "description",
        "due_on",
        "deadline_text",
        "created_by",
        "created_at",
        "updated_at",
        "history",
    )
    readonly_fields = tuple(name for name in fields if name not in OBLIGATION_FIELDS)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Obligation]:
        return super().get_queryset(request).annotate(organization_count=Count("assignments"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Obligation | None = None) -> bool:
        return False

    @admin.display(description=_("document"), ordering="document__notation")
    def document_notation(self, obligation: Obligation) -> str:
        return obligation.document.notation

    @admin.display(description=_("obligated organizations"), ordering="organization_count")
    def organization_count(self, obligation: Obligation) -> int:
        return int(getattr(obligation, "organization_count", 0))

    @admin.display(description=_("history"))
    def history(self, obligation: Obligation) -> str:
        return audit_history(obligation)

    def save_model(self, request: HttpRequest, obj: Obligation, form: Any, change: bool) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in OBLIGATION_FIELDS}
        adopt(obj, obligation_update(obligation=obj, actor=acting_user(request), **changes))


@admin.register(Assignment)
class AssignmentAdmin(ClearanceAdminMixin, ReadOnlyAdmin[Assignment]):
    """Each obligated organization with its status for today. Its dates are
    facts the submission and review services write."""

    clearance_paths = ("obligation__document__",)
    list_display = (
        "organization_name",
        "obligation",
        "document_notation",
        "due_on",
        "status",
        "first_submitted_at",
        "accepted_at",
    )
    list_filter = (AssignmentStatusFilter, "due_on_overridden", ("organization", admin.RelatedOnlyFieldListFilter))
    search_fields = ("obligation__title", "obligation__document__notation", "organization_name", "organization__name")
    list_select_related = ("obligation__document",)
    date_hierarchy = "due_on"
    fields = (
        "obligation",
        "organization",
        "organization_name",
        "due_on",
        "due_on_overridden",
        "status",
        "first_submitted_at",
        "first_submitted_on",
        "last_submitted_at",
        "returned_at",
        "accepted_at",
        "accepted_by",
        "created_at",
        "history",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assignment]:
        return with_status(super().get_queryset(request))

    @admin.display(description=_("document"), ordering="obligation__document__notation")
    def document_notation(self, assignment: Assignment) -> str:
        return assignment.obligation.document.notation

    @admin.display(description=_("status"), ordering="status")
    def status(self, assignment: Assignment) -> "StrOrPromise":
        return STATUS_LABELS[assignment.status]  # type: ignore[attr-defined]

    @admin.display(description=_("history"))
    def history(self, assignment: Assignment) -> str:
        return audit_history(assignment)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=capfirst(_("what must be revised")), max_length=5000, widget=forms.Textarea({"rows": 4})
    )


@admin.register(Submission)
class SubmissionAdmin(ClearanceAdminMixin, ReadOnlyAdmin[Submission]):
    """Every version of every report, read-only. The requester's review is
    offered as two actions that call submission_review, which decides what
    may be reviewed (only the latest version, once)."""

    clearance_paths = ("assignment__obligation__document__", "incoming_document__")
    list_display = (
        "organization_name",
        "obligation_title",
        "version",
        "submitted_at",
        "submitted_by",
        "on_paper",
        "arrival_number",
        "decision",
        "reviewed_at",
    )
    list_filter = ("decision", "on_paper")
    search_fields = (
        "assignment__obligation__title",
        "assignment__obligation__document__notation",
        "assignment__organization_name",
        "assignment__organization__name",
        "report_notation",
    )
    list_select_related = ("assignment__obligation", "submitted_by", "incoming_document")
    date_hierarchy = "submitted_at"
    actions = ("accept_submissions", "return_submissions")
    fields = (
        "assignment",
        "version",
        "submitted_at",
        "submitted_by",
        "on_paper",
        "note",
        "report_notation",
        "incoming_document",
        "files",
        "decision",
        "reviewed_at",
        "reviewed_by",
        "review_reason",
        "history",
    )
    readonly_fields = fields

    def has_review_permission(self, request: HttpRequest) -> bool:
        """Reviewing is not changing the row (that stays forbidden): the service writes the decision."""
        return is_administrator(request)

    @admin.display(description=_("organization"), ordering="assignment__organization_name")
    def organization_name(self, submission: Submission) -> str:
        return submission.assignment.organization_name

    @admin.display(description=_("obligation"), ordering="assignment__obligation__title")
    def obligation_title(self, submission: Submission) -> str:
        return submission.assignment.obligation.title

    @admin.display(description=_("arrival number"), ordering="incoming_document__arrival_number")
    def arrival_number(self, submission: Submission) -> int | None:
        return submission.incoming_document.arrival_number

    @admin.display(description=_("files"))
    def files(self, submission: Submission) -> str:
        """Names only: the files are served by views that check who may read them."""
        return ", ".join(a.original_name for a in submission.incoming_document.attachments.all()) or "—"

    @admin.display(description=_("history"))
    def history(self, submission: Submission) -> str:
        return audit_history(submission)

    def _review(self, request: HttpRequest, submissions: Iterable[Submission], decision: str, reason: str = "") -> None:
        """Reviews each report through submission_review, each in its own
        transaction; reports every refusal, then what was done."""
        actor = acting_user(request)
        done = []
        for submission in submissions:
            try:
                reviewed = submission_review(submission=submission, actor=actor, decision=decision, reason=reason)
                done.append(str(reviewed))
            except DomainError as error:
                self.message_user(
                    request,
                    _("%(submission)s was not reviewed: %(error)s")
                    % {"submission": submission, "error": error.message},
                    messages.ERROR,
                )
        if not done:
            return
        message = (
            ngettext_lazy(
                "Accepted %(count)d report: %(submissions)s.", "Accepted %(count)d reports: %(submissions)s.", "count"
            )
            if decision == Decision.ACCEPTED
            else ngettext_lazy(
                "Returned %(count)d report: %(submissions)s.", "Returned %(count)d reports: %(submissions)s.", "count"
            )
        )
        self.message_user(request, message % {"count": len(done), "submissions": "; ".join(done)}, messages.SUCCESS)

    @admin.action(description=_("Accept selected reports"), permissions=["review"])
    def accept_submissions(self, request: HttpRequest, queryset: QuerySet[Submission]) -> None:
        self._review(request, queryset.order_by("pk"), Decision.ACCEPTED)

    @admin.action(description=_("Return selected reports for revision"), permissions=["review"])
    def return_submissions(self, request: HttpRequest, queryset: QuerySet[Submission]) -> HttpResponse | None:
        """Asks what must be revised on a page of its own, then returns each report with that reason."""
        form = ReturnForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Return reports for revision"),
                "intro": _(
                    "These reports will be returned; their organizations are told why and submit a new version."
                ),
                "submit_label": _("Return"),
                "opts": self.opts,
                "objects": list(queryset.order_by("pk")),
                "form": form,
                "action": "return_submissions",
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/dispatch/submission/return.html", context)
        self._review(request, queryset.order_by("pk"), Decision.RETURNED, form.cleaned_data["reason"])
        return None


@admin.register(Reminder)
class ReminderAdmin(ClearanceAdminMixin, ReadOnlyAdmin[Reminder]):
    """Reminders sent to obligated organizations, kept so that none goes out twice."""

    clearance_paths = ("assignment__obligation__document__",)
    list_display = ("organization_name", "obligation_title", "kind", "days", "sent_on", "emailed", "notified_users")
    list_filter = ("kind",)
    search_fields = (
        "assignment__obligation__title",
        "assignment__obligation__document__notation",
        "assignment__organization_name",
        "assignment__organization__name",
    )
    list_select_related = ("assignment__obligation",)
    date_hierarchy = "sent_on"
    fields = ("assignment", "kind", "days", "sent_on", "sent_at", "emails", "notified_users")
    readonly_fields = fields

    @admin.display(description=_("organization"), ordering="assignment__organization_name")
    def organization_name(self, reminder: Reminder) -> str:
        return reminder.assignment.organization_name

    @admin.display(description=_("obligation"), ordering="assignment__obligation__title")
    def obligation_title(self, reminder: Reminder) -> str:
        return reminder.assignment.obligation.title

    @admin.display(description=_("emails sent"))
    def emailed(self, reminder: Reminder) -> int:
        return len(reminder.emails)


@admin.register(Notification)
class NotificationAdmin(ClearanceAdminMixin, ReadOnlyAdmin[Notification]):
    """Users' in-app messages, for answering “I was never told”: read-only,
    and marked read only by their own user."""

    nullable_clearance_paths = ("document__", "obligation__document__")
    list_display = ("title", "user", "kind", "created_at", "read_at")
    list_filter = ("kind", ReadListFilter)
    search_fields = ("title", "user__username", "user__organization__name", "obligation__title", "document__notation")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    fields = ("user", "kind", "title", "body", "document", "obligation", "created_at", "read_at")
    readonly_fields = fields
