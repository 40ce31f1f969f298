"""API shapes of deliveries, obligations, submissions and compliance."""

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from core.time import office_today
from dispatch.models import Channel, Delivery, Notification, Obligation, Submission
from dispatch.selectors import on_time_rate, status_counts
from dispatch.status import LATE, OVERDUE, STATUS_CHOICES
from recipients.models import Organization, RecipientGroup
from registry.models import Document, Register


class DeliverySerializer(serializers.ModelSerializer[Delivery]):
    document_notation = serializers.CharField(source="document.notation", read_only=True)
    document_subject = serializers.CharField(source="document.subject", read_only=True)
    sent_by = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]
    received_by = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="username", read_only=True, allow_null=True
    )
    arrival_number = serializers.IntegerField(source="registered_as.arrival_number", read_only=True, allow_null=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "document",
            "document_notation",
            "document_subject",
            "recipient",
            "recipient_name",
            "channel",
            "sent_at",
            "sent_by",
            "received_at",
            "received_by",
            "registered_as",
            "arrival_number",
        ]
        read_only_fields = fields


class DispatchSerializer(serializers.Serializer[Any]):
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.ELECTRONIC)
    organizations = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        many=True,
        required=False,
        help_text=_("Further recipients besides those the document names."),
    )


class DispatchResultSerializer(serializers.Serializer[Any]):
    deliveries = DeliverySerializer(many=True)
    not_delivered = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Lines naming no organization of the directory (free text): send those on paper."),
    )


class DeliveryRegisterSerializer(serializers.Serializer[Any]):
    register = serializers.PrimaryKeyRelatedField(
        queryset=Register.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The incoming register; the organization's first open one when left out."),
    )
    confirm_duplicate = serializers.BooleanField(required=False, default=False)


class DueDateSerializer(serializers.Serializer[Any]):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    due_on = serializers.DateField(allow_null=True)


class ObligationCreateSerializer(serializers.Serializer[Obligation]):
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all())
    title = serializers.CharField(max_length=500)
    due_on = serializers.DateField(help_text=_("The last day a report is on time."))
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    organizations = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), many=True, required=False)
    groups = serializers.PrimaryKeyRelatedField(queryset=RecipientGroup.objects.all(), many=True, required=False)
    due_dates = DueDateSerializer(many=True, required=False, help_text=_("Own due dates for some organizations."))


class ObligationUpdateSerializer(serializers.Serializer[Obligation]):
    title = serializers.CharField(max_length=500, required=False)
    due_on = serializers.DateField(required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class ObligationsFromDeadlinesSerializer(serializers.Serializer[Any]):
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all())
    organizations = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), many=True, required=False)
    groups = serializers.PrimaryKeyRelatedField(queryset=RecipientGroup.objects.all(), many=True, required=False)
    deadlines = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text=_("Positions of the deadlines to use (see …/documents/{id}/deadlines/); all when left out."),
    )


class AddOrganizationsSerializer(serializers.Serializer[Any]):
    organizations = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), many=True, required=False)
    groups = serializers.PrimaryKeyRelatedField(queryset=RecipientGroup.objects.all(), many=True, required=False)


class DeadlineSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField()
    date = serializers.DateField()
    kind = serializers.CharField()
    text = serializers.CharField()
    due_on = serializers.DateField(help_text=_("The last day that is on time (“trước ngày 01/12” → 30/11)."))


def days_late(row: Any, today: datetime.date | None = None) -> int | None:
    """Days after the due date: of the first report when it was late, of today while overdue."""
    if row.status == OVERDUE:
        return ((today or office_today()) - row.due_on).days
    if row.status == LATE or (row.first_submitted_on and row.first_submitted_on > row.due_on):
        return (row.first_submitted_on - row.due_on).days
    return None


class ComplianceRowSerializer(serializers.Serializer[Any]):
    """One obligated organization of one obligation."""

    id = serializers.IntegerField(help_text=_("The obligated organization's row (assignment) id."))
    obligation = serializers.IntegerField(source="obligation_id")
    obligation_title = serializers.CharField(source="obligation.title")
    document = serializers.IntegerField(source="obligation.document_id")
    document_notation = serializers.CharField(source="obligation.document.notation")
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField()
    status = serializers.ChoiceField(choices=STATUS_CHOICES)
    due_on = serializers.DateField()
    submitted_at = serializers.DateTimeField(source="first_submitted_at", allow_null=True)
    last_submitted_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    days_late = serializers.SerializerMethodField()
    latest_submission = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_days_late(self, row: Any) -> int | None:
        return days_late(row, self.context.get("today"))

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_latest_submission(self, row: Any) -> dict[str, Any] | None:
        submissions = list(row.submissions.all())
        if not submissions:
            return None
        latest = submissions[0]
        return {
            "id": latest.pk,
            "version": latest.version,
            "submitted_at": latest.submitted_at.isoformat(),
            "report_notation": latest.report_notation,
            "arrival_number": latest.incoming_document.arrival_number,
            "decision": latest.decision,
            "review_reason": latest.review_reason,
        }


