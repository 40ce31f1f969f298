from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from recipients.models import Organization, OrganizationLevel, OrganizationSystem, RecipientGroup, User
from recipients.selectors import group_members
from recipients.services import ORGANIZATION_FIELDS


def _email_or_empty() -> serializers.CharField:
    # Plain text, not format "email": an address is optional and stored as "" when there is none.
    return serializers.CharField(read_only=True, help_text=_("E-mail address; empty when there is none."))


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    email = _email_or_empty()

    class Meta:
        model = Organization
        fields = ["id", *ORGANIZATION_FIELDS]
        read_only_fields = fields


class OrganizationWriteSerializer(serializers.Serializer[Organization]):
    name = serializers.CharField(max_length=255)
    abbreviation = serializers.CharField(max_length=30)
    system = serializers.ChoiceField(choices=OrganizationSystem.choices)
    level = serializers.ChoiceField(choices=OrganizationLevel.choices)
    short_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    # DRF collects declared fields before they can shadow Field.parent.
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    header_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    header_parent_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    place = serializers.CharField(max_length=80, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    active_from = serializers.DateField(required=False, allow_null=True)
    active_to = serializers.DateField(required=False, allow_null=True)
    successor = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)


class GroupMemberSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RecipientGroupSerializer(serializers.ModelSerializer[RecipientGroup]):
    members = serializers.SerializerMethodField()

    class Meta:
        model = RecipientGroup
        fields = ["id", "name", "owner", "description", "members"]
        read_only_fields = fields

    def get_members(self, group: RecipientGroup) -> list[dict[str, Any]]:
        return GroupMemberSerializer(group_members(group), many=True).data  # type: ignore[return-value]


class RecipientGroupWriteSerializer(serializers.Serializer[RecipientGroup]):
    name = serializers.CharField(max_length=255)
    owner = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    members = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), many=True, required=False)


class GroupMembersWriteSerializer(serializers.Serializer[Any]):
    members = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), many=True)


class MeSerializer(serializers.ModelSerializer[User]):
    organization = OrganizationSerializer(read_only=True)
    full_name = serializers.CharField(source="get_full_name", read_only=True)
    email = _email_or_empty()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "role", "job_title", "clearance", "organization"]
        read_only_fields = fields
