"""API plumbing shared by every app: pagination and error responses.

Every error body has the same shape: {"detail": a sentence for people,
"code": a stable word for programs, "field": the field at fault (optional),
"errors": {field: [messages]} for validation errors (optional)}.
"""

import functools
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError
from core.pagination import CountingPaginator

logger = logging.getLogger("docreg.api")

# Ids in URLs: whole numbers a BIGINT column can hold (18 digits keeps below 2^63).
ID_PATTERN = r"[0-9]{1,18}"


class Pagination(PageNumberPagination):
    """Pages by number. A `page` that is no page number at all is a 400 naming
    the parameter; a page past the last one is a 404 (DRF's answer)."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_number(self, request: Request, paginator: Paginator[Any]) -> int | str:
        raw = request.query_params.get(self.page_query_param)
        if raw is None or raw == "":
            return 1
        if raw in self.last_page_strings:
            return paginator.num_pages
        if not re.fullmatch(r"[0-9]{1,9}", raw) or int(raw) < 1:
            raise ValidationError({self.page_query_param: [_("A page number is a whole number from 1 (or “last”).")]})
        return int(raw)


class SearchPagination(Pagination):
    """For ranked searches: the count comes with the page, and `rows_by_id`
    loads the page's rows once their ids are known (core.pagination)."""

    def __init__(self, rows_by_id: Callable[[list[Any]], Sequence[Any]] | None = None) -> None:
        self.django_paginator_class = functools.partial(CountingPaginator, rows_by_id=rows_by_id)  # type: ignore[assignment]


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: an address under /api/ that names no endpoint (such as
    /api/v1/documents/abc/) is answered in the API's error format, not with
    the HTML page people get."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
    return page_not_found(request, exception)


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    code = serializers.CharField()
    field = serializers.CharField(required=False)
    # DRF collects declared fields before they can shadow Serializer.errors.
    errors = serializers.DictField(required=False, child=serializers.JSONField())  # type: ignore[assignment]
    duplicates = serializers.ListField(required=False, child=serializers.DictField())


class JSONErrorsNegotiation(DefaultContentNegotiation):
    """For downloads (a workbook, a PDF) served as plain responses: the renderer only ever renders
    errors, and those are JSON whatever the client's Accept header asks for
    (a download link asking for a spreadsheet still gets a readable 4xx, not 406)."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class DownloadView(APIView):
    """A view that answers with a file (workbook, PDF, DOCX) as a plain response, and
    with JSON when something is wrong, whatever the client asked for."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONErrorsNegotiation


def file_response(content_type: str | Sequence[str], description: Any) -> dict[tuple[Any, ...], OpenApiResponse]:
    """The schema's 200 response of a download: binary content of that type, or
    of any of those types (a stored file is served with the type it was stored with)."""
    content_types = [content_type] if isinstance(content_type, str) else list(content_type)
    return {(200, *content_types): OpenApiResponse(OpenApiTypes.BINARY, description=description)}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: "Invalid input",
        401: "Not authenticated",
        403: "Not allowed",
        404: "Not found or not visible to you",
        409: "Conflicts with the current state",
        413: "The request body is too large",
        415: "Unsupported media type of the request body",
    }
    return {code: OpenApiResponse(ErrorSerializer, description=descriptions[code]) for code in codes}


def _first_message(errors: Any) -> str:
    if isinstance(errors, dict):
        for key, value in errors.items():
            message = _first_message(value)
            if message:
                return message if key in {"non_field_errors", "detail"} else f"{key}: {message}"
    if isinstance(errors, list):
        for item in errors:
            message = _first_message(item)
            if message:
                return message
    return str(errors) if errors else ""


def _first_code(codes: Any) -> str:
    if isinstance(codes, dict):
        codes = next(iter(codes.values()), "invalid")
    if isinstance(codes, list):
        return _first_code(codes[0]) if codes else "invalid"
    return str(codes)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turns every error a client can cause into a 4xx with the body above."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=as_serializer_error(exc))
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        # Django's limits on what it reads into memory (DATA_UPLOAD_MAX_MEMORY_SIZE
        # and DATA_UPLOAD_MAX_NUMBER_FIELDS); uploaded files are not counted.
        return Response(
            {"detail": _("The request is too large."), "code": "request_too_large"},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, OverflowError | DataError):
        # A number too large for its column, from a filter or body the
        # validation let through: the client's input, not a server fault.
        logger.info("out-of-range value answered with 400: %s", exc)
        return Response(
            {"detail": _("A number in the request is out of range."), "code": "out_of_range"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, IntegrityError):
        logger.warning("integrity error answered with 409: %s", exc)
        return Response(
            {"detail": _("The change conflicts with existing records; reload and try again."), "code": "conflict"},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Http404):
        exc = NotFound(str(exc) or None)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, APIException):
        return response
    if isinstance(exc, ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {
            "detail": _first_message(errors) or _("Invalid input."),
            "code": "invalid",
            "errors": errors,
        }
    elif isinstance(response.data, dict):
        response.data = {"detail": str(response.data.get("detail", "")), "code": _first_code(exc.get_codes())}
    return response
