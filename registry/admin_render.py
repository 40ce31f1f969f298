"""Printing from the admin: links on a document's change page to its PDF
(also PDF/A-2b) and DOCX in the official layout (registry.rendering)."""

import re
from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.admin import acting_user
from core.api import ID_PATTERN
from core.errors import DomainError, NotFound
from registry.models import Document
from registry.rendering import FORMATS, document_filename, printable_document, render
from registry.services.access import Access, document_access_record

URL_NAMES = {"pdf": "registry_document_pdf", "docx": "registry_document_docx"}


def document_print_urls(model_admin: admin.ModelAdmin[Document]) -> list[URLPattern]:
    """The download URLs, to put before the model admin's own (`…/<id>/pdf/`, `…/<id>/docx/`)."""

    def view(file_format: str) -> Callable[..., HttpResponse]:
        def download(request: HttpRequest, object_id: str) -> HttpResponse:
            return document_print_view(model_admin, request, object_id, file_format)

        return model_admin.admin_site.admin_view(download)

    return [path(f"<path:object_id>/{name}/", view(name), name=url) for name, url in URL_NAMES.items()]


def document_print_links(document: Document) -> SafeString:
    if document.pk is None:
        return format_html("{}", "—")
    links = (
        (reverse("admin:registry_document_pdf", args=[document.pk]), "PDF"),
        (reverse("admin:registry_document_pdf", args=[document.pk]) + "?archival=1", _("PDF/A (archive)")),
        (reverse("admin:registry_document_docx", args=[document.pk]), "DOCX"),
    )
    return format_html_join(" · ", '<a href="{}">{}</a>', links)


def document_print_view(
    model_admin: admin.ModelAdmin[Document], request: HttpRequest, object_id: str, file_format: str
) -> HttpResponse:
    """The file; a document that does not exist is a 404, a refusal (no
    fonts installed) a message on the document's page."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    if not re.fullmatch(ID_PATTERN, object_id):
        raise Http404(_("No document %(id)s.") % {"id": object_id})
    try:
        document = printable_document(pk=int(object_id))
    except NotFound as error:
        raise Http404(error.message) from error
    user = acting_user(request)
    if not user.is_cleared_for(document.confidentiality):
        raise Http404(_("No document %(id)s.") % {"id": object_id})
    archival = file_format == "pdf" and request.GET.get("archival") in {"1", "true"}
    try:
        content = render(document=document, file_format=file_format, archival=archival)
    except DomainError as error:
        model_admin.message_user(request, error.message, messages.ERROR)
        return HttpResponseRedirect(reverse("admin:registry_document_change", args=[document.pk]))
    document_access_record(
        document=document, actor=user, kind=Access.DOWNLOADED, data={"format": "pdf/a" if archival else file_format}
    )
    filename = document_filename(document=document, file_format=file_format)
    return HttpResponse(
        content,
        content_type=FORMATS[file_format],
        headers={"Content-Disposition": content_disposition_header(file_format != "pdf", filename)},
    )
