from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ID_PATTERN, error_responses, file_response
from core.errors import DomainError, NotFound
from core.users import request_user
from dispatch.filters import DeliveryFilter, ObligationFilter
from dispatch.models import Delivery, Notification, Obligation, Submission
from dispatch.selectors import (
    delivery_get,
    delivery_list,
    notification_list,
    obligation_detail_queryset,
    obligation_get,
    submission_get,
    submission_list,
)
from dispatch.serializers import (
    AddOrganizationsSerializer,
    DeadlineSerializer,
    DeliveryRegisterSerializer,
    DeliverySerializer,
    DispatchResultSerializer,
    DispatchSerializer,
    DueDateSerializer,
    NotificationSerializer,
    ObligationCreateSerializer,
    ObligationSerializer,
    ObligationsFromDeadlinesSerializer,
    ObligationUpdateSerializer,
    PaperSubmissionSerializer,
    ReturnSerializer,
    SubmissionSerializer,
    SubmissionUploadSerializer,
)
from dispatch.services import (
    assignment_set_due_date,
    delivery_acknowledge,
    delivery_register,
    document_dispatch,
    obligation_add_organizations,
    obligation_create,
    obligation_update,
    obligations_from_deadlines,
    submission_create,
    submission_record_paper,
    submission_review,
)
from dispatch.services.notify import notification_mark_read
from recipients.models import User
from registry.intake import extract_deadlines
from registry.selectors import document_get, document_list, register_list
from registry.serializers import DocumentSerializer, document_data
from registry.services.attachments import ATTACHMENT_KINDS


def _documents_field(serializer: serializers.Serializer[Any], user: User) -> None:
    """Documents named in a request must be ones the user can see."""
    serializer.fields["document"].queryset = document_list(user=user)  # type: ignore[attr-defined]


