"""Registering a received document from its text (issue 7): the clerk pastes the text or
uploads the file, the page reads it (registry.intake) and shows the incoming registration
form filled from it, with the suggestions beside it (registry.intake.matching): the issuer's
candidates in the directory, the cited documents as links, the parser's warnings and the
deadlines the document sets.

The registration itself is the incoming page's (registry.views.incoming.register_received:
the same form, service, duplicate warning and confirmation). It is posted back here rather
than to `incoming-create` so that the uploaded file (kept between the two requests, see
intake_forms) is attached, and so that a correction needed still shows the suggestions.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import Conflict, DomainError
from core.users import request_user
from recipients.models import User
from recipients.selectors import organization_list
from registry.intake.matching import IntakeSuggestions, intake_suggestions
from registry.intake.result import Intake
from registry.models import Register
from registry.selectors import document_type_list, register_list
from registry.views.incoming import DUPLICATE_CODE, duplicate_rows, register_received, writable_incoming_registers
from registry.views.intake_forms import (
    IntakeSourceForm,
    StagedFile,
    above_clearance,
    intake_from_token,
    intake_token,
    registration_initial,
    stage_upload,
    staged_from_token,
)
from registry.views.registers import document_url, forbidden
from registry.views.registers_forms import IncomingForm, add_service_error

TEMPLATE = "registry/pages/intake/create.html"
READ = "read"
REGISTER = "register"


def _registers(user: User, writable: list[Register]) -> QuerySet[Register]:
    return register_list(user=user).filter(pk__in=[register.pk for register in writable])


def _sender_choices(form: IncomingForm, suggestions: IntakeSuggestions) -> None:
    """The sender list with the issuer's candidates first, as “Suggested from the document”;
    every organization stays a valid choice (the field checks against its queryset)."""
    candidates = suggestions.issuer.candidates
    if not candidates:
        return
    suggested = [
        (candidate.id, f"{candidate.name} — {candidate.context}" if candidate.context else candidate.name)
        for candidate in candidates
    ]
    shown = {candidate.id for candidate in candidates}
    others = [
        (pk, name)
        for pk, name in organization_list().order_by("name", "id").values_list("pk", "name")
        if pk not in shown
    ]
    field = form.fields["sender"]
    field.choices = [  # type: ignore[attr-defined]
        ("", field.empty_label),  # type: ignore[attr-defined]
        (_("Suggested from the document"), suggested),
        (_("Other organizations"), others),
    ]


def _page(
    request: HttpRequest,
    *,
    user: User,
    form: IncomingForm,
    intake: Intake | None,
    staged: StagedFile | None,
    suggestions: IntakeSuggestions | None = None,
    **extra: Any,
) -> HttpResponse:
    """The registration form with the suggestions beside it (none when the intake is lost)."""
    if intake is not None and suggestions is None:
        suggestions = intake_suggestions(intake, user=user)
    if suggestions is not None:
        _sender_choices(form, suggestions)
    context = {
        "step": REGISTER,
        "form": form,
        "intake": intake,
        "intake_token": intake_token(intake) if intake is not None else "",
        "suggestions": suggestions,
        "staged": staged,
        "secret": intake is not None and above_clearance(intake, user),
        **extra,
    }
    return render(request, TEMPLATE, context)


def _read(request: HttpRequest, user: User, writable: list[Register]) -> HttpResponse:
    """The document read: the registration form filled from it; or the reading form again with its errors."""
    source = IntakeSourceForm(request.POST, request.FILES)
    if not source.is_valid() or source.intake is None:
        return render(request, TEMPLATE, {"step": READ, "source_form": source})
    intake = source.intake
    upload: UploadedFile | None = source.cleaned_data.get("file")
    staged = stage_upload(upload, user=user) if upload is not None else None
    suggestions = intake_suggestions(intake, user=user)
    code = intake["doc_type"]
    doc_type = document_type_list().filter(code=code).first() if code else None
    initial = registration_initial(intake, suggestions, user=user, register=writable[0], doc_type=doc_type)
    form = IncomingForm(user=user, registers=_registers(user, writable), initial=initial)
    return _page(request, user=user, form=form, intake=intake, staged=staged, suggestions=suggestions)


def _register(request: HttpRequest, user: User, writable: list[Register]) -> HttpResponse:
    """Registers as the incoming page does, with the kept file attached; on a correction needed
    or a duplicate to confirm, the form again with the suggestions."""
    intake = intake_from_token(request.POST.get("intake", ""))
    staged = staged_from_token(request.POST.get("staged", ""), user=user)
    form = IncomingForm(request.POST, request.FILES, user=user, registers=_registers(user, writable))
    if not form.is_valid():
        return _page(request, user=user, form=form, intake=intake, staged=staged)
    upload = staged.open() if staged is not None else None
    if staged is not None and upload is None:
        form.add_error("attachments", _("The file read earlier is no longer kept: choose it again here."))
        return _page(request, user=user, form=form, intake=intake, staged=None)
    chosen: list[UploadedFile] = form.cleaned_data["attachments"]
    if upload is not None:
        form.cleaned_data["attachments"] = [*chosen, upload]
    try:
        document = register_received(form, user=user)
    except Conflict as conflict:
        if conflict.code != DUPLICATE_CODE:
            add_service_error(form, conflict)
            return _page(request, user=user, form=form, intake=intake, staged=staged)
        duplicates = duplicate_rows(conflict)
        return _page(
            request,
            user=user,
            form=form,
            intake=intake,
            staged=staged,
            duplicates=duplicates,
            warning=conflict.message,
            acknowledged=",".join(str(entry["id"]) for entry in duplicates),
            files_dropped=bool(chosen),
        )
    except DomainError as error:
        add_service_error(form, error)
        return _page(request, user=user, form=form, intake=intake, staged=staged)
    finally:
        if upload is not None:
            upload.close()
    if staged is not None:
        staged.discard()
    messages.success(
        request,
        _("Registered in “%(register)s” with arrival number %(number)s.")
        % {"register": document.register.name, "number": document.arrival_number},
    )
    return redirect(document_url(document.pk))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def intake_create(request: HttpRequest) -> HttpResponse:
    """Paste or upload (GET, or a POST that reads), then check and register (a POST that registers)."""
    user = request_user(request)
    writable = writable_incoming_registers(user)
    if not writable:
        return forbidden(
            request,
            _(
                "You cannot register incoming documents from their text: you keep no open incoming register. "
                "Incoming registers are kept by the clerks (văn thư) of their organization."
            ),
        )
    if request.method == "POST":
        if request.POST.get("step") == REGISTER:
            return _register(request, user, writable)
        return _read(request, user, writable)
    return render(request, TEMPLATE, {"step": READ, "source_form": IntakeSourceForm()})


urlpatterns: list[URLPattern] = [
    path("incoming/intake/", intake_create, name="intake-create"),
]
