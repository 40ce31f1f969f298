"""Writes to organizations, recipient groups and users. Each checks the actor,
writes, and records an audit event in one transaction."""

import datetime
import re
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record, diff, snapshot
from core.errors import DomainError, PermissionDenied
from core.text import clean_text, fold
from recipients.models import (
    Clearance,
    Organization,
    OrganizationLevel,
    OrganizationSystem,
    RecipientGroup,
    RecipientGroupMember,
    Role,
    User,
)

# Letters (Vietnamese included) and digits, starting with a letter; "&" as in GD&ĐT.
ABBREVIATION_RE = re.compile(r"^[^\W\d_](?:[^\W_]|&){0,29}$")

ORGANIZATION_FIELDS = (
    "name",
    "short_name",
    "abbreviation",
    "code",
    "system",
    "level",
    "parent",
    "header_name",
    "header_parent_name",
    "place",
    "email",
    "active_from",
    "active_to",
    "successor",
)


def require_admin(actor: User, what: str) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can %(what)s.") % {"what": what})


def clean_abbreviation(value: str, *, label: str, field: str | None = None) -> str:
    value = clean_text(value, label=label, field=field, max_length=30)
    if not ABBREVIATION_RE.match(value):
        raise DomainError(
            _("%(field)s “%(value)s” must start with a letter and contain only letters, digits and “&”.")
            % {"field": label, "value": value},
            field=field,
        )
    return value


def _clean_organization(org: Organization) -> None:
    org.name = clean_text(org.name, label=_("Name"), field="name", max_length=255)
    if not org.name:
        raise DomainError(_("The organization needs a name."), field="name")
    org.short_name = clean_text(org.short_name, label=_("Short name"), field="short_name", max_length=120)
    org.abbreviation = clean_abbreviation(org.abbreviation, label=_("Notation abbreviation"), field="abbreviation")
    org.code = clean_text(org.code, label=_("Official code"), field="code", max_length=40)
    org.header_name = clean_text(
        org.header_name, label=_("Name in document header"), field="header_name", max_length=255
    )
    org.header_parent_name = clean_text(
        org.header_parent_name, label=_("Parent line in header"), field="header_parent_name", max_length=255
    )
    org.place = clean_text(org.place, label=_("Place name"), field="place", max_length=80)
    org.email = clean_text(org.email, label=_("Email"), field="email", max_length=254)
    if org.system not in OrganizationSystem.values:
        raise DomainError(_("Unknown system “%(value)s”.") % {"value": org.system}, field="system")
    if org.level not in OrganizationLevel.values:
        raise DomainError(_("Unknown level “%(value)s”.") % {"value": org.level}, field="level")
    if org.active_from and org.active_to and org.active_to < org.active_from:
        raise DomainError(_("An organization cannot stop being active before it starts."), field="active_to")
    if org.pk is not None:
        if org.parent_id == org.pk:
            raise DomainError(_("An organization cannot be its own parent."), field="parent")
        if org.successor_id == org.pk:
            raise DomainError(_("An organization cannot be its own successor."), field="successor")
        ancestor = org.parent
        while ancestor is not None:
            if ancestor.pk == org.pk:
                raise DomainError(_("That parent would put the organization below itself."), field="parent")
            ancestor = ancestor.parent
    if org.code and Organization.objects.filter(code=org.code).exclude(pk=org.pk).exists():
        raise DomainError(
            _("Another organization already has the official code “%(code)s”.") % {"code": org.code}, field="code"
        )
    org.search_text = fold(" ".join([org.name, org.short_name, org.abbreviation, org.code]))


@transaction.atomic
def organization_create(
    *,
    actor: User,
    name: str,
    abbreviation: str,
    system: str,
    level: str,
    short_name: str = "",
    code: str = "",
    parent: Organization | None = None,
    header_name: str = "",
    header_parent_name: str = "",
    place: str = "",
    email: str = "",
    active_from: datetime.date | None = None,
    active_to: datetime.date | None = None,
    successor: Organization | None = None,
) -> Organization:
    """Adds a body to the directory. Administrators and clerks may do this:
    clerks meet new senders every day."""
    if not (actor.is_admin or actor.role == Role.CLERK):
        raise PermissionDenied(_("Only a clerk or an administrator can add organizations."))
    org = Organization(
        name=name,
        short_name=short_name,
        abbreviation=abbreviation,
        code=code,
        system=system,
        level=level,
        parent=parent,
        header_name=header_name,
        header_parent_name=header_parent_name,
        place=place,
        email=email,
        active_from=active_from,
        active_to=active_to,
        successor=successor,
    )
    _clean_organization(org)
    org.save()
    audit_record(
        actor=actor, action="organization.create", obj=org, changes=diff({}, snapshot(org, ORGANIZATION_FIELDS))
    )
    return org