class DocumentDispatchView(APIView):
    @extend_schema(
        request=DispatchSerializer,
        responses={200: DispatchResultSerializer, **error_responses(400, 401, 403, 404, 409)},
        description=_(
            "Sends the issued document: one delivery per recipient organization (groups expanded to their members "
            "now, “Như trên” standing for the addressees). Again later, it reaches only recipients without a delivery."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        serializer = DispatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = document_dispatch(
            document=document_get(user=request_user(request), pk=pk, detail=False),
            actor=request_user(request),
            channel=serializer.validated_data["channel"],
            extra_recipients=serializer.validated_data.get("organizations", []),
        )
        return Response(DispatchResultSerializer(result).data)


class DocumentDeadlinesView(APIView):
    @extend_schema(
        responses={200: DeadlineSerializer(many=True), **error_responses(401, 404)},
        description=_("The deadlines the document's text states, which can become obligations in one step."),
    )
    def get(self, request: Request, pk: int) -> Response:
        document = document_get(user=request_user(request), pk=pk, detail=False)
        deadlines = [
            {"position": position, "date": d.date, "kind": d.kind, "text": d.text, "due_on": d.due_on}
            for position, d in enumerate(extract_deadlines(document.body))
        ]
        return Response(DeadlineSerializer(deadlines, many=True).data)


@extend_schema_view(
    list=extend_schema(responses={200: DeliverySerializer(many=True), **error_responses(400, 401, 404)}),
)
class DeliveryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Delivery]):
    """Deliveries: the sender sees who has received its documents; a
    recipient sees what was sent to it."""

    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Delivery]:
        if getattr(self, "swagger_fake_view", False):
            return Delivery.objects.none()
        return delivery_list(user=request_user(self.request))

    @extend_schema(
        responses={200: DeliverySerializer, **error_responses(401, 404)},
        description=_("Opening a delivery as a user of the recipient organization records it as received."),
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        delivery = delivery_get(user=user, pk=int(pk))
        if delivery.received_at is None and user.organization_id == delivery.recipient_id:
            delivery_acknowledge(delivery=delivery, actor=user)
            delivery = delivery_get(user=user, pk=int(pk))
        return Response(DeliverySerializer(delivery).data)

    @extend_schema(request=None, responses={200: DeliverySerializer, **error_responses(401, 403, 404)})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        delivery_acknowledge(delivery=delivery_get(user=user, pk=int(pk)), actor=user)
        return Response(DeliverySerializer(delivery_get(user=user, pk=int(pk))).data)

    @extend_schema(
        request=DeliveryRegisterSerializer,
        responses={201: DocumentSerializer, **error_responses(400, 401, 403, 404, 409)},
        description=_("The recipient's clerk registers the delivered document in an incoming register, in one step."),
    )
    @action(detail=True, methods=["post"])
    def register(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        serializer = DeliveryRegisterSerializer(data=request.data)
        serializer.fields["register"].queryset = register_list(user=user)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        incoming = delivery_register(
            delivery=delivery_get(user=user, pk=int(pk)),
            actor=user,
            register=serializer.validated_data.get("register"),
            confirm_duplicate=serializer.validated_data["confirm_duplicate"],
        )
        return Response(document_data(document_get(user=user, pk=incoming.pk), user=user), status=201)


def _file_response(submission: Submission, attachment_id: str) -> FileResponse:
    found = submission.incoming_document.attachments.filter(pk=int(attachment_id)).first()
    if found is None:
        raise NotFound(_("The report has no file %(id)s.") % {"id": attachment_id})
    return FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.original_name, content_type=found.content_type
    )


@extend_schema_view(
    list=extend_schema(responses={200: ObligationSerializer(many=True), **error_responses(400, 401, 404)}),
    retrieve=extend_schema(responses={200: ObligationSerializer, **error_responses(401, 404)}),
)
class ObligationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Obligation]):
    """Reporting obligations: what a document asks which organizations to report, by when."""

    serializer_class = ObligationSerializer
    filterset_class = ObligationFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Obligation]:
        if getattr(self, "swagger_fake_view", False):
            return Obligation.objects.none()
        return obligation_detail_queryset(user=request_user(self.request))

    def _respond(self, obligation: Obligation, code: int = status.HTTP_200_OK) -> Response:
        fresh = obligation_detail_queryset(user=request_user(self.request)).get(pk=obligation.pk)
        return Response(ObligationSerializer(fresh).data, status=code)

    @extend_schema(
        request=ObligationCreateSerializer,
        responses={201: ObligationSerializer, **error_responses(400, 401, 403, 409)},
    )
    def create(self, request: Request) -> Response:
        user = request_user(request)
        serializer = ObligationCreateSerializer(data=request.data)
        _documents_field(serializer, user)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        due_dates = {row["organization"]: row["due_on"] for row in data.pop("due_dates", [])}
        if any(day is None for day in due_dates.values()):
            raise DomainError(_("Each own due date needs a date."), field="due_dates")
        obligation = obligation_create(actor=user, due_dates=due_dates, **data)
        return self._respond(obligation, status.HTTP_201_CREATED)

    @extend_schema(
        request=ObligationUpdateSerializer,
        responses={200: ObligationSerializer, **error_responses(400, 401, 403, 404)},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        serializer = ObligationUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        obligation = obligation_update(
            obligation=obligation_get(user=request_user(request), pk=int(pk)),
            actor=request_user(request),
            **serializer.validated_data,
        )
        return self._respond(obligation)

    @extend_schema(
        request=ObligationsFromDeadlinesSerializer,
        responses={201: ObligationSerializer(many=True), **error_responses(400, 401, 403, 409)},
        description=_("Turns the deadlines the document states into obligations, one per deadline."),
    )
    @action(detail=False, methods=["post"], url_path="from-deadlines", pagination_class=None)
    def from_deadlines(self, request: Request) -> Response:
        user = request_user(request)
        serializer = ObligationsFromDeadlinesSerializer(data=request.data)
        _documents_field(serializer, user)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = obligations_from_deadlines(
            document=data["document"],
            actor=user,
            organizations=data.get("organizations", []),
            groups=data.get("groups", []),
            choose=data.get("deadlines"),
        )
        fresh = obligation_detail_queryset(user=user).filter(pk__in=[o.pk for o in created]).order_by("due_on", "id")
        return Response(ObligationSerializer(fresh, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AddOrganizationsSerializer,
        responses={200: ObligationSerializer, **error_responses(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def organizations(self, request: Request, pk: str) -> Response:
        serializer = AddOrganizationsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obligation = obligation_get(user=request_user(request), pk=int(pk))
        obligation_add_organizations(obligation=obligation, actor=request_user(request), **serializer.validated_data)
        return self._respond(obligation)

    @extend_schema(
        request=DueDateSerializer,
        responses={200: ObligationSerializer, **error_responses(400, 401, 403, 404)},
        description=_("Gives one organization a due date of its own; null gives it the obligation's date again."),
    )
    @action(detail=True, methods=["post"], url_path="due-dates")
    def due_dates(self, request: Request, pk: str) -> Response:
        serializer = DueDateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obligation = obligation_get(user=request_user(request), pk=int(pk))
        assignment = obligation.assignments.filter(organization=serializer.validated_data["organization"]).first()
        if assignment is None:
            raise DomainError(_("That organization is not obligated."), field="organization")
        assignment_set_due_date(
            assignment=assignment, actor=request_user(request), due_on=serializer.validated_data["due_on"]
        )
        return self._respond(obligation)

    @extend_schema(
        methods=["GET"],
        responses={200: SubmissionSerializer(many=True), **error_responses(401, 404)},
        description=_("Every version of the reports submitted for the obligation, as far as you may see them."),
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": SubmissionUploadSerializer},
        responses={201: SubmissionSerializer, **error_responses(400, 401, 403, 404, 409)},
        description=_(
            "Your organization answers with one or more files and a note. The report is registered as an incoming "
            "document of the requesting organization; the response is the receipt with its arrival number."
        ),
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser], pagination_class=None)
    def submissions(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        obligation = obligation_get(user=user, pk=int(pk))
        if request.method == "GET":
            rows = (
                submission_list(user=user)
                .filter(assignment__obligation=obligation)
                .order_by("assignment__organization_name", "version")
            )
            return Response(SubmissionSerializer(rows, many=True).data)
        serializer = SubmissionUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        submission = submission_create(
            obligation=obligation,
            actor=user,
            files=data["file"],
            note=data.get("note", ""),
            report_notation=data.get("report_notation", ""),
            organization=data.get("organization"),
        )
        return Response(SubmissionSerializer(submission_get(user=user, pk=submission.pk)).data, status=201)

    @extend_schema(
        request={"multipart/form-data": PaperSubmissionSerializer},
        responses={201: SubmissionSerializer, **error_responses(400, 401, 403, 404, 409)},
        description=_("The requesting clerk records a report that came on paper, dated when it arrived."),
    )
    @action(detail=True, methods=["post"], url_path="paper-submissions", parser_classes=[MultiPartParser, FormParser])
    def paper_submissions(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        serializer = PaperSubmissionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        submission = submission_record_paper(
            obligation=obligation_get(user=user, pk=int(pk)),
            organization=data["organization"],
            actor=user,
            received_at=data["received_at"],
            files=data["file"],
            note=data.get("note", ""),
            report_notation=data.get("report_notation", ""),
        )
        return Response(SubmissionSerializer(submission_get(user=user, pk=submission.pk)).data, status=201)


@extend_schema_view(
    retrieve=extend_schema(responses={200: SubmissionSerializer, **error_responses(401, 404)}),
)
class SubmissionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[Submission]):
    """Report versions and their review."""

    serializer_class = SubmissionSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Submission]:
        if getattr(self, "swagger_fake_view", False):
            return Submission.objects.none()
        return submission_list(user=request_user(self.request))

    @extend_schema(request=None, responses={200: SubmissionSerializer, **error_responses(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        submission_review(submission=submission_get(user=user, pk=int(pk)), actor=user, decision="accepted")
        return Response(SubmissionSerializer(submission_get(user=user, pk=int(pk))).data)

    @extend_schema(
        request=ReturnSerializer,
        responses={200: SubmissionSerializer, **error_responses(400, 401, 403, 404, 409)},
        description=_("Returns the report for revision, saying why; the organization submits a new version."),
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        serializer = ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission_review(
            submission=submission_get(user=user, pk=int(pk)),
            actor=user,
            decision="returned",
            reason=serializer.validated_data["reason"],
        )
        return Response(SubmissionSerializer(submission_get(user=user, pk=int(pk))).data)

    @extend_schema(
        responses={
            # Any attachment of the incoming document the report was registered as.
            **file_response([kind.content_type for kind in ATTACHMENT_KINDS], _("The file")),
            **error_responses(401, 404),
        },
    )
    @action(detail=True, methods=["get"], url_path=rf"files/(?P<attachment_id>{ID_PATTERN})")
    def file(self, request: Request, pk: str, attachment_id: str) -> FileResponse:
        """Downloads a file of the report: for the submitting and the requesting organization."""
        return _file_response(submission_get(user=request_user(request), pk=int(pk)), attachment_id)


@extend_schema_view(
    list=extend_schema(responses={200: NotificationSerializer(many=True), **error_responses(400, 401, 404)})
)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Notification]):
    """The signed-in user's in-app messages, newest first."""

    serializer_class = NotificationSerializer
    lookup_value_regex = ID_PATTERN
    filterset_fields = ["kind"]

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notification_list(user=request_user(self.request))

    @extend_schema(request=None, responses={200: NotificationSerializer, **error_responses(401, 404)})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        notification = self.get_queryset().filter(pk=int(pk)).first()
        if notification is None:
            raise NotFound(_("No notification %(id)s.") % {"id": pk})
        return Response(
            NotificationSerializer(notification_mark_read(notification=notification, actor=request_user(request))).data
        )
