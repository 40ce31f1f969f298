"""API shape of audit events (a document's history)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    actor = serializers.CharField(
        source="actor_username", read_only=True, help_text=_("Username of who did it; empty for the system.")
    )
    organization_name = serializers.SerializerMethodField()
    object_type = serializers.SerializerMethodField(
        help_text=_("app_label.model of the object written, e.g. registry.document or dispatch.delivery.")
    )
    changes = serializers.DictField(
        child=serializers.JSONField(),
        read_only=True,
        help_text=_("{field: {before, after}} for each field that changed."),
    )
    details = serializers.DictField(
        source="data", child=serializers.JSONField(), read_only=True, help_text=_("Details of the action.")
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor",
            "organization",
            "organization_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "details",
            "request_id",
            "ip_address",
        ]
        read_only_fields = fields

    def get_organization_name(self, event: AuditEvent) -> str:
        return event.organization.name if event.organization is not None else ""

    def get_object_type(self, event: AuditEvent) -> str:
        content_type = event.content_type
        return f"{content_type.app_label}.{content_type.model}" if content_type is not None else ""
