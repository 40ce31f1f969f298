"""Reads of organizations, groups and who may see what."""

from django.db.models import Prefetch, QuerySet

from recipients.models import Organization, RecipientGroup, RecipientGroupMember, User


def organization_list() -> QuerySet[Organization]:
    return Organization.objects.select_related("parent", "successor")


def organization_descendant_ids(organization_id: int) -> set[int]:
    """The organization and every body below it (children, their children …)."""
    found = {organization_id}
    frontier = {organization_id}
    while frontier:
        frontier = set(Organization.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        found |= frontier
    return found


def user_scope_organization_ids(user: User) -> set[int] | None:
    """Organizations whose records the user may read; None means all (administrators)."""
    if user.is_admin:
        return None
    if user.organization_id is None:
        return set()
    if user.role == "reporter":
        return {user.organization_id}
    return organization_descendant_ids(user.organization_id)


def group_list() -> QuerySet[RecipientGroup]:
    return RecipientGroup.objects.select_related("owner").prefetch_related(
        Prefetch(
            "memberships",
            queryset=RecipientGroupMember.objects.select_related("organization").order_by("position", "id"),
        )
    )


def group_members(group: RecipientGroup) -> list[Organization]:
    """The group's member organizations, in their listed order."""
    return [membership.organization for membership in group.memberships.all()]
