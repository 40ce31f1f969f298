"""What the clerk's pages share: who is asking, where a document's page is, the page that
says why something is refused, and the documents a clerk may act on (those they can see)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.views import refused
from recipients.models import User
from registry.models import Document
from registry.selectors import document_get

TEMPLATES = "registry/pages/clerk/"


def document_url(pk: int) -> str:
    """The document page (built alongside these pages; its path is fixed either way)."""
    try:
        return reverse("document-detail", args=[pk])
    except NoReverseMatch:
        return f"/documents/{pk}/"


def refuse(
    request: HttpRequest,
    message: str,
    *,
    status: int = 403,
    title: str | None = None,
    document: Document | None = None,
) -> HttpResponse:
    """A page that says plainly why the user cannot do this here (403), or why it cannot be done
    to this document in its present state (409)."""
    back_url = document_url(document.pk) if document is not None else ""
    return refused(
        request, message, status=status, title=title, back_url=back_url, back_label=_("Back to the document")
    )


def is_clerk(user: User) -> bool:
    return user.is_admin or user.is_clerk


def not_a_clerk(request: HttpRequest) -> HttpResponse:
    return refuse(request, _("These pages are for the clerks (văn thư) who keep the registers."))


def visible_document(user: User, pk: int) -> Document:
    """The document (with its register and owner) if the user may see it, else a 404."""
    try:
        return document_get(user=user, pk=pk, detail=False)
    except NotFound as exc:
        raise Http404(exc.message) from None
