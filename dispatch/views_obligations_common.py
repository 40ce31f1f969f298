"""What the reporting-obligation pages share (the list, creation, one obligation and the
clerk's actions on it): who is asking, the refusal page, a service's error placed next to
its field, and the organizations and groups an obligation can be given to."""

import datetime
from collections.abc import Iterable, Sequence

from django import forms
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import DomainError
from core.views import refused as core_refused
from recipients.models import Organization, RecipientGroup
from recipients.selectors import group_list, organization_list

Choices = list[tuple[int, str]]


def refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The page a user gets for an action they may not do."""
    return core_refused(
        request,
        error.message,
        title=_("Not allowed"),
        back_url=reverse("obligations"),
        back_label=_("Back to the reporting obligations"),
    )


def put_error(form: forms.Form, error: DomainError, aliases: Sequence[str] = ()) -> None:
    """The service's error next to the field it names (or one standing for it), else above the form."""
    for name in (error.field, *aliases) if error.field else ():
        if name in form.fields:
            form.add_error(name, error.message)
            return
    form.add_error(None, error.message)


def organizations_today(today: datetime.date) -> dict[int, str]:
    """Organizations that exist today, by id: who can be obligated (the service skips dissolved ones)."""
    active = Q(active_to__isnull=True) | Q(active_to__gte=today)
    return dict(organization_list().filter(active).order_by("name", "id").values_list("pk", "name"))


def group_choices(groups: Iterable[RecipientGroup]) -> Choices:
    return [
        (
            group.pk,
            ngettext("%(name)s (%(count)d organization)", "%(name)s (%(count)d organizations)", count)
            % {"name": group.name, "count": count},
        )
        for group in groups
        for count in [len(group.memberships.all())]
    ]


def groups_in_bulk(ids: Iterable[int]) -> list[RecipientGroup]:
    found = group_list().in_bulk(list(ids))
    return [found[pk] for pk in ids if pk in found]


def organizations_in_bulk(ids: Sequence[int]) -> list[Organization]:
    found = organization_list().in_bulk(list(ids))
    return [found[pk] for pk in ids if pk in found]
