"""Search and the document page, for every signed-in user.

Both read through the selectors, so a user finds and opens exactly the
documents the API would give them: their organization's and those sent or
addressed to it, never a document above their clearance. The search is the
API's (registry.filters.DocumentFilter over registry.selectors.document_list):
diacritic-insensitive, best match first.
"""

import functools
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from core.errors import NotFound
from core.models import AuditEvent
from core.pagination import CountingPaginator
from core.users import request_user
from dispatch.models import Channel, Obligation
from dispatch.selectors import attach_counts, delivery_list, obligation_list
from dispatch.views import record
from recipients.models import User
from registry.filters import DocumentFilter
from registry.history import document_history
from registry.models import Confidentiality, Direction, Document, DocumentStatus
from registry.permissions import is_register_clerk
from registry.search import search_words
from registry.selectors import document_get, document_list, documents_in_order, visible_linked_documents
from registry.services.access import Access, document_access_record
from registry.views.documents_forms import DocumentSearchForm

DOCUMENTS_PER_PAGE = 25
HISTORY_PER_PAGE = 20
# A value in the history longer than this is shortened (a whole body, say).
HISTORY_VALUE_CHARS = 200

# The ids of the page's parts that htmx replaces: the results alone, or the
# whole search (form and results) when the form has to show its errors.
RESULTS_TARGET = "results"
SEARCH_TARGET = "search"

TEMPLATES = "registry/pages/documents"
SENT_STATUSES = (DocumentStatus.ISSUED, DocumentStatus.DISPATCHED)


# --- Search -----------------------------------------------------------------


