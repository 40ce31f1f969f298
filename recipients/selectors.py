"""Reads of organizations, groups and who may see what."""

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from recipients.models import Organization, RecipientGroup, RecipientGroupMember, Role, User


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


# The organization and every body below it, as a subquery with one parameter:
# a plan that does not depend on how many bodies there are (a literal list of
# hundreds of ids makes PostgreSQL's generic plans for prepared statements
# search the list row by row). UNION, not UNION ALL, stops even on a cycle.
SUBTREE_SQL = (
    "WITH RECURSIVE subtree(id) AS ("  # noqa: S608 - the table name comes from the model
    "SELECT CAST(%s AS bigint) "
    f"UNION SELECT o.id FROM {Organization._meta.db_table} o JOIN subtree ON o.parent_id = subtree.id"
    ") SELECT id FROM subtree"
)


def scope_filter(user: User, field: str) -> Q | None:
    """A condition keeping rows whose `field` (an organization id) the user
    may read; None means no restriction (administrators). Clerks and leaders
    read their organization and the bodies below it; reporters their own."""
    if user.is_admin:
        return None
    if user.organization_id is None:
        return Q(pk__in=[])
    if user.role == Role.REPORTER:
        return Q(**{field: user.organization_id})
    # A constant statement; the organization id is a parameter.
    return Q(**{f"{field}__in": RawSQL(SUBTREE_SQL, [user.organization_id])})  # noqa: S611


def user_scope_organization_ids(user: User) -> set[int] | None:
    """The ids scope_filter admits, for code that needs them in Python; None means all."""
    condition = scope_filter(user, "pk")
    if condition is None:
        return None
    return set(Organization.objects.filter(condition).values_list("pk", flat=True))


def group_list() -> QuerySet[RecipientGroup]:
    return RecipientGroup.objects.select_related("owner").prefetch_related(
        Prefetch(
            "memberships",
            queryset=RecipientGroupMember.objects.select_related("organization").order_by("position", "id"),
        )
    )


def group_members(group: RecipientGroup) -> list[Organization]:
    """The group's member organizations, in their listed order: from the memberships group_list()
    prefetched, else in one query (their organizations joined), however many members it has."""
    prefetched = "memberships" in getattr(group, "_prefetched_objects_cache", {})
    memberships = group.memberships.all() if prefetched else group.memberships.select_related("organization")
    return [membership.organization for membership in memberships]
