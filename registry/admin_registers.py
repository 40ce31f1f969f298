"""Admin for document types, registers, their number sequences and imports.

Registers are written through registry.services.registers, document types
(superusers only) through registry.services.document_types; the counters are
shown read-only.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import (
    ReadOnlyAdmin,
    ReadOnlyTabularInline,
    ServiceAdmin,
    acting_user,
    adopt,
    audit_history,
)
from core.errors import DomainError
from recipients.models import User
from registry.admin_books import register_book_link, register_book_urls
from registry.models import Confidentiality, DocumentType, ImportJob, NumberSequence, PeriodKind, Register, Series
from registry.services import (
    document_type_create,
    document_type_delete,
    document_type_update,
    register_create,
    register_update,
)
from registry.services.document_types import DOCUMENT_TYPE_FIELDS
from registry.services.registers import REGISTER_FIELDS


def _is_superuser(request: HttpRequest) -> bool:
    return bool(request.user.is_superuser)


@admin.register(DocumentType)
class DocumentTypeAdmin(ServiceAdmin[DocumentType]):
    """The types of Decree 30 and 36-HD/VPTW, seeded by a migration: only
    superusers correct them, through registry.services.document_types, which
    audits every change."""

    list_display = ("code", "state_name", "state_abbreviation", "party_name", "party_abbreviation", "is_letter")
    list_filter = ("is_letter",)
    search_fields = ("code", "state_name", "state_abbreviation", "party_name", "party_abbreviation")

    def get_fields(self, request: HttpRequest, obj: DocumentType | None = None) -> tuple[str, ...]:
        return DOCUMENT_TYPE_FIELDS if obj is None else (*DOCUMENT_TYPE_FIELDS, "history")

    def get_readonly_fields(self, request: HttpRequest, obj: DocumentType | None = None) -> tuple[str, ...]:
        return ("history",) if obj is not None else ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_superuser(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: DocumentType | None = None) -> bool:
        return _is_superuser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: DocumentType | None = None) -> bool:
        return _is_superuser(request) and super().has_delete_permission(request, obj)

    @admin.display(description=_("history"))
    def history(self, document_type: DocumentType) -> str:
        return audit_history(document_type)

    def save_model(self, request: HttpRequest, obj: DocumentType, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            changed = {name: data[name] for name in form.changed_data if name in DOCUMENT_TYPE_FIELDS}
            adopt(obj, document_type_update(document_type=obj, actor=acting_user(request), **changed))
        else:
            values = {name: data[name] for name in DOCUMENT_TYPE_FIELDS if name in data}
            adopt(obj, document_type_create(actor=acting_user(request), **values))

    def delete_model(self, request: HttpRequest, obj: DocumentType) -> None:
        document_type_delete(document_type=obj, actor=acting_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[DocumentType]) -> None:
        """Each type through document_type_delete, which records it; a type in use is named and kept."""
        actor = acting_user(request)
        for document_type in queryset:
            try:
                document_type_delete(document_type=document_type, actor=actor)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)


def _counted_sequences(request: HttpRequest, sequences: QuerySet[NumberSequence]) -> QuerySet[NumberSequence]:
    """Without the confidential series for an administrator not cleared for Mật:
    their last number is the count of confidential documents."""
    user = request.user
    if isinstance(user, User) and user.is_cleared_for(Confidentiality.CONFIDENTIAL):
        return sequences
    return sequences.exclude(series=Series.CONFIDENTIAL)


class NumberSequenceInline(ReadOnlyTabularInline[NumberSequence, Register]):
    model = NumberSequence
    fields = ("period_start", "period_end", "series", "doc_type", "opening_number", "last_number")

    def get_queryset(self, request: HttpRequest) -> QuerySet[NumberSequence]:
        return _counted_sequences(request, super().get_queryset(request).select_related("doc_type"))


# A new register opens active; register_create takes everything else.
REGISTER_CREATE_FIELDS = tuple(name for name in REGISTER_FIELDS if name != "is_active")


@admin.register(Register)
class RegisterAdmin(ServiceAdmin[Register]):
    """Registers and their numbering policy; the counters are shown read-only.
    A register keeps its owner; it opens active and is closed by unticking "active"."""

    list_display = ("name", "owner", "direction", "system", "period", "sequence_scope", "is_active")
    list_filter = (
        "direction",
        "system",
        "period_kind",
        "sequence_scope",
        "is_active",
        ("owner", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "owner__name", "owner__abbreviation")
    autocomplete_fields = ("owner",)
    list_select_related = ("owner",)
    inlines = (NumberSequenceInline,)

    def get_fields(self, request: HttpRequest, obj: Register | None = None) -> tuple[str, ...]:
        return REGISTER_CREATE_FIELDS if obj is None else (*REGISTER_FIELDS, "book", "history")

    def get_readonly_fields(self, request: HttpRequest, obj: Register | None = None) -> tuple[str, ...]:
        return ("owner", "book", "history") if obj is not None else ()

    def get_inlines(self, request: HttpRequest, obj: Register | None) -> tuple[type[NumberSequenceInline], ...]:
        return self.inlines if obj is not None else ()

    @admin.display(description=_("numbering period"), ordering="period_kind")
    def period(self, register: Register) -> str:
        if register.period_kind != PeriodKind.TERM or register.term_start is None:
            return str(register.get_period_kind_display())
        end = register.term_end.strftime("%d/%m/%Y") if register.term_end else "…"
        return f"{register.get_period_kind_display()} {register.term_start:%d/%m/%Y}–{end}"

    @admin.display(description=_("history"))
    def history(self, register: Register) -> str:
        return audit_history(register)

    def get_urls(self) -> list[URLPattern]:
        return [*register_book_urls(self), *super().get_urls()]

    @admin.display(description=_("register book"))
    def book(self, register: Register) -> str:
        return register_book_link(register)

    def save_model(self, request: HttpRequest, obj: Register, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            changed = {name: data[name] for name in form.changed_data if name in data}
            adopt(obj, register_update(register=obj, actor=acting_user(request), **changed))
        else:
            adopt(
                obj,
                register_create(actor=acting_user(request), **{name: data[name] for name in REGISTER_CREATE_FIELDS}),
            )


@admin.register(NumberSequence)
class NumberSequenceAdmin(ReadOnlyAdmin[NumberSequence]):
    """The counters behind numbers, read-only: issuing takes numbers, and
    register_set_opening_number records numbers given on paper."""

    list_display = ("register", "period", "series", "doc_type", "opening_number", "last_number")
    list_filter = (
        ("register", admin.RelatedOnlyFieldListFilter),
        ("period_start", admin.AllValuesFieldListFilter),
        "series",
        ("doc_type", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("register__name", "register__owner__name", "register__owner__abbreviation")
    list_select_related = ("register", "doc_type")

    def get_queryset(self, request: HttpRequest) -> QuerySet[NumberSequence]:
        return _counted_sequences(request, super().get_queryset(request))

    @admin.display(description=_("period"), ordering="period_start")
    def period(self, sequence: NumberSequence) -> str:
        return sequence.period_label


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin[ImportJob]):
    """The register books uploaded on the registers pages and how their imports
    went, across the province, read-only (registry.imports.jobs writes them). A
    book has no confidentiality column: what it imports is of the normal series."""

    list_display = ("filename", "register", "status", "dry_run", "rows", "imported", "error_count", "created_by")
    list_filter = ("status", "dry_run", ("register", admin.RelatedOnlyFieldListFilter))
    search_fields = ("filename", "register__name", "register__owner__name", "created_by__username")
    list_select_related = ("register__owner", "created_by")
    date_hierarchy = "created_at"
    fields = (
        "register",
        "filename",
        "dry_run",
        "status",
        "failure",
        "rows_read",
        "rows_total",
        "rows",
        "imported",
        "error_count",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "page",
    )

    @admin.display(description=_("failure"))
    def failure(self, job: ImportJob) -> str:
        return str((job.report or {}).get("failure", "")) or "—"

    @admin.display(description=_("report"))
    def page(self, job: ImportJob) -> str:
        url = reverse("import-detail", args=[job.pk])
        return format_html('<a href="{}">{}</a>', url, _("The import's page, with every refused row"))
