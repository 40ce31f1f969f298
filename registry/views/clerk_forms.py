"""The form of the clerk's home page: registering a delivery in an incoming register."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import PageForm
from recipients.models import User
from registry.models import Direction, Register
from registry.selectors import register_list


class DeliveryRegisterForm(PageForm):
    register = forms.ModelChoiceField(
        queryset=Register.objects.none(),
        required=False,
        label=_("Incoming register"),
        error_messages={"invalid_choice": _("Choose one of your organization's incoming registers.")},
    )
    confirm_duplicate = forms.BooleanField(required=False, label=_("Register it even so"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        register: forms.ModelChoiceField[Register] = self.fields["register"]  # type: ignore[assignment]
        register.queryset = incoming_registers(user)


def incoming_registers(user: User) -> QuerySet[Register]:
    """The open incoming registers of the user's own organization: where deliveries to it are registered."""
    return register_list(user=user).filter(direction=Direction.INCOMING, is_active=True, owner_id=user.organization_id)
