"""The form a district fills in to answer what is asked of it.

It only gathers what the person typed and chose; the rules (kinds and sizes
of files, how many, the notation's shape) are the submission service's, and
its refusals come back next to the field they concern (see views_reporter)."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.forms import PageForm
from dispatch.services.submissions import MAX_FILES, REPORT_KINDS

# The submission service's own message, so the page and the API say the same.
NO_FILE = _("Attach the report: at least one PDF, DOCX, XLSX or ODT file.")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files under one name; cleans to a list of uploads."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        single = super().clean
        cleaned = [single(upload, initial) for upload in uploads]
        if self.required and not cleaned:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return cleaned


class SubmissionForm(PageForm):
    file = MultipleFileField(
        label=_("Report files"),
        error_messages={"required": NO_FILE},
    )
    report_notation = forms.CharField(
        label=_("Number and notation of your report"),
        required=False,
        max_length=120,
        help_text=_("Optional, as written on your report, e.g. 125-BC/HU or 45/BC-UBND."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Anything the requesting office should know about this report."),
    )

    # The service's names for the fields it refuses, as this form names them.
    SERVICE_FIELDS = {
        "file": "file",
        "note": "note",
        "report_notation": "report_notation",
        "notation": "report_notation",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.help_text = _(
            "PDF, DOCX, XLSX or ODT; up to %(count)d files, each at most %(size)s. "
            "Hold Ctrl (or tap several) to choose more than one."
        ) % {"count": MAX_FILES, "size": filesizeformat(settings.DOCREG_MAX_UPLOAD_SIZE)}
        accept = [f".{kind.extension}" for kind in REPORT_KINDS] + [kind.content_type for kind in REPORT_KINDS]
        field.widget.attrs["accept"] = ",".join(accept)

    def add_service_error(self, field: str | None, message: str) -> None:
        """A refusal of the submission service, under the field it names (or above the form)."""
        self.add_error(self.SERVICE_FIELDS.get(field or ""), message)
