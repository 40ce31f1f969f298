"""The clerk's day: deliveries to register, drafts waiting for a number and sent documents
not yet received; and the registration of a delivery in the incoming register.

Reads go through the selectors (scoped by role, organization and
clearance) and every write through a service; the services' refusals come
back as messages, a duplicate warning or a refusal page, never as a 500.
The outgoing documents' pages are in registry.views.outgoing, the
addressee picker in registry.views.recipient_picker."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.errors import Conflict, DomainError, NotFound, PermissionDenied
from core.time import office_date, office_today
from core.users import request_user
from dispatch.selectors import delivery_get, delivery_list
from dispatch.services import delivery_register
from recipients.models import User
from registry.models import Direction, DocumentStatus
from registry.selectors import document_list
from registry.views.clerk_common import TEMPLATES, document_url, is_clerk, not_a_clerk, refuse
from registry.views.clerk_forms import DeliveryRegisterForm, incoming_registers

PANEL_SIZE = 10


def _own_registers(user: User) -> Q:
    """The documents of the registers the user keeps: their organization's (all for administrators)."""
    return Q() if user.is_admin else Q(register__owner_id=user.organization_id)


@require_safe
@login_required
def clerk_home(request: HttpRequest) -> HttpResponse:
    """Deliveries to register, drafts waiting for a number, and sent documents not yet received."""
    user = request_user(request)
    if not is_clerk(user):
        return not_a_clerk(request)
    today = office_today()
    deliveries = (
        delivery_list(user=user)
        .filter(recipient_id=user.organization_id, registered_as__isnull=True)
        .select_related("document__doc_type")
        .order_by("-sent_at", "-id")
    )
    incoming = Paginator(deliveries, PANEL_SIZE).get_page(request.GET.get("incoming_page"))
    drafts_list = (
        document_list(user=user, lines=False)
        .filter(_own_registers(user), direction=Direction.OUTGOING, status=DocumentStatus.DRAFT)
        .order_by("-updated_at", "-id")
    )
    drafts = Paginator(drafts_list, PANEL_SIZE).get_page(request.GET.get("drafts_page"))
    not_received = Q(deliveries__received_at__isnull=True)
    waiting_list = (
        document_list(user=user, lines=False)
        .filter(_own_registers(user), direction=Direction.OUTGOING, status=DocumentStatus.DISPATCHED)
        .annotate(pending_count=Count("deliveries", filter=not_received), delivery_count=Count("deliveries"))
        .filter(pending_count__gt=0)
        .order_by("-issued_on", "-id")
    )
    waiting = Paginator(waiting_list, PANEL_SIZE).get_page(request.GET.get("waiting_page"))
    waiting_rows = list(waiting)
    prefetch_related_objects(
        waiting_rows,
        Prefetch(
            "deliveries",
            queryset=delivery_list(user=user).filter(received_at__isnull=True).order_by("sent_at", "recipient_name"),
            to_attr="pending_deliveries",
        ),
    )
    registers = list(incoming_registers(user)) if incoming.object_list else []
    return render(
        request,
        f"{TEMPLATES}home.html",
        {
            "today": today,
            "incoming": incoming,
            "incoming_rows": [(delivery, office_date(delivery.sent_at) == today) for delivery in incoming],
            "incoming_registers": registers,
            "drafts": drafts,
            "waiting": waiting,
            "waiting_rows": waiting_rows,
        },
    )


@require_POST
@login_required
def delivery_register_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Registers a delivered document in the clerk's incoming register: it gets its arrival number."""
    user = request_user(request)
    try:
        delivery = delivery_get(user=user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    form = DeliveryRegisterForm(request.POST, user=user)
    if not form.is_valid():
        for error in form.errors.get("register", []):
            messages.error(request, str(error))
        return redirect("clerk-home")
    try:
        incoming = delivery_register(
            delivery=delivery,
            actor=user,
            register=form.cleaned_data["register"],
            confirm_duplicate=form.cleaned_data["confirm_duplicate"],
        )
    except Conflict as exc:
        if exc.code == "duplicate_incoming":
            return render(
                request,
                f"{TEMPLATES}delivery_duplicate.html",
                {
                    "delivery": delivery,
                    "message": exc.message,
                    "duplicates": [_duplicate(row) for row in exc.details.get("duplicates", [])],
                    "register": form.cleaned_data["register"],
                },
                status=409,
            )
        messages.error(request, exc.message)
        return redirect("clerk-home")
    except PermissionDenied as exc:
        return refuse(request, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("clerk-home")
    messages.success(
        request,
        _("Registered in “%(register)s” with arrival number %(number)s: %(notation)s from %(sender)s.")
        % {
            "register": incoming.register.name,
            "number": incoming.arrival_number,
            "notation": incoming.notation or incoming.subject[:80],
            "sender": incoming.issuer_name,
        },
    )
    return redirect(document_url(incoming.pk))


def _duplicate(row: dict[str, Any]) -> dict[str, Any]:
    """An earlier registration as the service describes it, its time readable."""
    received = row.get("received_at")
    return {**row, "received_at": datetime.datetime.fromisoformat(received) if received else None}


urlpatterns = [
    path("today/", clerk_home, name="clerk-home"),
    path("deliveries/<id:pk>/register/", delivery_register_view, name="delivery-register"),
]
