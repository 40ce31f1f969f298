"""Who may see confidential documents (Mật, Tối mật, Tuyệt mật).

A user sees a document only up to their clearance (recipients.User.clearance);
superusers see everything. Every read of documents, and of what derives from
them (deliveries, obligations, assignments, reports, notifications, the audit
trail), narrows its rows with clearance_filter, so a document above the
reader's clearance is absent from lists, counts, exports and files alike and
answers 404 like a document of another organization.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from core.errors import PermissionDenied
from recipients.models import User
from registry.models import Confidentiality


def clearance_filter(user: User, prefix: str = "", *, nullable: bool = False) -> Q | None:
    """A condition keeping the rows whose document (reached through `prefix`,
    e.g. "obligation__document__") the user is cleared for; None when the
    user is cleared for every level. `nullable`: rows without a document
    there (a null foreign key) are kept too."""
    levels = user.cleared_levels
    if levels is None or set(levels) >= set(Confidentiality.values):
        return None
    condition = Q(**{f"{prefix}confidentiality__in": levels})
    if nullable:
        condition |= Q(**{f"{prefix.removesuffix('__')}__isnull": True})
    return condition


def require_clearance(actor: User, confidentiality: str) -> None:
    """Writing a document at a level (or setting it) needs clearance for that level."""
    if not actor.is_cleared_for(confidentiality):
        raise PermissionDenied(
            _(
                "Your clearance (%(clearance)s) does not cover %(level)s documents: you cannot create, change or "
                "classify a document at that level."
            )
            % {
                "clearance": actor.get_clearance_display(),
                "level": Confidentiality(confidentiality).label
                if confidentiality in Confidentiality.values
                else confidentiality,
            },
            field="confidentiality",
        )
