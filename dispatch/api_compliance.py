"""The compliance API: who has reported what, per obligation, per
organization, and who is overdue. Reads only, scoped by the selectors."""

import datetime
import re
from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ID_PATTERN, error_responses
from core.errors import DomainError
from core.time import office_today
from core.users import request_user
from dispatch.filters import AssignmentFilter
from dispatch.models import Assignment, Submission
from dispatch.selectors import (
    assignment_list,
    attach_counts,
    obligation_list,
    on_time_rate,
    organization_records,
    overdue_list,
    status_counts,
    summary_aggregates,
)
from dispatch.serializers import (
    ComplianceRowSerializer,
    ObligationSummarySerializer,
    OrganizationRecordSerializer,
    PaginatedComplianceListSerializer,
)

COMPLIANCE_FILTERS = [
    OpenApiParameter("obligation", int, description=_("One obligation")),
    OpenApiParameter("document", int, description=_("Every obligation of one document")),
    OpenApiParameter("organization", int, description=_("One obligated organization")),
    OpenApiParameter("status", str, enum=["pending", "submitted", "late", "overdue", "accepted", "returned"]),
]


class ComplianceViewSet(viewsets.GenericViewSet[Assignment]):
    """Who has reported what: per obligation, per organization, and who is overdue."""

    serializer_class = ComplianceRowSerializer
    filterset_class = AssignmentFilter

    def get_queryset(self) -> QuerySet[Assignment]:
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        latest_first = Submission.objects.select_related("incoming_document").order_by("-version")
        return (
            assignment_list(user=request_user(self.request), today=self.today)
            .prefetch_related(Prefetch("submissions", queryset=latest_first))
            .order_by("obligation__due_on", "obligation_id", "organization_name", "id")
        )

    @property
    def today(self) -> datetime.date:
        if not hasattr(self, "_today"):
            self._today = office_today()
        return self._today

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": self.today}

    def _page(self, rows: Sequence[Any], serializer_class: type[serializers.Serializer[Any]]) -> Response:
        """A page of summary rows (not assignments) in the usual paginated shape."""
        assert self.paginator is not None
        page = self.paginator.paginate_queryset(rows, self.request, view=self)
        return self.paginator.get_paginated_response(serializer_class(page, many=True).data)

    @extend_schema(
        parameters=COMPLIANCE_FILTERS,
        responses={
            200: PaginatedComplianceListSerializer,
            **error_responses(400, 401, 404),
        },
        description=_(
            "One row per obligated organization with its status (pending, submitted, late, overdue, accepted, "
            "returned), due date and first report; `summary` counts the rows of the whole filtered list."
        ),
    )
    def list(self, request: Request) -> Response:
        rows = self.filter_queryset(self.get_queryset())
        totals = rows.order_by().aggregate(**summary_aggregates(self.today))
        page = self.paginate_queryset(rows)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        results = response.data.pop("results")
        response.data["summary"] = {
            "organizations": totals["total_count"],
            "counts": status_counts(totals),
            "on_time_rate": on_time_rate(totals),
        }
        response.data["results"] = results
        return response

    @extend_schema(
        parameters=[OpenApiParameter("document", int, description=_("Every obligation of one document"))],
        responses={200: ObligationSummarySerializer(many=True), **error_responses(400, 401, 404)},
        description=_("Per obligation: counts by status and the on-time rate."),
    )
    @action(detail=False, methods=["get"], filterset_class=None)
    def obligations(self, request: Request) -> Response:
        user = request_user(request)
        rows = obligation_list(user=user).order_by("due_on", "id")
        document = request.query_params.get("document")
        if document is not None:
            if not re.fullmatch(ID_PATTERN, document):
                raise DomainError(
                    _("%(field)s must be an id: a whole number above zero.") % {"field": "document"}, field="document"
                )
            rows = rows.filter(document_id=int(document))
        assert self.paginator is not None
        page = self.paginator.paginate_queryset(rows, request, view=self) or []
        attach_counts(page, user=user, today=self.today)
        return self.paginator.get_paginated_response(ObligationSummarySerializer(page, many=True).data)

    @extend_schema(
        responses={200: OrganizationRecordSerializer(many=True), **error_responses(400, 401, 404)},
        description=_("Per obligated organization: its record across obligations."),
    )
    @action(detail=False, methods=["get"], filterset_class=None)
    def organizations(self, request: Request) -> Response:
        return self._page(
            organization_records(user=request_user(request), today=self.today), OrganizationRecordSerializer
        )

    @extend_schema(
        responses={200: ComplianceRowSerializer(many=True), **error_responses(400, 401, 404)},
        description=_("Organizations with nothing submitted after their due date, longest overdue first."),
    )
    @action(detail=False, methods=["get"], filterset_class=None)
    def overdue(self, request: Request) -> Response:
        latest_first = Submission.objects.select_related("incoming_document").order_by("-version")
        rows = overdue_list(user=request_user(request), today=self.today).prefetch_related(
            Prefetch("submissions", queryset=latest_first)
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
