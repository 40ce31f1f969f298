"""`GET /api/v1/documents/{id}/pdf/` and `…/docx/`: a document in the official layout.

Whoever may read the document (GET /api/v1/documents/{id}/) may print it; any
other document is a 404. The files are plain HttpResponses; errors are JSON
whatever the Accept header asks for, as for the compliance export.
"""

from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request

from core.api import DownloadView, ErrorSerializer, error_responses, file_response
from recipients.models import User
from registry.rendering import DOCX_CONTENT_TYPE, FORMATS, PDF_CONTENT_TYPE, document_filename, render
from registry.selectors import document_get
from registry.services.access import Access, document_access_record


class PdfOptionsSerializer(serializers.Serializer[Any]):
    archival = serializers.BooleanField(required=False, default=False)


ARCHIVAL_PARAMETER = OpenApiParameter(
    "archival",
    OpenApiTypes.BOOL,
    required=False,
    description=_("true: PDF/A-2b for archiving (XMP identification, embedded fonts, sRGB output intent)."),
)
# A server without the fonts answers 503 with the usual error body (registry.rendering.FontsUnavailable).
UNAVAILABLE = {503: OpenApiResponse(ErrorSerializer, description="The fonts for PDF are not installed")}


def _download(request: Request, pk: int, file_format: str, archival: bool = False) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    document = document_get(user=user, pk=pk)
    content = render(document=document, file_format=file_format, archival=archival)
    document_access_record(
        document=document,
        actor=user,
        kind=Access.DOWNLOADED,
        data={"format": "pdf/a" if archival else file_format},
    )
    filename = document_filename(document=document, file_format=file_format)
    # A PDF opens in the browser; a DOCX is saved.
    disposition = content_disposition_header(file_format != "pdf", filename)
    return HttpResponse(content, content_type=FORMATS[file_format], headers={"Content-Disposition": disposition})


class DocumentPdfView(DownloadView):
    """A document as PDF in the official layout: A4, the margins and fonts of Decree 30 / 36-HD/VPTW."""

    @extend_schema(
        operation_id="documents_pdf",
        tags=["documents"],
        parameters=[ARCHIVAL_PARAMETER],
        responses={
            **file_response(PDF_CONTENT_TYPE, _("The document in the official layout")),
            **error_responses(400, 401, 404),
            **UNAVAILABLE,
        },
        description=_(
            "The document as printed: header, number line, date line, addressees, body, distribution and "
            "signature block; drafts carry a “DỰ THẢO” mark. Only for documents the caller may read."
        ),
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        options = PdfOptionsSerializer(data=request.query_params)
        options.is_valid(raise_exception=True)
        return _download(request, pk, "pdf", archival=options.validated_data["archival"])


class DocumentDocxView(DownloadView):
    """A document as DOCX (Word) in the official layout, with the same text as the PDF."""

    @extend_schema(
        operation_id="documents_docx",
        tags=["documents"],
        responses={
            **file_response(DOCX_CONTENT_TYPE, _("The document in the official layout, editable")),
            **error_responses(401, 404),
        },
        description=_("The layout and text of …/pdf/ as a Word document. Only for documents the caller may read."),
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        return _download(request, pk, "docx")
