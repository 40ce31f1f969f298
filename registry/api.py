from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from core.api import ID_PATTERN, Pagination, SearchPagination, error_responses, file_response
from core.errors import DomainError, NotFound
from core.serializers import AuditEventSerializer
from core.users import request_user
from recipients.models import User
from registry.filters import DocumentFilter
from registry.history import document_history
from registry.models import Direction, Document, DocumentType, Register
from registry.selectors import (
    document_get,
    document_list,
    document_type_list,
    documents_in_order,
    register_get,
    register_list,
    visible_linked_documents,
)
from registry.serializers import (
    VISIBLE_LINKS,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    DocumentCreateSerializer,
    DocumentSerializer,
    DocumentTypeSerializer,
    DocumentUpdateSerializer,
    IssueSerializer,
    RegisterCreateSerializer,
    RegisterSerializer,
    RegisterUpdateSerializer,
    WithdrawSerializer,
    document_data,
)
from registry.services import (
    attachment_add,
    document_create_draft,
    document_delete_draft,
    document_issue,
    document_register_incoming,
    document_update,
    document_withdraw,
    register_create,
    register_update,
)
from registry.services.access import Access, document_access_record
from registry.services.attachments import ATTACHMENT_KINDS

INCOMING_ONLY = ("notation", "issued_on", "sender", "sender_name", "received_at", "confirm_duplicate")
LINE_FIELDS = ("addressees", "distribution", "references")


@extend_schema_view(
    list=extend_schema(responses={200: DocumentTypeSerializer(many=True), **error_responses(401)}),
    retrieve=extend_schema(responses={200: DocumentTypeSerializer, **error_responses(401, 404)}),
)
class DocumentTypeViewSet(viewsets.ReadOnlyModelViewSet[DocumentType]):
    """The document types of Decree 30 (State) and 36-HD/VPTW (Party)."""

    serializer_class = DocumentTypeSerializer
    lookup_field = "code"
    # Codes are short Latin words (CV, NQ-CP…); anything else is no code, a 404 before any query.
    lookup_value_regex = r"[A-Za-z0-9-]{1,20}"
    pagination_class = None

    def get_queryset(self) -> QuerySet[DocumentType]:
        return document_type_list()