@transaction.atomic
def organization_update(*, organization: Organization, actor: User, **changes: Any) -> Organization:
    """Changes directory data. Documents already issued keep the names they printed."""
    require_admin(actor, _("change organizations"))
    unknown = set(changes) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    before = snapshot(org, ORGANIZATION_FIELDS)
    for field, value in changes.items():
        setattr(org, field, value)
    _clean_organization(org)
    org.save()
    audit_record(
        actor=actor, action="organization.update", obj=org, changes=diff(before, snapshot(org, ORGANIZATION_FIELDS))
    )
    return org


def _require_group_manager(actor: User, owner: Organization) -> None:
    if actor.is_admin:
        return
    if actor.role == Role.CLERK and actor.organization_id == owner.pk:
        return
    raise PermissionDenied(
        _("Only a clerk of %(owner)s or an administrator can manage its recipient groups.") % {"owner": owner.name}
    )


def _write_members(group: RecipientGroup, members: Sequence[Organization]) -> None:
    seen: set[int] = set()
    for member in members:
        if member.pk in seen:
            raise DomainError(
                _("%(organization)s is listed twice in the group.") % {"organization": member.name}, field="members"
            )
        seen.add(member.pk)
    group.memberships.all().delete()
    RecipientGroupMember.objects.bulk_create(
        RecipientGroupMember(group=group, organization=member, position=index) for index, member in enumerate(members)
    )


@transaction.atomic
def group_create(
    *,
    actor: User,
    owner: Organization,
    name: str,
    description: str = "",
    members: Sequence[Organization] = (),
) -> RecipientGroup:
    _require_group_manager(actor, owner)
    name = clean_text(name, label=_("Name"), field="name", max_length=255)
    if not name:
        raise DomainError(_("The group needs a name."), field="name")
    if RecipientGroup.objects.filter(owner=owner, name=name).exists():
        raise DomainError(
            _("%(owner)s already has a group named “%(name)s”.") % {"owner": owner.name, "name": name}, field="name"
        )
    group = RecipientGroup.objects.create(
        owner=owner,
        name=name,
        description=clean_text(description, label=_("Description"), field="description", multiline=True),
    )
    _write_members(group, members)
    audit_record(
        actor=actor,
        action="group.create",
        obj=group,
        changes={"members": {"before": [], "after": [m.name for m in members]}},
    )
    return group


@transaction.atomic
def group_update(
    *, group: RecipientGroup, actor: User, name: str | None = None, description: str | None = None
) -> RecipientGroup:
    """Renames a group or rewrites its description. Documents keep the group
    name they printed."""
    _require_group_manager(actor, group.owner)
    group = RecipientGroup.objects.select_for_update().get(pk=group.pk)
    before = snapshot(group, ("name", "description"))
    if name is not None:
        group.name = clean_text(name, label=_("Name"), field="name", max_length=255)
        if not group.name:
            raise DomainError(_("The group needs a name."), field="name")
        if RecipientGroup.objects.filter(owner=group.owner_id, name=group.name).exclude(pk=group.pk).exists():
            raise DomainError(
                _("%(owner)s already has a group named “%(name)s”.") % {"owner": group.owner.name, "name": group.name},
                field="name",
            )
    if description is not None:
        group.description = clean_text(description, label=_("Description"), field="description", multiline=True)
    group.save()
    changes = diff(before, snapshot(group, ("name", "description")))
    if changes:
        audit_record(actor=actor, action="group.update", obj=group, changes=changes)
    return group


@transaction.atomic
def group_set_members(*, group: RecipientGroup, actor: User, members: Sequence[Organization]) -> RecipientGroup:
    """Replaces the members. Documents already sent keep the deliveries they had."""
    _require_group_manager(actor, group.owner)
    before = list(group.memberships.order_by("position").values_list("organization__name", flat=True))
    _write_members(group, members)
    audit_record(
        actor=actor,
        action="group.set_members",
        obj=group,
        changes={"members": {"before": before, "after": [m.name for m in members]}},
    )
    return group


