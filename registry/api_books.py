"""Downloads of register books: GET /api/v1/registers/{id}/book.xlsx?year=YYYY[&kind=…]."""

from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request

from core.api import DownloadView, error_responses, file_response
from core.xlsx import XLSX_CONTENT_TYPE
from recipients.models import User
from registry.books import MAX_YEAR, MIN_YEAR, BookKind, register_book


class RegisterBookQuerySerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=_("The year of the book: documents dated (outgoing) or arrived (incoming) in it; default this year."),
    )
    kind = serializers.ChoiceField(
        choices=BookKind.choices,
        required=False,
        help_text=_("Which book; default the register's own (outgoing or incoming). follow_up: incoming registers."),
    )


class RegisterBookView(DownloadView):
    """A register's book for one year, in the Appendix IV layout an office prints and files."""

    @extend_schema(
        operation_id="registers_book_xlsx",
        tags=["registers"],
        parameters=[RegisterBookQuerySerializer],
        responses={
            **file_response(XLSX_CONTENT_TYPE, _("The register book (sổ đăng ký) as XLSX")),
            **error_responses(400, 401, 404),
        },
        description=_(
            "The register's documents of one year in the layout of Decree 30, Appendix IV: the outgoing register "
            "(issued, dispatched and withdrawn documents), the incoming register (arrivals of the year), or for an "
            "incoming register the follow-up register (handling, deadline, progress, replies). Only documents you "
            "could list are in it."
        ),
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        query = RegisterBookQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user: User = request.user  # type: ignore[assignment]
        book = register_book(register=pk, user=user, **query.validated_data)
        return FileResponse(book.file, as_attachment=True, filename=book.filename, content_type=XLSX_CONTENT_TYPE)
