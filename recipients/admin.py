"""Admin for the directory: organizations, recipient groups and user accounts.

Every write goes through recipients.services: organizations, groups and
their members, accounts (user_create, user_update) and passwords
(user_set_password).
"""

from contextvars import ContextVar
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from core.admin import (
    AdministratorsTabularInline,
    ServiceAdmin,
    acting_user,
    adopt,
    audit_history,
)
from core.errors import DomainError
from core.text import fold
from core.time import office_today
from recipients.models import Clearance, Organization, RecipientGroup, RecipientGroupMember, User
from recipients.services import (
    ORGANIZATION_FIELDS,
    group_create,
    group_set_members,
    group_update,
    organization_create,
    organization_update,
    user_create,
    user_set_password,
    user_update,
)


class ActiveListFilter(admin.SimpleListFilter):
    """Whether the body exists today: merged and abolished bodies stay in the directory."""

    title = _("active")
    parameter_name = "active"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("now", _("Active today")), ("ended", _("No longer active")), ("future", _("Not active yet"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = office_today()
        if self.value() == "now":
            return queryset & Organization.objects.active_on(today)
        if self.value() == "ended":
            return queryset.filter(active_to__lt=today)
        if self.value() == "future":
            return queryset.filter(active_from__gt=today)
        return queryset


@admin.register(Organization)
class OrganizationAdmin(ServiceAdmin[Organization]):
    """Organizations are never deleted: documents and users point at them.
    A body that stops existing gets an end date and a successor instead."""

    list_display = ("name", "abbreviation", "code", "system", "level", "parent", "is_active")
    list_filter = ("system", "level", ActiveListFilter)
    search_fields = ("name", "short_name", "abbreviation", "code")
    autocomplete_fields = ("parent", "successor")
    list_select_related = ("parent",)
    readonly_fields = ("history",)
    fieldsets = (
        (None, {"fields": ("name", "short_name", "abbreviation", "code", "system", "level", "parent")}),
        (_("Document header"), {"fields": ("header_name", "header_parent_name", "place", "email")}),
        (_("Active period"), {"fields": ("active_from", "active_to", "successor")}),
        (_("History"), {"fields": ("history",)}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Organization | None = None) -> bool:
        return False

    @admin.display(description=_("active"), boolean=True)
    def is_active(self, organization: Organization) -> bool:
        today = office_today()
        started = organization.active_from is None or organization.active_from <= today
        return started and (organization.active_to is None or organization.active_to >= today)

    @admin.display(description=_("history"))
    def history(self, organization: Organization) -> str:
        return audit_history(organization)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Organization], search_term: str
    ) -> tuple[QuerySet[Organization], bool]:
        """Also matches without diacritics ("so thong tin" finds "Sở Thông tin"), here and in autocompletes."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = fold(search_term).split()
        if words:
            folded = queryset
            for word in words:
                folded = folded.filter(search_text__contains=word)
            found = found | folded
        return found, may_have_duplicates

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in ORGANIZATION_FIELDS if name in form.cleaned_data}
        if change:
            changed = {name: values[name] for name in form.changed_data if name in values}
            adopt(obj, organization_update(organization=obj, actor=acting_user(request), **changed))
        else:
            adopt(obj, organization_create(actor=acting_user(request), **values))


class MemberInline(AdministratorsTabularInline[RecipientGroupMember, RecipientGroup]):
    model = RecipientGroupMember
    fields = ("position", "organization")
    autocomplete_fields = ("organization",)
    ordering = ("position", "id")
    extra = 1

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecipientGroupMember]:
        return super().get_queryset(request).select_related("organization")


def _members(formset: BaseInlineFormSet[Any, Any, Any]) -> list[Organization]:
    """The members the inline lists, by position and then by row, without the rows marked for deletion."""
    rows = []
    for index, member_form in enumerate(formset.forms):
        data = member_form.cleaned_data
        if data and not data.get("DELETE") and data.get("organization") is not None:
            rows.append((data.get("position") or 0, index, data["organization"]))
    return [organization for _position, _index, organization in sorted(rows, key=lambda row: row[:2])]


@admin.register(RecipientGroup)
class RecipientGroupAdmin(ServiceAdmin[RecipientGroup]):
    """Groups and their members. A group stays with the organization that
    made it: its owner is fixed once it exists."""

    list_display = ("name", "owner", "member_count")
    list_filter = (("owner", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "description", "owner__name", "owner__abbreviation")
    autocomplete_fields = ("owner",)
    list_select_related = ("owner",)
    inlines = (MemberInline,)
    fields = ("owner", "name", "description", "history")

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecipientGroup]:
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    def get_readonly_fields(self, request: HttpRequest, obj: RecipientGroup | None = None) -> tuple[str, ...]:
        return ("owner", "history") if obj is not None else ("history",)

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, group: RecipientGroup) -> int:
        return int(getattr(group, "member_count", 0))

    @admin.display(description=_("history"))
    def history(self, group: RecipientGroup) -> str:
        return audit_history(group)

    def save_model(self, request: HttpRequest, obj: RecipientGroup, form: Any, change: bool) -> None:
        """Nothing yet: the group and its members are written together in save_related."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        members = [organization for formset in formsets for organization in _members(formset)]
        for formset in formsets:
            # Fills new/changed/deleted_objects for the admin's change message; writes nothing.
            formset.save(commit=False)
        actor = acting_user(request)
        if change:
            data = form.cleaned_data
            group_update(group=form.instance, actor=actor, name=data["name"], description=data["description"])
            group_set_members(group=form.instance, actor=actor, members=members)
            return
        data = form.cleaned_data
        group = group_create(
            actor=actor, owner=data["owner"], name=data["name"], description=data["description"], members=members
        )
        adopt(form.instance, group)


class UserAddForm(UserCreationForm[User]):
    """Django's creation form (password twice, validated) plus what every
    account needs here: its organization and role, and a clearance if any."""

    class Meta:
        model = User
        fields = ("username", "last_name", "email", "organization", "role", "job_title", "clearance")
        field_classes = UserCreationForm.Meta.field_classes
        labels = {"last_name": _("full name")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clearance"].required = False


class UserEditForm(UserChangeForm[User]):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = UserChangeForm.Meta.field_classes
        labels = {"last_name": _("full name")}


# Form field → user_update argument.
USER_FORM_FIELDS = {
    "last_name": "full_name",
    "email": "email",
    "organization": "organization",
    "role": "role",
    "job_title": "job_title",
    "clearance": "clearance",
    "is_active": "is_active",
    "is_staff": "is_staff",
    "is_superuser": "is_superuser",
}


# Django's password view builds its form without the request: this carries
# the administrator to PasswordForm.save for the audit.
_password_actor: ContextVar[User] = ContextVar("admin_password_actor")


class PasswordForm(AdminPasswordChangeForm[User]):
    """Django's admin password form, saved through user_set_password so that
    the change is audited. No service switches password login off, so that
    choice is not offered: deactivate the account instead."""

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields.pop("usable_password", None)
        self.fields["password1"].required = self.fields["password2"].required = True

    def save(self, commit: bool = True) -> User:
        # The view refreshes the session from `form.user`: it must carry the new hash.
        self.user = user_set_password(
            user=self.user, actor=_password_actor.get(), password=self.cleaned_data["password1"]
        )
        return self.user


@admin.register(User)
class DocregUserAdmin(ServiceAdmin[User], UserAdmin[User]):
    """Accounts, written through user_create, user_update and
    user_set_password, which record audit events. Permissions follow the
    role, so Django's groups and per-user permissions are not offered.
    Accounts are deactivated, not deleted: audit events and documents point
    at them."""

    form = UserEditForm
    add_form = UserAddForm
    change_password_form = PasswordForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("last_name", "email")}),
        (_("Organization and role"), {"fields": ("organization", "role", "job_title")}),
        (_("Permissions"), {"fields": ("clearance", "is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (
            _("Organization and role"),
            {"fields": ("last_name", "email", "organization", "role", "job_title", "clearance")},
        ),
    )
    list_display = ("username", "full_name", "organization", "role", "job_title", "clearance", "is_active", "is_staff")
    list_filter = (
        "role",
        "clearance",
        ("organization", admin.RelatedOnlyFieldListFilter),
        "is_active",
        "is_staff",
        "is_superuser",
    )
    search_fields = ("username", "last_name", "first_name", "email", "organization__name", "organization__abbreviation")
    autocomplete_fields = ("organization",)
    list_select_related = ("organization",)

    @admin.display(description=_("full name"), ordering="last_name")
    def full_name(self, user: User) -> str:
        return user.get_full_name()

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        """Only superusers change superuser accounts."""
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple[str, ...]:
        """Administrators who are not superusers cannot hand out superuser status or permissions."""
        readonly = (*super().get_readonly_fields(request, obj), "last_login", "date_joined")
        if request.user.is_superuser or obj is None:
            return readonly
        return (*readonly, "is_superuser")

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        token = _password_actor.set(acting_user(request))
        try:
            return super().user_change_password(request, id, form_url)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        finally:
            _password_actor.reset(token)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            changes = {USER_FORM_FIELDS[name]: data[name] for name in form.changed_data if name in USER_FORM_FIELDS}
            adopt(obj, user_update(user=obj, actor=acting_user(request), **changes))
            return
        user = user_create(
            actor=acting_user(request),
            username=data["username"],
            password=data["password1"],
            organization=data["organization"],
            role=data["role"],
            full_name=data["last_name"],
            email=data["email"],
            job_title=data["job_title"],
            clearance=data.get("clearance") or Clearance.NORMAL,
        )
        adopt(obj, user)