def _apply_password(user: User, *, password: str | None, password_hash: str | None, check_password: bool) -> None:
    """Sets a password, or a hash made earlier with make_password (commands
    that create many accounts hash once instead of once per account)."""
    if password_hash is not None:
        try:
            identify_hasher(password_hash)
        except ValueError as exc:
            raise DomainError(_("That is not a password hash this system knows."), field="password") from exc
        user.password = password_hash
        return
    if not password:
        raise DomainError(_("Give a password."), field="password")
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), field="password") from exc
    user.set_password(password)


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    organization: Organization | None,
    role: str,
    password: str | None = None,
    password_hash: str | None = None,
    full_name: str = "",
    email: str = "",
    job_title: str = "",
    superuser: bool = False,
    check_password: bool = True,
    clearance: str = Clearance.NORMAL,
) -> User:
    """Creates an account. `actor` None is reserved for management commands.
    A superuser (Django admin, every permission) must have the admin role."""
    if actor is not None:
        require_admin(actor, _("create accounts"))
    _check_clearance(actor, clearance)
    if role not in Role.values:
        raise DomainError(_("Unknown role “%(role)s”.") % {"role": role}, field="role")
    if role != Role.ADMIN and organization is None:
        raise DomainError(_("Every account except administrators belongs to an organization."), field="organization")
    if superuser and role != Role.ADMIN:
        raise DomainError(_("Only administrators can be superusers."), field="role")
    username = clean_text(username, label=_("Username"), field="username", max_length=150)
    if User.objects.filter(username=username).exists():
        raise DomainError(_("The username “%(username)s” is taken.") % {"username": username}, field="username")
    # Vietnamese names read family name first; keeping the whole name in
    # last_name makes get_full_name() print it in that order.
    full_name = clean_text(full_name, label=_("Full name"), field="full_name", max_length=150)
    user = User(
        username=username,
        organization=organization,
        role=role,
        email=clean_text(email, label=_("Email"), field="email", max_length=254),
        job_title=clean_text(job_title, label=_("Job title"), field="job_title", max_length=120),
        first_name="",
        last_name=full_name,
        is_staff=superuser,
        is_superuser=superuser,
        clearance=clearance,
    )
    _apply_password(user, password=password, password_hash=password_hash, check_password=check_password)
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        organization=organization,
        changes=diff(
            {},
            {
                "username": user.username,
                "role": role,
                "organization": organization,
                "is_superuser": superuser,
                "clearance": clearance,
            },
        ),
    )
    return user


USER_FIELDS = (
    "full_name",
    "email",
    "organization",
    "role",
    "job_title",
    "clearance",
    "is_active",
    "is_staff",
    "is_superuser",
)


def _check_clearance(actor: User | None, clearance: str) -> None:
    """A known level, granted by someone cleared for it (or a command, actor None)."""
    if clearance not in Clearance.values:
        raise DomainError(_("Unknown clearance “%(clearance)s”.") % {"clearance": clearance}, field="clearance")
    if actor is not None and not actor.is_cleared_for(clearance):
        raise PermissionDenied(
            _("You can grant clearance only up to your own (%(own)s).") % {"own": actor.get_clearance_display()},
            field="clearance",
        )


@transaction.atomic
def user_update(*, user: User, actor: User, **changes: Any) -> User:
    """Changes an account's details, role, organization or flags. Only
    superusers hand out or take away superuser status; nobody locks
    themselves out by deactivating their own account."""
    require_admin(actor, _("change accounts"))
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {**snapshot(user, USER_FIELDS[1:]), "full_name": user.get_full_name()}
    if "is_superuser" in changes and changes["is_superuser"] != user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser can grant or remove superuser status."))
    if "clearance" in changes and changes["clearance"] != user.clearance:
        _check_clearance(actor, changes["clearance"])
    if user.pk == actor.pk and changes.get("is_active") is False:
        raise DomainError(_("You cannot deactivate your own account."), field="is_active")
    if "full_name" in changes:
        user.last_name = clean_text(changes.pop("full_name"), label=_("Full name"), field="full_name", max_length=150)
    for field in ("email", "job_title"):
        if field in changes:
            setattr(user, field, clean_text(changes.pop(field), label=field, field=field, max_length=254))
    for field, value in changes.items():
        setattr(user, field, value)
    if user.role not in Role.values:
        raise DomainError(_("Unknown role “%(role)s”.") % {"role": user.role}, field="role")
    if user.role != Role.ADMIN and user.organization_id is None:
        raise DomainError(_("Every account except administrators belongs to an organization."), field="organization")
    if user.is_superuser and user.role != Role.ADMIN:
        raise DomainError(_("Only administrators can be superusers."), field="role")
    user.save()
    after = {**snapshot(user, USER_FIELDS[1:]), "full_name": user.get_full_name()}
    recorded = diff(before, after)
    if recorded:
        audit_record(actor=actor, action="user.update", obj=user, organization=user.organization, changes=recorded)
    return user


@transaction.atomic
def user_set_password(
    *,
    user: User,
    actor: User | None,
    password: str | None = None,
    password_hash: str | None = None,
    check_password: bool = True,
) -> User:
    """Replaces a password; users change their own, administrators anyone's.
    The audit records that it changed, never the password."""
    if actor is not None and actor.pk != user.pk:
        require_admin(actor, _("change other people's passwords"))
    user = User.objects.select_for_update().get(pk=user.pk)
    _apply_password(user, password=password, password_hash=password_hash, check_password=check_password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user.set_password", obj=user, organization=user.organization)
    return user
