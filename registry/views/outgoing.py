"""The outgoing document's pages: the draft form (new or edited), issuing and dispatching.

Reads go through the selectors (scoped by role, organization and
clearance) and every write through a service; the services' refusals come
back as messages, field errors or a refusal page, never as a 500. The
addressees are chosen with the picker of registry.views.recipient_picker."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from core.users import request_user
from dispatch.selectors import delivery_list
from dispatch.services import document_dispatch
from dispatch.services.deliveries import dispatch_recipients
from recipients.models import User
from registry.models import Direction, Document, DocumentStatus, NotationSystem
from registry.permissions import is_register_clerk
from registry.services import document_create_draft, document_issue, document_update
from registry.views.clerk_common import (
    TEMPLATES,
    document_url,
    is_clerk,
    not_a_clerk,
    refuse,
    visible_document,
)
from registry.views.outgoing_forms import DRAFT_ERROR_FIELDS, DispatchForm, DraftForm, IssueForm, add_service_error
from registry.views.recipient_picker import is_composing, picker_context, with_added_picks

# --- Drafts -------------------------------------------------------------------------------------


def _draft_page(request: HttpRequest, document: Document | None) -> HttpResponse:
    user = request_user(request)
    composing = request.method == "POST" and is_composing(request.POST, "addressees")
    data = with_added_picks(request.POST, "addressees") if request.method == "POST" else None
    form = DraftForm(data, user=user, document=document)
    form.quiet = composing
    if not form.register_options:
        return refuse(
            request,
            _("You keep no open outgoing register: ask an administrator to open one for your organization."),
            status=409,
            title=_("No outgoing register"),
        )
    if data is not None and not composing and form.is_valid():
        try:
            saved = _save_draft(form, user, document)
        except DomainError as exc:
            add_service_error(form, exc, DRAFT_ERROR_FIELDS)
        else:
            if document is None:
                messages.success(request, _("The draft is saved. It gets its number when it is issued."))
            else:
                messages.success(request, _("The draft is updated."))
            return redirect(document_url(saved.pk))
    return render(
        request,
        f"{TEMPLATES}draft_form.html",
        {
            "form": form,
            "document": document,
            "picker": picker_context(
                request,
                name="addressees",
                tokens=form.addressee_tokens,
                errors=form["addressees"].errors,
                label=_("From the directory"),
                help_text=_(
                    "Search the directory and add organizations or groups; a group stands for its member "
                    "organizations when the document is dispatched. Untick an addressee to remove it."
                ),
            ),
        },
    )


def _save_draft(form: DraftForm, user: User, document: Document | None) -> Document:
    data = form.cleaned_data
    if document is None:
        return document_create_draft(
            register=data["register"],
            actor=user,
            doc_type=data["doc_type"],
            addressees=form.addressee_inputs,
            distribution=form.distribution_inputs,
            **form.fields_for_service(),
        )
    return document_update(
        document=document,
        actor=user,
        changes={"register": data["register"], "doc_type": data["doc_type"], **form.fields_for_service()},
        addressees=form.addressee_inputs,
        distribution=form.distribution_for_update(),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    """A new outgoing document, saved as a draft in one of the clerk's outgoing registers."""
    if not is_clerk(request_user(request)):
        return not_a_clerk(request)
    return _draft_page(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft form for an existing draft; a document with a number is never edited here."""
    user = request_user(request)
    document = visible_document(user, pk)
    if not is_register_clerk(user, document.register):
        return refuse(
            request,
            _("Only a clerk (văn thư) of the organization that keeps “%(register)s” can edit its drafts.")
            % {"register": document.register.name},
        )
    if document.status != DocumentStatus.DRAFT:
        return refuse(
            request,
            _(
                "%(document)s is %(status)s: only drafts are edited here. A document keeps its number and its "
                "text once issued; if it must not stand, withdraw it (thu hồi) from its page."
            )
            % {"document": document.notation or document.subject[:80], "status": document.get_status_display().lower()},
            status=409,
            title=_("This document can no longer be edited"),
            document=document,
        )
    return _draft_page(request, document)


# --- Issuing ------------------------------------------------------------------------------------


def printed_number(document: Document) -> str:
    """The number line as printed: “Số 376-CV/BTGTU” (Party), “Số: 07/SNV-VP” (State)."""
    return f"Số: {document.notation}" if document.system == NotationSystem.STATE else f"Số {document.notation}"


@require_POST
@login_required
def document_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Gives the draft its number and date; the page says which number, with the print links."""
    user = request_user(request)
    document = visible_document(user, pk)
    form = IssueForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("issued_on", []):
            messages.error(request, _("Date of the document: %(error)s") % {"error": error})
        return redirect(document_url(pk))
    try:
        issued = document_issue(document=document, actor=user, issued_on=form.cleaned_data["issued_on"])
    except DomainError as exc:
        messages.error(request, _("Not issued: %(reason)s") % {"reason": exc.message})
        return redirect(document_url(pk))
    sentence = format_html(
        _("Issued as {number}, dated {date}."),
        number=format_html('<strong class="issued-number">{}</strong>', printed_number(issued)),
        date=issued.issued_on.strftime("%d/%m/%Y") if issued.issued_on else "",
    )
    messages.success(
        request,
        format_html(
            '{} <a href="{}">{}</a> · <a href="{}">{}</a>',
            sentence,
            reverse("api-document-pdf", args=[issued.pk]),
            _("Print (PDF)"),
            reverse("api-document-docx", args=[issued.pk]),
            _("Download DOCX"),
        ),
    )
    return redirect(document_url(issued.pk))


# --- Dispatching --------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def document_dispatch_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Lists whom the document goes to (as the dispatch service determines it), takes further
    recipients, and sends it: one delivery per organization; free-text lines go on paper."""
    user = request_user(request)
    document = visible_document(user, pk)
    if not is_register_clerk(user, document.register):
        return refuse(
            request,
            _("Only a clerk (văn thư) of %(owner)s can dispatch its documents.")
            % {"owner": document.register.owner.name},
        )
    if document.direction != Direction.OUTGOING or document.status not in (
        DocumentStatus.ISSUED,
        DocumentStatus.DISPATCHED,
    ):
        return refuse(
            request,
            _("Only an issued document can be dispatched; this one is %(status)s.")
            % {"status": document.get_status_display().lower()},
            status=409,
            title=_("Not ready to dispatch"),
            document=document,
        )
    composing = request.method == "POST" and is_composing(request.POST, "extra")
    data = with_added_picks(request.POST, "extra") if request.method == "POST" else None
    form = DispatchForm(data, user=user)
    form.quiet = composing
    deliveries = list(delivery_list(user=user).filter(document=document).order_by("sent_at", "recipient_name", "id"))
    status = 200
    if data is not None and not composing and form.is_valid():
        before = {delivery.recipient_id for delivery in deliveries}
        try:
            result = document_dispatch(
                document=document,
                actor=user,
                channel=form.cleaned_data["channel"],
                extra_recipients=form.extra_organizations(),
            )
        except DomainError as exc:
            add_service_error(form, exc, ("channel",))
            status = exc.status_code
        else:
            _report_dispatch(request, [d.recipient_name for d in result.deliveries if d.recipient_id not in before])
            if result.not_delivered:
                messages.warning(
                    request,
                    _("Not delivered electronically, send these on paper: %(lines)s.")
                    % {"lines": "; ".join(result.not_delivered)},
                )
            return redirect(document_url(document.pk))
    recipients, free_text = dispatch_recipients(document, [])
    delivered = {delivery.recipient_id: delivery for delivery in deliveries}
    named = {organization.pk for organization in recipients}
    return render(
        request,
        f"{TEMPLATES}dispatch.html",
        {
            "document": document,
            "form": form,
            "rows": [(organization, delivered.get(organization.pk)) for organization in recipients],
            "new_count": sum(1 for organization in recipients if organization.pk not in delivered),
            "others": [delivery for delivery in deliveries if delivery.recipient_id not in named],
            "free_text": free_text,
            "picker": picker_context(
                request,
                name="extra",
                tokens=form.extra_tokens,
                errors=form["extra"].errors,
                label=_("Further recipients"),
                help_text=_("Organizations the document does not name; a group adds each of its members."),
            ),
        },
        status=status,
    )


def _report_dispatch(request: HttpRequest, names: list[str]) -> None:
    if not names:
        messages.info(request, _("Every recipient already has this document; nothing new was sent."))
        return
    messages.success(
        request,
        ngettext(
            "Sent to %(count)d organization: %(names)s.",
            "Sent to %(count)d organizations: %(names)s.",
            len(names),
        )
        % {"count": len(names), "names": "; ".join(names)},
    )


urlpatterns = [
    path("documents/new/", document_create, name="document-create"),
    path("documents/<id:pk>/edit/", document_edit, name="document-edit"),
    path("documents/<id:pk>/issue/", document_issue_view, name="document-issue"),
    path("documents/<id:pk>/dispatch/", document_dispatch_view, name="document-dispatch"),
]
