"""The register book download in the admin: a page under a register's change
page asking for the year and the book, answered with the XLSX file."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.admin import acting_user
from core.time import office_today
from core.xlsx import XLSX_CONTENT_TYPE
from registry.books import MAX_YEAR, MIN_YEAR, BookKind, book_kinds, register_book
from registry.models import Register


class RegisterBookForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    kind = forms.ChoiceField(label=_("Book"))

    def __init__(self, *args: Any, register: Register, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, BookKind(kind).label) for kind in book_kinds(register)]  # type: ignore[attr-defined]


def _url_name(model_admin: admin.ModelAdmin[Register]) -> str:
    return f"{model_admin.opts.app_label}_{model_admin.opts.model_name}_book"


def register_book_urls(model_admin: admin.ModelAdmin[Register]) -> list[URLPattern]:
    """The download page's URL, to put before the model admin's own."""

    def view(request: HttpRequest, object_id: str) -> HttpResponseBase:
        return register_book_view(model_admin=model_admin, request=request, object_id=object_id)

    return [path("<path:object_id>/book/", model_admin.admin_site.admin_view(view), name=_url_name(model_admin))]


def register_book_link(register: Register) -> SafeString:
    return format_html(
        '<a href="{}">{}</a>',
        reverse("admin:registry_register_book", args=[register.pk]),
        _("Download the book (XLSX)"),
    )


def register_book_view(
    *, model_admin: admin.ModelAdmin[Register], request: HttpRequest, object_id: str
) -> HttpResponseBase:
    """Asks for the year (this year by default) and the book; once both are
    given (GET, so the download is a link one can bookmark) sends the file."""
    register = model_admin.get_object(request, object_id)
    if register is None:
        raise Http404(_("No register %(id)s.") % {"id": object_id})
    if not model_admin.has_view_permission(request, register):
        raise PermissionDenied
    form = RegisterBookForm(
        request.GET if "year" in request.GET else None, register=register, initial={"year": office_today().year}
    )
    if form.is_valid():
        book = register_book(register=register, user=acting_user(request), **form.cleaned_data)
        return FileResponse(book.file, as_attachment=True, filename=book.filename, content_type=XLSX_CONTENT_TYPE)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Register book: %(register)s") % {"register": register},
        "opts": model_admin.opts,
        "original": register,
        "form": form,
        "submit_label": _("Download"),
    }
    return TemplateResponse(request, "admin/registry/register/book.html", context)
