"""Forms of the incoming registration, register book and import pages.

They check the shape of what was typed (dates, lengths, choices offered to
this user); the rules of the domain stay in the services, whose errors the
views put next to the field they name (add_service_error)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.forms import PageForm
from recipients.models import Organization, User
from recipients.selectors import organization_list
from registry.books import MAX_YEAR, MIN_YEAR
from registry.models import Confidentiality, DocumentType, Register, Urgency
from registry.selectors import document_type_list
from registry.services.attachments import ATTACHMENT_KINDS, check_upload

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M", "%H:%M %d/%m/%Y"]


def date_field(label: Any, **kwargs: Any) -> forms.DateField:
    """A date typed dd/mm/yyyy or picked in the browser's date picker."""
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


def add_service_error(form: forms.Form, error: DomainError) -> None:
    """A service's refusal next to the field it names, else above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's recipe); cleans to a list, empty when none were chosen."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class RegisterChoiceField(forms.ModelChoiceField):
    """Registers named with their direction and organization (administrators choose among many)."""

    def label_from_instance(self, obj: Register) -> str:
        return f"{obj.name} — {obj.get_direction_display()} · {obj.owner.name}"


class DocumentTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: DocumentType) -> str:
        return f"{obj.state_name or obj.party_name} ({obj.code})"


class IncomingForm(PageForm):
    """A received paper or email document, as the clerk reads it off the page.

    `registers` are the incoming registers the clerk may write in; `initial`
    may prefill any field (e.g. from a later intake)."""

    register = RegisterChoiceField(label=_("Incoming register"), queryset=Register.objects.none(), empty_label=None)
    sender = forms.ModelChoiceField(
        label=_("Sender (from the directory)"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("— not in the directory —"),
    )
    sender_name = forms.CharField(
        label=_("Sender as printed"),
        max_length=255,
        required=False,
        help_text=_("The issuing body's name as the document prints it; required when it is not in the directory."),
    )
    notation = forms.CharField(
        label=_("Number and notation"),
        max_length=120,
        required=False,
        help_text=_("As printed, e.g. 141/KH-UBND or 95-KH/TU; with the type left empty, it is read from here."),
    )
    issued_on = date_field(_("Date of the document"), required=False)
    received_at = forms.DateTimeField(
        label=_("Arrived at"),
        required=False,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for now. The arrival number is the next one of that year."),
    )
    doc_type = DocumentTypeChoiceField(
        label=_("Document type"),
        queryset=DocumentType.objects.none(),
        required=False,
        empty_label=_("— read from the notation —"),
    )
    subject = forms.CharField(label=_("Subject (trích yếu)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"), choices=Confidentiality.choices, initial=Confidentiality.NORMAL
    )
    signer_name = forms.CharField(label=_("Signer"), max_length=120, required=False)
    page_count = forms.IntegerField(label=_("Pages"), min_value=1, max_value=100_000, required=False)
    handling_unit = forms.CharField(label=_("Handling unit or person"), max_length=255, required=False)
    handling_deadline = date_field(_("Handling deadline"), required=False)
    note = forms.CharField(label=_("Note"), max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("The scan or the received file: PDF, DOCX, XLSX, ODT, ODS, PNG, JPEG or TIFF."),
    )
    confirm_duplicate = forms.BooleanField(label=_("Register it anyway"), required=False)
    # The earlier records the clerk was shown, so a confirmation covers those and no others.
    acknowledged = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, registers: QuerySet[Register], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["register"].queryset = registers  # type: ignore[attr-defined]
        fields["sender"].queryset = organization_list().order_by("name", "id")  # type: ignore[attr-defined]
        fields["doc_type"].queryset = document_type_list()  # type: ignore[attr-defined]
        levels = user.cleared_levels
        fields["confidentiality"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Confidentiality.choices if levels is None or value in levels
        ]

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["attachments"]
        errors = []
        for upload in files:
            try:
                check_upload(upload, ATTACHMENT_KINDS)
            except DomainError as error:
                errors.append(error.message)
        if errors:
            raise ValidationError(errors)
        return files

    def clean_acknowledged(self) -> set[int]:
        value: str = self.cleaned_data["acknowledged"]
        return {int(part) for part in value.split(",") if part.strip().isdigit()}

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as document_register_incoming takes them."""
        data = self.cleaned_data
        fields: dict[str, Any] = {
            name: data[name]
            for name in (
                "register",
                "sender",
                "sender_name",
                "notation",
                "doc_type",
                "subject",
                "urgency",
                "confidentiality",
                "signer_name",
                "handling_unit",
                "note",
            )
        }
        for name in ("issued_on", "received_at", "page_count", "handling_deadline"):
            if data[name] is not None:
                fields[name] = data[name]
        return fields


class BookForm(PageForm):
    """Which year (and, for an incoming register, which book) to show."""

    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR, required=False)
    kind = forms.ChoiceField(label=_("Book"), required=False)

    def __init__(self, *args: Any, kinds: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]


class ImportForm(PageForm):
    """A register book (XLSX or CSV) to import into one of the clerk's registers."""

    register = RegisterChoiceField(
        label=_("Register"),
        queryset=Register.objects.none(),
        help_text=_("An outgoing register takes an outgoing register book, an incoming register an incoming one."),
    )
    file = forms.FileField(
        label=_("Register file"),
        help_text=_(
            "Excel (.xlsx) or CSV (UTF-8) with the register's column headings (Appendix IV), one row per document."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file (import nothing)"),
        required=False,
    )

    def __init__(self, *args: Any, registers: QuerySet[Register], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["register"].queryset = registers  # type: ignore[attr-defined]
