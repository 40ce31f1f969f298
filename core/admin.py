"""The admin's shared rules, and the audit trail shown read-only.

The admin is the administrators' tool. Like every other entry point it writes
only through the service functions, and a rule a service refuses
(core.errors.DomainError) reaches the person on the page as a form error or
a message, never as a server error. Like every other read it shows nothing
of documents above the administrator's clearance (registry.clearance): the
admin is where the apps meet, so this module reads registry's rules.
"""

import json
from typing import Any, TypeVar
from urllib.parse import urlencode
from weakref import WeakKeyDictionary

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.models import AuditEvent
from recipients.models import User
from registry.clearance import clearance_filter
from registry.history import document_events_condition, visible_audit_events
from registry.models import Document

admin.site.site_header = _("docreg administration")
admin.site.site_title = _("docreg administration")
admin.site.index_title = _("Registers, documents and organizations")

_ModelT = TypeVar("_ModelT", bound=models.Model)
_ChildT = TypeVar("_ChildT", bound=models.Model)
_ParentT = TypeVar("_ParentT", bound=models.Model)

# A service's refusal of a form, kept for the second rendering that shows it.
_refusals: WeakKeyDictionary[HttpRequest, DomainError] = WeakKeyDictionary()


def is_administrator(request: HttpRequest) -> bool:
    """Staff with the administrator role or superusers: the people services accept as `actor.is_admin`."""
    user = request.user
    return bool(user.is_active and user.is_staff and getattr(user, "is_admin", False))


def acting_user(request: HttpRequest) -> User:
    """The logged-in administrator, as the `actor` of service calls."""
    assert isinstance(request.user, User)
    return request.user


def adopt(instance: models.Model, saved: models.Model) -> None:
    """Turns the admin's form instance into the row a service wrote, so that
    the log entry, the message and the redirect that follow point at it."""
    instance.pk = saved.pk
    instance.refresh_from_db()
    instance._state.adding = False


def _form_refusing(form_class: Any, error: DomainError) -> Any:
    """`form_class`, made invalid by the service's refusal: on the field it names, else above the form."""

    class RefusedForm(form_class):
        def clean(self) -> Any:
            cleaned = super().clean()
            self.add_error(error.field if error.field in self.fields else None, error.message)
            return cleaned

    return RefusedForm


class AdministratorsAdmin(admin.ModelAdmin[_ModelT]):
    """Access follows the project's role (User.is_admin), as the services'
    own checks do, instead of Django's per-model permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return is_administrator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return is_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return is_administrator(request)


class ReadOnlyAdmin(AdministratorsAdmin[_ModelT]):
    """Rows that only their services or the system write: shown, never edited here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False


class ClearanceAdminMixin:
    """Rows whose document is above the administrator's clearance are left out
    of the list, its counts and filters, and their change pages (which then
    answer like a row that does not exist). Each entry of `clearance_paths` is
    the lookup prefix to a document ("" for documents themselves, e.g.
    "obligation__document__"); those in `nullable_clearance_paths` may be empty."""

    clearance_paths: tuple[str, ...] = ()
    nullable_clearance_paths: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows: QuerySet[Any] = super().get_queryset(request)  # type: ignore[misc]
        user = request.user
        if not isinstance(user, User):
            return rows.none()
        paths = [(prefix, False) for prefix in self.clearance_paths]
        paths += [(prefix, True) for prefix in self.nullable_clearance_paths]
        for prefix, nullable in paths:
            cleared = clearance_filter(user, prefix, nullable=nullable)
            if cleared is not None:
                rows = rows.filter(cleared)
        return rows


class ServiceAdmin(AdministratorsAdmin[_ModelT]):
    """An admin whose save_model/delete_model call services. When a service
    refuses, the failed save is rolled back and the same form is shown again,
    with the user's input and the refusal on it."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            _refusals[request] = error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request: HttpRequest, obj: _ModelT | None = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        error = _refusals.get(request)
        return form_class if error is None else _form_refusing(form_class, error)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            opts = self.opts
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[object_id],
                    current_app=self.admin_site.name,
                )
            )


class AdministratorsTabularInline(admin.TabularInline[_ChildT, _ParentT]):
    """Inline rows under the same role rule as AdministratorsAdmin."""

    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: _ParentT | None = None) -> bool:
        return is_administrator(request)

    def has_add_permission(self, request: HttpRequest, obj: _ParentT | None) -> bool:  # type: ignore[override]
        return is_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: _ParentT | None = None) -> bool:
        return is_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: _ParentT | None = None) -> bool:
        return is_administrator(request)


class ReadOnlyTabularInline(AdministratorsTabularInline[_ChildT, _ParentT]):
    """Rows shown for reference; the services that own them write them."""

    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: _ParentT | None = None) -> tuple[str, ...]:
        return tuple(flatten(self.fields or ()))

    def has_add_permission(self, request: HttpRequest, obj: _ParentT | None) -> bool:  # type: ignore[override]
        return False

    def has_change_permission(self, request: HttpRequest, obj: _ParentT | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _ParentT | None = None) -> bool:
        return False


def _readable(value: Any) -> str:
    """A recorded value as a person reads it: text as is, a model by its name, anything else as JSON."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) == {"id", "repr"}:
        return str(value["repr"])
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "; ".join(value)
    return json.dumps(value, ensure_ascii=False, indent=2)


