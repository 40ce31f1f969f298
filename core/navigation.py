"""The pages each kind of user reaches from the header, and where they land.

Clerks keep the registers, so theirs is the longest menu; leaders read the
compliance dashboard and the documents; district reporters answer what is
asked of them. Superusers without an organization get the clerk's menu
(they see everything) plus the admin."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from recipients.models import Role, User


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Promise
    # Other pages (url names) under this item, so it stays marked as current there.
    section: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def is_current(self, url_name: str | None) -> bool:
        return url_name == self.url_name or url_name in self.section


DOCUMENTS = NavItem("documents", _("Documents"), ("document-detail",))
CLERK_HOME = NavItem("clerk-home", _("Today"))
NEW_OUTGOING = NavItem("document-create", _("New outgoing"), ("document-edit",))
NEW_INCOMING = NavItem("incoming-create", _("Register incoming"))
REGISTERS = NavItem("registers", _("Registers"), ("register-book", "imports", "import-detail"))
OBLIGATIONS = NavItem(
    "obligations",
    _("Reporting"),
    (
        "obligation-create",
        "obligation-detail",
        "submission-review",
        "obligation-add-organizations",
        "assignment-due-date",
    ),
)
COMPLIANCE = NavItem("compliance", _("Compliance"), ("compliance-obligation", "compliance-organization"))
TASKS = NavItem("reporter-tasks", _("To report"), ("reporter-task", "submission-receipt"))

MENUS: dict[str, tuple[NavItem, ...]] = {
    Role.CLERK: (CLERK_HOME, DOCUMENTS, NEW_OUTGOING, NEW_INCOMING, REGISTERS, OBLIGATIONS, COMPLIANCE),
    Role.LEADER: (COMPLIANCE, DOCUMENTS, OBLIGATIONS),
    Role.REPORTER: (TASKS, DOCUMENTS),
    Role.ADMIN: (CLERK_HOME, DOCUMENTS, NEW_OUTGOING, NEW_INCOMING, REGISTERS, OBLIGATIONS, COMPLIANCE),
}


def menu_for(user: User) -> tuple[NavItem, ...]:
    if user.is_superuser and user.organization_id is None:
        return MENUS[Role.ADMIN]
    return MENUS.get(user.role, (DOCUMENTS,))


def home_url(user: User) -> str:
    """Where a user lands after logging in: the first page of their menu."""
    return menu_for(user)[0].url


def navigation(request: HttpRequest) -> dict[str, object]:
    """Template context: `nav_items` as (item, is_current) pairs for the signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = request.resolver_match
    url_name = match.url_name if match else None
    return {"nav_items": [(item, item.is_current(url_name)) for item in menu_for(user)]}
