"""Registering a received paper or email document (văn bản đến) in one of the
clerk's incoming registers: it gets the next arrival number of the year.

When the same number, notation and issuer were registered before, the
service refuses with the earlier records; the page lists them (linked) and
asks the clerk to confirm. The confirmation covers exactly the records shown:
if others appear meanwhile, the clerk is asked again. Nothing is ever
registered twice without that confirmation.
"""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import Conflict, DomainError
from core.users import request_user
from recipients.models import User
from registry.models import Direction, Document, Register
from registry.permissions import is_register_clerk
from registry.selectors import register_list
from registry.services import attachment_add, document_register_incoming
from registry.views.registers import document_url, forbidden
from registry.views.registers_forms import IncomingForm, add_service_error

DUPLICATE_CODE = "duplicate_incoming"


def writable_incoming_registers(user: User) -> list[Register]:
    """The open incoming registers the user keeps (registry.permissions), by organization and name."""
    registers = register_list(user=user).filter(direction=Direction.INCOMING, is_active=True)
    return [
        register for register in registers.order_by("owner__name", "name", "id") if is_register_clerk(user, register)
    ]


def register_received(form: IncomingForm, *, user: User) -> Document:
    """Registers the document and attaches its files, all or nothing.

    A duplicate warning is answered with a second call confirming it only
    when the clerk confirmed and every earlier record found was among those shown."""
    fields = form.service_fields()
    register = fields.pop("register")
    confirmed: bool = form.cleaned_data["confirm_duplicate"]
    acknowledged: set[int] = form.cleaned_data["acknowledged"]
    with transaction.atomic():
        try:
            document = document_register_incoming(register=register, actor=user, **fields)
        except Conflict as conflict:
            found = {entry["id"] for entry in conflict.details.get("duplicates", [])}
            if conflict.code != DUPLICATE_CODE or not confirmed or not found <= acknowledged:
                raise
            document = document_register_incoming(register=register, actor=user, confirm_duplicate=True, **fields)
        for upload in form.cleaned_data["attachments"]:
            attachment_add(document=document, actor=user, upload=upload)
    return document


def duplicate_rows(conflict: Conflict) -> list[dict[str, Any]]:
    """The earlier records of a duplicate warning, with their links and arrival times."""
    rows = []
    for entry in conflict.details.get("duplicates", []):
        received = entry.get("received_at")
        rows.append(
            {
                **entry,
                "url": document_url(entry["id"]),
                "received_at": datetime.datetime.fromisoformat(received) if received else None,
            }
        )
    return rows


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def incoming_create(request: HttpRequest) -> HttpResponse:
    """The form; on success the new document's page, its arrival number in the message."""
    user = request_user(request)
    writable = writable_incoming_registers(user)
    if not writable:
        return forbidden(
            request,
            _(
                "You cannot register incoming documents: you keep no open incoming register. Incoming registers "
                "are kept by the clerks (văn thư) of their organization."
            ),
        )
    registers = register_list(user=user).filter(pk__in=[register.pk for register in writable])
    initial = {"register": writable[0]}
    form = IncomingForm(request.POST or None, request.FILES or None, user=user, registers=registers, initial=initial)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            document = register_received(form, user=user)
        except Conflict as conflict:
            if conflict.code != DUPLICATE_CODE:
                add_service_error(form, conflict)
            else:
                duplicates = duplicate_rows(conflict)
                context.update(
                    duplicates=duplicates,
                    warning=conflict.message,
                    acknowledged=",".join(str(entry["id"]) for entry in duplicates),
                    files_dropped=bool(form.cleaned_data["attachments"]),
                )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Registered in “%(register)s” with arrival number %(number)s.")
                % {"register": document.register.name, "number": document.arrival_number},
            )
            return redirect(document_url(document.pk))
    return render(request, "registry/pages/incoming/create.html", context)


urlpatterns: list[URLPattern] = [
    path("incoming/new/", incoming_create, name="incoming-create"),
]
