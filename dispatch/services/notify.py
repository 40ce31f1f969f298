"""In-app notifications to the people of an organization."""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import PermissionDenied
from dispatch.models import Notification, Obligation
from recipients.models import Role, User
from registry.models import Document

# Who answers for an organization: its clerks and reporters. Leaders read dashboards.
WORKING_ROLES = (Role.CLERK, Role.REPORTER)


def organization_users(organization_ids: Iterable[int], roles: Iterable[str] = WORKING_ROLES) -> list[User]:
    return list(
        User.objects.filter(organization_id__in=list(organization_ids), role__in=list(roles), is_active=True).order_by(
            "id"
        )
    )


def users_cleared_for(users: Iterable[User], document: Document | None) -> list[User]:
    """The users who may read `document`: a notification or a mail about a
    confidential document names it, so it goes only to those cleared for it."""
    if document is None:
        return list(users)
    return [user for user in users if user.is_cleared_for(document.confidentiality)]


def notify(
    users: Iterable[User],
    *,
    kind: str,
    title: str,
    body: str = "",
    document: Document | None = None,
    obligation: Obligation | None = None,
) -> int:
    """One notification per user cleared for the document (the obligation's,
    without one), in the caller's transaction; returns how many."""
    about = document if document is not None else (obligation.document if obligation is not None else None)
    rows = [
        Notification(user=user, kind=kind, title=title[:300], body=body, document=document, obligation=obligation)
        for user in users_cleared_for(users, about)
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def notification_mark_read(*, notification: Notification, actor: User) -> Notification:
    """Marks one of the actor's own notifications read. Inbox state is the
    user's own business, not a record of the registry: no audit event."""
    if notification.user_id != actor.pk:
        raise PermissionDenied(_("That is not your notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