@require_safe
@login_required
@vary_on_headers("HX-Request", "HX-Target")
def documents(request: HttpRequest) -> HttpResponse:
    """The documents the user may see, filtered and searched; 25 a page."""
    user = request_user(request)
    form = DocumentSearchForm(request.GET)
    page = None
    if form.is_valid():
        # The list shows no addressees, distribution, references or files: none of their prefetches.
        filterset = DocumentFilter(form.filter_data(), queryset=document_list(user=user, lines=False), request=request)
        if filterset.is_valid():
            # A search ranks everything it finds anyway: its count comes with the page (core.pagination).
            if form.cleaned_data.get("q"):
                paginator: Paginator[Document] = CountingPaginator(
                    filterset.qs, DOCUMENTS_PER_PAGE, rows_by_id=functools.partial(documents_in_order, lines=False)
                )
            else:
                paginator = Paginator(filterset.qs, DOCUMENTS_PER_PAGE)
            page = paginator.get_page(request.GET.get("page"))
        else:
            for name, errors in filterset.errors.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
    q = form.cleaned_data.get("q", "")
    context = {
        "form": form,
        "page": page,
        "q": q,
        "words": search_words(q) if q else [],
        "has_filters": page is not None and form.has_filters,
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        if form.errors or htmx.target == SEARCH_TARGET:
            # The form shows its errors (or drops them once put right): the whole search is redrawn.
            response = render(request, f"{TEMPLATES}/_search.html", context)
            if htmx.target != SEARCH_TARGET:
                response = reswap(retarget(response, f"#{SEARCH_TARGET}"), "outerHTML")
            return response
        if htmx.target == RESULTS_TARGET:
            return render(request, f"{TEMPLATES}/_results.html", context)
    return render(request, f"{TEMPLATES}/list.html", context)


# --- The document page --------------------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Detail:
    label: str
    value: str


@dataclass(frozen=True)
class HistoryRow:
    event: AuditEvent
    label: str
    about: str
    changes: list[Change]
    details: list[Detail]


ACTION_LABELS: dict[str, Promise] = {
    "document.create_draft": _("Draft created"),
    "document.update": _("Details changed"),
    "document.issue": _("Issued and numbered"),
    "document.attach": _("File attached"),
    "document.withdraw": _("Withdrawn"),
    "document.dispatch": _("Dispatched"),
    "document.deliver": _("Sent to recipients"),
    "document.register_incoming": _("Registered as received"),
    "document.viewed": _("Opened (confidential document)"),
    "document.downloaded": _("Downloaded (confidential document)"),
    "delivery.receive": _("Receipt acknowledged"),
    "delivery.register": _("Registered by the recipient"),
    "obligation.create": _("Reporting obligation created"),
    "obligation.update": _("Reporting obligation changed"),
    "obligation.add_organizations": _("Organizations added to the reporting obligation"),
    "assignment.set_due_date": _("Own due date set"),
    "submission.create": _("Report submitted"),
    "submission.accepted": _("Report accepted"),
    "submission.returned": _("Report returned for revision"),
}

DETAIL_LABELS: dict[str, Promise] = {
    "name": _("File"),
    "size": _("Size"),
    "format": _("Format"),
    "reason": _("Reason"),
    "channel": _("Channel"),
    "recipients": _("Recipients"),
    "arrival_number": _("Arrival number"),
    "version": _("Version"),
    "files": _("Files"),
    "on_paper": _("Received on paper"),
    "organizations": _("Organizations"),
    "notation": _("Number and notation"),
    "confidentiality": _("Confidentiality"),
    "document": _("Document"),
    "duplicate_confirmed": _("Registered despite a possible duplicate"),
}
# Internal references that mean nothing to a reader (ids, checksums).
HIDDEN_DETAILS = {"attachment", "sha256", "obligation"}
DETAIL_CHOICES: dict[str, Any] = {"channel": Channel, "confidentiality": Confidentiality}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a field the model no longer has is shown by its name
        return None


def _field_label(model: type[models.Model] | None, name: str) -> str:
    field = _field(model, name)
    label = getattr(field, "verbose_name", None)
    if label is None and field is not None and getattr(field, "related_model", None) is not None:
        label = field.related_model._meta.verbose_name_plural
    text = str(label) if label else name.replace("_", " ")
    return text[:1].upper() + text[1:]


def _readable(value: Any, choices: dict[Any, Any] | None = None) -> str:
    """A recorded value as a person reads it: dates dd/mm/yyyy, choices by their label, "—" for nothing."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, dict):
        return str(value.get("repr") or value.get("id") or "—")
    if isinstance(value, list):
        return "; ".join(_readable(item, choices) for item in value)
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, str):
        if _ISO_DATE.match(value) and (day := parse_date(value)):
            return day.strftime("%d/%m/%Y")
        if _ISO_DATETIME.match(value) and (moment := parse_datetime(value)):
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%H:%M %d/%m/%Y")
        return Truncator(value).chars(HISTORY_VALUE_CHARS)
    return str(value)


def _history_row(event: AuditEvent) -> HistoryRow:
    model = event.content_type.model_class() if event.content_type else None
    changes = []
    for name, change in (event.changes or {}).items():
        field = _field(model, name)
        choices = dict(field.flatchoices) if getattr(field, "choices", None) else None
        before, after = (change.get("before"), change.get("after")) if isinstance(change, dict) else (None, change)
        changes.append(Change(_field_label(model, name), _readable(before, choices), _readable(after, choices)))
    details = []
    for name, value in (event.data or {}).items():
        if name in HIDDEN_DETAILS:
            continue
        if name == "size" and isinstance(value, int):
            shown = str(filesizeformat(value))
        else:
            kind = DETAIL_CHOICES.get(name)
            shown = _readable(value, dict(kind.choices) if kind else None)
        label = DETAIL_LABELS.get(name)
        details.append(Detail(str(label) if label else name.replace("_", " "), shown))
    # Events about a delivery, an obligation or a report say which one.
    about = "" if model is Document else event.object_repr
    return HistoryRow(
        event=event,
        label=str(ACTION_LABELS.get(event.action, event.action)),
        about=about,
        changes=changes,
        details=details,
    )


@dataclass(frozen=True)
class Actions:
    """What the user may do with the document from its page (the services check again)."""

    edit: bool = False
    issue: bool = False
    dispatch: bool = False
    create_obligations: bool = False

    @property
    def any(self) -> bool:
        return self.edit or self.issue or self.dispatch or self.create_obligations


def _actions(user: User, document: Document) -> Actions:
    if document.direction != Direction.OUTGOING or not is_register_clerk(user, document.register):
        return Actions()
    draft = document.status == DocumentStatus.DRAFT
    sent = document.status in SENT_STATUSES
    return Actions(edit=draft, issue=draft, dispatch=sent, create_obligations=sent)


@require_safe
@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one document the user may see; any other is a 404."""
    user = request_user(request)
    try:
        document = document_get(user=user, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from None
    document_access_record(document=document, actor=user, kind=Access.VIEWED)

    deliveries = []
    obligations: list[Obligation] = []
    if document.direction == Direction.OUTGOING and document.status != DocumentStatus.DRAFT:
        deliveries = list(delivery_list(user=user).filter(document=document).order_by("recipient_name", "id"))
        obligations = list(obligation_list(user=user).filter(document=document).order_by("due_on", "id"))
        attach_counts(obligations, user=user)

    history = Paginator(document_history(document, reader=user).select_related("actor"), HISTORY_PER_PAGE).get_page(
        request.GET.get("history_page")
    )

    references = list(document.references.all())
    targets = visible_linked_documents([document], user=user)
    return render(
        request,
        f"{TEMPLATES}/detail.html",
        {
            "document": document,
            "actions": _actions(user, document),
            "addressees": list(document.addressees.all()),
            "distribution": list(document.distribution.all()),
            "references": [(reference, reference.target_id in targets) for reference in references],
            "attachments": list(document.attachments.all()),
            "deliveries": deliveries,
            "obligation_rows": [(obligation, record(obligation)) for obligation in obligations],
            "history": history,
            "history_rows": [_history_row(event) for event in history],
            "signer_authority": [part.strip() for part in document.signer_authority.split(" / ") if part.strip()],
            "is_incoming": document.direction == Direction.INCOMING,
            "original_visible": document.original_id is not None and document.original_id in targets,
        },
    )


urlpatterns: list[URLPattern] = [
    path("documents/", documents, name="documents"),
    path("documents/<id:pk>/", document_detail, name="document-detail"),
]
