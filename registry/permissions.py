"""Who may write what in the registry. Reads are scoped in registry.selectors."""

from django.utils.translation import gettext as _

from core.errors import PermissionDenied
from recipients.models import Role, User
from registry.models import Register


def is_register_clerk(actor: User, register: Register) -> bool:
    return actor.is_admin or (actor.role == Role.CLERK and actor.organization_id == register.owner_id)


def require_register_clerk(actor: User, register: Register) -> None:
    """Registers are kept by the clerks (văn thư) of their organization."""
    if not is_register_clerk(actor, register):
        raise PermissionDenied(
            _("Only a clerk (văn thư) of %(owner)s can write in the register “%(register)s”.")
            % {"owner": register.owner.name, "register": register.name}
        )
