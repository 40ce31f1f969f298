"""Forms of the reporting-obligation pages: what the clerk types. They only
check the shape of the input; the services decide what is allowed and their
errors are put back next to the fields they name."""

import datetime
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PageForm
from dispatch.models import Decision

# A date typed by hand in the Vietnamese way is taken as well as the ISO date a date picker sends.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

Choices = Sequence[tuple[Any, str]]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _ids(label: Any, choices: Choices, widget: type[forms.Widget], help_text: Any = "") -> forms.Field:
    return forms.TypedMultipleChoiceField(
        label=label, choices=choices, coerce=int, required=False, widget=widget, help_text=help_text
    )


class ObligationRowForm(PageForm):
    """One obligation to create: a deadline the document states, or one the clerk adds."""

    include = forms.BooleanField(label=_("Create this obligation"), required=False)
    title = forms.CharField(
        label=_("What must be reported"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(
        label=_("Due date"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        help_text=_("The last day a report is on time."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        suggested: Choices = (),
        others: Choices = (),
        groups: Choices = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organizations"] = _ids(
            _("Organizations the document is addressed or sent to"), suggested, forms.CheckboxSelectMultiple
        )
        self.fields["other_organizations"] = _ids(
            _("Other organizations"),
            others,
            forms.SelectMultiple,
            _("Hold Ctrl (or ⌘) to pick several."),
        )
        self.fields["groups"] = _ids(
            _("Recipient groups"),
            groups,
            forms.CheckboxSelectMultiple,
            _("Every member organization of a group is obligated."),
        )
        for name in ("organizations", "groups"):
            if not self.fields[name].choices:  # type: ignore[attr-defined]
                del self.fields[name]
        if not others:
            del self.fields["other_organizations"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("include"):
            if not (cleaned.get("title") or "").strip():
                self.add_error("title", _("Say what must be reported."))
            if cleaned.get("due_on") is None and "due_on" not in self.errors:
                self.add_error("due_on", _("Give the last day a report is on time."))
        return cleaned

    def organization_ids(self) -> list[int]:
        """The organizations picked in both lists, each once, in the order shown."""
        picked = [*self.cleaned_data.get("organizations", []), *self.cleaned_data.get("other_organizations", [])]
        return list(dict.fromkeys(picked))

    def group_ids(self) -> list[int]:
        return list(self.cleaned_data.get("groups", []))


class AddOrganizationsForm(PageForm):
    """More organizations (or groups) to oblige on an existing obligation."""

    def __init__(self, *args: Any, organizations: Choices = (), groups: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organizations"] = _ids(
            _("Organizations"), organizations, forms.SelectMultiple, _("Hold Ctrl (or ⌘) to pick several.")
        )
        self.fields["groups"] = _ids(
            _("Recipient groups"),
            groups,
            forms.CheckboxSelectMultiple,
            _("Every member organization of a group is obligated."),
        )
        if not groups:
            del self.fields["groups"]

    def organization_ids(self) -> list[int]:
        return list(self.cleaned_data.get("organizations", []))

    def group_ids(self) -> list[int]:
        return list(self.cleaned_data.get("groups", []))


class DueDateForm(PageForm):
    """A due date of one obligated organization's own; empty gives it the obligation's again."""

    due_on = forms.DateField(
        label=_("Own due date"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        help_text=_("Leave empty to use the obligation's due date."),
    )

    def due_date(self) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get("due_on")
        return value


class ReviewForm(PageForm):
    """The clerk's decision on the latest version of a report."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Decision.ACCEPTED, _("Accept")), (Decision.RETURNED, _("Return for revision"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason for returning"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the organization must revise; it is sent to them."),
    )


class ObligationFilterForm(PageForm):
    """Filters above the list of obligations; a bad value is ignored with an error next to it."""

    status = forms.ChoiceField(label=_("Status of an organization"), required=False)
    document = forms.TypedChoiceField(label=_("Document"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, statuses: Choices = (), documents: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *statuses]  # type: ignore[attr-defined]
        self.fields["document"].choices = [("", _("Any document")), *documents]  # type: ignore[attr-defined]
