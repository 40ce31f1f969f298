from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ID_PATTERN, error_responses
from core.errors import NotFound
from core.users import request_user
from recipients.filters import OrganizationFilter
from recipients.models import Organization, RecipientGroup, User
from recipients.selectors import group_list, organization_list
from recipients.serializers import (
    GroupMembersWriteSerializer,
    MeSerializer,
    OrganizationSerializer,
    OrganizationWriteSerializer,
    RecipientGroupSerializer,
    RecipientGroupWriteSerializer,
)
from recipients.services import group_create, group_set_members, organization_create, organization_update


@extend_schema_view(
    list=extend_schema(responses={200: OrganizationSerializer(many=True), **error_responses(400, 401, 404)}),
    retrieve=extend_schema(responses={200: OrganizationSerializer, **error_responses(401, 404)}),
)
class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Organization]):
    """The directory of organizations: every authenticated user can read it."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Organization]:
        return organization_list()

    @extend_schema(
        request=OrganizationWriteSerializer, responses={201: OrganizationSerializer, **error_responses(400, 401, 403)}
    )
    def create(self, request: Request) -> Response:
        serializer = OrganizationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organization = organization_create(actor=request_user(request), **serializer.validated_data)
        return Response(OrganizationSerializer(organization).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=OrganizationWriteSerializer(partial=True),
        responses={200: OrganizationSerializer, **error_responses(400, 401, 403, 404)},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        organization = self.get_object()
        serializer = OrganizationWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        organization = organization_update(
            organization=organization, actor=request_user(request), **serializer.validated_data
        )
        return Response(OrganizationSerializer(organization).data)


@extend_schema_view(
    list=extend_schema(responses={200: RecipientGroupSerializer(many=True), **error_responses(400, 401, 404)}),
    retrieve=extend_schema(responses={200: RecipientGroupSerializer, **error_responses(401, 404)}),
)
class RecipientGroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[RecipientGroup]):
    """Recipient groups such as “Ủy ban nhân dân các huyện, thành phố”."""

    serializer_class = RecipientGroupSerializer
    filterset_fields = ["owner"]
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[RecipientGroup]:
        return group_list()

    @extend_schema(
        request=RecipientGroupWriteSerializer,
        responses={201: RecipientGroupSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request: Request) -> Response:
        serializer = RecipientGroupWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = group_create(actor=request_user(request), **serializer.validated_data)
        return Response(RecipientGroupSerializer(group_list().get(pk=group.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=GroupMembersWriteSerializer,
        responses={200: RecipientGroupSerializer, **error_responses(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["put"])
    def members(self, request: Request, pk: str) -> Response:
        """Replaces the group's members, in the order given."""
        group = self.get_object()
        serializer = GroupMembersWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group_set_members(group=group, actor=request_user(request), members=serializer.validated_data["members"])
        return Response(RecipientGroupSerializer(group_list().get(pk=group.pk)).data)


class MeView(APIView):
    """The signed-in user, their role and organization."""

    @extend_schema(responses={200: MeSerializer, **error_responses(401)})
    def get(self, request: Request) -> Response:
        user = User.objects.select_related("organization").filter(pk=request_user(request).pk).first()
        if user is None:
            raise NotFound("")
        return Response(MeSerializer(user).data)
