"""Downloads of compliance data: the follow-up register as XLSX."""

from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request

from core.api import DownloadView, error_responses, file_response
from core.errors import DomainError, NotFound
from core.time import office_today
from dispatch.api_compliance import COMPLIANCE_FILTERS
from dispatch.exports import (
    XLSX_CONTENT_TYPE,
    compliance_workbook,
    export_filename,
    export_title,
    register_rows,
)
from dispatch.filters import AssignmentFilter
from dispatch.selectors import obligation_list
from recipients.models import User

ID_FILTERS = ("obligation", "document", "organization")
MAX_ID = 2**63 - 1  # the largest id a database stores


def _check_ids(cleaned: dict[str, Any]) -> None:
    """Ids are whole numbers above zero: the filters take any number, and
    1.5 would silently mean 1 while 10**20 cannot reach the database."""
    for name in ID_FILTERS:
        value = cleaned.get(name)
        if value is not None and (value != int(value) or not 0 < value <= MAX_ID):
            raise DomainError(_("%(field)s must be an id: a whole number above zero.") % {"field": name}, field=name)


class ComplianceExportView(DownloadView):
    """The compliance rows a user may see, as the follow-up register an office prints and files."""

    @extend_schema(
        operation_id="compliance_export_xlsx",
        tags=["compliance"],
        parameters=COMPLIANCE_FILTERS,
        responses={
            **file_response(XLSX_CONTENT_TYPE, _("The follow-up register (sổ theo dõi giải quyết) as XLSX")),
            **error_responses(400, 401, 404),
        },
        description=_(
            "The rows of /api/v1/compliance/ (same filters) in the follow-up register layout: arrival number of the "
            "report, the document and what is reported, the organization, due date, progress, the report's notation."
        ),
    )
    def get(self, request: Request) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        today = office_today()
        filterset = AssignmentFilter(request.query_params, queryset=register_rows(user=user, today=today))
        if not filterset.is_valid():
            errors = {field: [str(message) for message in messages] for field, messages in filterset.errors.items()}
            field, messages = next(iter(errors.items()))
            raise DomainError(f"{field}: {messages[0]}", field=field, details={"errors": errors})
        _check_ids(filterset.form.cleaned_data)
        obligation_id, document_id = (filterset.form.cleaned_data.get(name) for name in ("obligation", "document"))
        obligations = obligation_list(user=user).select_related("document__doc_type").order_by("due_on", "id")
        if obligation_id is not None:
            obligation = obligations.filter(pk=obligation_id).first()
            if obligation is None:
                raise NotFound(_("No obligation %(id)s that you can see.") % {"id": obligation_id})
            title = export_title(obligation=obligation)
        elif document_id is not None:
            # Any of the document's obligations names the document and the requester.
            obligation = obligations.filter(document_id=document_id).first()
            if obligation is None:
                raise NotFound(_("No document %(id)s with obligations that you can see.") % {"id": document_id})
            title = export_title(document=obligation.document)
        else:
            obligation, title = None, export_title()
        # The register is the requesting organization's; without a filter, the reader's own.
        owner = obligation.organization if obligation is not None else user.organization
        content = compliance_workbook(
            filterset.qs, title=title, organization_name=owner.name if owner else "", today=today
        )
        filename = export_filename(obligation.document if obligation is not None else None, today)
        return HttpResponse(
            content,
            content_type=XLSX_CONTENT_TYPE,
            headers={"Content-Disposition": content_disposition_header(True, filename)},
        )
