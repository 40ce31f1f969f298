"""“Import” on the document list of the admin: a register book (XLSX or CSV)
into a register chosen in the form, previewed with every bad row named by its
spreadsheet row number, then imported on confirmation — all of it or nothing.

django-import-export drives the pages; registry.imports.resource does the
work with the checks register_import uses. The rows are written in batches
and the import records its own audit event, so the admin log is skipped.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportMixin
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.results import Result

from core.admin import acting_user, is_administrator
from core.errors import DomainError
from recipients.models import Role, User
from registry.imports.report import RowError
from registry.imports.resource import BulkRegisterRowResource, RegisterFileFormat
from registry.models import Register

MAX_ERROR_MESSAGES = 50


def importable_registers(user: User) -> QuerySet[Register]:
    """The registers `user` may import into: every one for administrators, their organization's for clerks."""
    registers = Register.objects.select_related("owner").order_by("owner__name", "direction", "name")
    if user.is_admin:
        return registers
    if user.role == Role.CLERK and user.organization_id is not None:
        return registers.filter(owner_id=user.organization_id)
    return registers.none()


class RegisterImportForm(ImportForm):
    register = forms.ModelChoiceField(
        label=gettext_lazy("Register"),
        queryset=Register.objects.none(),
        help_text=gettext_lazy(
            "An outgoing register takes an outgoing register book, an incoming register an incoming one."
        ),
    )
    field_order = ["register", "resource", "import_file", "format"]

    def __init__(self, formats: Any, resources: Any, *, registers: QuerySet[Register], **kwargs: Any) -> None:
        super().__init__(formats, resources, **kwargs)
        self.fields["register"].queryset = registers


class RegisterConfirmImportForm(ConfirmImportForm):
    register = forms.ModelChoiceField(queryset=Register.objects.none(), widget=forms.HiddenInput())

    def __init__(self, *args: Any, registers: QuerySet[Register], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["register"].queryset = registers


def _row_errors(result: Result) -> list[str]:
    """The refusals of a result, each with its spreadsheet row."""
    lines = [str(error.error) for error in result.base_errors]
    for invalid in result.invalid_rows:
        for column, problems in invalid.error_dict.items():
            shown = "" if column == NON_FIELD_ERRORS else column
            lines.extend(RowError(row=invalid.number, column=shown, message=str(p)).describe() for p in problems)
    return lines


class RegisterImportMixin(ImportMixin):
    import_form_class = RegisterImportForm
    confirm_form_class = RegisterConfirmImportForm
    resource_classes = [BulkRegisterRowResource]
    skip_admin_log = True

    def has_import_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def get_import_formats(self) -> list[type[RegisterFileFormat]]:
        return [RegisterFileFormat]

    def get_import_form_kwargs(self, request: HttpRequest) -> dict[str, Any]:
        return {**super().get_import_form_kwargs(request), "registers": importable_registers(acting_user(request))}

    def get_confirm_form_kwargs(self, request: HttpRequest, import_form: Any = None) -> dict[str, Any]:
        kwargs = super().get_confirm_form_kwargs(request, import_form)
        return {**kwargs, "registers": importable_registers(acting_user(request))}

    def get_confirm_form_initial(self, request: HttpRequest, import_form: Any) -> dict[str, Any]:
        initial = dict(super().get_confirm_form_initial(request, import_form))
        if import_form is not None:
            initial["register"] = import_form.cleaned_data["register"].pk
        return initial

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        chosen = getattr(kwargs.get("form"), "cleaned_data", {}).get("register")
        return {"register": chosen, "actor": acting_user(request)}

    def get_import_data_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def add_data_read_fail_error_to_form(self, form: Any, e: Exception) -> None:
        if isinstance(e, DomainError):
            form.add_error("import_file", e.message)
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """The preview, with what the clerk should know beside the rows (senders kept as written …)."""
        response = super().import_action(request, **kwargs)
        result = (getattr(response, "context_data", None) or {}).get("result")
        report = getattr(result, "import_report", None)
        for notice in report.notices if report else ():
            messages.warning(request, notice)
        return response

    def process_result(self, result: Result, request: HttpRequest) -> HttpResponse:
        if result.has_errors() or result.has_validation_errors():
            # Something changed since the preview (a number taken meanwhile): nothing was written.
            problems = _row_errors(result)
            messages.error(request, _("Nothing was imported."))
            for problem in problems[:MAX_ERROR_MESSAGES]:
                messages.error(request, problem)
            info = self.get_model_info()
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*info), current_app=self.admin_site.name))
        return super().process_result(result, request)

    def add_success_message(self, result: Result, request: HttpRequest) -> None:
        report = result.import_report
        messages.success(request, report.outcome())
        for line in report.lines()[1:]:
            messages.info(request, line)