class StatusCountsSerializer(serializers.Serializer[Any]):
    pending = serializers.IntegerField()
    submitted = serializers.IntegerField()
    late = serializers.IntegerField()
    overdue = serializers.IntegerField()
    accepted = serializers.IntegerField()
    returned = serializers.IntegerField()


class ComplianceSummarySerializer(serializers.Serializer[Any]):
    organizations = serializers.IntegerField()
    counts = StatusCountsSerializer()
    on_time_rate = serializers.FloatField(
        allow_null=True,
        help_text=_("Of the organizations that reported or are past their due date, the share that reported on time."),
    )


@extend_schema_serializer(many=False)  # already the whole page: not to be wrapped in a list and a page again
class PaginatedComplianceListSerializer(serializers.Serializer[Any]):
    """A page of compliance rows with the summary of the whole filtered list."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    summary = ComplianceSummarySerializer()
    results = ComplianceRowSerializer(many=True)


class ObligatedOrganizationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text=_("The obligated organization's row (assignment) id."))
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=STATUS_CHOICES)


class ObligationSerializer(serializers.ModelSerializer[Obligation]):
    document_notation = serializers.CharField(source="document.notation", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]
    organizations = ObligatedOrganizationSerializer(
        source="assignments", many=True, read_only=True, help_text=_("The obligated organizations and their status.")
    )

    class Meta:
        model = Obligation
        fields = [
            "id",
            "document",
            "document_notation",
            "organization",
            "organization_name",
            "title",
            "description",
            "due_on",
            "deadline_text",
            "created_by",
            "created_at",
            "organizations",
        ]
        read_only_fields = fields


class CountsSerializer(serializers.Serializer[Any]):
    """Counts per status and the on-time rate of a row carrying summary_aggregates."""

    counts = serializers.SerializerMethodField()
    on_time_rate = serializers.SerializerMethodField()

    @extend_schema_field(StatusCountsSerializer)
    def get_counts(self, row: Any) -> dict[str, int]:
        return status_counts(row)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_on_time_rate(self, row: Any) -> float | None:
        return on_time_rate(row)


class ObligationSummarySerializer(CountsSerializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    document = serializers.IntegerField(source="document_id")
    document_notation = serializers.CharField(source="document.notation")
    due_on = serializers.DateField()
    organizations = serializers.IntegerField(source="total_count")


class OrganizationRecordSerializer(CountsSerializer):
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization__name")
    obligations = serializers.IntegerField(source="total_count")


class SubmissionUploadSerializer(serializers.Serializer[Any]):
    file = serializers.ListField(
        child=serializers.FileField(),
        allow_empty=False,
        help_text=_("One or more files (PDF, DOCX, XLSX, ODT), repeated `file` parts."),
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    report_notation = serializers.CharField(
        required=False, allow_blank=True, max_length=120, help_text=_("Your own outgoing report's number and notation.")
    )
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Your organization (optional; a different one is refused)."),
    )


class PaperSubmissionSerializer(serializers.Serializer[Any]):
    file = serializers.ListField(child=serializers.FileField(), allow_empty=False)
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    received_at = serializers.DateTimeField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    report_notation = serializers.CharField(required=False, allow_blank=True, max_length=120)


class SubmissionFileSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class SubmissionSerializer(serializers.ModelSerializer[Submission]):
    """A report version, with its receipt: the arrival number it got in the requester's incoming register."""

    obligation = serializers.IntegerField(source="assignment.obligation_id", read_only=True)
    organization = serializers.IntegerField(source="assignment.organization_id", read_only=True)
    organization_name = serializers.CharField(source="assignment.organization_name", read_only=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]
    reviewed_by = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="username", read_only=True, allow_null=True
    )
    arrival_number = serializers.IntegerField(source="incoming_document.arrival_number", read_only=True)
    received_at = serializers.DateTimeField(source="incoming_document.received_at", read_only=True)
    register = serializers.CharField(source="incoming_document.register.name", read_only=True)
    files = SubmissionFileSerializer(source="incoming_document.attachments", many=True, read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "obligation",
            "organization",
            "organization_name",
            "version",
            "submitted_at",
            "submitted_by",
            "on_paper",
            "note",
            "report_notation",
            "arrival_number",
            "received_at",
            "register",
            "files",
            "decision",
            "reviewed_at",
            "reviewed_by",
            "review_reason",
        ]
        read_only_fields = fields


class ReturnSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=5000)


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "document", "obligation", "created_at", "read_at"]
        read_only_fields = fields
