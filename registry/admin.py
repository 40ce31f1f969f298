"""Admin for documents (document types, registers and their number sequences:
registry.admin_registers, registered from here).

Documents are written through registry.services only. A number,
once given, stays: issued, received and withdrawn documents are read-only
here and cannot be deleted, and the bulk delete only ever removes drafts.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import (
    ClearanceAdminMixin,
    ReadOnlyTabularInline,
    ServiceAdmin,
    acting_user,
    adopt,
    document_history,
)
from core.errors import DomainError
from registry import admin_registers  # noqa: F401  (registers its admins)
from registry.admin_render import document_print_links, document_print_urls
from registry.imports.admin import RegisterImportMixin
from registry.models import (
    Attachment,
    Direction,
    DistributionEntry,
    Document,
    DocumentAddressee,
    DocumentReference,
    DocumentStatus,
)
from registry.search import notation_condition, search_condition, search_ordering, search_words
from registry.services import (
    document_delete_draft,
    document_issue,
    document_update,
    document_withdraw,
)
from registry.services.access import Access, document_access_record
from registry.services.documents import DRAFT_FIELDS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class AddresseeInline(ReadOnlyTabularInline[DocumentAddressee, Document]):
    model = DocumentAddressee
    fields = ("position", "kind", "text")


class DistributionInline(ReadOnlyTabularInline[DistributionEntry, Document]):
    model = DistributionEntry
    fields = ("position", "kind", "text", "purpose")


class ReferenceInline(ReadOnlyTabularInline[DocumentReference, Document]):
    model = DocumentReference
    fk_name = "document"
    fields = ("position", "relation", "notation", "issued_on", "issuer_name", "target")

    def get_queryset(self, request: HttpRequest) -> QuerySet[DocumentReference]:
        return super().get_queryset(request).select_related("target")


class AttachmentInline(ReadOnlyTabularInline[Attachment, Document]):
    """Without the file itself: attachments are served only by views that check who may read them."""

    model = Attachment
    fields = ("original_name", "description", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=capfirst(_("reason for withdrawal")), max_length=2000, widget=forms.Textarea({"rows": 4})
    )


def _section(title: Any, *fields: str) -> tuple[Any, dict[str, tuple[str, ...]]]:
    return (title, {"fields": fields})


FIELDSETS = {
    "main": _section(None, "register", "doc_type", "subject", "status", "direction", "system"),
    "number": _section(
        _("Number and notation"), "notation", "number", "issued_on", "place", "drafting_unit", "issued_by", "issued_at"
    ),
    "content": _section(
        _("Content"), "body", "signer_name", "signer_title", "signer_authority", "urgency", "confidentiality"
    ),
    "issuer": _section(_("Issuer"), "issuer", "issuer_name", "issuer_header_name", "issuer_header_parent"),
    "register_book": _section(
        _("Register book"), "page_count", "copies", "file_copy_holder", "transferred_on", "receipt_signature", "note"
    ),
    "incoming": _section(
        _("Incoming"),
        "arrival_number",
        "received_at",
        "original",
        "handling_unit",
        "handling_deadline",
        "handling_progress",
    ),
    "withdrawal": _section(_("Withdrawal"), "withdrawn_at", "withdrawn_by", "withdrawal_reason"),
    "history": _section(_("History"), "created_by", "created_at", "updated_at", "history"),
    "printing": _section(_("Printing"), "printing"),
}
# What document_update accepts on a draft.
DRAFT_EDITABLE = DRAFT_FIELDS | {"register"}


@admin.register(Document)
class DocumentAdmin(ClearanceAdminMixin, RegisterImportMixin, ServiceAdmin[Document]):
    """Documents. A draft's content is edited here through document_update;
    once numbered or received a document is shown read-only. Issuing,
    withdrawing and deleting drafts are actions that call the services.
    New drafts and their lines are the clerks' pages' business. Documents
    above the administrator's clearance are not shown; opening a
    confidential one is recorded."""

    clearance_paths = ("",)

    list_display = (
        "notation_or_draft",
        "doc_type",
        "short_subject",
        "issuer_name",
        "issued_on",
        "status",
        "register",
        "arrival_number",
    )
    list_filter = (
        "status",
        "direction",
        ("doc_type", admin.RelatedOnlyFieldListFilter),
        "system",
        ("register", admin.RelatedOnlyFieldListFilter),
        "urgency",
        "confidentiality",
    )
    date_hierarchy = "issued_on"
    search_fields = ("notation", "subject", "issuer_name", "signer_name")
    list_select_related = ("doc_type", "register")
    autocomplete_fields = ("register",)
    inlines = (AddresseeInline, DistributionInline, ReferenceInline, AttachmentInline)
    actions = ("issue_drafts", "withdraw_documents", "delete_selected")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Document | None = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or obj.is_draft)

    def has_delete_permission(self, request: HttpRequest, obj: Document | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_draft)

    def get_fieldsets(self, request: HttpRequest, obj: Document | None = None) -> list[tuple[Any, Any]]:
        names = ["main", "printing", "number", "content", "issuer", "register_book"]
        if obj is not None and obj.direction == Direction.INCOMING:
            names.append("incoming")
        if obj is not None and obj.status == DocumentStatus.WITHDRAWN:
            names.append("withdrawal")
        names.append("history")
        return [FIELDSETS[name] for name in names]

    def get_readonly_fields(self, request: HttpRequest, obj: Document | None = None) -> list[str]:
        shown = flatten_fieldsets(self.get_fieldsets(request, obj))
        if obj is not None and obj.is_draft:
            return [name for name in shown if name not in DRAFT_EDITABLE]
        return shown

    @admin.display(description=_("number and notation"), ordering="notation")
    def notation_or_draft(self, document: Document) -> str:
        if document.notation:
            return document.notation
        return str(_("[Draft]")) if document.is_draft else "—"

    @admin.display(description=_("subject"), ordering="subject")
    def short_subject(self, document: Document) -> str:
        return Truncator(document.subject).chars(100)

    @admin.display(description=_("history"))
    def history(self, document: Document) -> str:
        return document_history(document)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "GET":
            document = self.get_object(request, unquote(object_id))
            if document is not None:
                document_access_record(
                    document=document, actor=acting_user(request), kind=Access.VIEWED, data={"via": "admin"}
                )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("official layout"))
    def printing(self, document: Document) -> str:
        return document_print_links(document)

    def get_urls(self) -> list[URLPattern]:
        return [*document_print_urls(self), *super().get_urls()]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Document], search_term: str
    ) -> tuple[QuerySet[Document], bool]:
        """registry.search, as the API's `q` (“ke hoach” finds “Kế hoạch”), and
        notations as written (“Số 7-CT/TU” finds 07-CT/TU) or in part. Not the
        default search_fields lookups: those scan every row on PostgreSQL."""
        if not search_term.strip():
            return queryset, False
        return queryset.filter(search_condition(search_term) | notation_condition(search_term)), False

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        """Best match first while searching, unless a column is chosen."""
        term = request.GET.get(SEARCH_VAR, "")
        return search_ordering(term) if search_words(term) else list(super().get_ordering(request))

    def save_model(self, request: HttpRequest, obj: Document, form: Any, change: bool) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        adopt(obj, document_update(document=obj, actor=acting_user(request), changes=changes))

    def delete_model(self, request: HttpRequest, obj: Document) -> None:
        document_delete_draft(document=obj, actor=acting_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        """Each draft through document_delete_draft, which records it; a refusal is reported and the rest go on."""
        actor = acting_user(request)
        for document in queryset:
            try:
                document_delete_draft(document=document, actor=actor)
            except DomainError as error:
                self.message_user(request, f"{document}: {error.message}", messages.ERROR)

    @admin.action(description=_("Delete selected drafts"), permissions=["delete"])
    def delete_selected(self, request: HttpRequest, queryset: QuerySet[Document]) -> HttpResponse | None:
        """Replaces Django's bulk delete: documents with a number are left
        alone and named; the drafts go through Django's confirmation page."""
        kept = [str(document) for document in queryset.exclude(status=DocumentStatus.DRAFT)]
        if kept:
            self.message_user(
                request,
                _("Documents with a number are never deleted; withdraw them instead. Not deleted: %(documents)s.")
                % {"documents": ", ".join(kept)},
                messages.WARNING,
            )
        drafts = queryset.filter(status=DocumentStatus.DRAFT)
        if not drafts.exists():
            return None
        return django_delete_selected(self, request, drafts)

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Document],
        write: Callable[[Document], Document],
        failed: "StrOrPromise",
        done: "StrOrPromise",
    ) -> None:
        """Runs a service on each document, in the order they were drafted and
        each in its own transaction; reports every refusal, then what was done."""
        written = []
        for document in queryset.order_by("pk"):
            try:
                written.append(str(write(document)))
            except DomainError as error:
                self.message_user(request, failed % {"document": document, "error": error.message}, messages.ERROR)
        if written:
            self.message_user(
                request, done % {"count": len(written), "documents": ", ".join(written)}, messages.SUCCESS
            )

    @admin.action(description=_("Number and issue selected drafts"), permissions=["change"])
    def issue_drafts(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        actor = acting_user(request)
        self._each(
            request,
            queryset,
            lambda document: document_issue(document=document, actor=actor),
            _("%(document)s was not issued: %(error)s"),
            ngettext_lazy(
                "Issued %(count)d document: %(documents)s.", "Issued %(count)d documents: %(documents)s.", "count"
            ),
        )

    @admin.action(description=_("Withdraw selected documents"), permissions=["change"])
    def withdraw_documents(self, request: HttpRequest, queryset: QuerySet[Document]) -> HttpResponse | None:
        """Asks for the reason on a page of its own, then withdraws each document through document_withdraw."""
        form = WithdrawForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Withdraw documents"),
                "intro": _("These documents will be withdrawn (thu hồi). They keep their numbers and are frozen."),
                "submit_label": _("Withdraw"),
                "opts": self.opts,
                "documents": list(queryset.order_by("pk")),
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/registry/document/withdraw.html", context)
        actor, reason = acting_user(request), form.cleaned_data["reason"]
        self._each(
            request,
            queryset,
            lambda document: document_withdraw(document=document, actor=actor, reason=reason),
            _("%(document)s was not withdrawn: %(error)s"),
            ngettext_lazy(
                "Withdrew %(count)d document: %(documents)s.", "Withdrew %(count)d documents: %(documents)s.", "count"
            ),
        )
        return None
