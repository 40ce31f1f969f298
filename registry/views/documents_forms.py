"""The filters of the documents page: the API's DocumentFilter parameters as a
page form, so that a wrong value is a message next to its field."""

import datetime
from typing import Any

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.filters import MAX_ID
from core.forms import PageForm
from recipients.selectors import organization_list
from registry.models import Direction, DocumentStatus
from registry.selectors import document_type_list

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
MAX_QUERY_LENGTH = 500


class IssuerField(forms.ModelChoiceField):
    """An organization of the directory by id; anything that is no id is "not a choice", never a database error."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_ID:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(text)


class DateFilterField(forms.DateField):
    """A date typed as yyyy-mm-dd (the date picker) or dd/mm/yyyy. A date
    picker cannot show what it cannot read, so the message repeats the value."""

    def to_python(self, value: Any) -> datetime.date | None:
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            raise forms.ValidationError(
                _("“%(value)s” is not a date: enter one such as 31/12/2024."),
                code="invalid",
                params={"value": Truncator(str(value)).chars(30)},
            ) from error


def _date_field(label: Any) -> DateFilterField:
    return DateFilterField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class DocumentSearchForm(PageForm):
    """GET parameters named as the API's (q, doc_type, issuer, issued_from, issued_to, status, direction)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_(
            "Words of the number and notation, subject, body, issuer, signer or addressees; "
            "accents and capitals do not matter."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )
    doc_type = forms.ModelChoiceField(
        label=_("Document type"),
        required=False,
        queryset=document_type_list(),
        to_field_name="code",
        empty_label=_("All types"),
    )
    issuer = IssuerField(
        label=_("Issuer"),
        required=False,
        queryset=organization_list().select_related(None).only("id", "name").order_by("name", "id"),
        empty_label=_("All issuers"),
    )
    issued_from = _date_field(_("Dated from"))
    issued_to = _date_field(_("Dated to"))
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *DocumentStatus.choices]
    )
    direction = forms.ChoiceField(
        label=_("Direction"), required=False, choices=[("", _("In and out")), *Direction.choices]
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start: datetime.date | None = cleaned.get("issued_from")
        end: datetime.date | None = cleaned.get("issued_to")
        if start and end and start > end:
            self.add_error("issued_to", _("The end date is before the start date."))
        return cleaned

    @property
    def has_filters(self) -> bool:
        """Whether anything besides the words narrows the list."""
        return any(self.cleaned_data.get(name) for name in self.fields if name != "q")

    def filter_data(self) -> dict[str, str]:
        """The valid values as DocumentFilter's parameters; empty ones left out."""
        data = self.cleaned_data
        values: dict[str, Any] = {
            "q": data.get("q"),
            "doc_type": data["doc_type"].code if data.get("doc_type") else None,
            "issuer": data["issuer"].pk if data.get("issuer") else None,
            "issued_from": data["issued_from"].isoformat() if data.get("issued_from") else None,
            "issued_to": data["issued_to"].isoformat() if data.get("issued_to") else None,
            "status": data.get("status"),
            "direction": data.get("direction"),
        }
        return {name: str(value) for name, value in values.items() if value}