@extend_schema_view(
    list=extend_schema(responses={200: RegisterSerializer(many=True), **error_responses(400, 401, 404)}),
    retrieve=extend_schema(responses={200: RegisterSerializer, **error_responses(401, 404)}),
)
class RegisterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Register]):
    """Registers (sổ) and their numbering policies."""

    serializer_class = RegisterSerializer
    lookup_value_regex = ID_PATTERN
    filterset_fields = ["owner", "direction", "system", "is_active"]

    def get_queryset(self) -> QuerySet[Register]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Register.objects.none()
        return register_list(user=request_user(self.request))

    @extend_schema(
        request=RegisterCreateSerializer, responses={201: RegisterSerializer, **error_responses(400, 401, 403)}
    )
    def create(self, request: Request) -> Response:
        serializer = RegisterCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        register = register_create(actor=request_user(request), **serializer.validated_data)
        return Response(RegisterSerializer(register).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RegisterUpdateSerializer,
        responses={200: RegisterSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        register = register_get(user=request_user(request), pk=int(pk))
        serializer = RegisterUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        register = register_update(register=register, actor=request_user(request), **serializer.validated_data)
        return Response(RegisterSerializer(register).data)


def _restrict_querysets(serializer: BaseSerializer[Any], user: User) -> None:
    """Registers and referenced documents must be ones the user can see."""
    fields = serializer.fields  # type: ignore[attr-defined]
    if "register" in fields:
        fields["register"].queryset = register_list(user=user)
    if "references" in fields:
        fields["references"].child.fields["target"].queryset = document_list(user=user)


def _split_lines(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data.pop(name) for name in LINE_FIELDS if name in data}


@extend_schema_view(
    list=extend_schema(responses={200: DocumentSerializer(many=True), **error_responses(400, 401, 404)}),
    retrieve=extend_schema(responses={200: DocumentSerializer, **error_responses(401, 404)}),
)
class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Document]):
    """Outgoing documents (drafts until issued) and received documents."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Document]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Document.objects.none()
        return document_list(user=request_user(self.request))

    @property
    def paginator(self) -> Pagination:
        """A search ranks every document it finds to know its first page, so the
        count comes with the page instead of from a second pass (core.pagination)."""
        if not hasattr(self, "_paginator"):
            searching = self.action == "list" and self.request.query_params.get("q", "").strip()
            self._paginator = SearchPagination(rows_by_id=documents_in_order) if searching else Pagination()
        return self._paginator

    def _target(self, request: Request, pk: str) -> Document:
        """The document a write is aimed at, if the user may see it; the service re-reads and locks it."""
        return document_get(user=request_user(request), pk=int(pk), detail=False)

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        """The page's or the document's serializer, told which linked documents
        the user may see (one query for the page: DocumentSerializer's links)."""
        if args and "context" not in kwargs:
            documents = list(args[0]) if kwargs.get("many") else [args[0]]
            linked = visible_linked_documents(documents, user=request_user(self.request))
            kwargs["context"] = {**self.get_serializer_context(), VISIBLE_LINKS: linked}
        return super().get_serializer(*args, **kwargs)

    def retrieve(self, request: Request, pk: str) -> Response:
        document = self.get_object()
        document_access_record(document=document, actor=request_user(request), kind=Access.VIEWED)
        return Response(self.get_serializer(document).data)

    @extend_schema(
        responses={200: AuditEventSerializer(many=True), **error_responses(400, 401, 404)},
        description=_(
            "The document's audit trail, newest first: its own events and those of its deliveries, obligations, "
            "obligated organizations and reports, each with who (and for which organization), what changed "
            "(before and after), when, the request id and the address. For whoever may read the document."
        ),
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request: Request, pk: str) -> Response:
        events = document_history(self._target(request, pk), reader=request_user(request))
        assert self.paginator is not None
        page = self.paginator.paginate_queryset(events, request, view=self)
        return self.paginator.get_paginated_response(AuditEventSerializer(page, many=True).data)

    def _respond(self, document: Document, code: int = status.HTTP_200_OK) -> Response:
        user = request_user(self.request)
        return Response(document_data(document_get(user=user, pk=document.pk), user=user), status=code)

    @extend_schema(
        request=DocumentCreateSerializer,
        responses={201: DocumentSerializer, **error_responses(400, 401, 403, 409)},
        description=_(
            "In an outgoing register: creates a draft. In an incoming register: registers a received document "
            "and gives it the next arrival number; a duplicate (same number, notation and issuer) is answered "
            "with 409 `duplicate_incoming` unless `confirm_duplicate` is true."
        ),
    )
    def create(self, request: Request) -> Response:
        user = request_user(request)
        serializer = DocumentCreateSerializer(data=request.data)
        _restrict_querysets(serializer, user)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        register = data.pop("register")
        lines = _split_lines(data)
        if register.direction == Direction.OUTGOING:
            misplaced = sorted(name for name in INCOMING_ONLY if name in data and name != "confirm_duplicate")
            if misplaced:
                raise DomainError(
                    _("These fields apply only to received documents: %(fields)s.") % {"fields": ", ".join(misplaced)},
                    field=misplaced[0],
                )
            data.pop("confirm_duplicate", None)
            if "doc_type" not in data:
                raise DomainError(_("Choose the document type."), field="doc_type")
            document = document_create_draft(register=register, actor=user, **lines, **data)
        else:
            if lines.pop("addressees", None) or lines.pop("distribution", None):
                raise DomainError(_("Addressees and distribution are recorded for outgoing documents only."))
            document = document_register_incoming(register=register, actor=user, **lines, **data)
        return self._respond(document, status.HTTP_201_CREATED)

    @extend_schema(
        request=DocumentUpdateSerializer,
        responses={200: DocumentSerializer, **error_responses(400, 401, 403, 404, 409)},
        description=_(
            "Drafts can be edited freely. After issue only the register-book columns (pages, copies, file copy, "
            "date transferred, received by, note) change, each change recorded in the audit trail; received "
            "documents also accept corrections of what was transcribed. The number never changes."
        ),
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        document = self._target(request, pk)
        serializer = DocumentUpdateSerializer(data=request.data, partial=True)
        _restrict_querysets(serializer, user)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        lines = _split_lines(changes)
        if "issuer_name" in changes and document.direction != Direction.INCOMING:
            raise DomainError(
                _("The issuer of an outgoing document is its register's organization."), field="issuer_name"
            )
        document = document_update(document=document, actor=user, changes=changes, **lines)
        return self._respond(document)

    @extend_schema(responses={204: None, **error_responses(401, 403, 404, 409)})
    def destroy(self, request: Request, pk: str) -> Response:
        document_delete_draft(document=self._target(request, pk), actor=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=IssueSerializer,
        responses={200: DocumentSerializer, **error_responses(400, 401, 403, 404, 409)},
        description=_("Gives the draft the next number of its register's sequence, its notation and its date."),
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str) -> Response:
        serializer = IssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = document_issue(
            document=self._target(request, pk),
            actor=request_user(request),
            issued_on=serializer.validated_data.get("issued_on"),
        )
        return self._respond(document)

    @extend_schema(
        request=WithdrawSerializer,
        responses={200: DocumentSerializer, **error_responses(400, 401, 403, 404, 409)},
        description=_("Withdraws (thu hồi) the document; it keeps its number and is frozen."),
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = document_withdraw(
            document=self._target(request, pk),
            actor=request_user(request),
            reason=serializer.validated_data["reason"],
        )
        return self._respond(document)

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **error_responses(400, 401, 403, 404)},
        description=_("Attaches a file; its type is checked from the content, not the name."),
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request: Request, pk: str) -> Response:
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = attachment_add(
            document=self._target(request, pk),
            actor=request_user(request),
            upload=serializer.validated_data["file"],
            description=serializer.validated_data.get("description", ""),
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            **file_response([kind.content_type for kind in ATTACHMENT_KINDS], _("The file")),
            **error_responses(401, 404),
        },
    )
    @action(detail=True, methods=["get"], url_path=rf"attachments/(?P<attachment_id>{ID_PATTERN})")
    def attachment(self, request: Request, pk: str, attachment_id: str) -> FileResponse:
        """Downloads an attached file: only for users who may see the document."""
        document = self._target(request, pk)
        found = document.attachments.filter(pk=int(attachment_id)).first()
        if found is None:
            raise NotFound(_("The document has no attachment %(id)s.") % {"id": attachment_id})
        document_access_record(
            document=document,
            actor=request_user(request),
            kind=Access.DOWNLOADED,
            data={"format": "attachment", "attachment": found.pk, "name": found.original_name},
        )
        return FileResponse(
            found.file.open("rb"),
            as_attachment=True,
            filename=found.original_name,
            content_type=found.content_type,
        )