def changes_table(changes: dict[str, Any]) -> SafeString:
    """{field: {"before", "after"}} as a three-column table; other shapes as indented JSON."""
    if not changes:
        return format_html("{}", "—")
    if not all(isinstance(value, dict) and set(value) <= {"before", "after"} for value in changes.values()):
        return format_html("<pre>{}</pre>", json.dumps(changes, ensure_ascii=False, indent=2))
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
        ((name, _readable(value.get("before")), _readable(value.get("after"))) for name, value in changes.items()),
    )
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
        _("Field"),
        _("Before"),
        _("After"),
        rows,
    )


def audit_list_url(obj: models.Model) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    query = urlencode({"content_type__id__exact": content_type.pk, "object_id": obj.pk})
    return f"{reverse('admin:core_auditevent_changelist')}?{query}"


def document_audit_list_url(document: Document) -> str:
    query = urlencode({DocumentEventsFilter.parameter_name: document.pk})
    return f"{reverse('admin:core_auditevent_changelist')}?{query}"


def audit_history(obj: models.Model, events: QuerySet[AuditEvent] | None = None, link: str | None = None) -> SafeString:
    """The object's audit events (or the `events` given), oldest first, with a
    link to them in the audit trail (or to `link`)."""
    if obj.pk is None:
        return format_html("{}", "—")
    events = (AuditEvent.objects.for_object(obj) if events is None else events).order_by("occurred_at", "id")
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                date_format(localtime(event.occurred_at), "SHORT_DATETIME_FORMAT"),
                event.actor_username or "—",
                event.action,
                ", ".join(event.changes) or "—",
            )
            for event in events
        ),
    )
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>"
        '<p><a href="{}">{}</a></p>',
        _("Time"),
        _("Actor"),
        _("Action"),
        _("Fields changed"),
        rows,
        link or audit_list_url(obj),
        _("Open in the audit trail"),
    )


def document_history(document: Document) -> SafeString:
    """A document's events and those of its deliveries, obligations and reports (registry.history)."""
    if document.pk is None:
        return format_html("{}", "—")
    events = AuditEvent.objects.filter(document_events_condition(Document.objects.filter(pk=document.pk)))
    return audit_history(document, events, link=document_audit_list_url(document))


class DocumentEventsFilter(admin.SimpleListFilter):
    """?document=ID: the events of one document and of its children (registry.history),
    as linked from the document's page; not offered in the sidebar otherwise."""

    title = _("document")
    parameter_name = "document"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        value = self.value()
        return [(value, f"#{value}")] if value and value.isdigit() else []

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit() or len(value) > 18:
            return queryset.none()
        return queryset.filter(document_events_condition(Document.objects.filter(pk=int(value))))


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin[AuditEvent]):
    """The audit trail is append-only: nobody adds, changes or deletes events
    here, superusers included."""

    list_display = (
        "occurred_at",
        "actor_username",
        "organization",
        "action",
        "object_repr",
        "request_id",
        "ip_address",
    )
    list_filter = (
        "action",
        ("organization", admin.RelatedOnlyFieldListFilter),
        ("content_type", admin.RelatedOnlyFieldListFilter),
        "occurred_at",
        DocumentEventsFilter,
    )
    search_fields = ("actor_username", "action", "object_repr", "object_id", "request_id", "ip_address")
    date_hierarchy = "occurred_at"
    list_select_related = ("organization",)
    fields = (
        "occurred_at",
        "actor",
        "actor_username",
        "organization",
        "action",
        "content_type",
        "object_id",
        "object_link",
        "changes_display",
        "data_display",
        "request_id",
        "ip_address",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        """Without the events of documents above the administrator's clearance:
        they carry the documents' subjects, bodies and notations."""
        events = super().get_queryset(request)
        if not isinstance(request.user, User):
            return events.none()
        return visible_audit_events(events, user=request.user)

    @admin.display(description=_("object"))
    def object_link(self, event: AuditEvent) -> str:
        if event.content_type is None or not event.object_id:
            return event.object_repr or "—"
        try:
            url = reverse(
                f"admin:{event.content_type.app_label}_{event.content_type.model}_change", args=[event.object_id]
            )
        except NoReverseMatch:
            return event.object_repr
        return format_html('<a href="{}">{}</a>', url, event.object_repr or event.object_id)

    @admin.display(description=_("changes"))
    def changes_display(self, event: AuditEvent) -> SafeString:
        return changes_table(event.changes)

    @admin.display(description=_("details"))
    def data_display(self, event: AuditEvent) -> SafeString:
        if not event.data:
            return format_html("{}", "—")
        return format_html("<pre>{}</pre>", json.dumps(event.data, ensure_ascii=False, indent=2))
